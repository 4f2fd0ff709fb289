#include "dolphinscheduler_reader.hpp"

#include <exception>
#include <functional>
#include <optional>
#include <map>
#include <set>

#include "ascii_text.hpp"
#include "catalog_documents.hpp"
#include "ds_codes.hpp"
#include "ds_model.hpp"
#include "json_fields.hpp"
#include "process_readers.hpp"
#include "workflow_document.hpp"

namespace ferry::reader::ds {

namespace {

// The root of an export from one of its listing pages ("x/datasource/datasource_page_1.json" ->
// "x/"); none when the path is no such page.
std::optional<std::string> export_root_of(const std::string& path) {
    for (const char* page : {"datasource/datasource_page_", "udfFunction/udf_function_page_", "resource/resources.json"}) {
        const auto at = path.rfind(page);
        if (at != std::string::npos && (at == 0 || path[at - 1] == '/') && ends_with(path, ".json") &&
            path.find('/', at + std::string(page).find('/') + 1) == std::string::npos)
            return path.substr(0, at);
    }
    return std::nullopt;
}

// The format a version names: "dolphinscheduler-1.3", "-2" or "-3".
std::string format_of(const std::string& version) {
    if (starts_with(version, "1.")) return "dolphinscheduler-1.3";
    if (starts_with(version, "2.")) return "dolphinscheduler-2";
    return "dolphinscheduler-3";
}

class DolphinSchedulerReader : public sdk::Reader {
  public:
    sdk::Recognition recognize(const std::vector<sdk::EntryPeek>& first) override {
        sdk::Recognition r;
        std::string version;
        for (const auto& e : first) {
            if (basename_of(e.path) == "package_info.json") {
                root_ = dirname_of(e.path);
                root_known_ = true;
                const json info = json::parse(e.head, nullptr, false);
                version = text_at(info, "version");
                r.confidence = 100;
            } else if (const auto at = e.path.find("projects/"); at != std::string::npos &&
                       e.path.find("/processDefinition/", at) != std::string::npos) {
                if (!root_known_) root_ = e.path.substr(0, at);
                root_known_ = true;
                r.confidence = std::max(r.confidence, 100);
                if (version.empty()) version = e.head.find("\"processDefinitionJson\"") != std::string::npos ? "1.3" : "3";
            } else if (const auto root = export_root_of(e.path)) {
                // The export's other pages: a package whose first entries are these is one too.
                if (!root_known_) root_ = *root;
                root_known_ = true;
                r.confidence = std::max(r.confidence, 90);
            } else if (ends_with(e.path, ".json")) {
                const std::string& h = e.head;
                if (h.find("\"processDefinitionJson\"") != std::string::npos) {
                    r.confidence = std::max(r.confidence, 90);
                    if (version.empty()) version = "1.3";
                } else if (h.find("\"taskDefinitionList\"") != std::string::npos ||
                           h.find("\"processTaskRelationList\"") != std::string::npos ||
                           h.find("\"workflowTaskRelationList\"") != std::string::npos) {
                    r.confidence = std::max(r.confidence, 90);
                    if (version.empty()) version = "3";
                } else if (h.find("\"processDefinition\"") != std::string::npos ||
                           h.find("\"workflowDefinition\"") != std::string::npos) {
                    r.confidence = std::max(r.confidence, 60);
                    if (version.empty()) version = "3";
                }
            }
        }
        if (r.confidence > 0) r.format = format_of(version);
        return r;
    }

    void read_entry(const std::string& path, sdk::EntryBytes& bytes, sdk::ReaderOutput& out, sdk::Diagnostics& diags) override {
        try {
            read(path, bytes, out, diags);
        } catch (const std::exception& e) {
            diags.error(code::kInternal, std::string("the reader failed on this entry: ") + e.what(),
                        "report it with the export (without its secrets)", path);
        } catch (...) {
            diags.error(code::kInternal, "the reader failed on this entry", "report it with the export", path);
        }
    }

    void finish(sdk::ReaderOutput& out, sdk::Diagnostics& diags) override {
        try {
            write(out, diags);
        } catch (const std::exception& e) {
            diags.error(code::kInternal, std::string("the reader failed writing the package: ") + e.what(),
                        "report it with the export (without its secrets)");
        } catch (...) {
            diags.error(code::kInternal, "the reader failed writing the package", "report it with the export");
        }
    }

