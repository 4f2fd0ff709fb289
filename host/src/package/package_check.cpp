#include "package/package_check.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <unordered_set>

#include "package/object_names.hpp"

namespace ferry::host {

namespace {

const std::set<std::string> kGeneral = {
    "SHELL",       "DIDE_SHELL",       "PYTHON",          "VIRTUAL",          "VIRTUAL_WORKFLOW",
    "COMBINED_NODE", "PARAM_HUB",      "FTP_CHECK",       "SSH",              "CHECK",
    "OSS_INSPECT", "CONTROLLER_BRANCH", "CONTROLLER_JOIN", "CONTROLLER_CYCLE", "CONTROLLER_CYCLE_START",
    "CONTROLLER_CYCLE_END", "CONTROLLER_TRAVERSE", "CONTROLLER_TRAVERSE_START", "CONTROLLER_TRAVERSE_END",
    "CONTROLLER_ASSIGNMENT", "DI", "DATAX", "DATAX2"};

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

void check_name(const char* kind, const std::string& name, const std::string& where, sdk::Diagnostics& diags) {
    const std::string problem = object_name_problem(name);
    if (problem.empty()) return;
    diags.error("FERRY-PKG-OBJECT-NAME", std::string(kind) + " name '" + name + "' would be refused: " + problem,
                "rename it in the source workspace: names hold letters, digits, '_', '.' and '-' (at most 128)",
                where);
}

// Table and function names are case-insensitive on the engines; nodes and resources are not.
template <typename T>
void check_kind(const char* kind, const std::vector<T>& items, bool case_insensitive, sdk::Diagnostics& diags) {
    std::map<std::string, std::string> seen;  // name -> first place
    for (const auto& item : items) {
        check_name(kind, item.name, item.source_path, diags);
        const std::string key = case_insensitive ? lower(item.name) : item.name;
        auto [it, inserted] = seen.emplace(key, item.source_path);
        if (!inserted && !item.name.empty())
            diags.error("FERRY-PKG-DUPLICATE-NAME",
                        std::string("two ") + kind + "s are named '" + item.name + "' (also in " + it->second + ")",
                        "object names must be unique per kind in a workspace; rename one in the source",
                        item.source_path);
    }
}

bool is_root_output(const std::string& target) {
    return target.size() > 5 && target.compare(target.size() - 5, 5, "_root") == 0;
}

}  // namespace

bool is_general_command(const std::string& command) { return kGeneral.count(command) != 0; }

void check_package(const PackageModel& model, const std::function<bool(const std::string&)>& command_known,
                   sdk::Diagnostics& diags) {
    if (model.object_count() == 0) {
        diags.error("FERRY-PKG-EMPTY", "the package holds no objects (no nodes, resources, tables, functions or data sources)",
                    "check that you exported the right workspace or folder", model.info.location);
        return;
    }
    check_kind("node", model.nodes, false, diags);
    check_kind("resource", model.resources, false, diags);
    check_kind("table", model.tables, true, diags);
    check_kind("function", model.functions, true, diags);
    check_kind("data source", model.datasources, false, diags);

    std::unordered_set<std::string> producible;
    for (const auto& n : model.nodes) {
        if (!n.id.empty()) producible.insert(n.id);
        for (const auto& o : n.outputs) producible.insert(o);
    }
    for (const auto& n : model.nodes) {
        for (const auto& d : n.depends) {
            if (producible.count(d.target) || is_root_output(d.target)) continue;
            diags.warning("FERRY-PKG-DEPENDENCY",
                          "node '" + n.name + "' depends on '" + d.target +
                              "', which is neither in the package nor a known root output",
                          "the dependency is kept; it resolves only if that output exists in the destination",
                          n.source_path);
        }
        if (!n.command.empty() && !is_general_command(n.command) && !command_known(n.command)) {
            diags.warning("FERRY-PKG-UNKNOWN-COMMAND",
                          "node '" + n.name + "' has command type '" + n.command + "', which no engine plugin owns",
                          "it imports as is; install an engine plugin that owns it to have its code rewritten",
                          n.source_path);
        }
    }
}

}  // namespace ferry::host
