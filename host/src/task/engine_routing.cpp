#include "task/engine_routing.hpp"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "package/command_types.hpp"
#include "package/package_check.hpp"

namespace ferry::host {

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

// The product's datasource types and engine labels (product-facts.md, section 4).
std::string by_datasource_type(const std::string& type) {
    static const std::map<std::string, std::string> table = {
        {"odps", "maxcompute"},      {"maxcompute", "maxcompute"}, {"emr", "emr"},
        {"cdh", "cdh"},              {"hadoop_cdh", "cdh"},        {"holo", "hologres"},
        {"hologres", "hologres"},    {"postgresql", "postgresql"}, {"hybriddb_for_postgresql", "postgresql"},
        {"mysql", "mysql"},          {"analyticdb_for_mysql", "mysql"}, {"sqlite", "sqlite"}};
    auto it = table.find(lower(type));
    return it == table.end() ? std::string{} : it->second;
}

std::string by_command(const std::string& command) {
    static const std::pair<const char*, const char*> prefixes[] = {
        {"ODPS_", "maxcompute"}, {"PY_ODPS", "maxcompute"}, {"PYODPS", "maxcompute"}, {"COMPONENT_SQL", "maxcompute"},
        {"EMR_", "emr"},         {"CDH_", "cdh"},           {"HOLOGRES_", "hologres"}, {"POSTGRESQL", "postgresql"},
        {"MYSQL", "mysql"},      {"SQLITE", "sqlite"}};
    for (const auto& [prefix, type] : prefixes)
        if (command.rfind(prefix, 0) == 0) return type;
    return {};
}

// Upstream's table of command types (the name, else the commandTypeId upstream prefers).
const CommandType* command_type_of(const Node& node) {
    if (const CommandType* t = find_command_type(node.command)) return t;
    if (!node.command_type_id.empty()) {
        try {
            return find_command_type_by_code(std::stoi(node.command_type_id));
        } catch (...) {
        }
    }
    return nullptr;
}

}  // namespace

std::string engine_type_of(const PluginRegistry& reg, const Node& node) {
    if (const PluginInfo* p = reg.engine_owning("command", node.command)) return p->name;
    if (const CommandType* t = command_type_of(node)) return t->route == kGeneralRoute ? std::string{} : std::string(t->route);
    if (std::string t = by_command(node.command); !t.empty()) return t;
    if (!node.datasource_type.empty()) {
        if (const PluginInfo* p = reg.engine_owning("datasource", node.datasource_type)) return p->name;
        return by_datasource_type(node.datasource_type);
    }
    return {};
}

std::string engine_type_of(const PluginRegistry& reg, const Table& table) {
    if (const PluginInfo* p = reg.engine_owning("table", table.engine_type)) return p->name;
    std::string t = by_datasource_type(table.engine_type);
    return t.empty() && !table.engine_type.empty() ? lower(table.engine_type) : t;
}

std::string engine_type_of(const PluginRegistry& reg, const Function& fn) {
    if (const PluginInfo* p = reg.engine_owning("function", fn.type)) return p->name;
    if (const PluginInfo* p = reg.engine_owning("datasource", fn.datasource_type)) return p->name;
    return by_datasource_type(fn.datasource_type);
}

std::string engine_type_of(const PluginRegistry& reg, const Resource& res) {
    if (const PluginInfo* p = reg.engine_owning("resource", res.type)) return p->name;
    if (const PluginInfo* p = reg.engine_owning("datasource", res.datasource_type)) return p->name;
    return by_datasource_type(res.datasource_type);
}

std::string dialect_of(const std::string& engine_type) {
    if (engine_type == "emr" || engine_type == "cdh") return "hive";
    return engine_type;
}

void check_package_with(const PluginRegistry& reg, const PackageModel& model, sdk::Diagnostics& diags) {
    // A package has a handful of command types over thousands of nodes; asking every engine
    // plugin about each node was a visible share of a check.
    std::unordered_map<std::string, bool> known;
    auto command_known = [&](const std::string& c) {
        auto it = known.find(c);
        if (it == known.end()) it = known.emplace(c, reg.engine_owning("command", c) != nullptr).first;
        return it->second;
    };
    check_package(model, command_known, diags, [&](const Table& t) { return dialect_of(engine_type_of(reg, t)); });
}

}  // namespace ferry::host
