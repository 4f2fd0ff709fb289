// Commit means deploy: an object is published to DataWorks' scheduler through a pipeline run
// (CreatePipelineRun Online), whose stages run in order. A stage that waits (Init) is started with
// ExecPipelineRunStage; one that runs by itself (the build) is waited for. Stages are read from the
// server, never assumed: their codes differ by workspace mode.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "api_client.hpp"
#include "ferry/sdk/committer.hpp"

namespace ferry::dataworks {

struct DeployOptions {
    std::chrono::seconds timeout{900};                 // the whole run
    std::chrono::milliseconds poll{300};               // between reads of the run, growing to 3 s
};

// Runs the deployment of `object_id` to the end. False after an error naming the stage that failed
// (FERRY-DW-DEPLOY) or the timeout (FERRY-DW-DEPLOY-TIMEOUT); `stages` holds what the server said.
bool deploy(ApiClient& api, const std::string& object_id, const std::string& what, const DeployOptions& options,
            std::vector<sdk::DeployStage>& stages, sdk::Diagnostics& diags);

}  // namespace ferry::dataworks
