#include "package/flowspec_parser.hpp"

#include <algorithm>
#include <set>
#include <unordered_map>

#include <nlohmann/json.hpp>

namespace ferry::host {

using json = nlohmann::json;

namespace {

const std::set<std::string> kVersions = {"1.0.0", "1.1.0", "1.2.0"};
const std::set<std::string> kKinds = {"CycleWorkflow", "ManualWorkflow", "ManualNode",  "TemporaryWorkflow",
                                      "TriggerWorkflow", "Component",     "DataSource", "DataQuality",
                                      "DataCatalog",    "Node",          "Workflow",   "Table",
                                      "Resource",       "Function",      "PaiFlow",    "BatchDeployment"};

std::string where_at(const std::string& text, const std::string& entry, std::size_t offset) {
    std::size_t line = 1, col = 1;
    line_column(text, offset, line, col);
    return entry + ":" + std::to_string(line) + ":" + std::to_string(col);
}

// Depth check without recursion, so a hostile document cannot exhaust the stack in the parser.
bool check_depth(const std::string& text, const std::string& entry, int max_depth, sdk::Diagnostics& diags) {
    int depth = 0;
    bool in_string = false, escaped = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') in_string = false;
            continue;
        }
        if (c == '"') in_string = true;
        else if (c == '{' || c == '[') {
            if (++depth > max_depth) {
                diags.error("FERRY-PKG-JSON-DEPTH",
                            "the JSON nests deeper than " + std::to_string(max_depth) + " levels",
                            "FlowSpec documents are shallow; this file is not one ferry can trust",
                            where_at(text, entry, i));
                return false;
            }
        } else if (c == '}' || c == ']') {
            --depth;
        }
    }
    return true;
}

std::string str(const json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number_integer()) return std::to_string(v.get<long long>());
    if (v.is_number_unsigned()) return std::to_string(v.get<unsigned long long>());
    if (v.is_number_float()) return std::to_string(v.get<double>());
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    return {};
}

std::string str_at(const json& obj, const char* key) {
    if (!obj.is_object()) return {};
    auto it = obj.find(key);
    return it == obj.end() ? std::string{} : str(*it);
}

std::int64_t int_at(const json& obj, const char* key) {
    if (!obj.is_object()) return 0;
    auto it = obj.find(key);
    if (it == obj.end()) return 0;
    if (it->is_number()) return it->get<std::int64_t>();
    if (it->is_string()) {
        try {
            return std::stoll(it->get<std::string>());
        } catch (...) {
        }
    }
    return 0;
}

// Entries are given inline or as "{{id}}" / "{{list.id}}" references to any listed entry.
class References {
  public:
    void index(const json& spec) {
        if (!spec.is_object()) return;
        for (const auto& [key, value] : spec.items()) add_list(key, value);
        if (auto it = spec.find("artifacts"); it != spec.end() && it->is_object())
            for (const auto& [k, v] : it->items()) add_list(k, v);
        if (auto it = spec.find("files"); it != spec.end() && it->is_object())
            for (const auto& [k, v] : it->items()) add_list("files", v);
        if (auto it = spec.find("workflows"); it != spec.end() && it->is_array())
            for (const auto& wf : *it)
                if (auto n = wf.find("nodes"); n != wf.end()) add_list("nodes", *n);
    }

    // The object a value stands for: itself, or the entry it references. Ids are unique per list,
    // not across lists (a node and its script often share one), so the field's own list is
    // searched first.
    const json& resolve(const json& v, const char* prefer = nullptr) const {
        if (!v.is_string()) return v;
        const std::string id = ref_id(v.get<std::string>());
        if (id.empty()) return v;
        if (prefer)
            if (auto list = by_list_.find(prefer); list != by_list_.end())
                if (auto it = list->second.find(id); it != list->second.end()) return *it->second;
        auto it = by_id_.find(id);
        return it == by_id_.end() ? v : *it->second;
    }

