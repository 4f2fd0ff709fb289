// Committer plugins: one per object kind (node, resource, table, function). Given the planned action
// for one object, a committer lands it: on the engine when the commission rules say so, and in the
// destination workspace. Committing the same object twice must leave one object, not two.
#pragma once

#include <string>
#include <vector>

#include "ferry/sdk/diagnostic.hpp"
#include "ferry/sdk/engine.hpp"
#include "ferry/sdk/object.hpp"
#include "ferry/sdk/plugin.hpp"

namespace ferry::sdk {

// The destination workspace, provided by the host (backed by the catalog).
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
};

struct CommitResponse {
    bool ok = false;
    std::string message;  // one line for the report
    Diagnostics diagnostics;
};

class FERRY_SDK_EXPORT Committer : public PluginObject {
  public:
    virtual CommitResponse commit(const CommitRequest& request) = 0;
};

}  // namespace ferry::sdk
