// `ferry unlock WORKSPACE`: breaks a workspace's import lock by hand, when its holder is known to be
// gone and waiting for the lease to run out is not an option (docs/catalog.md, "Locks").
#include <iostream>

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include "cli/command_line.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "ferry/catalog/catalog.hpp"
#include "task/task_config.hpp"
#include "task/workspace_lock.hpp"

namespace ferry::host {
namespace po = boost::program_options;

int cmd_unlock(App&, const Args& args) {
    po::options_description opts("ferry unlock WORKSPACE [--catalog URI] [--json]");
    opts.add_options()("catalog", po::value<std::string>(), "catalog URI (default: FERRY_CATALOG, else the embedded one)")(
        "json", "print one JSON document");
    po::variables_map vm;
    if (int rc = parse_command(
            args, opts, {"workspace"}, vm,
            "Breaks the import lock of a workspace, whoever holds it, and says what it broke.\n"
            "A lock whose holder died on this host, or whose lease ran out (FERRY_LOCK_LEASE_SECONDS,\n"
            "default 120), is broken by the next import anyway; this is for the rest. An importer\n"
            "that still runs stops at its next heartbeat; `ferry reimport TASK` finishes its task.\n"
            "Exit 0 when a lock was broken, 1 when there was none, 2 on bad usage.");
        rc >= 0)
        return rc;
    const bool as_json = vm.count("json") != 0;
    const std::string workspace = option(vm, "workspace");
    sdk::Diagnostics diags;
    auto cat = catalog::Catalog::open(choose_catalog(option(vm, "catalog"), ""), diags);
    const bool ok = cat && unlock_workspace(*cat, workspace, diags);
    if (as_json) {
        std::cout << nlohmann::json{{"ok", ok}, {"workspace", workspace}, {"diagnostics", diagnostics_json(diags)}}.dump(2)
                  << "\n";
    } else {
        print_diagnostics(std::cerr, diags);
        if (ok) std::cout << "Unlocked workspace " << workspace << ".\n";
    }
    return ok ? kExitOk : exit_code_for(diags);
}

}  // namespace ferry::host