    static std::string ref_id(const std::string& s) {
        if (s.size() < 5 || s.compare(0, 2, "{{") != 0 || s.compare(s.size() - 2, 2, "}}") != 0) return {};
        std::string id = s.substr(2, s.size() - 4);
        id.erase(0, id.find_first_not_of(' '));
        id.erase(id.find_last_not_of(' ') + 1);
        const auto dot = id.find('.');
        static const std::set<std::string> lists = {"artifacts", "variables", "triggers", "scripts",
                                                    "runtimeResources", "files", "fileResources",
                                                    "datasources", "nodes", "functions", "tables"};
        if (dot != std::string::npos && lists.count(id.substr(0, dot))) id = id.substr(dot + 1);
        return id;
    }

    // The id a value names: an inline object's id, or the referenced id.
    static std::string id_of(const json& v) {
        if (v.is_string()) {
            const std::string r = ref_id(v.get<std::string>());
            return r.empty() ? v.get<std::string>() : r;
        }
        return str_at(v, "id");
    }

  private:
    void add_list(const std::string& list, const json& v) {
        if (!v.is_array()) return;
        for (const auto& item : v)
            if (item.is_object()) {
                const std::string id = str_at(item, "id");
                if (id.empty()) continue;
                by_id_.emplace(id, &item);
                by_list_[list].emplace(id, &item);
            }
    }
    std::unordered_map<std::string, const json*> by_id_;
    std::unordered_map<std::string, std::unordered_map<std::string, const json*>> by_list_;
};

std::string owner_of(const json& obj, const std::string& fallback) {
    std::string o = str_at(obj, "owner");
    if (o.empty() && obj.is_object())
        if (auto m = obj.find("metadata"); m != obj.end()) o = str_at(*m, "owner");
    return o.empty() ? fallback : o;
}

// Collects what a node reads or writes; node outputs (not tables) also go to `node_outputs`, since
// an input node output is a dependency.
void collect_artifacts(const json& io, const References& refs, std::vector<std::string>& out,
                       std::vector<std::string>* node_outputs = nullptr) {
    if (!io.is_object()) return;
    for (const char* key : {"nodeOutputs", "outputs"}) {
        auto it = io.find(key);
        if (it == io.end() || !it->is_array()) continue;
        for (const auto& o : *it) {
            const json& r = refs.resolve(o);
            std::string d = r.is_object() ? str_at(r, "data") : str(r);
            if (d.empty() && r.is_object()) d = str_at(r, "output");
            if (!d.empty()) {
                out.push_back(d);
                if (node_outputs) node_outputs->push_back(d);
            }
        }
    }
    if (auto it = io.find("tables"); it != io.end() && it->is_array())
        for (const auto& t : *it) {
            const json& r = refs.resolve(t);
            std::string g = r.is_object() ? str_at(r, "guid") : str(r);
            if (g.empty() && r.is_object()) g = str_at(r, "name");
            if (!g.empty()) out.push_back(g);
        }
}

