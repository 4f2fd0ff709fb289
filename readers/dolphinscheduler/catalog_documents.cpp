#include "catalog_documents.hpp"

#include <algorithm>
#include <set>

#include "ascii_text.hpp"
#include "ferry/sdk/reader.hpp"
#include "ds_codes.hpp"
#include "json_fields.hpp"
#include "object_names.hpp"
#include "task_mapping.hpp"

namespace ferry::reader::ds {

namespace {

const char* const kResourceFolder = "DataStudio/资源/";
const char* const kFunctionFolder = "DataStudio/函数/";

std::string trimmed_full_name(std::string full) {
    while (!full.empty() && full.front() == '/') full.erase(0, 1);
    return full;
}

std::string joined(const std::vector<std::string>& list) {
    std::string out;
    for (const auto& s : list) out += (out.empty() ? "" : ", ") + s;
    return out;
}

// A data source type as written in a path: letters, digits, '_' and '-'.
bool type_name(const std::string& t) {
    return !t.empty() && std::all_of(t.begin(), t.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

}  // namespace

std::string resource_output_path(const std::string& full_name) { return kResourceFolder + trimmed_full_name(full_name); }

std::map<std::string, std::string> datasource_names(const std::vector<DataSource>& datasources, sdk::Diagnostics& diags) {
    std::map<std::string, std::string> names;
    NameScope scope;
    for (const auto& ds : datasources) {
        if (names.count(ds.id)) continue;
        const std::string name = scope.claim(acceptable_name(ds.name));
        if (name != ds.name)
            diags.add({sdk::Severity::warning, code::kName,
                       "data source '" + ds.name + "' is named '" + name + "' in DataWorks", {}, ds.entry});
        names[ds.id] = name;
    }
    return names;
}

Document datasource_document(const DataSource& ds, const std::string& name, sdk::Diagnostics& diags) {
    std::string type = text_at(ds.original, "type").empty() ? std::string("unknown") : lower(text_at(ds.original, "type"));
    if (!type_name(type)) {
        // The type names the document's folders: it is no path of the package's choosing.
        diags.add({sdk::Severity::warning, code::kFormat,
                   "data source '" + ds.name + "' has type '" + text_at(ds.original, "type") +
                       "', which is not a type name (letters, digits, '_', '-'): written as type 'unknown'",
                   "set the type in DolphinScheduler, or in the destination after import", ds.entry});
        type = "unknown";
    }
    json original = ds.original;
    std::vector<std::string> removed;
    json config = embedded(at(original, "connectionParams"));
    if (config.is_object()) {
        for (const auto& r : remove_secrets(config)) removed.push_back("/connectionParams" + r);
        if (original.contains("connectionParams"))
            original["connectionParams"] = original["connectionParams"].is_string() ? json(config.dump()) : config;
    } else if (config.is_string()) {
        // Not JSON: it cannot be searched field by field, so it stays out when it may hold a secret.
        const std::string t = lower(config.get<std::string>());
        if (t.find("password") != std::string::npos || t.find("secret") != std::string::npos ||
            t.find("token") != std::string::npos) {
            removed.push_back("/connectionParams");
            original.erase("connectionParams");
            config = nullptr;
        }
    }
    for (const auto& r : remove_secrets(original))
        if (std::find(removed.begin(), removed.end(), r) == removed.end()) removed.push_back(r);
    if (!removed.empty())
        diags.add({sdk::Severity::warning, code::kSecret,
                   "data source '" + ds.name + "': " + joined(removed) +
                       " left out: ferry stores no secrets; set them again in the destination's data source",
                   {}, ds.entry});
    json entry = {{"id", "ds-datasource-" + ds.id}, {"name", name}, {"type", type}, {"subType", type},
                  {"dolphinscheduler", original}};
    if (!config.is_null()) entry["config"] = config;
    if (!text_at(ds.original, "note").empty()) entry["description"] = text_at(ds.original, "note");
    Document d;
    d.path = "DataSource/" + type + "/" + type + "/PRD/" + name + "/" + name + ".json";
    d.json = {{"version", "1.1.0"}, {"kind", "DataSource"}, {"spec", {{"datasources", json::array({entry})}}}};
    return d;
}

std::vector<Document> resource_documents(const Export& exp, sdk::Diagnostics& diags) {
    std::vector<Document> docs;
    std::set<std::string> done;
    std::map<std::string, std::string> first_with_name;  // name -> full name
    // The file of a listed resource: at its full name below resource/, or (3.x lists full names like
    // /dolphinscheduler/<tenant>/resources/dir/a.jar, the export keeps dir/a.jar) at its tail.
    // The longest tail after a '/' that names a file: looked up, not searched for (a scan of every
    // file for every listed resource was quadratic).
    auto file_of = [&](const std::string& full) {
        if (exp.resource_files.count(full)) return full;
        for (std::size_t slash = full.find('/'); slash != std::string::npos; slash = full.find('/', slash + 1))
            if (std::string tail = full.substr(slash + 1); !tail.empty() && exp.resource_files.count(tail)) return tail;
        return full;
    };
    auto write = [&](const std::string& full_raw, const std::string& id, const json& original, const std::string& entry) {
        const std::string full = file_of(trimmed_full_name(full_raw));
        if (full.empty() || !done.insert(full).second) return;
        if (!sdk::safe_output_path(full)) {  // below the resource folder, as the host checks
            diags.error(code::kResourcePath,
                        "resource '" + full_raw + "' has a full name that is no path below the resource centre (an "
                        "empty, '.' or '..' part, a backslash or a control character): it is not read",
                        "rename the resource in DolphinScheduler and export again", entry);
            return;
        }
        const std::string name = basename_of(full);
        if (auto [it, inserted] = first_with_name.emplace(name, full); !inserted)
            diags.add({sdk::Severity::warning, code::kName,
                       "resources '" + it->second + "' and '" + full + "' are both named '" + name +
                           "': DataWorks resource names are unique; rename one in DolphinScheduler",
                       {}, entry});
        if (!exp.resource_files.count(full))
            diags.add({sdk::Severity::warning, code::kResourceBytes,
                       "resource '" + full + "' is listed without its file (resource/" + full +
                           "): it is described but has no content; add the file to the export, or upload it in "
                           "DataWorks",
                       {}, entry});
        const std::string type = resource_type(name);
        json res = {{"id", "ds-resource-" + (id.empty() ? full : id)},
                    {"name", name},
                    {"type", type},
                    {"script", {{"runtime", {{"command", type == "jar" ? "EMR_JAR" : "EMR_FILE"}}}}},
                    {"dolphinscheduler", original.is_null() ? json{{"fullName", full}} : original}};
        Document d;
        d.path = resource_output_path(full) + ".schedule.json";
        d.json = {{"version", "1.1.0"}, {"kind", "Resource"}, {"spec", {{"fileResources", json::array({res})}}}};
        docs.push_back(std::move(d));
    };
    for (const auto& r : exp.resources) write(r.full_name, r.id, r.original, r.entry);
    for (const auto& [full, path] : exp.resource_files) {
        (void)path;
        write(full, {}, json(), "resource/" + full);
    }
    return docs;
}

std::vector<Document> function_documents(const Export& exp, std::map<std::string, std::string>& names,
                                         sdk::Diagnostics& diags) {
    std::vector<Document> docs;
    NameScope scope(true);  // function names are case-insensitive on the engines
    for (const auto& u : exp.udfs) {
        if (names.count(u.id)) continue;
        const std::string name = scope.claim(acceptable_name(u.name));
        if (name != u.name)
            diags.add({sdk::Severity::warning, code::kName, "function '" + u.name + "' is named '" + name + "' in DataWorks",
                       {}, u.entry});
        names[u.id] = name;
        json fn = {{"id", "ds-udf-" + u.id},
                   {"name", name},
                   {"className", text_at(u.original, "className")},
                   {"script", {{"runtime", {{"command", "EMR_FUNCTION"}}}}},
                   {"dolphinscheduler", u.original}};
        if (const std::string res = text_at(u.original, "resourceName"); !res.empty())
            fn["fileResources"] = json::array({{{"name", basename_of(res)}}});
        if (const std::string d = text_at(u.original, "description"); !d.empty()) fn["usageDescription"] = d;
        if (const std::string a = text_at(u.original, "argTypes"); !a.empty()) fn["argumentsDescription"] = a;
        Document d;
        d.path = std::string(kFunctionFolder) + name + ".schedule.json";
        d.json = {{"version", "1.1.0"}, {"kind", "Function"}, {"spec", {{"functions", json::array({fn})}}}};
        docs.push_back(std::move(d));
    }
    return docs;
}

}  // namespace ferry::reader::ds
