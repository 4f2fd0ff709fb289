#include "package/flowspec_parser.hpp"

#include <algorithm>
#include <functional>
#include <set>
#include <string_view>
#include <type_traits>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "package/flowspec_references.hpp"
#include "package/json_view.hpp"
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

// A value as text: strings as written, numbers and booleans as JSON writes them.
template <class V>
std::string str(V v) {
    switch (v.type()) {
        case JsonType::string: return std::string(v.string());
        case JsonType::signed_integer: return std::to_string(v.signed_integer());
        case JsonType::unsigned_integer: return std::to_string(v.unsigned_integer());
        case JsonType::floating: return std::to_string(v.floating());
        case JsonType::boolean: return v.boolean() ? "true" : "false";
        default: return {};
    }
}

template <class V>
std::string str_at(V obj, std::string_view key) {
    return str(obj[key]);
}

// The field's text when it is a string; empty otherwise.
template <class V>
std::string text_at(V obj, std::string_view key) {
    const V v = obj[key];
    return v.is_string() ? std::string(v.string()) : std::string();
}

// A number, or a string holding one; 0 for anything else (and for a float no integer can hold).
template <class V>
std::int64_t int_at(V obj, std::string_view key) {
    const V v = obj[key];
    switch (v.type()) {
        case JsonType::signed_integer: return v.signed_integer();
        case JsonType::unsigned_integer: return static_cast<std::int64_t>(v.unsigned_integer());
        case JsonType::floating: {
            const double d = v.floating();
            return d > -9.2e18 && d < 9.2e18 ? static_cast<std::int64_t>(d) : 0;
        }
        case JsonType::string:
            try {
                return std::stoll(std::string(v.string()));
            } catch (...) {
            }
            return 0;
        default: return 0;
    }
}

template <class V>
std::string owner_of(V obj, const std::string& fallback) {
    std::string o = str_at(obj, "owner");
    if (o.empty()) o = str_at(obj["metadata"], "owner");
    return o.empty() ? fallback : o;
}

// Collects what a node reads or writes; node outputs (not tables) also go to `node_outputs`, since
// an input node output is a dependency.
template <class V>
void collect_artifacts(V io, std::vector<std::string>& out, std::vector<std::string>* node_outputs = nullptr) {
    for (const char* key : {"nodeOutputs", "outputs", "output"})
        io[key].each([&](V o) {
            std::string d = o.is_object() ? str_at(o, "data") : str(o);
            if (d.empty() && o.is_object()) d = str_at(o, "output");
            if (!d.empty()) {
                out.push_back(d);
                if (node_outputs) node_outputs->push_back(d);
            }
        });
    io["tables"].each([&](V t) {
        std::string g = t.is_object() ? str_at(t, "guid") : str(t);
        if (g.empty() && t.is_object()) g = str_at(t, "name");
        if (!g.empty()) out.push_back(g);
    });
}

template <class V>
std::vector<std::string> parameters_of(V list) {
    std::vector<std::string> out;
    list.each([&](V p) {
        const std::string name = p.is_object() ? str_at(p, "name") : str(p);
        if (name.empty()) return;
        const V value = p["value"];
        out.push_back(value.is_null() ? name : name + "=" + str(value));
    });
    return out;
}

