#include "dwma_reader.hpp"

#include <algorithm>
#include <optional>

#include "dwma_objects.hpp"
#include "xml_document.hpp"

namespace ferry::reader::dwma {

namespace {

bool starts_with(const std::string& s, const std::string& head) { return s.rfind(head, 0) == 0; }
bool ends_with(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}
std::string basename_of(const std::string& p) { return p.substr(p.rfind('/') + 1); }
std::string dirname_of(const std::string& p) {
    const auto s = p.rfind('/');
    return s == std::string::npos ? std::string() : p.substr(0, s);
}

// A name as one path segment of the SPEC layout.
std::string segment(const std::string& name) {
    std::string s = name;
    for (char& c : s)
        if (c == '/' || c == '\\' || c == '\0') c = '_';
    if (s.empty() || s == "." || s == "..") s = "_";
    return s;
}

std::string dump(const json& doc) { return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n"; }

// WorkflowType: the product's localised root folders, in English (ferry does not depend on them).
const char* root_of(const std::string& type) {
    if (type == "MANUAL_BUSINESS" || type == "1") return "Manual Business Flow";
    if (type == "OLD_WORKFLOW" || type == "2") return "Workflow";
    return "Business Flow";
}

const char* const kWorkflowTypes[] = {"MANUAL_BUSINESS", "OLD_WORKFLOW", "BUSINESS"};

// The folder below src/workflows/: "<TYPE>_<name>" (what MigrationX writes), "<TYPE>/<name>" (what
// its loader also reads) or "<name>". Returns the type ("" when the folder does not say) and name.
std::pair<std::string, std::string> workflow_of_dir(const std::string& dir) {
    const auto slash = dir.find('/');
    if (slash != std::string::npos) {
        std::string type = dir.substr(0, slash);
        std::transform(type.begin(), type.end(), type.begin(), ::toupper);
        return {type, dir.substr(slash + 1)};
    }
    for (const char* t : kWorkflowTypes)
        if (starts_with(dir, std::string(t) + "_") && dir.size() > std::string(t).size() + 1)
            return {t, dir.substr(std::string(t).size() + 1)};
    return {"", dir};
}

// Where a workflow's objects go: DataStudio/<root>/<workflow>.
std::string folder_of_dir(const std::string& dir) {
    const auto [type, name] = workflow_of_dir(dir);
    return std::string("DataStudio/") + root_of(type) + "/" + segment(name);
}

json envelope(const std::string& kind, const std::string& owner, json spec, const json& dwma) {
    json doc = {{"version", "1.1.0"}, {"kind", kind}};
    if (!owner.empty()) doc["metadata"] = {{"owner", owner}};
    doc["spec"] = std::move(spec);
    if (!dwma.empty()) doc["dwma"] = dwma;
    return doc;
}

// Children of project.xml that FlowSpec has no place for.
const char* const kProjectNotCarried[] = {"EngineInfo", "ExportProject", "Assets", "Solutions", "Folders",
                                          "UserDefinedNodes"};

}  // namespace

sdk::Recognition DwmaReader::recognize(const std::vector<sdk::EntryPeek>& first) {
    sdk::Recognition r;
    r.format = "dwma";
    for (const auto& e : first) {
        const bool project = e.path == "project.xml" ||
                             (basename_of(e.path) == "project.xml" && dirname_of(e.path).find('/') == std::string::npos);
        if (project && e.head.find('<') != std::string::npos) {
            const bool model = e.head.find("dmObjectType") != std::string::npos ||
                               e.head.find("<DwProject") != std::string::npos || e.head.find("<Project") != std::string::npos;
            r.confidence = std::max(r.confidence, model ? 100 : 90);
            base_ = e.path.substr(0, e.path.size() - std::string("project.xml").size());
            base_known_ = true;
        } else if (ends_with(e.path, "/workflow.xml") && e.path.find("src/workflows/") != std::string::npos &&
                   e.head.find("<Workflow") != std::string::npos) {
            r.confidence = std::max(r.confidence, 80);
            if (!base_known_) base_ = e.path.substr(0, e.path.find("src/workflows/"));
        }
    }
    return r;
}

bool DwmaReader::hold(const std::string& path, const std::string& dir, sdk::EntryBytes& bytes, std::vector<Held>& into,
                      sdk::Diagnostics& diags) {
    Held h{path, dir, {}};
    if (!bytes.read_all(h.text)) {
        diags.error("FERRY-DWMA-READ", "cannot read " + path + " whole (over 256 MiB, or the package stopped)",
                    "a DWMA XML file is read whole; check the package", path);
        return false;
    }
    into.push_back(std::move(h));
    return true;
}

// A second object at a path already written gets a number before the extension (".schedule.json"
// whole), so the host still reads it as what it is: the two then meet the host's duplicate-name
// check. A number after the extension hid the second one from the host (a data source lost).
std::string DwmaReader::unique_path(const std::string& path) {
    if (written_.insert(path).second) return path;
    const std::size_t slash = path.rfind('/');
    const std::size_t name_at = slash == std::string::npos ? 0 : slash + 1;
    std::size_t dot = path.rfind(".schedule.json");
    if (dot == std::string::npos || dot < name_at) dot = path.find('.', name_at);
    if (dot == std::string::npos || dot == name_at) dot = path.size();
    for (int n = 2;; ++n) {
        const std::string p = path.substr(0, dot) + "_" + std::to_string(n) + path.substr(dot);
        if (written_.insert(p).second) return p;
    }
}

void DwmaReader::read_entry(const std::string& path, sdk::EntryBytes& bytes, sdk::ReaderOutput& out,
                            sdk::Diagnostics& diags) {
    if (!starts_with(path, base_)) {
        diags.warning("FERRY-DWMA-UNREAD", "'" + path + "' is outside the DWMA package's folder '" + base_ + "': not read",
                      "a DWMA package holds project.xml and src/ only", path);
        return;
    }
    const std::string rel = path.substr(base_.size());
    if (rel == "project.xml") {
        std::vector<Held> one;
        if (hold(path, "", bytes, one, diags)) project_ = std::make_unique<Held>(std::move(one.front()));
        return;
    }
    const std::string wf_root = "src/workflows/";
    if (starts_with(rel, wf_root)) {
        const std::string rest = rel.substr(wf_root.size());
        if (const auto r = rest.find("/resources/"); r != std::string::npos) {
            const std::string dir = rest.substr(0, r), sub = rest.substr(r + 11);
            std::string written = folder_of_dir(dir) + "/Resource";
            std::size_t start = 0;
            while (start <= sub.size()) {
                const auto end = std::min(sub.find('/', start), sub.size());
                written += "/" + segment(sub.substr(start, end - start));
                start = end + 1;
            }
            written = unique_path(written);
            out.file_from(written, bytes);
            resource_files_[dir].push_back({sub, written, false});
            return;
        }
        if (basename_of(rest) == "workflow.xml" && !dirname_of(rest).empty()) {
            hold(path, dirname_of(rest), bytes, workflows_, diags);
            return;
        }
    }
    const std::pair<const char*, std::vector<Held>*> folders[] = {{"src/datasources/", &datasources_},
                                                                  {"src/tables/", &tables_},
                                                                  {"src/queries/", &queries_},
                                                                  {"src/components/", &components_}};
    for (const auto& [folder, into] : folders)
        if (starts_with(rel, folder) && ends_with(rel, ".xml")) {
            hold(path, "", bytes, *into, diags);
            return;
        }
    diags.warning("FERRY-DWMA-UNREAD", "'" + rel + "' is not part of the DWMA layout: not read",
                  "a DWMA package holds project.xml, src/workflows/<type>_<name>/workflow.xml (+ resources/), "
                  "src/queries/, src/components/, src/datasources/ and src/tables/",
                  path);
}

void DwmaReader::finish(sdk::ReaderOutput& out, sdk::Diagnostics& diags) {
    auto parse = [&](const Held& h) -> std::optional<XmlElement> {
        XmlError e;
        auto root = parse_xml(h.text, e);
        if (!root)
            diags.error("FERRY-DWMA-XML", h.entry + ":" + std::to_string(e.line) + ":" + std::to_string(e.column) + ": " + e.message,
                        "the file is not the XML a DWMA export writes; export the package again",
                        h.entry + ":" + std::to_string(e.line) + ":" + std::to_string(e.column));
        return root;
    };

    // project.xml: its attributes travel in every document; the objects it lists are read like the
    // ones under src/.
    json project = json::object();
    std::optional<XmlElement> project_root;
    if (project_) {
        project_root = parse(*project_);
        if (project_root) {
            for (const auto& [k, v] : project_root->attributes) project[k] = v;
            for (const char* name : kProjectNotCarried)
                if (const XmlElement* c = project_root->child(name); c && (!c->children.empty() || !c->attributes.empty()))
                    diags.warning("FERRY-DWMA-NOT-CARRIED",
                                  "project.xml's <" + std::string(name) + "> (" + std::to_string(c->children.size()) +
                                      " entries) has no FlowSpec equivalent: not carried",
                                  "recreate what it describes in the destination workspace if you need it", project_->entry);
        }
    }
    const json project_dwma = project.empty() ? json::object() : json{{"project", project}};

    std::set<std::string> resource_names, function_names, table_names;
    auto write = [&](const std::string& path, const json& doc) { out.document(unique_path(path), dump(doc)); };

    auto write_table = [&](const XmlElement& t, const std::string& folder, const Origin& origin) {
        const std::string name = attr(t, "name");
        if (!table_names.insert(name).second) {
            diags.info("FERRY-DWMA-DUPLICATE", "table '" + name + "' is listed again: the first one is kept", "", origin.entry);
            return;
        }
        json spec = {{"artifacts", {{"tables", json::array({table_entry(t, origin, diags)})}}}};
        write(folder + "/" + segment(name) + ".schedule.json", envelope("CycleWorkflow", attr(t, "owner"), spec, project_dwma));
    };
    auto write_function = [&](const XmlElement& f, const std::string& folder, const Origin& origin) {
        const std::string name = attr(f, "name");
        if (!function_names.insert(name).second) {
            diags.info("FERRY-DWMA-DUPLICATE", "function '" + name + "' is listed again: the first one is kept", "",
                       origin.entry);
            return;
        }
        json spec = {{"functions", json::array({function_entry(f, origin, diags)})}};
        write(folder + "/" + segment(name) + ".schedule.json", envelope("CycleWorkflow", attr(f, "owner"), spec, project_dwma));
    };
    auto write_datasource = [&](const XmlElement& d, const Origin& origin) {
        const std::string name = attr(d, "name"), type = attr(d, "type");
        const std::string sub = attr(d, "subType").empty() ? type : attr(d, "subType");
        json spec = {{"datasources", json::array({datasource_entry(d, origin)})}};
        write("DataSource/" + segment(type) + "/" + segment(sub) + "/" + datasource_environment(d) + "/" + segment(name) +
                  "/" + segment(name) + ".json",
              envelope("DataSource", attr(d, "owner"), spec, project_dwma));
    };
    // A node outside workflows: an ad-hoc query or a component, one document each.
    auto write_loose_node = [&](const XmlElement& n, const std::string& folder, const Origin& origin, bool component) {
        const std::string name = attr(n, "name");
        json spec;
        std::string kind;
        if (component) {
            kind = "Component";
            spec = {{"components", json::array({component_entry(n, origin, diags)})}};
        } else {
            json flow;
            spec = {{"nodes", json::array({node_entry(n, origin, false, flow, diags)})}};
            if (flow.is_object()) spec["flow"] = json::array({flow});
            kind = attr(n, "useType").empty() ? "TemporaryWorkflow" : node_kind(n, false);
        }
        write(folder + "/" + segment(name) + "/" + segment(name) + ".schedule.json", envelope(kind, attr(n, "owner"), spec, project_dwma));
    };

    // A workflow: one document per node, then its resources, functions and tables.
    auto read_workflow = [&](const XmlElement& w, const std::string& dir, const std::string& entry) {
        if (w.name != "Workflow" && w.name != "DwWorkflow") {
            diags.error("FERRY-DWMA-ROOT", entry + ": expected <Workflow> as the root element, found <" + w.name + ">",
                        "a DWMA workflow.xml holds one <Workflow>; export the package again", entry);
            return;
        }
        std::string type = attr(w, "type");
        if (type.empty() && !dir.empty()) type = workflow_of_dir(dir).first;
        const std::string name = attr(w, "name").empty() ? workflow_of_dir(dir).second : attr(w, "name");
        const std::string scheduled_attr = attr(w, "scheduled");
        const bool scheduled = scheduled_attr.empty() ? (type.empty() || type == "BUSINESS" || type == "0")
                                                      : scheduled_attr == "true";
        const std::string folder = dir.empty() ? std::string("DataStudio/") + root_of(type) + "/" + segment(name)
                                               : folder_of_dir(dir);
        json workflow = json::object();
        for (const auto& [k, v] : w.attributes) workflow[k] = v;
        if (const XmlElement* p = w.child("Parameters")) workflow["Parameters"] = p->text;
        for (const auto& c : w.children)
            if (c.name != "Nodes" && c.name != "Resources" && c.name != "Functions" && c.name != "Tables" &&
                c.name != "Parameters" && c.name != "DisplaySettings")
                workflow[c.name] = xml_as_json(c);
        if (const XmlElement* d = w.child("DisplaySettings"); d && !d->text.empty())
            diags.info("FERRY-DWMA-NOT-CARRIED",
                       "workflow '" + name + "': <DisplaySettings> (the canvas layout) is not carried",
                       "DataWorks lays out imported nodes itself", entry);
        json dwma = project_dwma;
        dwma["workflow"] = workflow;
        const Origin origin{entry, (type.empty() ? std::string("?") : type) + "/" + name};

        for (const XmlElement* n : w.list("Nodes", "Node")) {
            const std::string node_name = attr(*n, "name");
            if (node_name.empty()) {
                diags.error("FERRY-DWMA-NODE", "workflow '" + name + "': a <Node> (line " + std::to_string(n->line) + ") has no name",
                            "every DataWorks node has a name; export the package again", entry + ":" + std::to_string(n->line));
                continue;
            }
            json flow;
            json spec = {{"nodes", json::array({node_entry(*n, origin, scheduled, flow, diags)})}};
            if (flow.is_object()) spec["flow"] = json::array({flow});
            write(folder + "/" + segment(node_name) + "/" + segment(node_name) + ".schedule.json",
                  envelope(node_kind(*n, scheduled), attr(*n, "owner"), spec, dwma));
        }

        auto& files = resource_files_[dir];
        for (const XmlElement* r : w.list("Resources", "Resource")) {
            const std::string rname = attr(*r, "name");
            if (!resource_names.insert(rname).second) {
                diags.info("FERRY-DWMA-DUPLICATE", "resource '" + rname + "' is listed again by workflow '" + name +
                                                       "': the first one is kept", "", entry);
                continue;
            }
            // Its file: the Resource's `path` ("resources/<file>"), else its name, below resources/.
            std::string rel = attr(*r, "path");
            if (starts_with(rel, "resources/")) rel = rel.substr(10);
            ResourceFile* file = nullptr;
            for (auto& f : files)
                if (!f.claimed && (f.relative == rel || f.relative == rname)) file = &f;
            std::string doc_path;
            if (file) {
                file->claimed = true;
                doc_path = file->written + ".schedule.json";
                // The host finds a resource's bytes beside its document under the resource's name.
                if (basename_of(file->written) != segment(rname))
                    diags.warning("FERRY-DWMA-RESOURCE-NAME",
                                  "resource '" + rname + "' is stored as resources/" + file->relative +
                                      ", not under its own name: a resource's bytes are found by its name, so it lands "
                                      "without them",
                                  "rename the file to the resource's name (MigrationX writes it so)", entry);
            } else {
                doc_path = folder + "/Resource/" + segment(rname) + ".schedule.json";
                diags.warning("FERRY-DWMA-RESOURCE-MISSING",
                              "workflow '" + name + "' lists resource '" + rname + "' but the package holds no file for it (" +
                                  (rel.empty() ? std::string("no path") : "resources/" + rel) + ")",
                              "add the file under the workflow's resources/ folder, or upload it in the destination", entry);
            }
            json spec = {{"fileResources", json::array({resource_entry(*r, origin, file ? file->relative : rel)})}};
            write(doc_path, envelope("CycleWorkflow", attr(*r, "owner"), spec, dwma));
        }
        for (const XmlElement* f : w.list("Functions", "Function")) write_function(*f, folder + "/Function", origin);
        for (const XmlElement* t : w.list("Tables", "Table")) write_table(*t, folder + "/Table", origin);
    };

    if (project_root) {
        const Origin origin{project_->entry, "project"};
        for (const XmlElement* w : project_root->list("Workflows", "Workflow")) read_workflow(*w, "", project_->entry);
        for (const XmlElement* d : project_root->list("Datasources", "Datasource")) write_datasource(*d, origin);
        for (const XmlElement* t : project_root->list("Tables", "Table")) write_table(*t, "DataStudio/Table", origin);
        for (const XmlElement* f : project_root->list("Functions", "Function")) write_function(*f, "DataStudio/Function", origin);
        for (const XmlElement* n : project_root->list("AdHocQueries", "AdHocQuery"))
            write_loose_node(*n, "DataStudio/Ad-hoc Query", origin, false);
        for (const XmlElement* n : project_root->list("Components", "Component"))
            write_loose_node(*n, "DataStudio/Component", origin, true);
        if (!project_root->list("Resources", "Resource").empty())
            diags.warning("FERRY-DWMA-NOT-CARRIED",
                          "project.xml lists " + std::to_string(project_root->list("Resources", "Resource").size()) +
                              " resources outside any workflow, with no files: not carried",
                          "resources travel inside a workflow folder (src/workflows/<workflow>/resources/)", project_->entry);
    }
    for (const auto& h : workflows_)
        if (auto w = parse(h)) read_workflow(*w, h.dir, h.entry);
    for (const auto& h : datasources_)
        if (auto d = parse(h)) write_datasource(*d, Origin{h.entry, "datasource"});
    for (const auto& h : tables_)
        if (auto t = parse(h)) write_table(*t, "DataStudio/Table", Origin{h.entry, "table"});
    for (const auto& h : queries_)
        if (auto n = parse(h)) write_loose_node(*n, "DataStudio/Ad-hoc Query", Origin{h.entry, "query"}, false);
    for (const auto& h : components_)
        if (auto n = parse(h)) write_loose_node(*n, "DataStudio/Component", Origin{h.entry, "component"}, true);

    // Files under a workflow's resources/ that its workflow.xml does not list: resources all the
    // same (nothing is dropped), typed by their extension.
    for (auto& [dir, files] : resource_files_)
        for (auto& f : files) {
            if (f.claimed) continue;
            XmlElement r;
            r.name = "Resource";
            r.attributes.emplace_back("name", basename_of(f.relative));
            const auto [type, wname] = workflow_of_dir(dir);
            json spec = {{"fileResources", json::array({resource_entry(r, Origin{"", type + "/" + wname}, f.relative)})}};
            if (!resource_names.insert(basename_of(f.relative)).second) continue;
            diags.info("FERRY-DWMA-RESOURCE-UNLISTED",
                       "src/workflows/" + dir + "/resources/" + f.relative +
                           " is not listed in its workflow.xml: carried as a resource typed by its extension",
                       "", base_ + "src/workflows/" + dir + "/resources/" + f.relative);
            write(f.written + ".schedule.json", envelope("CycleWorkflow", "", spec, project_dwma));
        }
}

}  // namespace ferry::reader::dwma
