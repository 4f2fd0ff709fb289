#include "package/flowspec_parser.hpp"

#include <algorithm>
#include <functional>
#include <set>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "package/flowspec_references.hpp"
#include "package/object_folder.hpp"
#include "util/json_diff.hpp"
#include "util/json_text.hpp"
#include "util/json_write.hpp"

namespace ferry::host {

using json = nlohmann::json;

namespace {

const std::set<std::string> kVersions = {"1.0.0", "1.1.0", "1.2.0"};
// Every kind upstream's SpecKind names (and TriggerWorkflow, which older documents used).
const std::set<std::string> kKinds = {"CycleWorkflow", "ManualWorkflow", "ManualNode",  "TemporaryWorkflow",
                                      "TriggerWorkflow", "Component",     "DataSource", "DataQuality",
                                      "DataCatalog",    "DataService",   "Node",       "Workflow",
                                      "Table",          "Resource",      "Function",   "PaiFlow",
                                      "BatchDeployment"};

// The spec's lists that hold objects, and those that only serve references: neither is copied
// into an object's document as a field of the spec (the object itself and what it references are).
const std::set<std::string> kObjectLists = {"nodes",      "workflows", "fileResources", "functions", "datasources",
                                            "datasource", "components", "dqcRules",     "tables",    "flow",
                                            "artifacts",  "variables", "triggers",      "scripts",   "files",
                                            "runtimeResources"};

// Fields of a node holding inner nodes, with the key of their inner edges.
struct ContainerField {
    const char* key;
    const char* edges;
};
const ContainerField kContainers[] = {{"do-while", "flow"}, {"doWhile", "flow"},     {"for-each", "flow"},
                                      {"foreach", "flow"},  {"combined", "dependencies"}, {"subflow", "dependencies"}};

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

// Keys as views: a const char* key was measured again (strlen) at every comparison of the lookup.
std::string str_at(const json& obj, std::string_view key) {
    if (!obj.is_object()) return {};
    auto it = obj.find(key);
    return it == obj.end() ? std::string{} : str(*it);
}

const json& field(const json& obj, std::string_view key) {
    static const json none;
    if (!obj.is_object()) return none;
    auto it = obj.find(key);
    return it == obj.end() ? none : *it;
}

std::int64_t int_at(const json& obj, const char* key) {
    const json& v = field(obj, key);
    if (v.is_number_integer()) return v.get<std::int64_t>();
    if (v.is_number_unsigned()) return static_cast<std::int64_t>(v.get<std::uint64_t>());
    if (v.is_number_float()) return static_cast<std::int64_t>(v.get<double>());
    if (v.is_string()) {
        try {
            return std::stoll(v.get<std::string>());
        } catch (...) {
        }
    }
    return 0;
}

std::string owner_of(const json& obj, const std::string& fallback) {
    std::string o = str_at(obj, "owner");
    if (o.empty()) o = str_at(field(obj, "metadata"), "owner");
    return o.empty() ? fallback : o;
}

// Collects what a node reads or writes; node outputs (not tables) also go to `node_outputs`, since
// an input node output is a dependency.
void collect_artifacts(const json& io, std::vector<std::string>& out, std::vector<std::string>* node_outputs = nullptr) {
    if (!io.is_object()) return;
    for (const char* key : {"nodeOutputs", "outputs", "output"}) {
        const json& list = field(io, key);
        if (!list.is_array()) continue;
        for (const auto& o : list) {
            std::string d = o.is_object() ? str_at(o, "data") : str(o);
            if (d.empty() && o.is_object()) d = str_at(o, "output");
            if (!d.empty()) {
                out.push_back(d);
                if (node_outputs) node_outputs->push_back(d);
            }
        }
    }
    const json& tables = field(io, "tables");
    if (tables.is_array())
        for (const auto& t : tables) {
            std::string g = t.is_object() ? str_at(t, "guid") : str(t);
            if (g.empty() && t.is_object()) g = str_at(t, "name");
            if (!g.empty()) out.push_back(g);
        }
}

std::vector<std::string> parameters_of(const json& list) {
    std::vector<std::string> out;
    if (!list.is_array()) return out;
    for (const auto& p : list) {
        const std::string name = p.is_object() ? str_at(p, "name") : str(p);
        if (name.empty()) continue;
        const json& value = field(p, "value");
        out.push_back(value.is_null() ? name : name + "=" + str(value));
    }
    return out;
}

Dependency dependency_of(const json& d) {
    Dependency dep;
    dep.type = str_at(d, "type");
    if (dep.type.empty()) dep.type = "Normal";
    dep.target = str_at(d, "nodeId");
    if (dep.target.empty()) dep.target = str_at(d, "output");
    return dep;
}

void add_dependency(std::vector<Dependency>& deps, Dependency dep) {
    if (dep.target.empty()) return;
    for (const auto& d : deps)
        if (d.target == dep.target) return;
    deps.push_back(std::move(dep));
}

class DocumentReader {
  public:
    DocumentReader(const json& doc, const json& spec, bool wrapped, const std::string& entry, const DocumentHints& hints,
                   const ParseOptions& options, ParsedDocument& out, sdk::Diagnostics& diags)
        : spec_(spec), entry_(entry), hints_(hints), options_(options), out_(out), diags_(diags),
          refs_(spec) {
        kind_ = str_at(doc, "kind");
        if (kind_.empty()) kind_ = str_at(doc, "Kind");
        // The envelope every object's document carries: what sits beside the spec (the FlowSpec 1.0
        // form has no wrapper: only version, kind and metadata are the envelope then).
        envelope_ = json::object();
        for (const auto& [k, v] : doc.items()) {
            if (wrapped ? (k == "spec" || k == "Spec") : (k != "version" && k != "kind" && k != "metadata"))
                continue;
            envelope_[k] = v;
        }
        spec_base_ = json::object();
        for (const auto& [k, v] : spec.items())
            if (!kObjectLists.count(k)) spec_base_[k] = refs_.resolve(v, k);
        doc_owner_ = owner_of(doc, owner_of(spec, ""));
        doc_workflow_ = hints.workflow;
        if (doc_workflow_.empty() && kind_.find("Workflow") != std::string::npos) doc_workflow_ = str_at(spec, "name");
    }

