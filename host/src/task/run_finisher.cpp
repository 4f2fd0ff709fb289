#include "task/run_finisher.hpp"

#include <csignal>
#include <cstdlib>
#include <cstring>

#include "task/report.hpp"
#include "task/unchanged_rerun.hpp"

namespace ferry::host {

namespace {
// The crash tests' fault hook for this step: FERRY_FAULT_KILL_AT=finish dies inside the open
// transaction, after every statement and before the commit.
void maybe_die(const char* point) {
    const char* at = std::getenv("FERRY_FAULT_KILL_AT");
    if (at && std::strcmp(at, point) == 0) ::raise(SIGKILL);
}
}  // namespace

bool finish_run(catalog::Catalog& catalog, const PluginRegistry& registry, const TaskConfig& task,
                catalog::Task& row, const RunEnding& ending, sdk::Diagnostics& diags) {
    maybe_die("before-finish");
    sdk::Diagnostics d;
    catalog::Transaction tx(catalog, d);
    row.state = ending.state;
    row.finished_at = catalog::now_iso8601_utc();
    bool ok = tx.active();
    if (ok) {
        static const sdk::Diagnostics none;
        const auto counts = catalog.count_journal(task.name, d);
        row.report = build_report(row, counts, task, ending.package_format,
                                  ending.run_diagnostics ? *ending.run_diagnostics : none)
                         .dump();
        ok = !d.has_errors() && catalog.update_task(row, d);
    }
    // What a later run of the same task compares against to skip an import that would change nothing.
    if (ok && ending.state == catalog::task_state::import_success) {
        const std::int64_t revision = catalog.workspace_revision(task.workspace, d);
        ok = !d.has_errors() &&
             catalog.set_run_digest(task.name, run_digest(registry, task, ending.package_sha256, revision), d);
    }
    if (ok) {
        catalog.release_lock(task.workspace, task.name, d);
        ok = !d.has_errors();
    }
    maybe_die("finish");
    ok = ok && tx.commit(d);
    if (!ok) {
        tx.rollback();
        diags.append(d);
        diags.error("FERRY-TASK-FINISH", "task '" + task.name + "' could not be ended in the catalog",
                    "its objects are journaled: `ferry reimport " + task.name + "` finishes it", task.name);
    }
    return ok;
}

}  // namespace ferry::host