  private:
    void read(const std::string& path, sdk::EntryBytes& bytes, sdk::ReaderOutput& out, sdk::Diagnostics& diags) {
        if (!path.empty() && path.back() == '/') return;  // a folder
        if (!root_known_ && ends_with(path, "package_info.json")) {
            root_ = dirname_of(path);
            root_known_ = true;
        }
        const bool inside = starts_with(path, root_);
        const std::string rel = inside ? path.substr(root_.size()) : path;
        std::string detail;
        const EntryKind kind = inside ? classify_entry(rel, detail) : (ends_with(path, ".json") ? EntryKind::definition : EntryKind::other);
        if (kind == EntryKind::resource_file) {
            const std::string target = resource_output_path(detail);
            out.file_from(target, bytes);
            export_.resource_files[detail] = target;
            return;
        }
        if (kind == EntryKind::other) {
            diags.warning(code::kEntry, "this entry is not part of a DolphinScheduler export: it is not carried",
                          "a DolphinScheduler export holds package_info.json, projects/, datasource/, resource/, "
                          "udfFunction/ or workflow-definition JSON files",
                          path);
            return;
        }
        std::string text;
        if (!bytes.read_all(text)) {
            diags.error(code::kFormat, "the entry could not be read whole (over 256 MiB, or cut short)", {}, path);
            return;
        }
        json doc;
        std::string why, where;
        if (!parse_json(text, doc, why, where)) {
            diags.error(code::kJson, "the entry is not JSON: " + why, "export it again from DolphinScheduler",
                        path + ":" + where);
            return;
        }
        switch (kind) {
            case EntryKind::package_info:
                export_.version = text_at(doc, "version");
                if (export_.version.empty())
                    diags.warning(code::kFormat, "package_info.json names no \"version\"", {}, path);
                break;
            case EntryKind::projects:
                if (doc.is_array()) export_.projects = doc;
                break;
            case EntryKind::process_page:
            case EntryKind::definition: read_definitions(doc, path, detail, diags); break;
            case EntryKind::datasources: read_listed(doc, path, "data sources", "name", export_.datasources, diags); break;
            case EntryKind::udfs: read_listed(doc, path, "UDF functions", "funcName", export_.udfs, diags); break;
            case EntryKind::resource_list: read_resources(doc, path, diags); break;
            default: break;
        }
    }

    void read_definitions(const json& doc, const std::string& path, const std::string& project, sdk::Diagnostics& diags) {
        const json items = doc.is_array() ? doc : json::array({doc});
        for (std::size_t i = 0; i < items.size(); ++i) {
            const json& item = items[i];
            std::optional<Process> p;
            if (item.is_object() && item.contains("processDefinitionJson")) {
                p = read_v1_process(item, path, project, diags);
            } else if (item.is_object() && (item.contains("processDefinition") || item.contains("workflowDefinition"))) {
                p = read_v3_definition(item, path, project, diags);
            } else {
                diags.error(code::kFormat,
                            (items.size() > 1 || doc.is_array() ? "item " + std::to_string(i + 1) + " of the entry"
                                                                : std::string("the entry")) +
                                " is neither a DolphinScheduler 1.3 process (processDefinitionJson) nor a 2.x/3.x workflow "
                                "definition (processDefinition, taskDefinitionList)",
                            "export the project or the workflow again from DolphinScheduler", path);
                continue;
            }
            if (p) export_.processes.push_back(std::move(*p));
            else unreadable_.insert(text(item.contains("processDefinitionJson")
                                             ? at(item, "processDefinitionId")
                                             : at(at_any(item, {"processDefinition", "workflowDefinition"}), "code")));
        }
    }

    static bool list_of_objects(const json& doc, const std::string& what, const std::string& path, sdk::Diagnostics& diags) {
        if (doc.is_array()) return true;
        if (doc.is_null()) return false;  // an empty page: the exporter writes null
        diags.error(code::kFormat, "the entry is not a list of " + what, {}, path);
        return false;
    }

    // A page of data sources or UDFs: each item by its id and name, kept whole.
    template <typename T>
    void read_listed(const json& doc, const std::string& path, const char* what, const char* name_key,
                     std::vector<T>& into, sdk::Diagnostics& diags) {
        if (!list_of_objects(doc, what, path, diags)) return;
        for (const auto& item : doc) {
            T x;
            x.id = text_at(item, "id");
            x.name = text_at(item, name_key);
            x.entry = path;
            x.original = item;
            if (x.id.empty()) x.id = x.name;
            into.push_back(std::move(x));
        }
    }