    void read() {
        if (kind_ == "DataService") {
            read_service();
            return;
        }
        // Flow edges by the node they belong to.
        const json& flow = field(spec_, "flow");
        if (flow.is_array())
            for (const auto& f : flow) {
                json entry = refs_.resolve(f, "flow");
                const std::string id = str_at(entry, "nodeId");
                if (id.empty()) continue;
                flow_by_node_[id].push_back(std::move(entry));
            }
        // At least one Node (over a kilobyte) per entry: growing the vector moved them all again.
        if (const json& nodes = field(spec_, "nodes"); nodes.is_array()) out_.nodes.reserve(nodes.size());
        read_list("nodes", [&](const json& n, const std::string& ptr) { read_top_node(n, ptr); });
        const json& workflows = field(spec_, "workflows");
        workflow_count_ = workflows.is_array() ? workflows.size() : 0;
        read_list("workflows", [&](const json& w, const std::string& ptr) { read_workflow(w, ptr); });
        read_list("fileResources", [&](const json& r, const std::string& ptr) { read_resource(r, ptr); });
        const json& artifacts = field(spec_, "artifacts");
        if (artifacts.is_object() && field(artifacts, "tables").is_array()) {
            std::size_t i = 0;
            for (const auto& t : field(artifacts, "tables")) read_table(t, "/artifacts/tables/" + std::to_string(i++), true);
        }
        read_list("tables", [&](const json& t, const std::string& ptr) { read_table(t, ptr, false); });
        read_list("functions", [&](const json& f, const std::string& ptr) { read_function(f, ptr); });
        read_list("datasources", [&](const json& d, const std::string& ptr) { read_datasource(d, ptr); });
        if (field(spec_, "datasource").is_object()) read_datasource(field(spec_, "datasource"), "/datasource");
        read_list("components", [&](const json& c, const std::string& ptr) { read_component(c, ptr); });
        read_list("dqcRules", [&](const json& q, const std::string& ptr) { read_quality(q, ptr); });
        if (!doc_workflow_.empty()) out_.workflow_names.push_back(doc_workflow_);
        report_leftovers();
    }

