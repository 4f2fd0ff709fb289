// Lands one object in a DataWorks workspace: looks it up first when ferry holds no id for it (a
// reply lost in an earlier run may have created it), creates or updates it with the Spec written
// from ferry's document, reads its change marker back, deploys it when the commission rule says
// so, then records it (with its DataWorks id) in ferry's catalog. A create whose reply is lost is
// never sent again blindly: the object is looked up, and updated when it is there.
#pragma once

#include <chrono>
#include <string>

#include "api_client.hpp"
#include "deploy.hpp"
#include "ferry/sdk/committer.hpp"
#include "resource_staging.hpp"

namespace ferry::dataworks {

// What every committer of one destination shares.
struct Remote {
    explicit Remote(ApiSettings settings) : api(std::move(settings)) {}
    ApiClient api;
    ResourceStaging staging;
    DeployOptions deploy;
    std::chrono::seconds job_timeout{600};  // an ImportWorkflowDefinition job
    std::string scene = "DATAWORKS_PROJECT";
    std::string describe;                   // "DataWorks workspace 123456 at https://..."
};

class RemoteCommitter : public sdk::Committer {
  public:
    RemoteCommitter(Remote& remote, sdk::ObjectKind kind) : remote_(remote), kind_(kind) {}
    sdk::CommitResponse commit(const sdk::CommitRequest& request) override;

  private:
    Remote& remote_;
    sdk::ObjectKind kind_;
};

}  // namespace ferry::dataworks