    // resources.json is a tree (folders hold "children"): every file in it, folders left out.
    void read_resources(const json& doc, const std::string& path, sdk::Diagnostics& diags) {
        if (!list_of_objects(doc, "resources", path, diags)) return;
        std::set<std::string> seen;
        std::function<void(const json&)> walk = [&](const json& list) {
            for (const auto& r : list) {
                const bool folder = truthy(at(r, "dirctory")) || truthy(at(r, "directory")) || truthy(at(r, "isDirectory"));
                if (!folder) {
                    ResourceInfo info;
                    info.id = text_at(r, "id");
                    info.full_name = text_at(r, "fullName");
                    if (info.full_name.empty()) info.full_name = text_at(r, "name");
                    info.name = text_at(r, "name");
                    info.type = text_at(r, "type");
                    info.entry = path;
                    info.original = r;
                    info.original.erase("children");
                    if (!info.full_name.empty() && seen.insert(info.id + "/" + info.full_name).second)
                        export_.resources.push_back(std::move(info));
                }
                if (at(r, "children").is_array()) walk(at(r, "children"));
            }
        };
        walk(doc);
    }

    void write(sdk::ReaderOutput& out, sdk::Diagnostics& diags) {
        // One process per key: the same process in two pages is written once.
        std::vector<const Process*> processes;
        std::map<std::string, const Process*> seen;
        for (const auto& p : export_.processes) {
            auto [it, inserted] = seen.emplace(p.key, &p);
            if (!inserted) {
                diags.warning(code::kDuplicateProcess,
                              "process '" + p.name + "' (" + p.key + ") is exported twice: the first, in " +
                                  it->second->entry + ", is kept",
                              {}, p.entry);
                continue;
            }
            if (check_acyclic(p, diags)) processes.push_back(&p);
        }
        const bool catalog = !export_.datasources.empty() || !export_.resources.empty() || !export_.udfs.empty() ||
                             !export_.resource_files.empty();
        if (export_.processes.empty()) {
            if (catalog)
                diags.warning(code::kNoProcess, "the DolphinScheduler export holds no process definition",
                              "its data sources, resources and UDFs are read; export the projects' processes too");
            else
                diags.error(code::kNoProcess,
                            "the DolphinScheduler export holds no process definition, data source, resource or UDF",
                            "export a project (or a workflow) with its definitions from DolphinScheduler");
        }
        out.file("SPEC.FORMAT", "");
        auto emit = [&](const Document& d) { out.document(d.path, d.json.dump(2) + "\n"); };

        Lookups lookups;
        lookups.datasource_name = datasource_names(export_.datasources, diags);
        std::set<std::string> written;  // a data source listed in two pages is one
        for (const auto& ds : export_.datasources)
            if (written.insert(ds.id).second) emit(datasource_document(ds, lookups.datasource_name[ds.id], diags));
        for (const auto& r : export_.resources) {
            lookups.resource_by_id.emplace(r.id, &r);
            lookups.resource_names.insert(basename_of(r.full_name));
        }
        for (const auto& [full, path] : export_.resource_files) lookups.resource_names.insert(basename_of(full));
        for (const auto& d : resource_documents(export_, diags)) emit(d);
        for (const auto& d : function_documents(export_, lookups.udf_name, diags)) emit(d);

        PackagePlan plan = plan_package(without_sub_process_loops(processes, diags), std::move(lookups), diags);
        for (const auto& p : export_.processes)
            if (!plan.by_key.count(p.key)) plan.refused.insert(p.key);
        for (const auto& key : unreadable_)
            if (!key.empty() && !plan.by_key.count(key)) plan.refused.insert(key);
        for (std::size_t i = 0; i < plan.processes.size(); ++i) emit(workflow_document(plan, i, diags));
    }

    std::string root_;
    bool root_known_ = false;
    Export export_;
    std::set<std::string> unreadable_;  // keys of processes refused while read (their errors said why)
};

}  // namespace

EntryKind classify_entry(const std::string& rel, std::string& detail) {
    detail.clear();
    if (rel == "package_info.json") return EntryKind::package_info;
    if (rel == "projects.json") return EntryKind::projects;
    if (starts_with(rel, "projects/") && ends_with(rel, ".json")) {
        const auto slash = rel.find('/', 9);
        if (slash != std::string::npos && rel.compare(slash, 19, "/processDefinition/") == 0) {
            detail = rel.substr(9, slash - 9);
            return EntryKind::process_page;
        }
    }
    const auto single = [&](const char* folder) {
        const std::string f = folder;
        return starts_with(rel, f) && ends_with(rel, ".json") && rel.find('/', f.size()) == std::string::npos;
    };
    if (single("datasource/")) return EntryKind::datasources;
    if (single("udfFunction/")) return EntryKind::udfs;
    if (rel == "resource/resources.json") return EntryKind::resource_list;
    if (starts_with(rel, "resource/") && rel.size() > 9) {
        detail = rel.substr(9);
        return EntryKind::resource_file;
    }
    if (ends_with(rel, ".json")) return EntryKind::definition;
    return EntryKind::other;
}

std::unique_ptr<sdk::Reader> make_dolphinscheduler_reader() { return std::make_unique<DolphinSchedulerReader>(); }

}  // namespace ferry::reader::ds