  private:
    template <typename Fn>
    void read_list(const char* key, Fn&& fn) {
        const json& list = field(spec_, key);
        if (!list.is_array()) return;
        std::size_t i = 0;
        for (const auto& item : list) fn(item, "/" + std::string(key) + "/" + std::to_string(i++));
    }

    // The object's own document: the envelope, the spec's own fields, and the object in its list.
    json document_of(const char* list, json object, json flow = json()) const {
        json spec = spec_base_;
        spec[list] = json::array({std::move(object)});
        if (flow.is_array() && !flow.empty()) spec["flow"] = std::move(flow);
        json doc = envelope_;
        doc["spec"] = std::move(spec);
        return doc;
    }

    // Documents are written when the whole document has been read: entries of its reference lists
    // that no object used (a workflow's variables, a script no node names) are then carried in
    // every object's document, where they were, so nothing of the package is lost.
    // `build` makes the document; a check that knows the object's folder does not call it (copying
    // the spec and the envelope for every object was a tenth of a parser thread's time).
    template <typename Objects, typename Build>
    void defer_document(Objects& list, std::size_t index, sdk::ObjectKind kind, Build&& build) {
        if (!options_.keep_documents && !list[index].folder.empty()) return;
        json doc = build();
        // An object from a loose document has no place in a layout: it gets the one an export gives it.
        if (list[index].folder.empty()) list[index].folder = default_folder(kind, doc);
        if (!options_.keep_documents) return;
        pending_.push_back({std::move(doc), [&list, index]() -> PackageObject& { return list[index]; }});
    }

    void write_documents() {
        json leftovers = json::object();
        for (const auto& [place, entry] : refs_.unused_entries()) {
            json* at = &leftovers;
            std::size_t from = 0;
            for (std::size_t dot = place.find('.'); ; dot = place.find('.', from)) {
                at = &(*at)[place.substr(from, dot == std::string::npos ? std::string::npos : dot - from)];
                if (dot == std::string::npos) break;
                from = dot + 1;
            }
            if (!at->is_array()) *at = json::array();
            at->push_back(*entry);
        }
        for (auto& [doc, object] : pending_) {
            json& spec = doc["spec"];
            for (const auto& [key, value] : leftovers.items()) {
                if (!value.is_object()) {
                    spec[key] = value;
                    continue;
                }
                for (const auto& [k, v] : value.items()) {  // artifacts.*, files.*
                    json& list = spec[key][k];
                    if (!list.is_array()) list = json::array();
                    for (const auto& e : v) list.push_back(e);
                }
            }
            std::string text = json_text(doc);
            PackageObject& o = object();
            o.document.present = true;
            o.document.is_inline = true;
            o.document.size = text.size();
            o.document.inline_text = std::move(text);
        }
        pending_.clear();
    }

    void base(PackageObject& o, const json& v) const {
        o.id = str_at(v, "id");
        o.name = str_at(v, "name");
        o.owner = owner_of(v, doc_owner_);
        o.source_path = entry_;
        o.folder = hints_.folder;
        o.doc_kind = kind_;
    }

    // Moves inline code out of a script into `code` (a top-level object's content column).
    void take_inline_code(json& object, ContentRef& code) const {
        auto s = object.find("script");
        if (s == object.end() || !s->is_object()) return;
        for (const char* key : {"content", "code"}) {
            auto c = s->find(key);
            if (c == s->end() || !c->is_string()) continue;
            set_code(code, c->get_ref<const std::string&>());
            s->erase(c);
            return;
        }
    }

    // Code written in the document. A check keeps only that it is there and its size, as it does
    // for a code file: nothing reads the text, and every node's copy went through the model's spool
    // and back on each pass.
    void set_code(ContentRef& code, const std::string& text) const {
        code.present = true;
        code.size = text.size();
        if (options_.keep_documents) {
            code.is_inline = true;
            code.inline_text = text;
        } else {
            code.is_inline = false;
            code.entry_path = entry_;
        }
    }

