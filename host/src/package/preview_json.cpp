#include "package/preview_json.hpp"

namespace ferry::host {

using nlohmann::json;

json package_json(const PackageModel& m) {
    return {{"path", m.info.location},   {"source", m.info.source_plugin}, {"size", m.info.size},
            {"sha256", m.info.sha256},   {"format", m.info.format},        {"entries", m.info.entries},
            {"uncompressed", m.info.uncompressed}};
}

json object_counts_json(const PackageModel& m) {
    const std::size_t inner = m.nodes.count_tag(1), nodes = m.nodes.size() - inner;
    return {{"nodes", nodes},
            {"inner_nodes", inner},
            {"workflows", m.workflows.size()},
            {"resources", m.resources.size()},
            {"tables", m.tables.size()},
            {"functions", m.functions.size()},
            {"datasources", m.datasources.size()},
            {"components", m.components.size()},
            {"quality_rules", m.quality_rules.size()},
            {"services", m.services.size()}};
}

void add_preview_objects(json& doc, const PackageModel& m, const std::function<std::string(const Node&)>& engine_of) {
    json nodes = json::array(), resources = json::array(), tables = json::array(), functions = json::array(),
         datasources = json::array(), workflows = json::array(), components = json::array(),
         quality_rules = json::array(), services = json::array();
    for (const auto& n : m.nodes) {
        if (n.inner) continue;  // shown as their container's inner_nodes count
        json depends = json::array();
        for (const auto& d : n.depends) depends.push_back(d.target);
        nodes.push_back({{"name", n.name},
                         {"id", n.id},
                         {"workflow", n.workflow},
                         {"command", n.command},
                         {"engine", engine_of(n)},
                         {"datasource", n.datasource_name},
                         {"owner", n.owner},
                         {"resource_group", n.resource_group},
                         {"trigger", n.trigger_type},
                         {"cron", n.cron},
                         {"dry_run", n.dry_run()},
                         {"inner_nodes", n.inner_count},
                         {"depends", depends}});
    }
    for (const auto& w : m.workflows)
        workflows.push_back({{"name", w.name}, {"id", w.id}, {"owner", w.owner}, {"trigger", w.trigger_type},
                             {"cron", w.cron}, {"parameters", w.parameters}, {"inner_nodes", w.node_count}});
    for (const auto& c : m.components) components.push_back({{"name", c.name}, {"command", c.command}});
    for (const auto& q : m.quality_rules)
        quality_rules.push_back({{"name", q.name}, {"table", q.table}, {"scheduler_node", q.scheduler_node}});
    for (const auto& v : m.services) services.push_back({{"name", v.name}});
    for (const auto& r : m.resources) resources.push_back({{"name", r.name}, {"type", r.type}, {"size", r.content.size}});
    for (const auto& t : m.tables) tables.push_back({{"name", t.name}, {"engine", t.engine_type}, {"project", t.project}});
    for (const auto& f : m.functions)
        functions.push_back({{"name", f.name}, {"class_name", f.class_name}, {"resources", f.resources}});
    for (const auto& d : m.datasources)
        datasources.push_back({{"name", d.name}, {"type", d.type}, {"environment", d.environment}});
    doc["nodes"] = std::move(nodes);
    doc["resources"] = std::move(resources);
    doc["tables"] = std::move(tables);
    doc["functions"] = std::move(functions);
    doc["datasources"] = std::move(datasources);
    doc["workflows"] = std::move(workflows);
    doc["components"] = std::move(components);
    doc["quality_rules"] = std::move(quality_rules);
    doc["services"] = std::move(services);
}

}  // namespace ferry::host
