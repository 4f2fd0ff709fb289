#include "package/object_folder.hpp"

#include <nlohmann/json.hpp>

#include "package/command_types.hpp"
#include "util/json_fields.hpp"

namespace ferry::host {

using json = nlohmann::json;

namespace {

const json& first_object(const json& doc, const char* list) {
    static const json none;
    if (!doc.is_object() || !doc.contains("spec") || !doc["spec"].is_object()) return none;
    const json& spec = doc["spec"];
    auto it = spec.find(list);
    if (it == spec.end() || !it->is_array() || it->empty()) return none;
    return it->front();
}

// The product's folder names: the engine's display name and the object's label.
std::string engine_label(const std::string& command) {
    const CommandType* t = find_command_type(command);
    const std::string engine = t ? std::string(t->calc_engine) : std::string();
    if (engine == "ODPS") return "MaxCompute";
    if (engine == "EMR") return "EMR";
    if (engine == "HADOOP_CDH") return "CDH";
    if (engine == "HOLO") return "Hologres";
    if (engine == "FLINK") return "Flink";
    if (engine == "CLICKHOUSE") return "ClickHouse";
    if (engine == "DATABASE") return "Database";
    if (engine == "ALGORITHM") return "PAI";
    return "通用";  // General, Data Integration, unknown
}

const char* label_of(sdk::ObjectKind kind) {
    switch (kind) {
        case sdk::ObjectKind::node: return "数据开发";
        case sdk::ObjectKind::workflow: return "工作流";
        case sdk::ObjectKind::resource: return "资源";
        case sdk::ObjectKind::table: return "表";
        case sdk::ObjectKind::function: return "函数";
        case sdk::ObjectKind::component: return "组件";
        case sdk::ObjectKind::quality: return "数据质量";
        case sdk::ObjectKind::service: return "数据服务";
        case sdk::ObjectKind::datasource: return "";
    }
    return "";
}

}  // namespace

std::string default_folder(sdk::ObjectKind kind, const FolderFacts& facts) {
    if (kind == sdk::ObjectKind::datasource) {
        const std::string type = facts.type.empty() ? std::string("unknown") : facts.type;
        const std::string sub = facts.sub_type.empty() ? type : facts.sub_type;
        return type + "/" + sub + "/PRD";
    }
    const std::string workflow = facts.workflow.empty() ? std::string("default") : facts.workflow;
    std::string engine = kind == sdk::ObjectKind::node ? engine_label(facts.command) : std::string("通用");
    if (kind == sdk::ObjectKind::table || kind == sdk::ObjectKind::function || kind == sdk::ObjectKind::resource)
        engine = "MaxCompute";
    return "业务流程/" + workflow + "/" + engine + "/" + label_of(kind);
}

std::string default_folder(sdk::ObjectKind kind, const json& doc) {
    FolderFacts facts;
    if (kind == sdk::ObjectKind::datasource) {
        const json& ds = first_object(doc, "datasources");
        facts.type = text_at(ds, "type");
        facts.sub_type = text_at(ds, "subType");
        return default_folder(kind, facts);
    }
    facts.workflow = text_at(doc.contains("spec") ? doc["spec"] : json(), "name");
    if (kind == sdk::ObjectKind::node)
        facts.command = text_at(object_at(object_at(first_object(doc, "nodes"), "script"), "runtime"), "command");
    return default_folder(kind, facts);
}

}  // namespace ferry::host
