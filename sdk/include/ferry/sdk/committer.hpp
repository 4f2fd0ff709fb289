// Committers land one object each: on its engine when the commission rules say so, in the
// destination (a remote system, or ferry's catalog), then as ferry's record of it in the host's
// workspace. A destination plugin (destination.hpp) hands out one per object kind. Committing the
// same object twice must leave one object, not two, also after a reply that was lost.
#pragma once

#include <string>
#include <vector>

#include "ferry/sdk/diagnostic.hpp"
#include "ferry/sdk/engine.hpp"
#include "ferry/sdk/object.hpp"
#include "ferry/sdk/plugin.hpp"

namespace ferry::sdk {

// ferry's record of the destination workspace, provided by the host (backed by the catalog).
class FERRY_SDK_EXPORT Workspace {
  public:
    virtual ~Workspace() = default;
    virtual std::string name() const = 0;
    // Finds an object; false when there is none (diagnostics get an error only on failure to ask).
    virtual bool find(ObjectKind kind, const std::string& name, ObjectRecord& out, Diagnostics& diags) = 0;
    // Inserts or replaces the object, bumping its version. False after adding an error.
    virtual bool put(const ObjectRecord& record, Diagnostics& diags) = 0;
};

struct CommitRequest {
    ObjectRecord object;                  // mapped already: owner, group, instance, dry-run, code
    Action action = Action::create;       // create or update
    Engine* engine = nullptr;             // the destination engine instance, or null
    bool commit_to_engine = false;        // the commission rule for this kind (and an engine exists)
    std::vector<std::string> statements;  // the planned statements for the engine
    std::string content_path;             // resources: a local file holding the bytes
    std::string resource_type;            // resources: file | jar | py | archive
    Workspace* workspace = nullptr;       // never null
    // Remote destinations: the id ferry recorded for this object when it last landed it (empty
    // when it never did), and whether the commission rule for its kind asks for it to be deployed
    // (published to the destination's scheduler), not only saved.
    std::string known_remote_id;
    bool deploy = false;
};

// One stage of a deployment (DataWorks: a pipeline run's stages, in order).
struct DeployStage {
    std::string code;     // "BUILD_PACKAGE", "PROD_CHECK", "PROD"...
    std::string name;
    std::string status;   // as the destination says it: "Success", "Fail"...
    std::string message;
};

struct CommitResponse {
    bool ok = false;
    std::string message;  // one line for the report
    Diagnostics diagnostics;
    // Remote destinations: where the object now is, and the deployment's stages when it ran one.
    std::string remote_id;
    std::string remote_version;
    std::vector<DeployStage> stages;
};

class FERRY_SDK_EXPORT Committer : public PluginObject {
  public:
    virtual CommitResponse commit(const CommitRequest& request) = 0;
};

}  // namespace ferry::sdk