template <class V>
Dependency dependency_of(V d) {
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

// Reads one document through a view (json_view.hpp). Over nlohmann's DOM it resolves references and
// builds each object's document; over simdjson's (a check of a document with no reference in it)
// it only reads: references and documents are the DOM's alone.
template <class V>
class DocumentReader {
    static constexpr bool kDom = std::is_same_v<V, DomView>;
    // What resolving an entry gives: a resolved copy over the DOM, the entry itself otherwise.
    using Resolved = std::conditional_t<kDom, json, V>;

  public:
    DocumentReader(V doc, V spec, bool wrapped, const std::string& entry, const DocumentHints& hints,
                   const ParseOptions& options, ParsedDocument& out, sdk::Diagnostics& diags)
        : spec_(spec), entry_(entry), hints_(hints), options_(options), out_(out), diags_(diags),
          refs_(dom_of(spec)) {
        kind_ = str_at(doc, "kind");
        if (kind_.empty()) kind_ = str_at(doc, "Kind");
        if constexpr (kDom) {
            // The envelope every object's document carries: what sits beside the spec (the FlowSpec
            // 1.0 form has no wrapper: only version, kind and metadata are the envelope then).
            envelope_ = json::object();
            for (const auto& [k, v] : doc.dom().items()) {
                if (wrapped ? (k == "spec" || k == "Spec") : (k != "version" && k != "kind" && k != "metadata"))
                    continue;
                envelope_[k] = v;
            }
            spec_base_ = json::object();
            for (const auto& [k, v] : spec.dom().items())
                if (!kObjectLists.count(k)) spec_base_[k] = refs_.resolve(v, k);
        }
        (void)wrapped;
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
        spec_["flow"].each([&](V f) {
            Resolved entry = resolve(f, "flow");
            const std::string id = str_at(view(entry), "nodeId");
            if (!id.empty()) flow_by_node_[id].push_back(std::move(entry));
        });
        // At least one Node (over a kilobyte) per entry: growing the vector moved them all again.
        out_.nodes.reserve(out_.nodes.size() + spec_["nodes"].size());
        spec_["nodes"].each([&](V n) { read_top_node(n); });
        workflow_count_ = spec_["workflows"].size();
        spec_["workflows"].each([&](V w) { read_workflow(w); });
        spec_["fileResources"].each([&](V r) { read_resource(r); });
        spec_["artifacts"]["tables"].each([&](V t) { read_table(t); });
        spec_["tables"].each([&](V t) { read_table(t); });
        spec_["functions"].each([&](V f) { read_function(f); });
        spec_["datasources"].each([&](V d) { read_datasource(d); });
        if (spec_["datasource"].is_object()) read_datasource(spec_["datasource"]);
        spec_["components"].each([&](V c) { read_component(c); });
        spec_["dqcRules"].each([&](V q) { read_quality(q); });
        if (!doc_workflow_.empty()) out_.workflow_names.push_back(doc_workflow_);
        report_leftovers();
    }

  private:
    static const json& dom_of(V v) {
        if constexpr (kDom) {
            return v.dom();
        } else {
            static const json none;
            return none;
        }
    }
    Resolved resolve(V raw, const char* key) {
        if constexpr (kDom) return refs_.resolve(raw.dom(), key);
        else return raw;
    }
    static V view(const Resolved& r) {
        if constexpr (kDom) return DomView(r);
        else return r;
    }

    // The object's own document: the envelope, the spec's own fields, and the object in its list
    // (a table's in artifacts.tables). Only the DOM builds documents.
    json document_of(const char* list, Resolved object, json flow = json()) const {
        if constexpr (kDom) {
            json spec = spec_base_;
            if (std::string_view(list) == "tables") spec["artifacts"] = json{{"tables", json::array({std::move(object)})}};
            else spec[list] = json::array({std::move(object)});
            if (flow.is_array() && !flow.empty()) spec["flow"] = std::move(flow);
            json doc = envelope_;
            doc["spec"] = std::move(spec);
            return doc;
        } else {
            return json();
        }
    }

    FolderFacts folder_facts(V object = V()) const {
        FolderFacts facts;
        facts.workflow = text_at(spec_, "name");
        facts.command = text_at(object["script"]["runtime"], "command");
        facts.type = text_at(object, "type");
        facts.sub_type = text_at(object, "subType");
        return facts;
    }

    // Documents are written when the whole document has been read: entries of its reference lists
    // that no object used (a workflow's variables, a script no node names) are then carried in
    // every object's document, where they were, so nothing of the package is lost.
    // `build` makes the document; a check does not call it (copying the spec and the envelope for
    // every object was a tenth of a parser thread's time). An object from a loose document has no
    // place in a layout: it gets the one an export gives it.
    template <typename Objects, typename Build>
    void place(Objects& list, std::size_t index, sdk::ObjectKind kind, V object, Build&& build) {
        if (list[index].folder.empty()) list[index].folder = default_folder(kind, folder_facts(object));
        if constexpr (kDom) {
            if (options_.keep_documents)
                pending_.push_back({build(), [&list, index]() -> PackageObject& { return list[index]; }});
        }
        (void)build;
    }

    void write_documents() {
        if constexpr (kDom) {
            if (pending_.empty()) return;
            json leftovers = json::object();
            for (const auto& [place, entry] : refs_.unused_entries()) {
                json* at = &leftovers;
                std::size_t from = 0;
                for (std::size_t dot = place.find('.');; dot = place.find('.', from)) {
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
    }

    void base(PackageObject& o, V v) const {
        o.id = str_at(v, "id");
        o.name = str_at(v, "name");
        o.owner = owner_of(v, doc_owner_);
        o.source_path = entry_;
        o.folder = hints_.folder;
        o.doc_kind = kind_;
    }

    // A top-level object's inline code: script.content, else script.code, when it is text. Over the
    // DOM it moves out of the object's document into `code` (the object's content column).
    void take_inline_code(Resolved& object, ContentRef& code) const {
        for (const char* key : {"content", "code"}) {
            const V c = view(object)["script"][key];
            if (!c.is_string()) continue;
            set_code(code, c.string());
            if constexpr (kDom) object["script"].erase(key);
            return;
        }
    }

    // Code written in the document. A check keeps only that it is there and its size, as it does
    // for a code file: nothing reads the text, and every node's copy went through the model's spool
    // and back on each pass.
    void set_code(ContentRef& code, std::string_view text) const {
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
    Node node_view(V n, const std::string& workflow, const std::string& owner) const {
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
        const V ds = n["datasource"];
        node.datasource_name = str_at(ds, "name");
        node.datasource_type = str_at(ds, "type");
        const V s = n["script"];
        node.script_path = str_at(s, "path");
        node.language = str_at(s, "language");
        if (node.name.empty()) node.name = str_at(s, "name");  // examples name the script, not the node
        const V rt = s["runtime"];
        node.command = str_at(rt, "command");
        node.command_type_id = str_at(rt, "commandTypeId");
        node.engine_label = str_at(rt, "engine");
        node.parameters = parameters_of(s["parameters"]);
        for (const char* key : {"content", "code"})
            if (const V c = s[key]; c.is_string()) {
                set_code(node.code, c.string());
                break;
            }
        const V t = n["trigger"];
        node.trigger_type = str_at(t, "type");
        node.cron = str_at(t, "cron");
        node.start_time = str_at(t, "startTime");
        node.end_time = str_at(t, "endTime");
        node.timezone = str_at(t, "timezone");
        if (node.recurrence.empty()) node.recurrence = str_at(t, "recurrence");  // 1.2.0 writes it here
        if (node.recurrence.empty()) node.recurrence = "Normal";
        if (node.name.empty()) node.name = node.id;
        const V r = n["runtimeResource"];
        node.resource_group = str_at(r, "resourceGroup");
        node.resource_group_id = str_at(r, "resourceGroupId");
        std::vector<std::string> upstream;
        collect_artifacts(n["inputs"], node.inputs, &upstream);
        for (auto& u : upstream) add_dependency(node.depends, {std::move(u), "Normal"});
        collect_artifacts(n["outputs"], node.outputs);
        if (!node.id.empty() && std::find(node.outputs.begin(), node.outputs.end(), node.id) == node.outputs.end())
            node.outputs.push_back(node.id);  // a node's id is its default output
        return node;
    }

    // A node and, recursively, the inner nodes of its containers. `container` is the index of the
    // object whose document holds them; returns the number of inner nodes below this one.
    std::size_t read_node_tree(V n, const std::string& pointer, const std::string& workflow, const std::string& owner,
                               bool inner, bool in_workflow, std::size_t container) {
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
            const V box = n[c.key];
            if (!box.is_object()) continue;
            const std::string base = pointer + "/" + pointer_token(c.key);
            std::vector<std::pair<std::string, std::size_t>> ids;  // inner id -> node index
            std::size_t i = 0;
            box["nodes"].each([&](V inner_node) {
                ids.emplace_back(str_at(inner_node, "id"), out_.nodes.size());
                count += 1 + read_node_tree(inner_node, base + "/nodes/" + std::to_string(i++), workflow,
                                            out_.nodes[at].owner, true, in_workflow, container);
            });
            for (const char* w : {"while", "specWhile"})
                if (const V loop = box[w]; loop.is_object()) {
                    ids.emplace_back(str_at(loop, "id"), out_.nodes.size());
                    count += 1 + read_node_tree(loop, base + "/" + w, workflow, out_.nodes[at].owner, true,
                                                in_workflow, container);
                }
            attach_edges(box[c.edges], ids);
            if (box["flow"].is_array() && std::string(c.edges) != "flow") attach_edges(box["flow"], ids);
        }
        out_.nodes[at].inner_count = count;
        return count;
    }

    void attach_edges(V edges, const std::vector<std::pair<std::string, std::size_t>>& ids) {
        // The nodes of each id, looked up once: a scan of every id for every edge was quadratic
        // (a workflow of 40,000 chained nodes spent 10 s here).
        std::unordered_map<std::string_view, std::vector<std::size_t>> nodes_of;
        for (const auto& [id, at] : ids)
            if (!id.empty()) nodes_of[id].push_back(at);
        edges.each([&](V e) {
            const std::string id = str_at(e, "nodeId");
            auto it = nodes_of.find(id);
            if (it == nodes_of.end()) return;
            for (const std::size_t at : it->second) {
                auto& depends = out_.nodes[at].depends;
                e["depends"].each([&](V d) { add_dependency(depends, dependency_of(d)); });
            }
        });
    }

    // The document's flow entries that give dependencies to `id`: taken out of the flow (over the
    // DOM they go into that object's own document) and added to `depends`.
    template <class Depends>
    json take_flow_of(const std::string& id, Depends& depends) {
        json flow = kDom ? json::array() : json();
        auto it = flow_by_node_.find(id);
        if (id.empty() || it == flow_by_node_.end()) return flow;
        for (auto& entry : it->second) {
            view(entry)["depends"].each([&](V d) { add_dependency(depends, dependency_of(d)); });
            if constexpr (kDom) flow.push_back(std::move(entry));
        }
        flow_by_node_.erase(it);
        return flow;
    }

    void read_top_node(V raw) {
        Resolved n = resolve(raw, "nodes");
        const std::size_t at = out_.nodes.size();
        read_node_tree(view(n), "", doc_workflow_, doc_owner_, false, false, kNoContainer);
        Node& node = out_.nodes[at];
        for (std::size_t i = at + 1; i < out_.nodes.size(); ++i) out_.nodes[i].container = at;
        json flow = take_flow_of(node.id, node.depends);
        ContentRef moved;  // node_view has set the node's code already
        take_inline_code(n, moved);
        place(out_.nodes, at, sdk::ObjectKind::node, view(n),
              [&] { return document_of("nodes", std::move(n), std::move(flow)); });
    }

    void read_workflow(V raw) {
        Resolved w = resolve(raw, "workflows");
        const V wv = view(w);
        Workflow wf;
        base(wf, wv);
        // A workflow that names itself nowhere (MigrationX wraps nodes in one) is named after its
        // document, so it can be stored, exported under that name and read back as the same.
        if (wf.name.empty()) wf.name = wf.id;
        if (wf.name.empty()) {
            wf.name = document_stem();
            if (workflow_count_ > 1) wf.name += "_" + std::to_string(out_.workflows.size() + 1);
        }
        const V t = wv["trigger"];
        wf.trigger_type = str_at(t, "type");
        wf.cron = str_at(t, "cron");
        wf.parameters = parameters_of(wv["script"]["parameters"]);
        const std::size_t index = out_.workflows.size();
        const std::string name = hints_.workflow.empty() ? wf.name : hints_.workflow;
        // Its inner nodes, with their edges (`dependencies`, or `flow` when that is empty).
        std::vector<std::pair<std::string, std::size_t>> ids;
        std::size_t i = 0;
        wv["nodes"].each([&](V n) {
            ids.emplace_back(str_at(n, "id"), out_.nodes.size());
            wf.node_count += 1 + read_node_tree(n, "/nodes/" + std::to_string(i++), name, wf.owner, true, true, index);
        });
        const V deps = wv["dependencies"];
        attach_edges(deps.is_array() && deps.size() != 0 ? deps : wv["flow"], ids);
        // The workflow's own dependencies: the document's flow entries naming it.
        json flow = take_flow_of(wf.id, wf.depends);
        if (!name.empty()) out_.workflow_names.push_back(name);
        out_.workflows.push_back(std::move(wf));
        place(out_.workflows, out_.workflows.size() - 1, sdk::ObjectKind::workflow, wv,
              [&] { return document_of("workflows", std::move(w), std::move(flow)); });
    }

    void read_resource(V raw) {
        Resolved r = resolve(raw, "fileResources");
        const V rv = view(r);
        Resource res;
        base(res, rv);
        res.type = str_at(rv, "type");
        const V ds = rv["datasource"];
        res.datasource_name = str_at(ds, "name");
        res.datasource_type = str_at(ds, "type");
        res.resource_group = str_at(rv["runtimeResource"], "resourceGroup");
        res.file_path = str_at(rv["file"], "path");
        take_inline_code(r, res.content);
        out_.resources.push_back(std::move(res));
        place(out_.resources, out_.resources.size() - 1, sdk::ObjectKind::resource, view(r),
              [&] { return document_of("fileResources", std::move(r)); });
    }

    void read_table(V raw) {
        Resolved t = resolve(raw, "tables");
        const V tv = view(t);
        // An artifact that is only a reference (a guid, no DDL, no engine) is an input, not an object.
        if (!tv.is_object() || (!tv.has("ddl") && !tv.has("calcEngine"))) return;
        Table table;
        base(table, tv);
        table.guid = str_at(tv, "guid");
        if (table.name.empty() && !table.guid.empty()) table.name = table.guid.substr(table.guid.rfind('.') + 1);
        table.ddl = str_at(tv, "ddl");
        const V ce = tv["calcEngine"];
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
        out_.tables.push_back(std::move(table));
        place(out_.tables, out_.tables.size() - 1, sdk::ObjectKind::table, tv,
              [&] { return document_of("tables", std::move(t)); });
    }

    void read_function(V raw) {
        Resolved f = resolve(raw, "functions");
        const V fv = view(f);
        Function fn;
        base(fn, fv);
        fn.type = str_at(fv, "type");
        fn.class_name = str_at(fv, "className");
        fn.embedded_code = str_at(fv, "embeddedCode");
        const V ds = fv["datasource"];
        fn.datasource_name = str_at(ds, "name");
        fn.datasource_type = str_at(ds, "type");
        fv["fileResources"].each([&](V r) {
            std::string name = r.is_object() ? str_at(r, "name") : str(r);
            if (name.empty() && r.is_object()) name = str_at(r, "id");
            if (!name.empty()) fn.resources.push_back(name);
        });
        out_.functions.push_back(std::move(fn));
        place(out_.functions, out_.functions.size() - 1, sdk::ObjectKind::function, fv,
              [&] { return document_of("functions", std::move(f)); });
    }

    void read_datasource(V raw) {
        Resolved d = resolve(raw, "datasources");
        const V dv = view(d);
        DataSource ds;
        base(ds, dv);
        ds.owner.clear();  // data sources have no owner
        ds.type = str_at(dv, "type");
        ds.sub_type = str_at(dv, "subType");
        ds.environment = hints_.environment;
        const V config = dv["config"];
        if (!config.is_null()) ds.config = config.is_string() ? std::string(config.string()) : config.dump();
        out_.datasources.push_back(std::move(ds));
        place(out_.datasources, out_.datasources.size() - 1, sdk::ObjectKind::datasource, dv,
              [&] { return document_of("datasources", std::move(d)); });
    }

    void read_component(V raw) {
        Resolved c = resolve(raw, "components");
        const V cv = view(c);
        Component comp;
        base(comp, cv);
        comp.command = str_at(cv["script"]["runtime"], "command");
        take_inline_code(c, comp.code);
        out_.components.push_back(std::move(comp));
        place(out_.components, out_.components.size() - 1, sdk::ObjectKind::component, view(c),
              [&] { return document_of("components", std::move(c)); });
    }

    void read_quality(V raw) {
        Resolved q = resolve(raw, "dqcRules");
        const V qv = view(q);
        QualityRule rule;
        base(rule, qv);
        if (rule.name.empty()) rule.name = rule.id;
        const V table = qv["table"];
        rule.table = table.is_object() ? str_at(table, "guid").empty() ? str_at(table, "name") : str_at(table, "guid")
                                       : str(table);
        const V node = qv["schedulerNode"];
        rule.scheduler_node = str_at(node, "output").empty() ? str_at(node, "nodeId") : str_at(node, "output");
        out_.quality_rules.push_back(std::move(rule));
        place(out_.quality_rules, out_.quality_rules.size() - 1, sdk::ObjectKind::quality, qv,
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
        if (svc.folder.empty()) svc.folder = default_folder(sdk::ObjectKind::service, folder_facts());
        out_.services.push_back(std::move(svc));
        if constexpr (kDom) {
            if (!options_.keep_documents) return;
            json doc = envelope_;
            doc["spec"] = spec_.dom();  // as written: ferry does not read into it
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
        for (auto& held : flow_by_node_)
            for (auto& entry : held.second) {
                // A node of another document: its view still gets the edge (resolved against the
                // whole package), but this document cannot carry it for that node.
                view(entry)["depends"].each([&](V d) {
                    PendingEdge e{held.first, dependency_of(d), entry_};
                    if (!e.dependency.target.empty()) out_.edges.push_back(std::move(e));
                });
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

    const V spec_;
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
    std::unordered_map<std::string, std::vector<Resolved>> flow_by_node_;
    std::size_t workflow_count_ = 0;
    struct PendingDocument {
        json doc;
        std::function<PackageObject&()> object;
    };
    std::vector<PendingDocument> pending_;
};

// The spec as upstream reads it: `spec`, else `Spec`, else the document itself (FlowSpec 1.0).
template <class V>
V spec_of(V doc, bool& wrapped) {
    wrapped = true;
    if (doc.has("spec")) return doc["spec"];
    if (doc.has("Spec")) return doc["Spec"];
    wrapped = false;
    return doc;
}

template <class V>
bool read_document(V doc, const std::string& entry, const DocumentHints& hints, const ParseOptions& options,
                   ParsedDocument& out, sdk::Diagnostics& diags) {
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
    const V spec = spec_of(doc, wrapped);
    if (!spec.is_object()) {
        diags.error("FERRY-PKG-SPEC-INVALID", "'spec' is not an object", "", entry);
        return false;
    }
    DocumentReader<V>(doc, spec, wrapped, entry, hints, options, out, diags).read();
    return true;
}

// True when no string of the text can be a {{...}} reference once its escapes are read: a `{` in
// a string is either written as itself or as \u007b.
bool without_references(const std::string& text) {
    if (text.find("{{") != std::string::npos) return false;
    for (auto at = text.find("\\u007"); at != std::string::npos; at = text.find("\\u007", at + 1))
        if (at + 5 < text.size() && (text[at + 5] == 'b' || text[at + 5] == 'B')) return false;
    return true;
}

// True when `value` holds no more than `budget` values. The DOM path counts every value it
// resolves and stops past FlowSpecReferences::kMaxExpanded (FERRY-PKG-REFERENCE-EXPANSION): a
// document with more goes that way for its verdict.
bool within(simdjson::dom::element value, std::size_t& budget) {
    if (budget == 0) return false;
    --budget;
    if (value.is_object()) {
        for (auto [key, member] : simdjson::dom::object(value))
            if (!within(member, budget)) return false;
    } else if (value.is_array()) {
        for (auto item : simdjson::dom::array(value))
            if (!within(item, budget)) return false;
    }
    return true;
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
    return versioned && kinded && kVersions.count(str_at(DomView(doc), "version")) != 0;
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

namespace {
// No reference to resolve, no document to build, within the depth and the count of values the DOM
// path allows: then `simd` holds the text's DOM.
bool view_applies(const std::string& text, const ParseOptions& options, SimdDocument& simd) {
    if (options.keep_documents || options.through_dom || options.max_depth <= 0 || !without_references(text))
        return false;
    if (!simd.parse(text, static_cast<std::size_t>(options.max_depth))) return false;
    // Every value takes a byte of the text at least: only a large text is counted.
    std::size_t budget = FlowSpecReferences::kMaxExpanded;
    return text.size() <= budget || within(simd.root(), budget);
}
}  // namespace

bool reads_through_view(const std::string& text, const ParseOptions& options) {
    SimdDocument simd;
    return view_applies(text, options, simd);
}

bool parse_flowspec(const std::string& text, const std::string& entry, const DocumentHints& hints,
                    const ParseOptions& options, ParsedDocument& out, sdk::Diagnostics& diags) {
    // A check reads fields straight from simdjson's DOM where nothing needs nlohmann's.
    SimdDocument simd;
    if (view_applies(text, options, simd)) return read_document(SimdView(simd.root()), entry, hints, options, out, diags);
    json doc;
    // The fast path takes well-formed text no deeper than the limit, and nothing else.
    const bool fast = options.max_depth > 0 && parse_json_fast(text, static_cast<std::size_t>(options.max_depth), doc);
    if (!fast && !parse_reporting(text, entry, options.max_depth, doc, diags)) return false;
    return read_document(DomView(doc), entry, hints, options, out, diags);
}

}  // namespace ferry::host