    // One node's view; `n` is resolved.
    Node node_view(const json& n, const std::string& workflow, const std::string& owner) const {
        Node node;
        base(node, n);
        node.owner = owner_of(n, owner);
        node.workflow = workflow;
        node.description = str_at(n, "description");
        node.recurrence = str_at(n, "recurrence");
        node.instance_mode = str_at(n, "instanceMode");
        node.rerun_mode = str_at(n, "rerunMode");
        node.rerun_times = int_at(n, "rerunTimes");
        node.rerun_interval = int_at(n, "rerunInterval");
        node.priority = int_at(n, "priority");
        node.timeout = int_at(n, "timeout");
        const json& ds = field(n, "datasource");
        node.datasource_name = str_at(ds, "name");
        node.datasource_type = str_at(ds, "type");
        const json& s = field(n, "script");
        node.script_path = str_at(s, "path");
        node.language = str_at(s, "language");
        if (node.name.empty()) node.name = str_at(s, "name");  // examples name the script, not the node
        const json& rt = field(s, "runtime");
        node.command = str_at(rt, "command");
        node.command_type_id = str_at(rt, "commandTypeId");
        node.engine_label = str_at(rt, "engine");
        node.parameters = parameters_of(field(s, "parameters"));
        for (const char* key : {"content", "code"})
            if (const json& c = field(s, key); c.is_string()) {
                set_code(node.code, c.get_ref<const std::string&>());
                break;
            }
        const json& t = field(n, "trigger");
        node.trigger_type = str_at(t, "type");
        node.cron = str_at(t, "cron");
        node.start_time = str_at(t, "startTime");
        node.end_time = str_at(t, "endTime");
        node.timezone = str_at(t, "timezone");
        if (node.recurrence.empty()) node.recurrence = str_at(t, "recurrence");  // 1.2.0 writes it here
        if (node.recurrence.empty()) node.recurrence = "Normal";
        if (node.name.empty()) node.name = node.id;
        const json& r = field(n, "runtimeResource");
        node.resource_group = str_at(r, "resourceGroup");
        node.resource_group_id = str_at(r, "resourceGroupId");
        std::vector<std::string> upstream;
        collect_artifacts(field(n, "inputs"), node.inputs, &upstream);
        for (auto& u : upstream) add_dependency(node.depends, {std::move(u), "Normal"});
        collect_artifacts(field(n, "outputs"), node.outputs);
        if (!node.id.empty() && std::find(node.outputs.begin(), node.outputs.end(), node.id) == node.outputs.end())
            node.outputs.push_back(node.id);  // a node's id is its default output
        return node;
    }

    // A node and, recursively, the inner nodes of its containers. `container` is the index of the
    // object whose document holds them; returns the number of inner nodes below this one.
    std::size_t read_node_tree(const json& n, const std::string& pointer, const std::string& workflow,
                               const std::string& owner, bool inner, bool in_workflow, std::size_t container) {
        Node view = node_view(n, workflow, owner);
        // An inner node that names itself nowhere (a do-while's `while`) is called by its place.
        if (view.name.empty() && inner) view.name = pointer.substr(pointer.rfind('/') + 1);
        view.inner = inner;
        view.in_workflow = in_workflow;
        view.container = container;
        view.pointer = pointer;
        const std::size_t at = out_.nodes.size();
        out_.nodes.push_back(std::move(view));
        std::size_t count = 0;
        for (const auto& c : kContainers) {
            const json& box = field(n, c.key);
            if (!box.is_object()) continue;
            const std::string base = pointer + "/" + pointer_token(c.key);
            std::vector<std::pair<std::string, std::size_t>> ids;  // inner id -> node index
            const json& nodes = field(box, "nodes");
            if (nodes.is_array())
                for (std::size_t i = 0; i < nodes.size(); ++i) {
                    ids.emplace_back(str_at(nodes[i], "id"), out_.nodes.size());
                    count += 1 + read_node_tree(nodes[i], base + "/nodes/" + std::to_string(i), workflow,
                                                out_.nodes[at].owner, true, in_workflow, container);
                }
            for (const char* w : {"while", "specWhile"})
                if (field(box, w).is_object()) {
                    ids.emplace_back(str_at(field(box, w), "id"), out_.nodes.size());
                    count += 1 + read_node_tree(field(box, w), base + "/" + w, workflow, out_.nodes[at].owner, true,
                                                in_workflow, container);
                }
            attach_edges(field(box, c.edges), ids);
            if (field(box, "flow").is_array() && std::string(c.edges) != "flow") attach_edges(field(box, "flow"), ids);
        }
        out_.nodes[at].inner_count = count;
        return count;
    }

