#include "api_spec.hpp"

#include <map>

namespace ferry::dataworks {

using nlohmann::json;

namespace {

json& first_of(json& doc, const char* list) {
    static json none;
    none = json();
    json& spec = doc["spec"];
    if (!spec.is_object()) return none;
    json& l = spec[list];
    if (!l.is_array() || l.empty() || !l.front().is_object()) return none;
    return l.front();
}

// Reuses the ids DataWorks gave the inner nodes of a workflow (matched by name), in the nodes and in
// every edge that names them.
void reuse_inner_ids(json& workflow, const json& server_workflow) {
    std::map<std::string, std::string> by_name;
    const json& nodes = at(server_workflow, "nodes");
    if (nodes.is_array())
        for (const auto& n : nodes)
            if (at(n, "name").is_string()) by_name[at(n, "name").get<std::string>()] = id_text(at(n, "id"));
    std::map<std::string, std::string> renamed;  // package id -> DataWorks id
    if (!workflow["nodes"].is_array()) return;
    for (auto& n : workflow["nodes"]) {
        if (!n.is_object() || !at(n, "name").is_string()) continue;
        auto it = by_name.find(n["name"].get<std::string>());
        if (it == by_name.end() || it->second.empty()) continue;
        const std::string old = id_text(at(n, "id"));
        if (!old.empty()) renamed[old] = it->second;
        n["id"] = it->second;
    }
    for (const char* edges : {"dependencies", "flow"}) {
        json& list = workflow[edges];
        if (!list.is_array()) {
            if (list.is_null()) workflow.erase(edges);
            continue;
        }
        for (auto& e : list) {
            if (!e.is_object()) continue;
            if (auto it = renamed.find(id_text(at(e, "nodeId"))); it != renamed.end()) e["nodeId"] = it->second;
            if (!e["depends"].is_array()) continue;
            for (auto& d : e["depends"])
                for (const char* key : {"nodeId", "output"})
                    if (auto it = renamed.find(id_text(at(d, key))); it != renamed.end()) d[key] = it->second;
        }
    }
}

}  // namespace

std::string object_path(const json& object, const sdk::ObjectRecord& record) {
    const json& path = at(at(object, "script"), "path");
    if (path.is_string() && !path.get<std::string>().empty()) return path.get<std::string>();
    return record.path.empty() ? record.name : record.path + "/" + record.name;
}

json api_spec(const KindApi& kind, const sdk::ObjectRecord& record, const std::string& remote_id, const json* server) {
    json doc = json::parse(record.document, nullptr, false);
    if (!doc.is_object()) return json();
    json& object = first_of(doc, kind.spec_list);
    if (!object.is_object()) return json();
    json& script = object["script"];
    if (!script.is_object()) script = json::object();
    script["path"] = object_path(object, record);
    // A node's code is ferry's content (moved out of the document when the package was read).
    if (kind.kind == sdk::ObjectKind::node && !record.content.empty()) script["content"] = record.content;
    // On create the package's id stays (the document's edges name the object by it; DataWorks gives
    // its own id); on update the object and its edges carry the id DataWorks gave it.
    const std::string package_id = id_text(at(object, "id"));
    if (!remote_id.empty()) object["id"] = remote_id;
    if (kind.kind == sdk::ObjectKind::workflow && server) {
        const json& wf = at(at(*server, "spec"), "workflows");
        if (wf.is_array() && !wf.empty()) reuse_inner_ids(object, wf.front());
    }
    json spec = {{kind.spec_list, json::array({object})}};
    // The edges that name the object (a node's or a workflow's own dependencies).
    if (const json& flow = at(doc["spec"], "flow"); flow.is_array() && !flow.empty() &&
                                                    (kind.kind == sdk::ObjectKind::node || kind.kind == sdk::ObjectKind::workflow)) {
        json edges = flow;
        if (!remote_id.empty() && !package_id.empty())
            for (auto& e : edges)
                if (e.is_object() && id_text(at(e, "nodeId")) == package_id) e["nodeId"] = remote_id;
        spec["flow"] = edges;
    }
    const json& version = at(doc, "version");
    return {{"version", version.is_string() ? version : json("1.1.0")}, {"kind", kind.spec_kind}, {"spec", spec}};
}

json connection_properties(const sdk::ObjectRecord& record) {
    const json doc = json::parse(record.document, nullptr, false);
    const json& list = at(at(doc, "spec"), "datasources");
    json props = json::object();
    if (list.is_array() && !list.empty()) {
        const json& config = at(list.front(), "config");
        props = config.is_string() ? json::parse(config.get<std::string>(), nullptr, false) : config;
        if (!props.is_object()) props = json::object();
    }
    props["envType"] = "Prod";
    return props;
}

}  // namespace ferry::dataworks
