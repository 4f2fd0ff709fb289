#include "export/exporter.hpp"

#include <fnmatch.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "export/package_writer.hpp"
#include "config/schema_validation.hpp"
#include "export/spec_layout.hpp"
#include "ferry/sdk/source.hpp"
#include "package/package_reader.hpp"
#include "task/task_config.hpp"
#include "task/workspace_lock.hpp"
#include "util/sha256.hpp"

namespace ferry::host {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

constexpr const char* kUsage = "FERRY-EXPORT-USAGE";
constexpr std::size_t kNamedSkips = 10;

// "name*" matches every kind; "kind:glob" one kind.
bool selected(const sdk::ObjectRecord& o, const std::vector<std::string>& patterns) {
    if (patterns.empty()) return true;
    for (const auto& p : patterns) {
        std::string glob = p;
        if (const auto colon = p.find(':'); colon != std::string::npos) {
            if (p.substr(0, colon) != sdk::to_string(o.kind)) continue;
            glob = p.substr(colon + 1);
        }
        if (fnmatch(glob.c_str(), o.name.c_str(), 0) == 0) return true;
    }
    return false;
}

// 20261102_091504_120 (to the millisecond: two exports in one second are two tasks).
std::string compact_time() {
    std::string t = catalog::now_iso8601_utc();  // 2026-11-02T09:15:04.120Z
    std::string out;
    for (char c : t)
        if (std::isdigit(static_cast<unsigned char>(c))) out += c;
    return out.substr(0, 8) + "_" + out.substr(8, 6) + "_" + out.substr(14);
}

}  // namespace

bool is_folder_output(const std::string& output) {
    std::error_code ec;
    return (!output.empty() && output.back() == '/') || fs::is_directory(output, ec);
}

namespace {
bool hash_file(const fs::path& file, std::string& hex, std::uint64_t& size) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return false;
    Sha256 h;
    char buf[1 << 16];
    size = 0;
    while (in.read(buf, sizeof buf), in.gcount() > 0) {
        h.update(buf, static_cast<std::size_t>(in.gcount()));
        size += static_cast<std::uint64_t>(in.gcount());
    }
    hex = h.hex();
    return true;
}

// A folder's SHA-256 as `ferry check DIR` reports it: through the local source, as a package.
bool hash_folder(const PluginRegistry& registry, const std::string& folder, std::string& hex, std::uint64_t& size,
                 sdk::Diagnostics& diags) {
    const PluginInfo* local = registry.find(sdk::PluginKind::source, "local");
    if (!local) return false;
    sdk::Config config;
    if (!config_from_pairs({{"path", folder}}, local->schema, "source plugin 'local'", config, diags)) return false;
    auto source = registry.create_as<sdk::Source>(*local, config, "", diags);
    if (!source) return false;
    PackageInfo info;
    if (!hash_package(*source, "local", 0, info, diags)) return false;
    hex = info.sha256;
    size = info.size;
    return true;
}

}  // namespace

bool hash_output(const PluginRegistry& registry, const std::string& output, bool folder, std::string& sha256,
                 std::uint64_t& size, sdk::Diagnostics& diags) {
    return folder ? hash_folder(registry, output, sha256, size, diags) : hash_file(output, sha256, size);
}

std::string default_export_task_name(const std::string& workspace) {
    const std::string name = "export." + workspace + "." + compact_time();
    return task_name_problem(name).empty() ? name : "export." + compact_time();
}

std::string export_settings_json(const ExportOptions& o) {
    return json{{"workspace", o.workspace},
                {"output", o.output},
                {"mode", o.incremental ? "incremental" : "full"},
                {"since_revision", o.since_revision},
                {"since_time", o.since_time},
                {"objects", o.objects}}
        .dump(2);
}