    void attach_edges(const json& edges, const std::vector<std::pair<std::string, std::size_t>>& ids) {
        if (!edges.is_array()) return;
        for (const auto& e : edges) {
            const std::string id = str_at(e, "nodeId");
            for (const auto& [node_id, index] : ids) {
                if (node_id != id || id.empty()) continue;
                const json& deps = field(e, "depends");
                if (deps.is_array())
                    for (const auto& d : deps) add_dependency(out_.nodes[index].depends, dependency_of(d));
            }
        }
    }

    // The document's flow entries that give dependencies to `id`: taken out of the flow (they go
    // into that object's own document) and added to `depends`.
    template <class Depends>
    json take_flow_of(const std::string& id, Depends& depends) {
        json flow = json::array();
        auto it = flow_by_node_.find(id);
        if (id.empty() || it == flow_by_node_.end()) return flow;
        for (auto& entry : it->second) {
            const json& deps = field(entry, "depends");
            if (deps.is_array())
                for (const auto& d : deps) add_dependency(depends, dependency_of(d));
            flow.push_back(std::move(entry));
        }
        flow_by_node_.erase(it);
        return flow;
    }

    void read_top_node(const json& raw, const std::string& pointer) {
        json n = refs_.resolve(raw, "nodes");
        const std::size_t at = out_.nodes.size();
        read_node_tree(n, "", doc_workflow_, doc_owner_, false, false, kNoContainer);
        Node& node = out_.nodes[at];
        for (std::size_t i = at + 1; i < out_.nodes.size(); ++i) out_.nodes[i].container = at;
        json flow = take_flow_of(node.id, node.depends);
        ContentRef moved;
        take_inline_code(n, moved);
        defer_document(out_.nodes, at, sdk::ObjectKind::node,
                       [&] { return document_of("nodes", std::move(n), std::move(flow)); });
        (void)pointer;
    }

    void read_workflow(const json& raw, const std::string& pointer) {
        json w = refs_.resolve(raw, "workflows");
        Workflow wf;
        base(wf, w);
        // A workflow that names itself nowhere (MigrationX wraps nodes in one) is named after its
        // document, so it can be stored, exported under that name and read back as the same.
        if (wf.name.empty()) wf.name = wf.id;
        if (wf.name.empty()) {
            wf.name = document_stem();
            if (workflow_count_ > 1) wf.name += "_" + std::to_string(out_.workflows.size() + 1);
        }
        const json& t = field(w, "trigger");
        wf.trigger_type = str_at(t, "type");
        wf.cron = str_at(t, "cron");
        wf.parameters = parameters_of(field(field(w, "script"), "parameters"));
        const std::size_t index = out_.workflows.size();
        const std::string name = hints_.workflow.empty() ? wf.name : hints_.workflow;
        // Its inner nodes, with their edges (`dependencies`, or `flow` when that is empty).
        std::vector<std::pair<std::string, std::size_t>> ids;
        const json& nodes = field(w, "nodes");
        if (nodes.is_array())
            for (std::size_t i = 0; i < nodes.size(); ++i) {
                ids.emplace_back(str_at(nodes[i], "id"), out_.nodes.size());
                wf.node_count += 1 + read_node_tree(nodes[i], "/nodes/" + std::to_string(i), name, wf.owner, true, true,
                                                    index);
            }
        const json& deps = field(w, "dependencies");
        attach_edges(deps.is_array() && !deps.empty() ? deps : field(w, "flow"), ids);
        // The workflow's own dependencies: the document's flow entries naming it.
        json flow = take_flow_of(wf.id, wf.depends);
        if (!name.empty()) out_.workflow_names.push_back(name);
        out_.workflows.push_back(std::move(wf));
        defer_document(out_.workflows, out_.workflows.size() - 1, sdk::ObjectKind::workflow,
                       [&] { return document_of("workflows", std::move(w), std::move(flow)); });
        (void)pointer;
    }

    void read_resource(const json& raw, const std::string&) {
        json r = refs_.resolve(raw, "fileResources");
        Resource res;
        base(res, r);
        res.type = str_at(r, "type");
        const json& ds = field(r, "datasource");
        res.datasource_name = str_at(ds, "name");
        res.datasource_type = str_at(ds, "type");
        res.resource_group = str_at(field(r, "runtimeResource"), "resourceGroup");
        res.file_path = str_at(field(r, "file"), "path");
        take_inline_code(r, res.content);
        out_.resources.push_back(std::move(res));
        defer_document(out_.resources, out_.resources.size() - 1, sdk::ObjectKind::resource,
                       [&] { return document_of("fileResources", std::move(r)); });
    }