Node read_node(const json& raw, const References& refs, const std::string& workflow, const std::string& doc_owner,
               const std::string& entry) {
    const json& n = refs.resolve(raw, "nodes");
    Node node;
    node.id = str_at(n, "id");
    node.name = str_at(n, "name");
    node.workflow = workflow;
    node.owner = owner_of(n, doc_owner);
    node.description = str_at(n, "description");
    node.recurrence = str_at(n, "recurrence");
    node.instance_mode = str_at(n, "instanceMode");
    node.rerun_mode = str_at(n, "rerunMode");
    node.rerun_times = int_at(n, "rerunTimes");
    node.rerun_interval = int_at(n, "rerunInterval");
    node.priority = int_at(n, "priority");
    node.timeout = int_at(n, "timeout");
    node.source_path = entry;
    if (auto it = n.find("datasource"); it != n.end()) {
        const json& ds = refs.resolve(*it, "datasources");
        node.datasource_name = str_at(ds, "name");
        node.datasource_type = str_at(ds, "type");
    }
    if (auto it = n.find("script"); it != n.end()) {
        const json& s = refs.resolve(*it, "scripts");
        node.script_path = str_at(s, "path");
        node.language = str_at(s, "language");
        for (const char* key : {"content", "code"}) {
            if (auto c = s.find(key); c != s.end() && c->is_string()) {
                node.code.present = true;
                node.code.is_inline = true;
                node.code.inline_text = c->get<std::string>();
                node.code.size = node.code.inline_text.size();
                break;
            }
        }
        if (node.name.empty()) node.name = str_at(s, "name");  // examples name the script, not the node
        if (auto rt = s.find("runtime"); rt != s.end()) {
            node.command = str_at(*rt, "command");
            node.engine_label = str_at(*rt, "engine");
        }
        if (auto ps = s.find("parameters"); ps != s.end() && ps->is_array())
            for (const auto& p : *ps) {
                const json& pr = refs.resolve(p);
                const std::string name = pr.is_object() ? str_at(pr, "name") : str(pr);
                if (!name.empty()) node.parameters.push_back(name);
            }
    }
    if (auto it = n.find("trigger"); it != n.end()) {
        const json& t = refs.resolve(*it, "triggers");
        node.trigger_type = str_at(t, "type");
        node.cron = str_at(t, "cron");
        node.start_time = str_at(t, "startTime");
        node.end_time = str_at(t, "endTime");
        node.timezone = str_at(t, "timezone");
        if (node.recurrence.empty()) node.recurrence = str_at(t, "recurrence");  // 1.2.0 writes it here
    }
    if (node.recurrence.empty()) node.recurrence = "Normal";
    if (node.name.empty()) node.name = node.id;
    if (auto it = n.find("runtimeResource"); it != n.end()) {
        const json& r = refs.resolve(*it, "runtimeResources");
        node.resource_group = str_at(r, "resourceGroup");
        node.resource_group_id = str_at(r, "resourceGroupId");
    }
    if (auto it = n.find("inputs"); it != n.end()) {
        std::vector<std::string> upstream;
        collect_artifacts(*it, refs, node.inputs, &upstream);
        for (auto& u : upstream) node.depends.push_back({std::move(u), "Normal"});
    }
    if (auto it = n.find("outputs"); it != n.end()) collect_artifacts(*it, refs, node.outputs);
    if (!node.id.empty() && std::find(node.outputs.begin(), node.outputs.end(), node.id) == node.outputs.end())
        node.outputs.push_back(node.id);  // a node's id is its default output
    return node;
}

void read_edges(const json& flow, const References& refs, const std::string& entry, std::vector<PendingEdge>& out) {
    if (!flow.is_array()) return;
    for (const auto& f : flow) {
        const std::string node_id = References::id_of(f.is_object() ? f.value("nodeId", json()) : json());
        auto deps = f.is_object() ? f.find("depends") : f.end();
        if (node_id.empty() || deps == f.end() || !deps->is_array()) continue;
        for (const auto& d : *deps) {
            Dependency dep;
            dep.type = str_at(d, "type");
            if (dep.type.empty()) dep.type = "Normal";
            if (d.contains("nodeId")) dep.target = References::id_of(d["nodeId"]);
            if (dep.target.empty()) dep.target = str_at(d, "output");
            if (!dep.target.empty()) out.push_back({node_id, dep, entry});
        }
    }
}

void read_resource(const json& raw, const References& refs, const std::string& doc_owner, const std::string& entry,
                   ParsedDocument& out) {
    const json& r = refs.resolve(raw);
    Resource res;
    res.id = str_at(r, "id");
    res.name = str_at(r, "name");
    res.type = str_at(r, "type");
    res.owner = owner_of(r, doc_owner);
    res.source_path = entry;
    if (auto it = r.find("datasource"); it != r.end()) {
        res.datasource_name = str_at(refs.resolve(*it), "name");
        res.datasource_type = str_at(refs.resolve(*it), "type");
    }
    if (auto it = r.find("runtimeResource"); it != r.end()) res.resource_group = str_at(refs.resolve(*it), "resourceGroup");
    if (auto it = r.find("file"); it != r.end()) res.file_path = str_at(refs.resolve(*it), "path");
    if (auto it = r.find("script"); it != r.end()) {
        const json& s = refs.resolve(*it);
        if (auto c = s.find("content"); c != s.end() && c->is_string()) {
            res.content.present = true;
            res.content.is_inline = true;
            res.content.inline_text = c->get<std::string>();
            res.content.size = res.content.inline_text.size();
        }
    }
    out.resources.push_back(std::move(res));
}