bool check_export_options(const ExportOptions& o, sdk::Diagnostics& diags) {
    const std::size_t before = diags.items().size();
    if (o.workspace.empty()) diags.error(kUsage, "no workspace to export", "name it with --workspace W", "");
    if (o.output.empty())
        diags.error(kUsage, "no output", "name it with -o OUT.zip, or -o DIR/ for a folder", "");
    if (!o.incremental && (o.since_revision > 0 || !o.since_time.empty()))
        diags.error(kUsage, "--since goes with --mode incremental", "add --mode incremental, or drop --since", "");
    if (o.incremental && o.since_revision <= 0 && o.since_time.empty())
        diags.error(kUsage, "an incremental export needs --since REVISION or --since TIME",
                    "the revision a previous export printed, or an ISO-8601 time such as 2026-11-30T00:00:00Z", "");
    if (!o.since_time.empty() && !catalog::seconds_since(o.since_time))
        diags.error(kUsage, "--since '" + o.since_time + "' is neither a revision nor an ISO-8601 UTC time",
                    "write a number (a workspace revision) or a time like 2026-11-30T00:00:00.000Z", "");
    if (!o.task_name.empty() && !task_name_problem(o.task_name).empty())
        diags.error(kUsage, "bad task name '" + o.task_name + "': " + task_name_problem(o.task_name), "", "");
    if (!o.output.empty() && !is_folder_output(o.output)) {
        const fs::path parent = fs::path(o.output).parent_path();
        std::error_code ec;
        if (!parent.empty() && !fs::is_directory(parent, ec))
            diags.error(kUsage, "the output's folder " + parent.string() + " does not exist", "create it first",
                        o.output);
    }
    for (const auto& p : o.objects)
        if (const auto colon = p.find(':'); colon != std::string::npos && !catalog::object_kind_from_string(p.substr(0, colon)))
            diags.error(kUsage, "--objects '" + p + "' names no kind of object",
                        "write GLOB or KIND:GLOB with KIND one of node, workflow, resource, table, function, datasource, "
                        "component, quality, service",
                        "");
    return diags.items().size() == before;
}

