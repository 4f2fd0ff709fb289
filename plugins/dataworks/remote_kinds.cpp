#include "remote_kinds.hpp"

namespace ferry::dataworks {

using nlohmann::json;

namespace {

const KindApi kKinds[] = {
    {sdk::ObjectKind::node, "ListNodes", "Nodes", "GetNode", "Node", "CreateNode", "UpdateNode", "Node", "nodes"},
    {sdk::ObjectKind::workflow, "ListWorkflowDefinitions", "WorkflowDefinitions", "GetWorkflowDefinition",
     "WorkflowDefinition", "ImportWorkflowDefinition", "ImportWorkflowDefinition", "CycleWorkflow", "workflows"},
    {sdk::ObjectKind::resource, "ListResources", "Resources", "GetResource", "Resource", "CreateResource",
     "UpdateResource", "Resource", "fileResources"},
    {sdk::ObjectKind::function, "ListFunctions", "Functions", "GetFunction", "Function", "CreateFunction",
     "UpdateFunction", "Function", "functions"},
};

// A count written as a number or as text ("TotalCount": "3" in ListNodes).
long long count_of(const json& v) {
    if (v.is_number_integer()) return v.get<long long>();
    if (v.is_string()) try {
            return std::stoll(v.get<std::string>());
        } catch (...) {
        }
    return -1;
}

std::string text_of(const json& v) { return v.is_string() ? v.get<std::string>() : id_text(v); }

// Pages through a List action; `page` gets each page's items.
bool each_page(ApiClient& api, const char* action, const char* field, Params filter,
               const std::function<void(const json&)>& item, sdk::Diagnostics& diags) {
    long long seen = 0;
    for (int number = 1;; ++number) {
        Params p = filter;
        p.push_back({"PageNumber", std::to_string(number)});
        p.push_back({"PageSize", "100"});
        ApiAnswer a = api.call(action, p, true, diags);
        if (!a.ok) return false;
        const json& paging = at(a.body, "PagingInfo");
        const json& items = at(paging, field);
        if (!items.is_array() || items.empty()) return true;
        for (const auto& i : items) item(i);
        seen += static_cast<long long>(items.size());
        const long long total = count_of(at(paging, "TotalCount"));
        if (total >= 0 && seen >= total) return true;
        if (number > 100000) return true;  // a server that never ends its pages
    }
}

}  // namespace

const KindApi* kind_api(sdk::ObjectKind kind) {
    for (const auto& k : kKinds)
        if (k.kind == kind) return &k;
    return nullptr;
}

bool list_remote(ApiClient& api, const KindApi& k, const std::string& name,
                 const std::function<void(const sdk::RemoteObject&)>& each, sdk::Diagnostics& diags) {
    Params filter;
    if (!name.empty()) filter.push_back({"Name", name});
    return each_page(api, k.list_action, k.list_field, filter, [&](const json& i) {
        sdk::RemoteObject o;
        o.kind = k.kind;
        o.name = text_of(at(i, "Name"));
        o.remote_id = id_text(at(i, "Id"));
        o.remote_version = text_of(at(i, "ModifyTime"));
        o.path = text_of(at(at(i, "Script"), "Path"));
        if (o.path.empty()) o.path = text_of(at(i, "TargetPath"));
        if (!o.name.empty() && (name.empty() || o.name == name)) each(o);
    }, diags);
}

bool list_datasources(ApiClient& api, const std::string& name,
                      const std::function<void(const sdk::RemoteObject&)>& each, sdk::Diagnostics& diags) {
    Params filter;
    if (!name.empty()) filter.push_back({"Name", name});
    // Grouped by name: a group holds the Dev and Prod entries; ferry writes and compares Prod.
    return each_page(api, "ListDataSources", "DataSources", filter, [&](const json& group) {
        const std::string group_name = text_of(at(group, "Name"));
        if (group_name.empty() || (!name.empty() && group_name != name)) return;
        const json& entries = at(group, "DataSource");
        if (!entries.is_array()) return;
        const json* chosen = nullptr;
        for (const auto& e : entries) {
            const json props = at(e, "ConnectionProperties");
            const json parsed = props.is_string() ? json::parse(props.get<std::string>(), nullptr, false) : props;
            if (!chosen || text_of(at(parsed, "envType")) == "Prod") chosen = &e;
        }
        if (!chosen) return;
        sdk::RemoteObject o;
        o.kind = sdk::ObjectKind::datasource;
        o.name = group_name;
        o.remote_id = id_text(at(*chosen, "Id"));
        o.remote_version = text_of(at(*chosen, "ModifyTime"));
        each(o);
    }, diags);
}

std::string modify_time_of(ApiClient& api, const KindApi& k, const std::string& id, sdk::Diagnostics& diags) {
    ApiAnswer a = api.call(k.get_action, {{"Id", id}}, true, diags);
    if (!a.ok) return {};
    return text_of(at(at(a.body, k.get_field), "ModifyTime"));
}

}  // namespace ferry::dataworks