    void read_table(const json& raw, const std::string&, bool in_artifacts) {
        json t = refs_.resolve(raw, "tables");
        // An artifact that is only a reference (a guid, no DDL, no engine) is an input, not an object.
        if (!t.is_object() || (!t.contains("ddl") && !t.contains("calcEngine"))) return;
        Table table;
        base(table, t);
        table.guid = str_at(t, "guid");
        if (table.name.empty() && !table.guid.empty()) table.name = table.guid.substr(table.guid.rfind('.') + 1);
        table.ddl = str_at(t, "ddl");
        const json& ce = field(t, "calcEngine");
        table.engine_type = str_at(ce, "type");
        table.project = str_at(ce, "project");
        if (table.project.empty()) table.project = str_at(ce, "database");  // upstream's name for it
        table.schema = str_at(ce, "schema");
        if (table.project.empty() && !table.guid.empty()) {
            // guid: "<engine>.<project>.<schema>.<table>" or "<engine>.<project>.<table>"
            const auto first = table.guid.find('.');
            const auto second = table.guid.find('.', first + 1);
            if (first != std::string::npos && second != std::string::npos)
                table.project = table.guid.substr(first + 1, second - first - 1);
        }
        // Where the package put it (artifacts.tables or tables) is layout: one place in the document.
        (void)in_artifacts;
        out_.tables.push_back(std::move(table));
        defer_document(out_.tables, out_.tables.size() - 1, sdk::ObjectKind::table, [&] {
            json spec = spec_base_;
            spec["artifacts"] = json{{"tables", json::array({std::move(t)})}};
            json doc = envelope_;
            doc["spec"] = std::move(spec);
            return doc;
        });
    }

    void read_function(const json& raw, const std::string&) {
        json f = refs_.resolve(raw, "functions");
        Function fn;
        base(fn, f);
        fn.type = str_at(f, "type");
        fn.class_name = str_at(f, "className");
        fn.embedded_code = str_at(f, "embeddedCode");
        const json& ds = field(f, "datasource");
        fn.datasource_name = str_at(ds, "name");
        fn.datasource_type = str_at(ds, "type");
        const json& res = field(f, "fileResources");
        if (res.is_array())
            for (const auto& r : res) {
                std::string name = r.is_object() ? str_at(r, "name") : str(r);
                if (name.empty() && r.is_object()) name = str_at(r, "id");
                if (!name.empty()) fn.resources.push_back(name);
            }
        out_.functions.push_back(std::move(fn));
        defer_document(out_.functions, out_.functions.size() - 1, sdk::ObjectKind::function,
                       [&] { return document_of("functions", std::move(f)); });
    }

    void read_datasource(const json& raw, const std::string&) {
        json d = refs_.resolve(raw, "datasources");
        DataSource ds;
        base(ds, d);
        ds.owner.clear();  // data sources have no owner
        ds.type = str_at(d, "type");
        ds.sub_type = str_at(d, "subType");
        ds.environment = hints_.environment;
        const json& config = field(d, "config");
        if (!config.is_null()) ds.config = config.is_string() ? config.get<std::string>() : config.dump();
        out_.datasources.push_back(std::move(ds));
        defer_document(out_.datasources, out_.datasources.size() - 1, sdk::ObjectKind::datasource,
                       [&] { return document_of("datasources", std::move(d)); });
    }

    void read_component(const json& raw, const std::string&) {
        json c = refs_.resolve(raw, "components");
        Component comp;
        base(comp, c);
        comp.command = str_at(field(field(c, "script"), "runtime"), "command");
        take_inline_code(c, comp.code);
        out_.components.push_back(std::move(comp));
        defer_document(out_.components, out_.components.size() - 1, sdk::ObjectKind::component,
                       [&] { return document_of("components", std::move(c)); });
    }