bool run_export(const PluginRegistry& registry, catalog::Catalog& catalog, const ExportOptions& options,
                ExportResult& result, sdk::Diagnostics& diags) {
    if (!check_export_options(options, diags)) return false;
    // The workspace must exist: an export of nothing by a typo is an error, not an empty package.
    bool known = false;
    for (const auto& w : catalog.list_workspaces(diags)) known = known || w.name == options.workspace;
    if (diags.has_errors()) return false;
    if (!known) {
        diags.error("FERRY-EXPORT-WORKSPACE", "there is no workspace '" + options.workspace + "' in " + catalog.display_uri(),
                    "`ferry objects --workspace W` lists a workspace's objects; pass --catalog if it lives elsewhere",
                    options.workspace);
        return false;
    }

    // An export whose process died (killed, the server stopped) never ended its task: it ends now,
    // as failed, so no task stays EXPORTING for ever.
    for (auto& t : catalog.list_tasks(diags)) {
        if (t.kind != "export" || t.state != catalog::task_state::exporting || importer_alive(catalog, t)) continue;
        t.state = catalog::task_state::export_error;
        t.finished_at = catalog::now_iso8601_utc();
        t.report = json{{"kind", "export"}, {"task", t.name}, {"workspace", t.workspace}, {"state", t.state},
                        {"path", t.package_path},
                        {"diagnostics", json::array({{{"severity", "error"}, {"code", "FERRY-EXPORT-DIED"},
                                                      {"message", "the process running this export stopped before it "
                                                                  "ended; nothing was published"}}})}}
                       .dump();
        sdk::Diagnostics ignored;
        catalog.update_task(t, ignored);
    }

    catalog::Task row;
    row.name = options.task_name.empty() ? default_export_task_name(options.workspace) : options.task_name;
    row.kind = "export";
    row.workspace = options.workspace;
    row.state = catalog::task_state::exporting;
    row.settings = export_settings_json(options);
    row.created_by = options.created_by;
    row.importer = options.created_by;
    row.started_at = catalog::now_iso8601_utc();
    row.package_path = options.output;
    row.claimed_by = this_holder();
    if (!catalog.create_task(row, diags)) return false;
    result.task = row.name;
    if (options.on_task_created) options.on_task_created(row.name);

    // One consistent workspace: no import writes it while it is read.
    const std::string holder = this_holder();
    bool ok = lock_workspace(catalog, options.workspace, row.name, holder, diags);
    std::unique_ptr<HeldLock> lock;
    if (ok) lock = std::make_unique<HeldLock>(catalog, options.workspace, row.name, holder);
    result.folder = is_folder_output(options.output);
    result.path = options.output;
    result.revision = ok ? catalog.workspace_revision(options.workspace, diags) : 0;
    std::unique_ptr<PackageWriter> writer;
    if (ok) writer = result.folder ? folder_writer(options.output, diags) : zip_writer(options.output, diags);
    ok = ok && writer && writer->add(kSpecMarker, "", diags);

    catalog::ObjectQuery q;
    q.after_revision = options.incremental ? options.since_revision : 0;
    q.changed_since = options.incremental ? options.since_time : "";
    q.with_content = false;  // a resource's bytes are read one object at a time
    q.limit = 200;
    while (ok) {
        auto page = catalog.list_objects_page(options.workspace, q, diags);
        if (diags.has_errors()) {
            ok = false;
            break;
        }
        for (auto& o : page) {
            if (!selected(o, options.objects)) continue;
            auto full = catalog.find_object(options.workspace, o.kind, o.name, diags);
            if (!full) {
                ok = false;
                break;
            }
            std::vector<PackageFile> files;
            sdk::Diagnostics why;
            if (!spec_files_of(*full, files, why)) {
                // Keep looking, to say how many cannot be written; name the first few.
                if (++result.skipped <= kNamedSkips) diags.append(why);
                continue;
            }
            for (const auto& f : files)
                if (!(ok = writer->add(f.path, f.bytes, diags))) break;
            if (!ok) break;
            ++result.counts[sdk::to_string(o.kind)];
        }
        if (page.size() < q.limit) break;
        q.after_kind = sdk::to_string(page.back().kind);
        q.after_name = page.back().name;
    }
    // An export that leaves objects out is not an export of the workspace: nothing is published.
    if (ok && result.skipped > 0) {
        diags.error("FERRY-EXPORT-INCOMPLETE",
                    std::to_string(result.skipped) + " object(s) cannot be exported" +
                        (result.skipped > kNamedSkips ? " (the first " + std::to_string(kNamedSkips) + " are named above)"
                                                      : ""),
                    "nothing was written to the output; import their packages again, or narrow the export with "
                    "--objects",
                    options.output);
        ok = false;
    }
    // A folder mirrors the workspace after a full export of every object; any narrower export adds
    // and updates only.
    if (ok) ok = writer->finish(!options.incremental && options.objects.empty(), diags);
    if (writer) {
        result.files_written = writer->written;
        result.files_unchanged = writer->unchanged;
        result.files_removed = writer->removed;
    }
    writer.reset();
    if (ok) ok = hash_output(registry, options.output, result.folder, result.sha256, result.size, diags);

    if (lock) lock->stop_heartbeat();
    json counts = json::object();
    for (const auto& [k, n] : result.counts) counts[k] = n;
    row.state = ok ? catalog::task_state::export_success : catalog::task_state::export_error;
    row.finished_at = catalog::now_iso8601_utc();
    row.package_sha256 = result.sha256;
    row.package_size = static_cast<std::int64_t>(result.size);
    json problems = json::array();
    for (const auto& d : diags.items())
        problems.push_back({{"severity", sdk::to_string(d.severity)}, {"code", d.code}, {"message", d.summary}});
    row.report = json{{"kind", "export"},
                      {"task", row.name},
                      {"workspace", options.workspace},
                      {"state", row.state},
                      {"mode", options.incremental ? "incremental" : "full"},
                      {"path", result.path},
                      {"folder", result.folder},
                      {"sha256", result.sha256},
                      {"size", result.size},
                      {"revision", result.revision},
                      {"objects", counts},
                      {"skipped", result.skipped},
                      {"files", {{"written", result.files_written},
                                 {"unchanged", result.files_unchanged},
                                 {"removed", result.files_removed}}},
                      {"diagnostics", problems}}
                     .dump();
    result.report = row.report;
    sdk::Diagnostics end;
    catalog::Transaction tx(catalog, end);
    bool ended = catalog.update_task(row, end);
    if (lock) catalog.release_lock(options.workspace, row.name, end);
    ended = ended && !end.has_errors() && tx.commit(end);
    if (ended && lock) lock->mark_released();
    diags.append(end);
    return ok && ended;
}

}  // namespace ferry::host