void read_table(const json& t, const std::string& doc_owner, const std::string& entry, ParsedDocument& out) {
    // An artifact that is only a reference (a guid, no DDL, no engine) is an input, not an object.
    if (!t.contains("ddl") && !t.contains("calcEngine")) return;
    Table table;
    table.id = str_at(t, "id");
    table.name = str_at(t, "name");
    table.guid = str_at(t, "guid");
    if (table.name.empty() && !table.guid.empty()) table.name = table.guid.substr(table.guid.rfind('.') + 1);
    table.ddl = str_at(t, "ddl");
    table.owner = owner_of(t, doc_owner);
    table.source_path = entry;
    if (auto it = t.find("calcEngine"); it != t.end()) {
        table.engine_type = str_at(*it, "type");
        table.project = str_at(*it, "project");
        table.schema = str_at(*it, "schema");
    }
    if (table.project.empty() && !table.guid.empty()) {
        // guid: "<engine>.<project>.<schema>.<table>" or "<engine>.<project>.<table>"
        const auto first = table.guid.find('.');
        const auto second = table.guid.find('.', first + 1);
        if (first != std::string::npos && second != std::string::npos)
            table.project = table.guid.substr(first + 1, second - first - 1);
    }
    out.tables.push_back(std::move(table));
}

void read_function(const json& raw, const References& refs, const std::string& doc_owner, const std::string& entry,
                   ParsedDocument& out) {
    const json& f = refs.resolve(raw);
    Function fn;
    fn.id = str_at(f, "id");
    fn.name = str_at(f, "name");
    fn.type = str_at(f, "type");
    fn.class_name = str_at(f, "className");
    fn.embedded_code = str_at(f, "embeddedCode");
    fn.owner = owner_of(f, doc_owner);
    fn.source_path = entry;
    if (auto it = f.find("datasource"); it != f.end()) {
        fn.datasource_name = str_at(refs.resolve(*it), "name");
        fn.datasource_type = str_at(refs.resolve(*it), "type");
    }
    if (auto it = f.find("fileResources"); it != f.end() && it->is_array())
        for (const auto& r : *it) {
            const json& res = refs.resolve(r, "fileResources");
            std::string name = res.is_object() ? str_at(res, "name") : References::id_of(res);
            if (!name.empty()) fn.resources.push_back(name);
        }
    out.functions.push_back(std::move(fn));
}

void read_datasource(const json& raw, const References& refs, const DocumentHints& hints, const std::string& entry,
                     ParsedDocument& out) {
    const json& d = refs.resolve(raw);
    DataSource ds;
    ds.id = str_at(d, "id");
    ds.name = str_at(d, "name");
    ds.type = str_at(d, "type");
    ds.sub_type = str_at(d, "subType");
    ds.environment = hints.environment;
    if (auto it = d.find("config"); it != d.end()) ds.config = it->is_string() ? it->get<std::string>() : it->dump();
    ds.source_path = entry;
    out.datasources.push_back(std::move(ds));
}

}  // namespace

void line_column(const std::string& text, std::size_t offset, std::size_t& line, std::size_t& column) {
    line = 1;
    column = 1;
    const std::size_t end = std::min(offset, text.size());
    for (std::size_t i = 0; i < end; ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            ++column;
        }
    }
}

bool looks_like_flowspec(const std::string& text) {
    const json doc = json::parse(text, nullptr, false);
    return doc.is_object() && doc.contains("spec") && (doc.contains("kind") || doc.contains("version"));
}

