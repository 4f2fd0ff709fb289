// `ferry check` and `ferry preview`: the product's Check and Preview of a package.
#include <filesystem>
#include <iostream>

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "export/converter.hpp"
#include "package/package_check.hpp"
#include "task/engine_routing.hpp"
#include "package/preview_json.hpp"
#include "util/size_text.hpp"
#include "util/temp_dir.hpp"

namespace ferry::host {
namespace po = boost::program_options;
using nlohmann::json;

namespace {

struct PackageArgs {
    std::string package;
    std::string max_size = "30MB";
    std::string endpoint;
    bool as_json = false;
    std::string output;  // convert only
};

// Parses the options check and preview share; returns -1 to go on, else an exit code.
int parse_package_args(const char* usage, const char* about, const Args& args, PackageArgs& out,
                       bool with_output = false) {
    po::options_description opts(usage);
    if (with_output)
        opts.add_options()("output,o", po::value<std::string>(&out.output),
                           "the SPEC package to write: OUT.zip, or a folder DIR/");
    opts.add_options()("json", "print one JSON document on stdout")(
        "max-size", po::value<std::string>(&out.max_size)->default_value("30MB"),
        "refuse packages larger than this (e.g. 30MB, 2GB; 0 = no limit)")(
        "endpoint", po::value<std::string>(&out.endpoint), "OSS endpoint, for oss://bucket/key addresses")(
        "help,h", "show this help");
    po::options_description hidden;
    hidden.add_options()("package", po::value<std::string>(&out.package), "");
    po::options_description all;
    all.add(opts).add(hidden);
    po::positional_options_description pos;
    pos.add("package", 1);
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
    po::notify(vm);
    if (vm.count("help")) {
        std::cout << opts << "\n" << about << "\n";
        return kExitOk;
    }
    out.as_json = vm.count("json") != 0;
    if (out.package.empty()) {
        std::cerr << "error[FERRY-USAGE]: give the package: a file path, http(s)://..., or oss://bucket/key\n";
        return kExitUsage;
    }
    if (with_output && out.output.empty()) {
        std::cerr << "error[FERRY-USAGE]: give the output with -o OUT.zip, or -o DIR/ for a folder\n";
        return kExitUsage;
    }
    return -1;
}

// Reads and checks the package; false when it could not be read at all.
bool load_and_check(App& app, const PackageArgs& a, PackageModel& model, sdk::Diagnostics& diags, int& exit_code,
                    const std::filesystem::path* spool_dir = nullptr) {
    const auto max = parse_size(a.max_size);
    if (!max) {
        std::cerr << "error[FERRY-USAGE]: --max-size '" << a.max_size << "' is not a size (write it like 30MB or 2GB)\n";
        exit_code = kExitUsage;
        return false;
    }
    std::vector<std::pair<std::string, std::string>> extra;
    if (!a.endpoint.empty()) extra.emplace_back("endpoint", a.endpoint);
    std::string plugin;
    auto source = app.source_for_argument(a.package, extra, plugin, diags);
    if (!source) {
        exit_code = diags.items().empty() || diags.items().front().code.rfind("FERRY-CONFIG", 0) == 0 ? kExitUsage
                                                                                                     : kExitFailed;
        return false;
    }
    ReadOptions options;
    options.max_size = *max;
    options.registry = &app.registry();
    options.spool_dir = spool_dir;
    const bool read_ok = read_package(*source, plugin, options, model, diags);
    if (read_ok) check_package_with(app.registry(), model, diags);
    exit_code = diags.has_errors() ? kExitFailed : kExitOk;
    return read_ok;
}

// "5 nodes (12 inner), 1 workflow, 2 resources, ..." with the kinds the package holds.
std::string object_summary(const PackageModel& m) {
    const std::size_t inner = m.nodes.count_tag(1), nodes = m.nodes.size() - inner;
    std::string out = std::to_string(nodes) + " nodes" + (inner ? " (" + std::to_string(inner) + " inner)" : "");
    auto add = [&](std::size_t n, const char* one, const char* many, bool always) {
        if (n || always) out += ", " + std::to_string(n) + " " + (n == 1 ? one : many);
    };
    add(m.workflows.size(), "workflow", "workflows", false);
    add(m.resources.size(), "resource", "resources", true);
    add(m.tables.size(), "table", "tables", true);
    add(m.functions.size(), "function", "functions", true);
    add(m.datasources.size(), "data source", "data sources", true);
    add(m.components.size(), "component", "components", false);
    add(m.quality_rules.size(), "quality rule", "quality rules", false);
    add(m.services.size(), "data service", "data services", false);
    return out;
}

void print_package_header(const PackageModel& m) {
    std::cout << "Package  " << m.info.location << "\n"
              << "Format   " << (m.info.format.empty() ? "-" : m.info.format) << "    Size " << format_size(m.info.size)
              << " (" << m.info.size << " bytes)    Entries " << m.info.entries << "\n"
              << "SHA-256  " << (m.info.sha256.empty() ? "-" : m.info.sha256) << "\n"
              << "Objects  " << object_summary(m) << "\n";
}

std::string join(const std::vector<std::string>& items, const char* sep = ", ") {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
    return out;
}

std::vector<std::string> dependency_targets(const Node& n) {
    std::vector<std::string> out;
    for (const auto& d : n.depends) out.push_back(d.target);
    return out;
}

using Row = std::vector<std::string>;

// One titled table of `preview`, left out when there is nothing of that kind.
template <class T, class ToRow>
void section(const char* title, const ObjectList<T>& items, std::vector<std::string> headers, ToRow to_row) {
    if (items.empty()) return;
    std::cout << "\n" << title << " (" << items.size() << ")\n";
    TextTable t(std::move(headers));
    for (const auto& item : items) t.add(to_row(item));
    t.print(std::cout);
}

}  // namespace

int cmd_check(App& app, const Args& args) {
    PackageArgs a;
    if (int rc = parse_package_args("ferry check PACKAGE [--json] [--max-size SIZE] [--endpoint HOST]",
                                    "Checks that a package is sound: its archive, paths, sizes, FlowSpec documents, "
                                    "object names, code files and dependencies.\nExit 0 when it passed, 1 when it did "
                                    "not, 2 on bad usage.",
                                    args, a);
        rc >= 0)
        return rc;
    PackageModel model;
    sdk::Diagnostics diags;
    int rc = kExitOk;
    const bool read = load_and_check(app, a, model, diags, rc);
    if (rc == kExitUsage && !read) {
        print_diagnostics(std::cerr, diags);
        return rc;
    }
    const std::size_t errors = count_severity(diags, sdk::Severity::error);
    const std::size_t warnings = count_severity(diags, sdk::Severity::warning);
    if (a.as_json) {
        json doc{{"ok", errors == 0},
                 {"package", package_json(model)},
                 {"objects", object_counts_json(model)},
                 {"diagnostics", diagnostics_json(diags)}};
        std::cout << doc.dump(2) << "\n";
        return rc;
    }
    print_diagnostics(std::cerr, diags);
    if (read) print_package_header(model);
    if (errors == 0) {
        std::cout << "\nThe resource package has passed the check";
        if (warnings) std::cout << " (" << warnings << " warning" << (warnings == 1 ? "" : "s") << ")";
        std::cout << ".\n";
    } else {
        std::cout << "\nThe package did not pass the check: " << errors << " error" << (errors == 1 ? "" : "s")
                  << ", " << warnings << " warning" << (warnings == 1 ? "" : "s") << " (listed on stderr).\n";
    }
    return rc;
}

int cmd_preview(App& app, const Args& args) {
    PackageArgs a;
    if (int rc = parse_package_args("ferry preview PACKAGE [--json] [--max-size SIZE] [--endpoint HOST]",
                                    "Shows the objects of a package by kind: what to look at before importing.\n"
                                    "Exit 0 when the package is sound, 1 when it is not, 2 on bad usage.",
                                    args, a);
        rc >= 0)
        return rc;
    PackageModel model;
    sdk::Diagnostics diags;
    int rc = kExitOk;
    const bool read = load_and_check(app, a, model, diags, rc);
    if (!read) {
        if (a.as_json) std::cout << json{{"ok", false}, {"diagnostics", diagnostics_json(diags)}}.dump(2) << "\n";
        else print_diagnostics(std::cerr, diags);
        return rc;
    }
    if (a.as_json) {
        json doc{{"package", package_json(model)}, {"diagnostics", diagnostics_json(diags)}};
        add_preview_objects(doc, model, [&](const Node& n) { return app.engine_of(n); });
        std::cout << doc.dump(2) << "\n";
        return rc;
    }
    print_diagnostics(std::cerr, diags);
    print_package_header(model);
    auto dash = [](const std::string& s) { return s.empty() ? std::string("-") : s; };
    const std::size_t top_nodes = model.top_nodes();
    if (top_nodes > 0) {
        std::cout << "\nNodes (" << top_nodes << ")\n";
        TextTable t({"NAME", "WORKFLOW", "COMMAND", "ENGINE", "DATASOURCE", "OWNER", "RESOURCE GROUP", "CRON",
                     "DRY-RUN", "INNER", "DEPENDS ON"});
        for (const auto& n : model.nodes)
            if (!n.inner)
                t.add({n.name, dash(n.workflow), dash(n.command), app.engine_of(n), dash(n.datasource_name),
                       dash(n.owner), dash(n.resource_group), dash(n.cron), n.dry_run() ? "yes" : "no",
                       n.inner_count ? std::to_string(n.inner_count) : "-", dash(join(dependency_targets(n)))});
        t.print(std::cout);
    }
    section("Workflows", model.workflows, {"NAME", "OWNER", "TRIGGER", "CRON", "PARAMETERS", "NODES"}, [&](const Workflow& w) {
        return Row{w.name, dash(w.owner), dash(w.trigger_type), dash(w.cron), dash(join(w.parameters)),
                   std::to_string(w.node_count)};
    });
    section("Resources", model.resources, {"NAME", "TYPE", "SIZE"}, [&](const Resource& r) {
        return Row{r.name, dash(r.type), r.content.present ? format_size(r.content.size) : "-"};
    });
    section("Tables", model.tables, {"NAME", "ENGINE", "PROJECT"},
            [&](const Table& t) { return Row{t.name, dash(t.engine_type), dash(t.project)}; });
    section("Functions", model.functions, {"NAME", "CLASS", "RESOURCES"},
            [&](const Function& f) { return Row{f.name, dash(f.class_name), dash(join(f.resources))}; });
    section("Data sources", model.datasources, {"NAME", "TYPE", "ENVIRONMENT"},
            [&](const DataSource& d) { return Row{d.name, dash(d.type), dash(d.environment)}; });
    section("Components", model.components, {"NAME", "COMMAND", "OWNER"},
            [&](const Component& c) { return Row{c.name, dash(c.command), dash(c.owner)}; });
    section("Quality rules", model.quality_rules, {"NAME", "TABLE", "SCHEDULER NODE"},
            [&](const QualityRule& q) { return Row{q.name, dash(q.table), dash(q.scheduler_node)}; });
    section("Data services", model.services, {"NAME"}, [&](const Service& v) { return Row{v.name}; });
    return rc;
}

int cmd_convert(App& app, const Args& args) {
    PackageArgs a;
    if (int rc = parse_package_args(
            "ferry convert PACKAGE -o OUT.zip|DIR/ [--json] [--max-size SIZE] [--endpoint HOST]",
            "Writes a package of any format ferry reads (DolphinScheduler, DWMA, Azkaban, or DataWorks' own)\n"
            "as a SPEC package, with no workspace and no task. The package is read and checked as\n"
            "`ferry check` does; one with errors is not written.\n"
            "Exit 0 when the package is written, 1 when it could not be, 2 on bad usage.",
            args, a, true);
        rc >= 0)
        return rc;
    PackageModel model;
    sdk::Diagnostics diags;
    int rc = kExitOk;
    TempDir spool("ferry-convert-");
    const std::filesystem::path spool_dir = spool.path();
    const bool read = load_and_check(app, a, model, diags, rc, &spool_dir);
    if (rc == kExitUsage && !read) {
        print_diagnostics(std::cerr, diags);
        return rc;
    }
    ConvertResult result;
    const bool written = read && write_converted(app.registry(), model, a.output, result, diags);
    if (!written && !diags.has_errors())
        diags.error("FERRY-CONVERT-FAILED", "the package could not be converted", "", a.output);
    for (const auto& d : diags.items())
        if (d.code == "FERRY-CONVERT-USAGE") rc = kExitUsage;
    if (rc != kExitUsage) rc = written ? kExitOk : kExitFailed;
    json counts = json::object();
    std::size_t total = 0;
    for (const auto& [kind, n] : result.counts) {
        counts[kind] = n;
        total += n;
    }
    if (a.as_json) {
        std::cout << json{{"ok", written},
                          {"format", model.info.format},
                          {"package", package_json(model)},
                          {"output", {{"path", result.path}, {"folder", result.folder}, {"sha256", result.sha256},
                                      {"size", result.size}}},
                          {"objects", counts},
                          {"diagnostics", diagnostics_json(diags)}}
                         .dump(2)
                  << "\n";
        return rc;
    }
    print_diagnostics(std::cerr, diags);
    if (!written) {
        std::cout << "Nothing was written: fix the errors above (on stderr).\n";
        return rc;
    }
    std::cout << "Converted " << printable(model.info.location) << " (" << model.info.format << ") to "
              << printable(result.path) << (result.folder ? " (a folder)" : "") << "\n  SHA-256     " << result.sha256
              << "\n  size        " << format_size(result.size) << " (" << result.size << " bytes)\n";
    for (const auto& [kind, n] : result.counts)
        std::cout << "  " << kind << "s" << std::string(kind.size() < 11 ? 11 - kind.size() : 1, ' ') << n << "\n";
    std::cout << "  objects     " << total << "\n";
    return rc;
}

}  // namespace ferry::host
