// The one step every committer takes: land the object on its engine when the commission rules say
// so, then store it in the destination workspace. Engine statements are idempotent by
// construction (IF NOT EXISTS, or DROP and CREATE for overwrite), so a step repeated after a crash
// leaves one object, not two.
#pragma once

#include <string>

#include "ferry/sdk/committer.hpp"

namespace ferry::committer {

enum class EngineStep { none, statements, upload };

inline sdk::CommitResponse land(const sdk::CommitRequest& req, EngineStep step) {
    sdk::CommitResponse resp;
    std::string where = "saved in workspace " + req.workspace->name();
    if (step != EngineStep::none && req.commit_to_engine && req.engine) {
        sdk::ApplyRequest apply;
        apply.kind = req.object.kind;
        apply.name = req.object.name;
        if (step == EngineStep::statements) apply.statements = req.statements;
        if (step == EngineStep::upload) {
            apply.resource_path = req.content_path;
            apply.resource_type = req.resource_type;
        }
        sdk::ApplyResponse applied = req.engine->apply(apply);
        if (!applied.applied || applied.diagnostics.has_errors()) {
            resp.diagnostics = applied.diagnostics;
            resp.message = "the engine instance " + req.object.engine_instance + " refused it";
            return resp;
        }
        where = (req.action == sdk::Action::update ? "replaced on " : "created on ") + req.object.engine_instance +
                " and " + where;
    } else if (step != EngineStep::none && !req.object.engine_instance.empty()) {
        where += " (not committed to " + req.object.engine_instance + ": commission rule off)";
    }
    if (!req.workspace->put(req.object, resp.diagnostics)) {
        resp.message = "the workspace could not store it";
        return resp;
    }
    resp.ok = true;
    resp.message = where;
    return resp;
}

// A committer is this step with a kind and what its engine does.
template <EngineStep Step>
class Lander : public sdk::Committer {
  public:
    sdk::CommitResponse commit(const sdk::CommitRequest& request) override { return land(request, Step); }
};

}  // namespace ferry::committer
