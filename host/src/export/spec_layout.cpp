#include "export/spec_layout.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "package/command_types.hpp"
#include "package/object_folder.hpp"
#include "util/json_fields.hpp"
#include "util/json_text.hpp"
#include "util/utf8.hpp"

namespace ferry::host {

using json = nlohmann::json;

namespace {

std::string text_of(const json& doc) { return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n"; }

const json& first_object(const json& doc, const char* list) {
    static const json none;
    const json& spec = doc.contains("spec") ? doc["spec"] : none;
    if (!spec.is_object()) return none;
    auto it = spec.find(list);
    if (it == spec.end() || !it->is_array() || it->empty()) return none;
    return it->front();
}

// A node's code file extension: upstream's for its command, else ".txt".
std::string extension_of(const json& doc) {
    const json& n = first_object(doc, "nodes");
    std::string command;
    command = text_at(object_at(object_at(n, "script"), "runtime"), "command");
    const CommandType* t = find_command_type(command);
    if (t && !t->extension.empty() && t->extension.front() == '.') return std::string(t->extension);
    return ".txt";
}

// Relative, no empty, "." or ".." segment, no control character or backslash.
bool safe_folder(const std::string& folder) {
    if (folder.empty() || folder.front() == '/' || folder.back() == '/') return false;
    std::size_t start = 0;
    while (start <= folder.size()) {
        const std::size_t end = std::min(folder.find('/', start), folder.size());
        const std::string segment = folder.substr(start, end - start);
        if (segment.empty() || segment == "." || segment == "..") return false;
        start = end + 1;
    }
    for (unsigned char c : folder)
        if (c < 0x20 || c == 0x7f || c == '\\') return false;
    return true;
}

}  // namespace

bool spec_files_of(const sdk::ObjectRecord& o, std::vector<PackageFile>& out, sdk::Diagnostics& diags) {
    json doc = parse_json_or_discarded(o.document);
    if (!doc.is_object() || !doc.contains("spec")) {
        diags.error("FERRY-EXPORT-LEGACY",
                      std::string(sdk::to_string(o.kind)) + " '" + o.name +
                          "' was stored by a ferry older than FlowSpec objects: it has no document to export",
                      "import its package again, then export", o.name);
        return false;
    }
    const std::string folder = o.path.empty() ? default_folder(o.kind, doc) : o.path;
    // The folder came from a package: it must stay a relative path below the package's top.
    if (!safe_folder(folder)) {
        diags.error("FERRY-EXPORT-PATH",
                    std::string(sdk::to_string(o.kind)) + " '" + printable(o.name) + "' has the folder '" +
                        printable(folder) + "', which is not a relative path of plain segments",
                    "move the object to another folder in the source and import it again", o.name);
        return false;
    }
    if (o.kind == sdk::ObjectKind::datasource) {
        const std::string dir = "DataSource/" + folder + "/" + o.name + "/";
        out.push_back({dir + o.name + ".json", text_of(doc)});
        return true;
    }
    const std::string base = "DataStudio/" + folder + "/";
    if (o.kind == sdk::ObjectKind::resource) {
        // The product puts a resource's file and its document side by side in the label folder.
        out.push_back({base + o.name, o.content});
        out.push_back({base + o.name + ".schedule.json", text_of(doc)});
        return true;
    }
    const std::string dir = base + o.name + "/";
    if (o.kind == sdk::ObjectKind::component && !o.content.empty()) {
        // A component's code is written in its document (no code file sits beside a component).
        json& c = doc["spec"]["components"][0];
        c["script"]["content"] = o.content;
    }
    out.push_back({dir + o.name + ".schedule.json", text_of(doc)});
    // A node's code file, also when empty but for a node whose script names a path: in a package's
    // layout, a script with a path and no file beside it is a missing file.
    const json& script = object_at(first_object(doc, "nodes"), "script");
    if (o.kind == sdk::ObjectKind::node && (!o.content.empty() || !text_at(script, "path").empty()))
        out.push_back({dir + o.name + extension_of(doc), o.content});
    return true;
}

}  // namespace ferry::host
