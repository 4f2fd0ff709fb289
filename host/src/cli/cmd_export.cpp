// `ferry export`: a workspace's objects as a SPEC package (a zip, or a folder kept in git).
#include <cstdlib>
#include <iostream>

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include "cli/command_line.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "export/exporter.hpp"
#include "task/report.hpp"
#include "task/task_config.hpp"

namespace ferry::host {
namespace po = boost::program_options;
using nlohmann::json;

int cmd_export(App& app, const Args& args) {
    po::options_description opts(
        "ferry export --workspace W -o OUT.zip|DIR/ [--mode full|incremental --since REVISION|TIME] "
        "[--objects GLOB...] [--name TASK] [--catalog URI] [--json]");
    opts.add_options()("workspace", po::value<std::string>(), "the workspace to export")(
        "output,o", po::value<std::string>(), "a zip file, or a folder (ending in '/', or one that exists)")(
        "mode", po::value<std::string>()->default_value("full"), "full: every object; incremental: what changed since")(
        "since", po::value<std::string>(), "incremental: a workspace revision (a previous export printed it) or an "
                                           "ISO-8601 UTC time")(
        "objects", po::value<std::vector<std::string>>()->multitoken(),
        "only objects whose names match these globs (KIND:GLOB for one kind, e.g. node:ods_*)")(
        "name", po::value<std::string>(), "the export task's name (default export.<workspace>.<time>)")(
        "catalog", po::value<std::string>(), "catalog URI (default: FERRY_CATALOG, else the embedded one)")(
        "json", "print one JSON document");
    po::variables_map vm;
    if (int rc = parse_command(
            args, opts, {}, vm,
            "Writes the workspace's objects as a SPEC package, the layout `ferry check` and `ferry import` read:\n"
            "SPEC.FORMAT, DataStudio/... (one .schedule.json and one code file per node, workflows with\n"
            "their inner nodes, resources with their bytes, tables, functions), DataSource/....\n"
            "A folder output is written deterministically (stable names, canonical JSON): exporting an\n"
            "unchanged workspace again changes no byte. A full export into a folder removes what the\n"
            "workspace no longer holds below DataStudio/ and DataSource/.\n"
            "Exit 0 when the package is written, 1 when the export failed, 2 on bad usage.");
        rc >= 0)
        return rc;
    const bool as_json = vm.count("json") != 0;
    ExportOptions o;
    o.workspace = option(vm, "workspace");
    o.output = option(vm, "output");
    o.task_name = option(vm, "name");
    if (vm.count("objects")) o.objects = vm["objects"].as<std::vector<std::string>>();
    if (const char* u = std::getenv("USER"); u && *u) o.created_by = u;
    sdk::Diagnostics diags;
    const std::string mode = option(vm, "mode");
    if (mode != "full" && mode != "incremental")
        diags.error("FERRY-EXPORT-USAGE", "--mode is full or incremental, not '" + mode + "'", "", "");
    o.incremental = mode == "incremental";
    if (vm.count("since")) {
        const std::string since = option(vm, "since");
        if (!since.empty() && since.find_first_not_of("0123456789") == std::string::npos) {
            try {
                o.since_revision = std::stoll(since);
            } catch (...) {
                diags.error("FERRY-EXPORT-USAGE", "--since '" + since + "' is too large a revision", "", "");
            }
        } else {
            o.since_time = since;
        }
    }
    if (diags.has_errors() || !check_export_options(o, diags)) {
        fail_with(diags, as_json);
        return kExitUsage;
    }
    auto cat = catalog::Catalog::open(choose_catalog(option(vm, "catalog"), ""), diags);
    if (!cat) return fail_with(diags, as_json);
    ExportResult r;
    const bool ok = run_export(app.registry(), *cat, o, r, diags);
    json counts = json::object();
    for (const auto& [k, n] : r.counts) counts[k] = n;
    if (as_json) {
        std::cout << json{{"ok", ok},
                          {"task", r.task},
                          {"path", r.path},
                          {"folder", r.folder},
                          {"sha256", r.sha256},
                          {"size", r.size},
                          {"revision", r.revision},
                          {"objects", counts},
                          {"skipped", r.skipped},
                          {"files", {{"written", r.files_written}, {"unchanged", r.files_unchanged}, {"removed", r.files_removed}}},
                          {"diagnostics", diagnostics_json(diags)}}
                         .dump(2)
                  << "\n";
    } else {
        print_diagnostics(std::cerr, diags);
        if (ok) std::cout << render_report_text(json::parse(r.report, nullptr, false));
    }
    if (ok) return kExitOk;
    for (const auto& d : diags.items())
        if (d.code == "FERRY-EXPORT-WORKSPACE") return kExitUsage;
    return exit_code_for(diags);
}

}  // namespace ferry::host
