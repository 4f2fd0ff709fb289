#include "export/converter.hpp"

#include <filesystem>

#include "export/exporter.hpp"
#include "export/package_writer.hpp"
#include "export/spec_layout.hpp"
#include "package/package_reader.hpp"

namespace ferry::host {

namespace {

// One object of the model as a record export writes: its document, content and folder.
bool record_of(sdk::ObjectKind kind, const PackageObject& o, const ContentRef* content, sdk::ObjectRecord& r,
               sdk::Diagnostics& diags) {
    r = sdk::ObjectRecord();
    r.kind = kind;
    r.name = o.name;
    r.path = o.folder;
    if (!load_content(o.document, r.document, diags)) return false;
    return !content || !content->present || load_content(*content, r.content, diags);
}

}  // namespace

bool write_converted(const PluginRegistry& registry, const PackageModel& model, const std::string& output,
                     ConvertResult& result, sdk::Diagnostics& diags) {
    if (diags.has_errors()) return false;
    result.path = output;
    result.folder = is_folder_output(output);
    if (!result.folder) {
        const std::filesystem::path parent = std::filesystem::path(output).parent_path();
        std::error_code ec;
        if (!parent.empty() && !std::filesystem::is_directory(parent, ec)) {
            diags.error("FERRY-CONVERT-USAGE", "the output's folder " + parent.string() + " does not exist",
                        "create it first", output);
            return false;
        }
    }
    auto writer = result.folder ? folder_writer(output, diags) : zip_writer(output, diags);
    if (!writer || !writer->add(kSpecMarker, "", diags)) return false;
    bool ok = true;
    auto write = [&](sdk::ObjectKind kind, const PackageObject& o, const ContentRef* content) {
        if (!ok) return;
        sdk::ObjectRecord r;
        std::vector<PackageFile> files;
        ok = record_of(kind, o, content, r, diags) && spec_files_of(r, files, diags);
        for (const auto& f : files)
            if (ok) ok = writer->add(f.path, f.bytes, diags);
        if (ok) ++result.counts[sdk::to_string(kind)];
    };
    for (const auto& n : model.nodes)
        if (!n.inner) write(sdk::ObjectKind::node, n, &n.code);
    for (const auto& w : model.workflows) write(sdk::ObjectKind::workflow, w, nullptr);
    for (const auto& r : model.resources) write(sdk::ObjectKind::resource, r, &r.content);
    for (const auto& t : model.tables) write(sdk::ObjectKind::table, t, nullptr);
    for (const auto& f : model.functions) write(sdk::ObjectKind::function, f, nullptr);
    for (const auto& d : model.datasources) write(sdk::ObjectKind::datasource, d, nullptr);
    for (const auto& c : model.components) write(sdk::ObjectKind::component, c, &c.code);
    for (const auto& q : model.quality_rules) write(sdk::ObjectKind::quality, q, nullptr);
    for (const auto& v : model.services) write(sdk::ObjectKind::service, v, nullptr);
    // A conversion never removes anything it did not write (the folder may hold the user's files).
    ok = ok && writer->finish(false, diags);
    writer.reset();
    return ok && hash_output(registry, output, result.folder, result.sha256, result.size, diags);
}

}  // namespace ferry::host