    void read_quality(const json& raw, const std::string&) {
        json q = refs_.resolve(raw, "dqcRules");
        QualityRule rule;
        base(rule, q);
        if (rule.name.empty()) rule.name = rule.id;
        const json& table = field(q, "table");
        rule.table = table.is_object() ? str_at(table, "guid").empty() ? str_at(table, "name") : str_at(table, "guid")
                                       : str(table);
        const json& node = field(q, "schedulerNode");
        rule.scheduler_node = str_at(node, "output").empty() ? str_at(node, "nodeId") : str_at(node, "output");
        out_.quality_rules.push_back(std::move(rule));
        defer_document(out_.quality_rules, out_.quality_rules.size() - 1, sdk::ObjectKind::quality,
                       [&] { return document_of("dqcRules", std::move(q)); });
    }

    // The document's file name without its extensions.
    std::string document_stem() const {
        std::string stem = entry_.substr(entry_.rfind('/') == std::string::npos ? 0 : entry_.rfind('/') + 1);
        for (const char* ext : {".schedule.json", ".json", ".flow"})
            if (stem.size() > std::string(ext).size() &&
                stem.compare(stem.size() - std::string(ext).size(), std::string(ext).size(), ext) == 0) {
                stem.resize(stem.size() - std::string(ext).size());
                break;
            }
        return stem;
    }

    // A DataService document is carried whole: upstream's library reads no such kind, so ferry does
    // not interpret it.
    void read_service() {
        Service svc;
        base(svc, spec_);
        if (svc.name.empty()) svc.name = document_stem();
        json doc = envelope_;
        doc["spec"] = spec_;  // as written: ferry does not read into it
        if (svc.folder.empty()) svc.folder = default_folder(sdk::ObjectKind::service, doc);
        out_.services.push_back(std::move(svc));
        if (options_.keep_documents) {
            std::string text = json_text(doc);
            PackageObject& o = out_.services.back();
            o.document.present = true;
            o.document.is_inline = true;
            o.document.size = text.size();
            o.document.inline_text = std::move(text);
        }
    }

    // What the document holds that no object carries is said, never dropped in silence.
    void report_leftovers() {
        for (auto& [id, entries] : flow_by_node_)
            for (auto& entry : entries) {
                // A node of another document: its view still gets the edge (resolved against the
                // whole package), but this document cannot carry it for that node.
                const json& deps = field(entry, "depends");
                if (deps.is_array())
                    for (const auto& d : deps) {
                        PendingEdge e{id, dependency_of(d), entry_};
                        if (!e.dependency.target.empty()) out_.edges.push_back(std::move(e));
                    }
            }
        if (!flow_by_node_.empty()) {
            std::string ids;
            for (const auto& [id, entries] : flow_by_node_) ids += (ids.empty() ? "" : ", ") + id;
            diags_.warning("FERRY-PKG-FLOW-ELSEWHERE",
                           "the document's flow gives dependencies to node id(s) it does not hold: " + ids,
                           "the dependencies still count for the checks and the plan, but are carried only in "
                           "the document of each node; export the workflow so each node's document holds its edges",
                           entry_);
        }
        write_documents();
        if (refs_.exceeded()) {
            diags_.error("FERRY-PKG-REFERENCE-EXPANSION",
                         "the document's {{...}} references expand to more than " +
                             std::to_string(FlowSpecReferences::kMaxExpanded) +
                             " values: entries refer to each other over and over",
                         "write the entries inline, or refer to each entry from fewer places", entry_);
        }
        if (!refs_.unresolved().empty()) {
            std::string list;
            for (std::size_t i = 0; i < refs_.unresolved().size() && i < 10; ++i)
                list += (i ? ", " : "") + refs_.unresolved()[i];
            diags_.warning("FERRY-PKG-REFERENCE", "references that name no entry of the document: " + list,
                           "they are kept as written", entry_);
        }
    }

