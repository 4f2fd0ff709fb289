// `ferry queue` stores a task as QUEUED; `ferry worker` claims QUEUED tasks from a shared catalog
// and imports them. Any number of workers, on any number of hosts, may serve one PostgreSQL
// catalog: the claim (row lock with SKIP LOCKED plus the workspace lock, in one transaction)
// hands each task to exactly one worker and never two tasks of one workspace at once.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <iostream>
#include <thread>

#include <boost/program_options.hpp>

#include "cli/command_line.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "ferry/catalog/catalog.hpp"
#include "task/workspace_lock.hpp"
#include "task/importer.hpp"
#include "task/task_config.hpp"
#include "task/task_service.hpp"

namespace ferry::host {
namespace po = boost::program_options;

namespace {

namespace state = catalog::task_state;

// Set by SIGTERM/SIGINT: the worker finishes the task in hand, then leaves.
std::atomic<bool> g_stop{false};
void on_stop_signal(int) { g_stop = true; }

// Runs one claimed task. The claim already set it IMPORTING and locked its workspace with our
// holder id, which Importer::run accepts as its own lock. A task that cannot even start is ended
// IMPORT_ERROR with its lock released, so it neither blocks its workspace nor is retried forever.
void run_claimed(const PluginRegistry& registry, catalog::Catalog& cat, const catalog::Task& claimed) {
    const auto stamp = [] { return catalog::now_iso8601_utc(); };
    std::cout << stamp() << " claimed " << claimed.name << " (workspace " << printable(claimed.workspace) << ")" << std::endl;
    // The claim's lock is renewed while the package is read, before the importer takes it over.
    HeldLock claim_lock(cat, claimed.workspace, claimed.name, this_holder());
    sdk::Diagnostics diags;
    catalog::Task row;
    TaskConfig task;
    LoadedPackage package;
    Plan plan;
    RunResult result;
    result.refused = true;
    if (load_stored_task(registry, cat, claimed.name, row, task, diags) &&
        prepare_task(registry, task, cat, package, plan, diags)) {
        Importer importer(registry, cat, task);
        result = importer.run(package, plan, false, nullptr, diags);
        diags.append(plan.diagnostics);
    }
    if (result.refused) {
        sdk::Diagnostics d;
        if (auto t = cat.get_task(claimed.name, d)) {
            t->state = state::import_error;
            t->finished_at = stamp();
            cat.update_task(*t, d);
        }
        cat.release_lock(claimed.workspace, claimed.name, d);
        diags.append(d);
        result.state = state::import_error;
    }
    print_diagnostics(std::cerr, diags);
    std::cout << stamp() << " finished " << claimed.name << ": " << result.state << std::endl;
}

}  // namespace

int cmd_queue(App& app, const Args& args) {
    po::options_description opts("ferry queue TASK.toml [--catalog URI]");
    opts.add_options()("catalog", po::value<std::string>(), "catalog URI (default: the task's, else FERRY_CATALOG)");
    po::variables_map vm;
    if (int rc = parse_command(args, opts, {"config"}, vm,
                               "Stores the task as QUEUED for a `ferry worker` to claim and import.");
        rc >= 0)
        return rc;
    sdk::Diagnostics diags;
    TaskConfig task;
    if (!load_task_config(vm["config"].as<std::string>(), app.registry(), task, diags)) return fail_with(diags, false);
    const std::string flag = vm.count("catalog") ? vm["catalog"].as<std::string>() : "";
    auto cat = catalog::Catalog::open(choose_catalog(flag, task.catalog), diags);
    if (!cat) return fail_with(diags, false);
    // Created in EDITING, then moved to QUEUED: a worker never sees a half-written row.
    if (!create_task_row(*cat, task, task.importer, diags) ||
        !cat->update_task_state(task.name, state::queued, diags, std::string(state::editing)))
        return fail_with(diags, false);
    std::cout << "Queued task " << task.name << " for workspace " << printable(task.workspace) << " in " << cat->display_uri()
              << "\n";
    return kExitOk;
}

int cmd_worker(App& app, const Args& args) {
    po::options_description opts("ferry worker [--catalog URI] [--once] [--poll SECONDS]");
    opts.add_options()("catalog", po::value<std::string>(), "catalog URI (default: FERRY_CATALOG, else the embedded one)")(
        "once", "import every task that is queued now, then exit")(
        "poll", po::value<double>()->default_value(2.0), "seconds to wait when no task is free")(
        "help,h", "show this help");
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(opts).run(), vm);
    po::notify(vm);
    if (vm.count("help")) {
        std::cout << opts
                  << "\nClaims QUEUED tasks (oldest first, never two of one workspace at once) and imports them.\n"
                     "Run as many workers as you like against one PostgreSQL catalog. SIGTERM or SIGINT ends\n"
                     "the worker after the task in hand.\n";
        return kExitOk;
    }
    const double poll = vm["poll"].as<double>();
    if (poll < 0) {
        std::cerr << "error[FERRY-USAGE]: --poll must be zero or more seconds\n";
        return kExitUsage;
    }
    sdk::Diagnostics diags;
    const std::string flag = vm.count("catalog") ? vm["catalog"].as<std::string>() : "";
    auto cat = catalog::Catalog::open(choose_catalog(flag, ""), diags);
    if (!cat) return fail_with(diags, false);

    std::signal(SIGTERM, on_stop_signal);
    std::signal(SIGINT, on_stop_signal);
    // The holder id is this process (host:pid): the importer then takes the claim's lock as its
    // own, and a reimport can tell a dead worker's task from a live one.
    const std::string holder = this_holder();
    std::cout << "worker " << holder << " on " << cat->display_uri() << std::endl;
    const bool once = vm.count("once") != 0;
    int errors_in_a_row = 0;
    while (!g_stop) {
        sdk::Diagnostics d;
        auto claimed = cat->claim_next_queued_task(holder, d);
        if (d.has_errors()) {
            // A catalog that went away (restart, failover) is waited for, not fatal, unless it stays away.
            print_diagnostics(std::cerr, d);
            if (++errors_in_a_row >= 30) return kExitFailed;
        } else {
            errors_in_a_row = 0;
        }
        if (claimed) {
            run_claimed(app.registry(), *cat, *claimed);
            continue;
        }
        if (once && !d.has_errors()) break;
        std::this_thread::sleep_for(std::chrono::duration<double>(poll > 0 ? poll : 0.05));
    }
    return kExitOk;
}

}  // namespace ferry::host