bool parse_flowspec(const std::string& text, const std::string& entry, const DocumentHints& hints, int max_depth,
                    ParsedDocument& out, sdk::Diagnostics& diags) {
    if (!check_depth(text, entry, max_depth, diags)) return false;
    json doc;
    try {
        doc = json::parse(text);
    } catch (const json::parse_error& e) {
        std::string what = e.what();
        // nlohmann's text: "[json.exception.parse_error.101] parse error at line 3, column 5: ..."
        if (auto p = what.find(": "); p != std::string::npos) what = what.substr(p + 2);
        diags.error("FERRY-PKG-JSON", "malformed JSON: " + what, "fix the document or export the package again",
                    where_at(text, entry, e.byte > 0 ? e.byte - 1 : 0));
        return false;
    } catch (const json::exception& e) {
        // Not a syntax error but still unreadable, e.g. a number too large for a double (found by
        // fuzzing: nlohmann throws out_of_range 406 for 3e3333...). No position comes with it.
        std::string what = e.what();
        if (auto p = what.find("] "); p != std::string::npos) what = what.substr(p + 2);
        if (what.size() > 120) what = what.substr(0, 117) + "...";
        diags.error("FERRY-PKG-JSON", "malformed JSON: " + what, "fix the document or export the package again",
                    entry);
        return false;
    }
    if (!doc.is_object()) {
        diags.error("FERRY-PKG-SPEC-INVALID", "the document is not a JSON object",
                    "a FlowSpec document is an object with version, kind and spec", entry);
        return false;
    }
    const std::string version = str_at(doc, "version");
    if (!kVersions.count(version)) {
        diags.error("FERRY-PKG-SPEC-VERSION",
                    version.empty() ? "the document has no FlowSpec version"
                                    : "unknown FlowSpec version '" + version + "'",
                    "ferry reads FlowSpec 1.0.0, 1.1.0 and 1.2.0", entry);
        return false;
    }
    const std::string kind = str_at(doc, "kind");
    if (!kKinds.count(kind)) {
        diags.error("FERRY-PKG-SPEC-KIND", kind.empty() ? "the document has no kind" : "unknown FlowSpec kind '" + kind + "'",
                    "known kinds: CycleWorkflow, ManualWorkflow, ManualNode, Component, DataSource, ...", entry);
        return false;
    }
    const json& spec = doc.contains("spec") ? doc["spec"] : json::object();
    if (!spec.is_object()) {
        diags.error("FERRY-PKG-SPEC-INVALID", "'spec' is not an object", "", entry);
        return false;
    }
    References refs;
    refs.index(spec);
    const std::string doc_owner = owner_of(doc, owner_of(spec, ""));
    std::string doc_workflow = hints.workflow;
    if (doc_workflow.empty() && kind.find("Workflow") != std::string::npos) doc_workflow = str_at(spec, "name");

    if (auto it = spec.find("nodes"); it != spec.end() && it->is_array())
        for (const auto& n : *it) out.nodes.push_back(read_node(n, refs, doc_workflow, doc_owner, entry));
    read_edges(spec.value("flow", json()), refs, entry, out.edges);
    if (auto it = spec.find("workflows"); it != spec.end() && it->is_array()) {
        for (const auto& wf : *it) {
            const std::string wf_name = hints.workflow.empty() ? str_at(wf, "name") : hints.workflow;
            if (!wf_name.empty()) out.workflows.push_back(wf_name);
            const std::string wf_owner = owner_of(wf, doc_owner);
            if (auto n = wf.find("nodes"); n != wf.end() && n->is_array())
                for (const auto& node : *n) out.nodes.push_back(read_node(node, refs, wf_name, wf_owner, entry));
            read_edges(wf.value("dependencies", json()), refs, entry, out.edges);
        }
    }
    if (!doc_workflow.empty()) out.workflows.push_back(doc_workflow);
    if (auto it = spec.find("fileResources"); it != spec.end() && it->is_array())
        for (const auto& r : *it) read_resource(r, refs, doc_owner, entry, out);
    if (auto it = spec.find("artifacts"); it != spec.end() && it->is_object())
        if (auto t = it->find("tables"); t != it->end() && t->is_array())
            for (const auto& table : *t) read_table(table, doc_owner, entry, out);
    if (auto it = spec.find("tables"); it != spec.end() && it->is_array())
        for (const auto& table : *it) read_table(table, doc_owner, entry, out);
    if (auto it = spec.find("functions"); it != spec.end() && it->is_array())
        for (const auto& f : *it) read_function(f, refs, doc_owner, entry, out);
    if (auto it = spec.find("datasources"); it != spec.end() && it->is_array())
        for (const auto& d : *it) read_datasource(d, refs, hints, entry, out);
    if (auto it = spec.find("datasource"); it != spec.end() && it->is_object())
        read_datasource(*it, refs, hints, entry, out);
    return true;
}

}  // namespace ferry::host