    const json& spec_;
    const std::string& entry_;
    const DocumentHints& hints_;
    const ParseOptions& options_;
    ParsedDocument& out_;
    sdk::Diagnostics& diags_;
    FlowSpecReferences refs_;
    std::string kind_;
    json envelope_;
    json spec_base_;
    std::string doc_owner_;
    std::string doc_workflow_;
    std::unordered_map<std::string, std::vector<json>> flow_by_node_;
    std::size_t workflow_count_ = 0;
    struct PendingDocument {
        json doc;
        std::function<PackageObject&()> object;
    };
    std::vector<PendingDocument> pending_;
};

const json* spec_of(const json& doc, bool& wrapped) {
    wrapped = true;
    if (auto it = doc.find("spec"); it != doc.end()) return &*it;
    if (auto it = doc.find("Spec"); it != doc.end()) return &*it;
    wrapped = false;
    return &doc;
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
    const json doc = parse_json_or_discarded(text);
    if (!doc.is_object()) return false;
    const bool versioned = doc.contains("version") || doc.contains("Version");
    const bool kinded = doc.contains("kind") || doc.contains("Kind");
    if (doc.contains("spec") || doc.contains("Spec")) return versioned || kinded;
    // FlowSpec 1.0 writes its lists at the top level.
    return versioned && kinded && kVersions.count(str_at(doc, "version")) != 0;
}

namespace {
// nlohmann's parser, after the depth check: slower than the fast path, but its verdict and messages
// (with the line and column) are what ferry reports for text that is not well-formed.
bool parse_reporting(const std::string& text, const std::string& entry, int max_depth, json& doc,
                     sdk::Diagnostics& diags) {
    if (!check_depth(text, entry, max_depth, diags)) return false;
    try {
        doc = json::parse(text);
        return true;
    } catch (const json::parse_error& e) {
        std::string what = e.what();
        // nlohmann's text: "[json.exception.parse_error.101] parse error at line 3, column 5: ..."
        if (auto p = what.find(": "); p != std::string::npos) what = what.substr(p + 2);
        diags.error("FERRY-PKG-JSON", "malformed JSON: " + what, "fix the document or export the package again",
                    where_at(text, entry, e.byte > 0 ? e.byte - 1 : 0));
    } catch (const json::exception& e) {
        // Not a syntax error but still unreadable, e.g. a number too large for a double (found by
        // fuzzing: nlohmann throws out_of_range 406 for 3e3333...). No position comes with it.
        std::string what = e.what();
        if (auto p = what.find("] "); p != std::string::npos) what = what.substr(p + 2);
        if (what.size() > 120) what = what.substr(0, 117) + "...";
        diags.error("FERRY-PKG-JSON", "malformed JSON: " + what, "fix the document or export the package again",
                    entry);
    }
    return false;
}
}  // namespace

bool parse_flowspec(const std::string& text, const std::string& entry, const DocumentHints& hints,
                    const ParseOptions& options, ParsedDocument& out, sdk::Diagnostics& diags) {
    json doc;
    // The fast path takes well-formed text no deeper than the limit, and nothing else.
    const bool fast = options.max_depth > 0 && parse_json_fast(text, static_cast<std::size_t>(options.max_depth), doc);
    if (!fast && !parse_reporting(text, entry, options.max_depth, doc, diags)) return false;
    if (!doc.is_object()) {
        diags.error("FERRY-PKG-SPEC-INVALID", "the document is not a JSON object",
                    "a FlowSpec document is an object with version, kind and spec", entry);
        return false;
    }
    std::string version = str_at(doc, "version");
    if (version.empty()) version = str_at(doc, "Version");
    if (!kVersions.count(version)) {
        diags.error("FERRY-PKG-SPEC-VERSION",
                    version.empty() ? "the document has no FlowSpec version"
                                    : "unknown FlowSpec version '" + version + "'",
                    "ferry reads FlowSpec 1.0.0, 1.1.0 and 1.2.0", entry);
        return false;
    }
    std::string kind = str_at(doc, "kind");
    if (kind.empty()) kind = str_at(doc, "Kind");
    if (!kKinds.count(kind)) {
        std::string known;
        for (const auto& k : kKinds) known += (known.empty() ? "" : ", ") + k;
        diags.error("FERRY-PKG-SPEC-KIND", kind.empty() ? "the document has no kind" : "unknown FlowSpec kind '" + kind + "'",
                    "known kinds: " + known, entry);
        return false;
    }
    bool wrapped = true;
    const json& spec = *spec_of(doc, wrapped);
    if (!spec.is_object()) {
        diags.error("FERRY-PKG-SPEC-INVALID", "'spec' is not an object", "", entry);
        return false;
    }
    DocumentReader(doc, spec, wrapped, entry, hints, options, out, diags).read();
    return true;
}

}  // namespace ferry::host
