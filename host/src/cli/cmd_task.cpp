// Import tasks: plan, import, reimport, the task list and lifecycle, reports, and the objects of
// a destination workspace.
#include <unistd.h>

#include <cstdint>
#include <functional>

#include <filesystem>
#include <fstream>
#include <iostream>

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include "cli/command_line.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/plan_json.hpp"
#include "cli/progress.hpp"
#include "ferry/catalog/catalog.hpp"
#include "task/importer.hpp"
#include "task/planner.hpp"
#include "task/report.hpp"
#include "task/task_config.hpp"
#include "task/task_service.hpp"
#include "util/utf8.hpp"

namespace ferry::host {
namespace po = boost::program_options;
using nlohmann::json;

namespace {

namespace state = catalog::task_state;

std::unique_ptr<catalog::Catalog> open_catalog(const std::string& uri, sdk::Diagnostics& diags) {
    return catalog::Catalog::open(uri, diags);
}

std::string plan_summary_line(const Plan& plan) {
    return "create " + std::to_string(plan.count(sdk::Action::create)) + ", update " +
           std::to_string(plan.count(sdk::Action::update)) + ", unchanged " +
           std::to_string(plan.count(sdk::Action::unchanged)) + ", conflict " +
           std::to_string(plan.count(sdk::Action::conflict)) + ", fail " + std::to_string(plan.count(sdk::Action::fail));
}

void print_plan(const TaskConfig& task, const Plan& plan) {
    std::cout << "Plan for task " << task.name << " into workspace " << task.workspace << "\n  "
              << plan_summary_line(plan) << "\n\n";
    TextTable t({"KIND", "NAME", "ACTION", "ENGINE", "OWNER", "REASON"});
    for (const auto& o : plan.objects) {
        std::string reason = o.reason;
        for (const auto& n : o.notes) reason += "; " + n.summary;
        const std::string owner = o.owner_before == o.record.owner ? o.record.owner
                                                                   : o.owner_before + " -> " + o.record.owner;
        t.add({sdk::to_string(o.kind), o.name + (o.record.dry_run ? " (dry-run)" : ""), sdk::to_string(o.action),
               o.record.engine_instance.empty() ? "-" : o.record.engine_instance, owner.empty() ? "-" : owner, reason});
    }
    t.print(std::cout);
    // What an update or a conflict would change in the workspace, field by field (JSON pointer,
    // the workspace's value, the package's after the mappings).
    bool fields = false;
    for (const auto& o : plan.objects) {
        if (o.differences.empty()) continue;
        if (!fields) std::cout << "\nFields that differ from the workspace\n";
        fields = true;
        std::cout << "-- " << sdk::to_string(o.kind) << " " << printable(o.name) << " (" << sdk::to_string(o.action)
                  << ")\n";
        for (const auto& c : o.differences)
            std::cout << "   " << printable(c.path) << ": " << printable(c.before.empty() ? "(absent)" : c.before)
                      << " -> " << printable(c.after.empty() ? "(absent)" : c.after) << "\n";
    }
    // Every statement an engine will run, each object's in order (schema creation, DROP for
    // overwrite, CREATE...): ferry rendered them all, so this is the whole of what runs. Names and
    // strings inside come from the package: shown through printable(), lines kept.
    bool header = false;
    for (const auto& o : plan.objects) {
        if (o.statements.empty()) continue;
        if (!header) std::cout << "\nStatements for the engines\n";
        header = true;
        std::cout << "-- " << sdk::to_string(o.kind) << " " << printable(o.name) << " on "
                  << printable(o.record.engine_instance)
                  << (o.commit_to_engine ? "" : " (not committed: commission rule off)") << "\n";
        for (const auto& s : o.statements) std::cout << printable(s, true) << (s.empty() || s.back() == ';' ? "" : ";") << "\n";
    }
}

bool confirm(const TaskConfig& task, const Plan& plan) {
    std::cout << "Import into workspace " << task.workspace << ": " << plan_summary_line(plan) << ".\nProceed? [y/N] "
              << std::flush;
    std::string answer;
    std::getline(std::cin, answer);
    return answer == "y" || answer == "Y" || answer == "yes";
}

int finish_run(catalog::Catalog& cat, const std::string& name, const RunResult& result, bool as_json,
               const sdk::Diagnostics& diags) {
    sdk::Diagnostics d;
    auto task = cat.get_task(name, d);
    // Text output shows the summary only, so the journal's rows are read for --json alone.
    json report;
    if (task && !task->report.empty())
        report = as_json ? load_report(cat, *task, d) : json::parse(task->report, nullptr, false);
    if (as_json) {
        std::cout << json{{"ok", result.state == state::import_success},
                          {"state", result.state},
                          {"unchanged_rerun", result.unchanged_rerun},
                          {"report", report},
                          {"diagnostics", diagnostics_json(diags)}}
                         .dump(2)
                  << "\n";
    } else {
        print_diagnostics(std::cerr, diags);
        if (result.unchanged_rerun) {
            std::string line = kNothingChanged;  // the phrase each object's message ends with, as a sentence
            line[0] = 'N';
            std::cout << line << ": every object is unchanged.\n";
        }
        if (report.is_object()) std::cout << render_report_summary(report);
        // The catalog goes in the hint: without it `ferry report` would look in the default one.
        std::cout << "Full report: ferry report " << name << " --catalog " << cat.display_uri()
                  << " --format html -o " << name << ".html\n";
    }
    return result.state == state::import_success ? kExitOk : kExitFailed;
}

// Runs a loaded task (new, EDITING, or finished and run again).
int run_import(App& app, const TaskConfig& task, const std::string& catalog_uri, bool yes, bool as_json) {
    sdk::Diagnostics diags;
    auto cat = open_catalog(catalog_uri, diags);
    if (!cat) return fail_with(diags, as_json);
    bool declined = false;
    // Only a terminal is asked; with nobody to ask, the plan can be made while it is written.
    std::function<bool(const Plan&)> ask;
    if (!yes && !as_json && ::isatty(STDIN_FILENO) && ::isatty(STDOUT_FILENO))
        ask = [&](const Plan& plan) {
            if (confirm(task, plan)) return true;
            declined = true;
            return false;
        };
    auto progress = make_progress(as_json);
    RunResult result = import_task(app.registry(), *cat, task, ask, progress.get(), diags);
    if (declined) {
        std::cout << "Not imported.\n";
        return kExitFailed;
    }
    if (result.refused) return fail_with(diags, as_json);
    return finish_run(*cat, task.name, result, as_json, diags);
}

bool load_config(App& app, const std::string& path, TaskConfig& task, sdk::Diagnostics& diags) {
    return load_task_config(path, app.registry(), task, diags);
}

const char* const kCatalogHelp = "catalog URI (default: the task's, else FERRY_CATALOG, else the embedded one)";

}  // namespace

int cmd_plan(App& app, const Args& args) {
    po::options_description opts("ferry plan TASK.toml [--json] [--catalog URI]");
    opts.add_options()("json", "print one JSON document")("catalog", po::value<std::string>(), kCatalogHelp);
    po::variables_map vm;
    if (int rc = parse_command(args, opts, {"task"}, vm,
                       "Shows what an import would do to each object, and why; changes nothing.\n"
                       "Exit 0 when the task can run, 1 when it cannot, 2 on a config error.");
        rc >= 0)
        return rc;
    const bool as_json = vm.count("json") != 0;
    sdk::Diagnostics diags;
    TaskConfig task;
    if (!load_config(app, option(vm, "task"), task, diags)) return fail_with(diags, as_json);
    auto cat = open_catalog(choose_catalog(option(vm, "catalog"), task.catalog), diags);
    if (!cat) return fail_with(diags, as_json);
    LoadedPackage package;
    Plan plan;
    if (!prepare_task(app.registry(), task, *cat, package, plan, diags)) return fail_with(diags, as_json);
    diags.append(plan.diagnostics);
    if (as_json) {
        std::cout << plan_json(task, plan).dump(2) << "\n";
    } else {
        print_diagnostics(std::cerr, diags);
        print_plan(task, plan);
        if (plan.blocked()) std::cout << "\nThe task cannot run: fix the errors above (on stderr).\n";
    }
    return plan.blocked() ? kExitFailed : kExitOk;
}

int cmd_import(App& app, const Args& args) {
    po::options_description opts("ferry import TASK.toml [--yes] [--json] [--catalog URI]");
    opts.add_options()("yes,y", "do not ask to confirm")("json", "print one JSON document")(
        "catalog", po::value<std::string>(), kCatalogHelp);
    po::variables_map vm;
    if (int rc = parse_command(args, opts, {"task"}, vm,
                       "Runs an import task: a new one, one in EDITING, or a finished one again.\n"
                       "On a terminal it shows the plan's summary and asks to confirm unless --yes.\n"
                       "A task that succeeded, run again with nothing changed (settings, plugins, package,\n"
                       "workspace), is told at once: every object unchanged, nothing planned, no object written.\n"
                       "Exit 0 on IMPORT_SUCCESS, 1 on PARTIAL_SUCCESS or IMPORT_ERROR, 2 on a config error.");
        rc >= 0)
        return rc;
    const bool as_json = vm.count("json") != 0;
    sdk::Diagnostics diags;
    TaskConfig task;
    if (!load_config(app, option(vm, "task"), task, diags)) return fail_with(diags, as_json);
    return run_import(app, task, choose_catalog(option(vm, "catalog"), task.catalog), vm.count("yes") != 0, as_json);
}

int cmd_reimport(App& app, const Args& args) {
    po::options_description opts("ferry reimport NAME [--json] [--catalog URI]");
    opts.add_options()("json", "print one JSON document")("catalog", po::value<std::string>(), kCatalogHelp);
    po::variables_map vm;
    if (int rc = parse_command(args, opts, {"name"}, vm,
                       "Redoes what did not succeed in a task that ended IMPORT_ERROR or PARTIAL_SUCCESS, or\n"
                       "whose importing process died. Objects that succeeded are not touched again.");
        rc >= 0)
        return rc;
    const bool as_json = vm.count("json") != 0;
    sdk::Diagnostics diags;
    auto cat = open_catalog(choose_catalog(option(vm, "catalog"), ""), diags);
    if (!cat) return fail_with(diags, as_json);
    auto progress = make_progress(as_json);
    RunResult result = reimport_task(app.registry(), *cat, option(vm, "name"), progress.get(), diags);
    if (result.refused) return fail_with(diags, as_json);
    return finish_run(*cat, option(vm, "name"), result, as_json, diags);
}

int cmd_tasks(App& app, const Args& args) {
    po::options_description opts("ferry tasks [--json] [--catalog URI]");
    opts.add_options()("json", "print one JSON document")("catalog", po::value<std::string>(), kCatalogHelp);
    po::variables_map vm;
    if (int rc = parse_command(args, opts, {}, vm, "Lists import and export tasks with their state."); rc >= 0) return rc;
    const bool as_json = vm.count("json") != 0;
    sdk::Diagnostics diags;
    auto cat = open_catalog(choose_catalog(option(vm, "catalog"), ""), diags);
    if (!cat) return fail_with(diags, as_json);
    const auto tasks = cat->list_tasks(diags);
    if (diags.has_errors()) return fail_with(diags, as_json);
    if (as_json) {
        json arr = json::array();
        for (const auto& t : tasks)
            arr.push_back({{"name", t.name},         {"kind", t.kind.empty() ? "import" : t.kind},
                           {"workspace", t.workspace},     {"state", t.state},
                           {"package", t.package_path}, {"creator", t.created_by},   {"created_at", t.created_at},
                           {"started_at", t.started_at}, {"finished_at", t.finished_at}, {"remarks", t.remarks}});
        std::cout << json{{"tasks", arr}}.dump(2) << "\n";
        return kExitOk;
    }
    if (tasks.empty()) {
        std::cout << "No tasks in " << cat->display_uri() << ".\n";
        return kExitOk;
    }
    TextTable t({"NAME", "KIND", "STATE", "WORKSPACE", "PACKAGE", "CREATOR", "CREATED", "FINISHED"});
    for (const auto& row : tasks)
        t.add({row.name, row.kind.empty() ? "import" : row.kind, row.state, row.workspace, row.package_path.empty() ? "-" : row.package_path,
               row.created_by.empty() ? "-" : row.created_by, row.created_at,
               row.finished_at.empty() ? "-" : row.finished_at});
    t.print(std::cout);
    return kExitOk;
}

int cmd_task(App& app, const Args& args) {
    const std::string usage =
        "ferry task show NAME | create TASK.toml | edit NAME TASK.toml | delete NAME  [--catalog URI]";
    po::options_description opts(usage);
    opts.add_options()("catalog", po::value<std::string>(), kCatalogHelp)("json", "print one JSON document");
    po::variables_map vm;
    if (int rc = parse_command(args, opts, {"action", "first", "second"}, vm, "Manages import tasks.", 0); rc >= 0) return rc;
    const std::string action = option(vm, "action"), first = option(vm, "first"), second = option(vm, "second");
    if (action.empty() || first.empty() || (action == "edit" && second.empty())) {
        std::cerr << "error[FERRY-USAGE]: usage: " << usage << "\n";
        return kExitUsage;
    }
    sdk::Diagnostics diags;
    if (action == "create") {
        TaskConfig task;
        if (!load_config(app, first, task, diags)) return fail_with(diags, false);
        auto cat = open_catalog(choose_catalog(option(vm, "catalog"), task.catalog), diags);
        if (!cat) return fail_with(diags, false);
        if (!create_task_row(*cat, task, task.importer, diags)) return fail_with(diags, false);
        std::cout << "Created task " << task.name << " (EDITING). Run it with `ferry import " << first << "`.\n";
        return kExitOk;
    }
    auto cat = open_catalog(choose_catalog(option(vm, "catalog"), ""), diags);
    if (!cat) return fail_with(diags, false);
    auto row = require_task(*cat, first, diags);
    if (!row) return fail_with(diags, false);
    if (action == "show") {
        std::cout << "Task " << row->name << "\n  kind       " << (row->kind.empty() ? "import" : row->kind)
                  << "\n  state      " << row->state << "\n  workspace  " << row->workspace
                  << "\n  remarks    " << row->remarks << "\n  package    " << row->package_path << "\n  sha256     "
                  << row->package_sha256 << "\n  created    " << row->created_at << " by " << row->created_by
                  << "\n  started    " << row->started_at << "\n  finished   " << row->finished_at << "\n  config     "
                  << row->config_path << "\n\nSettings\n"
                  << row->settings << "\n";
        if (!row->report.empty()) {
            const json report = json::parse(row->report, nullptr, false);
            if (report.is_object()) std::cout << "Last run\n" << render_report_summary(report);
        }
        return kExitOk;
    }
    if (action == "edit") {
        TaskConfig task;
        if (!load_config(app, second, task, diags) || !edit_task_row(*cat, first, task, diags)) return fail_with(diags, false);
        std::cout << "Updated task " << first << ".\n";
        return kExitOk;
    }
    if (action == "delete") {
        if (!delete_task_row(*cat, first, diags)) return fail_with(diags, false);
        std::cout << "Deleted task " << first << ".\n";
        return kExitOk;
    }
    std::cerr << "error[FERRY-USAGE]: unknown task action '" << action << "'; usage: " << usage << "\n";
    return kExitUsage;
}

int cmd_report(App& app, const Args& args) {
    po::options_description opts("ferry report NAME [--format text|json|html] [-o FILE] [--catalog URI]");
    opts.add_options()("format", po::value<std::string>()->default_value("text"), "text, json or html")(
        "output,o", po::value<std::string>(), "write to FILE instead of stdout")("catalog", po::value<std::string>(),
                                                                              kCatalogHelp);
    po::variables_map vm;
    if (int rc = parse_command(args, opts, {"name"}, vm, "Prints a task's import report (its last run)."); rc >= 0) return rc;
    const std::string format = option(vm, "format");
    if (format != "text" && format != "json" && format != "html") {
        std::cerr << "error[FERRY-USAGE]: --format must be text, json or html\n";
        return kExitUsage;
    }
    sdk::Diagnostics diags;
    auto cat = open_catalog(choose_catalog(option(vm, "catalog"), ""), diags);
    if (!cat) return fail_with(diags, false);
    auto row = require_task(*cat, option(vm, "name"), diags);
    if (!row) return fail_with(diags, false);
    if (row->report.empty()) {
        diags.error("FERRY-TASK-NO-REPORT", "task '" + row->name + "' has not run yet (" + row->state + ")",
                    "run it with `ferry import`", row->name);
        return fail_with(diags, false);
    }
    const json report = load_report(*cat, *row, diags);
    if (report.is_null()) return fail_with(diags, false);
    const std::string text = format == "json"   ? report.dump(2) + "\n"
                             : format == "html" ? render_report_html(report)
                                                : render_report_text(report);
    if (vm.count("output")) {
        std::ofstream out(option(vm, "output"), std::ios::binary);
        out << text;
        if (!out) {
            std::cerr << "error[FERRY-REPORT-WRITE]: cannot write " << option(vm, "output") << "\n";
            return kExitFailed;
        }
        std::cerr << "wrote " << option(vm, "output") << "\n";
    } else {
        std::cout << text;
    }
    return kExitOk;
}

int cmd_objects(App& app, const Args& args) {
    po::options_description opts("ferry objects --workspace NAME [--kind KIND] [--json] [--catalog URI]");
    opts.add_options()("workspace", po::value<std::string>(), "the destination workspace")(
        "kind", po::value<std::string>(), "node, resource, table, function or datasource")("json", "print JSON")(
        "catalog", po::value<std::string>(), kCatalogHelp);
    po::variables_map vm;
    if (int rc = parse_command(args, opts, {}, vm, "Lists the objects a workspace holds."); rc >= 0) return rc;
    const bool as_json = vm.count("json") != 0;
    if (!vm.count("workspace")) {
        std::cerr << "error[FERRY-USAGE]: give --workspace NAME\n";
        return kExitUsage;
    }
    std::optional<sdk::ObjectKind> kind;
    if (vm.count("kind")) {
        kind = catalog::object_kind_from_string(option(vm, "kind"));
        if (!kind) {
            std::cerr << "error[FERRY-USAGE]: --kind must be one of node, workflow, resource, table, function, "
                         "datasource, component, quality, service\n";
            return kExitUsage;
        }
    }
    sdk::Diagnostics diags;
    auto cat = open_catalog(choose_catalog(option(vm, "catalog"), ""), diags);
    if (!cat) return fail_with(diags, as_json);
    const auto objects = cat->list_objects(option(vm, "workspace"), kind, diags);
    if (diags.has_errors()) return fail_with(diags, as_json);
    if (as_json) {
        json arr = json::array();
        for (const auto& o : objects)
            arr.push_back({{"kind", sdk::to_string(o.kind)}, {"name", o.name}, {"owner", o.owner},
                           {"resource_group", o.resource_group}, {"dry_run", o.dry_run}, {"engine", o.engine_instance},
                           {"version", o.version}, {"sha256", o.sha256}});
        std::cout << json{{"objects", arr}}.dump(2) << "\n";
        return kExitOk;
    }
    TextTable t({"KIND", "NAME", "OWNER", "RESOURCE GROUP", "DRY-RUN", "ENGINE", "VERSION"});
    for (const auto& o : objects)
        t.add({sdk::to_string(o.kind), o.name, o.owner.empty() ? "-" : o.owner,
               o.resource_group.empty() ? "-" : o.resource_group, o.dry_run ? "yes" : "no",
               o.engine_instance.empty() ? "-" : o.engine_instance, std::to_string(o.version)});
    if (t.empty()) std::cout << "No objects in workspace " << option(vm, "workspace") << ".\n";
    else t.print(std::cout);
    return kExitOk;
}

int cmd_show(App& app, const Args& args) {
    po::options_description opts("ferry show KIND NAME --workspace NAME [--content] [--catalog URI]");
    opts.add_options()("workspace", po::value<std::string>(), "the destination workspace")(
        "content", "print only the object's content: a node's or component's code")(
        "catalog", po::value<std::string>(), kCatalogHelp);
    po::variables_map vm;
    if (int rc = parse_command(args, opts, {"kind", "name"}, vm,
                               "Prints an object as the workspace holds it: its FlowSpec document (a data source's\n"
                               "connection settings left out), then its content (code; a resource's size).");
        rc >= 0)
        return rc;
    const auto kind = catalog::object_kind_from_string(option(vm, "kind"));
    if (!kind || !vm.count("workspace")) {
        std::string kinds;
        for (auto k : sdk::kAllObjectKinds) kinds += (kinds.empty() ? "" : "|") + std::string(sdk::to_string(k));
        std::cerr << "error[FERRY-USAGE]: usage: ferry show " << kinds << " NAME --workspace W\n";
        return kExitUsage;
    }
    sdk::Diagnostics diags;
    auto cat = open_catalog(choose_catalog(option(vm, "catalog"), ""), diags);
    if (!cat) return fail_with(diags, false);
    auto o = cat->find_object(option(vm, "workspace"), *kind, option(vm, "name"), diags);
    if (!o) {
        if (!diags.has_errors())
            diags.error("FERRY-OBJECT-NOT-FOUND",
                        std::string("no ") + sdk::to_string(*kind) + " '" + option(vm, "name") + "' in workspace " +
                            option(vm, "workspace"),
                        "list them with `ferry objects --workspace " + option(vm, "workspace") + "`", option(vm, "name"));
        return fail_with(diags, false);
    }
    const bool has_code = *kind == sdk::ObjectKind::node || *kind == sdk::ObjectKind::component;
    if (vm.count("content")) {
        if (has_code) std::cout << printable(o->content, true);
        return kExitOk;
    }
    json doc = json::parse(o->document, nullptr, false);
    if (*kind == sdk::ObjectKind::datasource && doc.is_object()) {
        // Connection settings hold secrets: never printed.
        for (auto& ds : doc["spec"]["datasources"])
            if (ds.is_object() && ds.contains("config")) ds["config"] = "(connection settings are stored but never printed)";
    }
    std::cout << "-- " << sdk::to_string(o->kind) << " " << printable(o->name) << ", version " << o->version
              << ", revision " << o->revision << (o->engine_instance.empty() ? "" : ", engine " + printable(o->engine_instance))
              << (o->path.empty() ? "" : ", folder " + printable(o->path)) << "\n";
    std::cout << (doc.is_object() ? doc.dump(2, ' ', false, json::error_handler_t::replace)
                                  : "(stored by an older ferry: no FlowSpec document)")
              << "\n";
    if (*kind == sdk::ObjectKind::resource) {
        std::cout << "-- content: " << o->content.size() << " bytes\n";
    } else if (has_code && !o->content.empty()) {
        std::cout << "-- content (" << o->content.size() << " bytes)\n" << printable(o->content, true);
        if (o->content.back() != '\n') std::cout << "\n";
    }
    return kExitOk;
}

}  // namespace ferry::host
