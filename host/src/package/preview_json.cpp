#include "package/preview_json.hpp"

namespace ferry::host {

using nlohmann::json;

json package_json(const PackageModel& m) {
    return {{"path", m.info.location},   {"source", m.info.source_plugin}, {"size", m.info.size},
            {"sha256", m.info.sha256},   {"format", m.info.format},        {"entries", m.info.entries},
            {"uncompressed", m.info.uncompressed}};
}

json object_counts_json(const PackageModel& m) {
    return {{"nodes", m.nodes.size()},
            {"resources", m.resources.size()},
            {"tables", m.tables.size()},
            {"functions", m.functions.size()},
            {"datasources", m.datasources.size()}};
}

void add_preview_objects(json& doc, const PackageModel& m, const std::function<std::string(const Node&)>& engine_of) {
    json nodes = json::array(), resources = json::array(), tables = json::array(), functions = json::array(),
         datasources = json::array();
    for (const auto& n : m.nodes) {
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
                         {"depends", depends}});
    }
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
}

}  // namespace ferry::host
