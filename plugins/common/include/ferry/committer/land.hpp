// The steps every destination's committers share.
//
// engine_step lands an object on its engine when the commission rules say so: statements for tables
// and functions, an upload for resources. Engine statements are idempotent by construction (IF NOT
// EXISTS, or DROP and CREATE for overwrite), so a step repeated after a crash leaves one object,
// not two. The ferry catalog destination then only records the object (Lander); a remote
// destination lands it remotely first.
#pragma once

#include <string>

#include "ferry/sdk/committer.hpp"

namespace ferry::committer {

enum class EngineStep { none, statements, upload };

// Runs the engine step of `req`; false (with `resp` saying why) when the engine refused. `where`
// gains what happened on the engine, for the report's one line.
inline bool engine_step(const sdk::CommitRequest& req, EngineStep step, sdk::CommitResponse& resp, std::string& where) {
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
            return false;
        }
        where = (req.action == sdk::Action::update ? "replaced on " : "created on ") + req.object.engine_instance +
                (where.empty() ? "" : " and " + where);
    } else if (step != EngineStep::none && !req.object.engine_instance.empty()) {
        where += " (not committed to " + req.object.engine_instance + ": commission rule off)";
    }
    return true;
}

// Stores ferry's record of the object (the host verifies it afterwards).
inline bool record(const sdk::CommitRequest& req, const sdk::ObjectRecord& object, sdk::CommitResponse& resp) {
    if (req.workspace->put(object, resp.diagnostics)) return true;
    resp.message = "the workspace could not store it";
    return false;
}

// The ferry catalog as the destination: the engine step, then the record is the object.
inline sdk::CommitResponse land(const sdk::CommitRequest& req, EngineStep step) {
    sdk::CommitResponse resp;
    std::string where = "saved in workspace " + req.workspace->name();
    if (!engine_step(req, step, resp, where) || !record(req, req.object, resp)) return resp;
    resp.ok = true;
    resp.message = where;
    return resp;
}

template <EngineStep Step>
class Lander : public sdk::Committer {
  public:
    sdk::CommitResponse commit(const sdk::CommitRequest& request) override { return land(request, Step); }
};

// What each kind does on its engine.
inline EngineStep engine_step_of(sdk::ObjectKind kind) {
    switch (kind) {
        case sdk::ObjectKind::table:
        case sdk::ObjectKind::function: return EngineStep::statements;
        case sdk::ObjectKind::resource: return EngineStep::upload;
        default: return EngineStep::none;
    }
}

}  // namespace ferry::committer
