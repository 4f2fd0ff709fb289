#include "package/flowspec_references.hpp"

#include <algorithm>

namespace ferry::host {

using json = nlohmann::json;

namespace {

// Lists that exist only to be referenced from objects.
const std::set<std::string> kReferenceLists = {"variables", "triggers", "scripts", "files", "runtimeResources",
                                               "outputs", "nodeOutputs"};

// Fields whose value is an object, which a reference may stand for.
const std::set<std::string> kObjectFields = {"datasource", "script",   "trigger",   "runtimeResource", "file",
                                             "array",      "referenceVariable", "component", "while", "specWhile",
                                             "node",       "table",   "calcEngine"};
// Lists whose entries are objects, which a reference may stand for.
const std::set<std::string> kObjectLists = {"parameters", "fileResources", "functions", "nodeOutputs", "outputs",
                                            "tables",     "variables",     "nodes",     "depends",     "flow",
                                            "dependencies", "files",       "scripts",   "triggers",    "datasources"};

// The list a field's reference is looked up in first (ids are unique per list, not across lists:
// a node and its script often share one).
const char* list_for(const std::string& key) {
    static const std::unordered_map<std::string, const char*> lists = {
        {"datasource", "datasources"}, {"script", "scripts"},           {"trigger", "triggers"},
        {"runtimeResource", "runtimeResources"}, {"file", "files"},     {"parameters", "variables"},
        {"variables", "variables"},    {"array", "variables"},          {"referenceVariable", "variables"},
        {"fileResources", "fileResources"}, {"functions", "functions"}, {"nodeOutputs", "outputs"},
        {"outputs", "outputs"},        {"tables", "tables"},            {"nodes", "nodes"},
        {"while", "nodes"},            {"specWhile", "nodes"},          {"table", "tables"}};
    auto it = lists.find(key);
    return it == lists.end() ? nullptr : it->second;
}

std::string id_of(const json& item) {
    if (!item.is_object()) return {};
    auto it = item.find("id");
    if (it == item.end()) return {};
    if (it->is_string()) return it->get<std::string>();
    if (it->is_number_integer()) return std::to_string(it->get<long long>());
    if (it->is_number_unsigned()) return std::to_string(it->get<unsigned long long>());
    return {};
}

}  // namespace

FlowSpecReferences::FlowSpecReferences(const json& spec) {
    if (!spec.is_object()) return;
    // `place` is where the list sits, so what no object uses can be carried back there.
    auto add_list = [&](const std::string& list, const json& v, bool reference_only, const std::string& place) {
        if (!v.is_array()) return;
        for (const auto& item : v) {
            const std::string id = id_of(item);
            if (id.empty()) continue;
            by_id_.emplace(id, &item);
            by_list_[list].emplace(id, &item);
            if (reference_only) {
                reference_entries_.emplace_back(list + ":" + id, &item);
                reference_lists_.push_back(place);
            }
        }
    };
    for (const auto& [key, value] : spec.items()) add_list(key, value, kReferenceLists.count(key) != 0, key);
    if (auto it = spec.find("artifacts"); it != spec.end() && it->is_object())
        for (const auto& [k, v] : it->items()) {
            // A table with DDL or an engine is an object; one that only names a table is a reference.
            const bool object_table = k == "tables";
            add_list(k == "nodeOutputs" ? "outputs" : k, v, !object_table, "artifacts." + k);
            if (object_table && v.is_array())
                for (const auto& t : v)
                    if (t.is_object() && !t.contains("ddl") && !t.contains("calcEngine") && !id_of(t).empty()) {
                        reference_entries_.emplace_back("tables:" + id_of(t), &t);
                        reference_lists_.push_back("artifacts.tables");
                    }
        }
    if (auto it = spec.find("files"); it != spec.end() && it->is_object())
        for (const auto& [k, v] : it->items()) add_list("files", v, true, "files." + k);
    if (auto it = spec.find("workflows"); it != spec.end() && it->is_array())
        for (const auto& wf : *it)
            if (auto n = wf.find("nodes"); wf.is_object() && n != wf.end()) add_list("nodes", *n, false, "nodes");
}

std::string FlowSpecReferences::ref_id(const std::string& s) {
    if (s.size() < 5 || s.compare(0, 2, "{{") != 0 || s.compare(s.size() - 2, 2, "}}") != 0) return {};
    std::string id = s.substr(2, s.size() - 4);
    id.erase(0, id.find_first_not_of(' '));
    id.erase(id.find_last_not_of(' ') + 1);
    const auto dot = id.find('.');
    static const std::set<std::string> lists = {"artifacts", "variables", "triggers", "scripts", "runtimeResources",
                                                "files", "fileResources", "datasources", "nodes", "functions",
                                                "tables", "outputs", "nodeOutputs"};
    if (dot != std::string::npos && lists.count(id.substr(0, dot))) id = id.substr(dot + 1);
    return id;
}

const json* FlowSpecReferences::find(const std::string& id, const char* prefer) const {
    if (prefer)
        if (auto list = by_list_.find(prefer); list != by_list_.end())
            if (auto it = list->second.find(id); it != list->second.end()) return it->second;
    auto it = by_id_.find(id);
    return it == by_id_.end() ? nullptr : it->second;
}

json FlowSpecReferences::resolve(const json& value, const std::string& key) {
    json out = value;
    walk(out, key, false, 0);
    return out;
}

void FlowSpecReferences::walk(json& v, const std::string& key, bool element, int depth) {
    // Every value written counts: references to entries that refer to others again can multiply a
    // small document into an exponential one.
    if (++expanded_ > kMaxExpanded) return;
    if (v.is_string()) {
        const std::string& s = v.get_ref<const std::string&>();
        const std::string id = ref_id(s);
        if (id.empty()) return;
        if (key == "nodeId" || key == "output") {
            if (const json* target = find(id, "outputs")) used_.insert(target);
            v = id;
            return;
        }
        const bool object_expected = element ? kObjectLists.count(key) != 0 : kObjectFields.count(key) != 0;
        if (!object_expected) return;
        const json* target = find(id, list_for(key));
        // A reference that leads back into an entry being resolved would never end.
        if (!target || depth > 32 || expanding_.count(target)) {
            unresolved_.push_back(s);
            return;
        }
        used_.insert(target);
        expanding_.insert(target);
        json out = *target;
        walk(out, key, false, depth + 1);
        expanding_.erase(target);
        v = std::move(out);
        return;
    }
    if (v.is_object()) {
        for (auto& [k, x] : v.items()) walk(x, k, false, depth);
        return;
    }
    if (v.is_array())
        for (auto& x : v) walk(x, key, true, depth);
}

std::vector<std::pair<std::string, const json*>> FlowSpecReferences::unused_entries() const {
    std::vector<std::pair<std::string, const json*>> out;
    for (std::size_t i = 0; i < reference_entries_.size(); ++i)
        if (!used_.count(reference_entries_[i].second)) out.emplace_back(reference_lists_[i], reference_entries_[i].second);
    return out;
}

std::vector<std::string> FlowSpecReferences::unused() const {
    std::vector<std::string> out;
    for (const auto& [label, entry] : reference_entries_)
        if (!used_.count(entry)) out.push_back(label);
    return out;
}

}  // namespace ferry::host
