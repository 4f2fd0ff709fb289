#include "ferry/cloud/redact.hpp"
#include "server/task_api.hpp"

#include "package/preview_json.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "cli/output.hpp"
#include "cli/plan_json.hpp"
#include "ferry/catalog/catalog.hpp"
#include "package/package_check.hpp"
#include "server/upload.hpp"
#include "task/workspace_lock.hpp"
#include "task/engine_routing.hpp"
#include "task/report.hpp"
#include "task/task_service.hpp"
#include "util/sha256.hpp"

namespace ferry::host::web {
namespace fs = std::filesystem;
using nlohmann::json;
namespace state = catalog::task_state;

int status_for(const std::string& code) {
    if (code == catalog::codes::task_not_found || code == "FERRY-TASK-KIND" || code == "FERRY-EXPORT-WORKSPACE")
        return 404;
    if (code == catalog::codes::task_exists || code == catalog::codes::task_state_mismatch ||
        code == "FERRY-TASK-STATE" || code == "FERRY-TASK-EXISTS" || code == "FERRY-WEB-BUSY")
        return 409;
    if (code == "FERRY-TASK-NAME" || code == "FERRY-TASK-MAPPING" || code.rfind("FERRY-CONFIG", 0) == 0 ||
        code.rfind("FERRY-WEB-SETTINGS", 0) == 0 || code == "FERRY-WEB-FORM" || code == "FERRY-WEB-ENGINES-FIXED" ||
        code == "FERRY-EXPORT-USAGE")
        return 400;
    if (code.rfind("FERRY-CATALOG", 0) == 0 || code == "FERRY-INTERNAL" || code == "FERRY-WEB-STORAGE") return 500;
    return 422;  // the package, the source or the plan refused
}

ApiResult ApiResult::from_diagnostics(const sdk::Diagnostics& diags) {
    const sdk::Diagnostic* first = nullptr;
    for (const auto& d : diags.items())
        if (d.severity == sdk::Severity::error) {
            first = &d;
            break;
        }
    if (!first) return error(500, "FERRY-INTERNAL", "the operation failed without a diagnostic");
    ApiResult r = error(status_for(first->code), first->code, first->summary);
    if (diags.items().size() > 1) r.body["error"]["details"] = diagnostics_json(diags);
    return r;
}

namespace {

std::unique_ptr<catalog::Catalog> open(const std::string& uri, sdk::Diagnostics& diags) {
    return catalog::Catalog::open(uri, diags);
}

// The actions the product's task list offers in each state, less what a viewer may not do.
json actions_for(const std::string& st, Role role, bool running) {
    std::vector<std::string> all;
    if (st == state::editing) all = {"edit", "preview", "check", "import", "delete"};
    else if (st == state::importing || st == state::queued || running) all = {"progress"};
    else if (st == state::import_error || st == state::partial_success) all = {"reimport", "report", "delete"};
    else if (st == state::import_success) all = {"report", "delete"};
    else all = {"delete"};
    static const std::set<std::string> read_only = {"preview", "report", "progress"};
    json out = json::array();
    for (const auto& a : all)
        if (role == Role::admin || read_only.count(a)) out.push_back(a);
    return out;
}

// Where the package comes from, as a person may see it: a presigned address's signature and token
// are redacted (the task may have been loaded with them, from its file, to run).
std::string source_location(const TaskConfig& t) {
    return cloud::redact_url(t.source_config.string("path", t.source_config.string("url")));
}

void write_private(const fs::path& file, const std::string& text) {
    fs::create_directories(file.parent_path());
    {
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out << text;
    }
    ::chmod(file.c_str(), 0600);
}

bool under(const fs::path& child, const fs::path& parent) {
    const auto rel = fs::weakly_canonical(child).lexically_relative(fs::weakly_canonical(parent));
    return !rel.empty() && *rel.begin() != "..";
}

json engines_json(const TaskConfig& t) {
    json arr = json::array();
    for (const auto& e : t.engines) arr.push_back({{"name", e.name}, {"type", e.type}, {"project", e.project}});
    return arr;
}

// A destination's settings as the task gives them (defaults left out: the page shows the schema's),
// typed as JSON. No secret can be among them: a task that writes one is refused when parsed.
json destination_settings_json(const sdk::Config& config) {
    json out = json::object();
    for (const auto& [key, v] : config.values) {
        if (v.where == "default") continue;
        switch (v.type) {
            case sdk::ValueType::integer: out[key] = v.integer; break;
            case sdk::ValueType::boolean: out[key] = v.boolean; break;
            case sdk::ValueType::string_list: out[key] = v.list; break;
            default: out[key] = v.text; break;  // string, and a size as written ("30MB")
        }
    }
    return out;
}

// What the settings page edits, from the parsed task. Engine configs are left out: they may hold
// passwords, and nothing secret reaches a page.
json settings_form(const TaskConfig& t) {
    json mapping = json::array();
    for (const auto& m : t.engine_map)
        mapping.push_back({{"source", m.source}, {"instance", m.target}, {"cross_engine", m.cross_engine}});
    return {{"remarks", t.remarks},
            {"workspace", t.workspace},
            {"importer", t.importer},
            {"source", {{"plugin", t.source_plugin}, {"location", source_location(t)}, {"max_size", t.max_size}}},
            {"engines", engines_json(t)},
            {"engine_mapping", mapping},
            {"resource_groups", t.resource_groups},
            {"workspaces", t.workspaces},
            {"owners", t.owners},
            {"dry_run", t.dry_run},
            {"destination", t.destination},
            {"destination_settings", destination_settings_json(t.destination_config)},
            {"commit",
             {{"resources", t.commit.resources},
              {"tables", t.commit.tables},
              {"functions", t.commit.functions},
              {"nodes", t.commit.nodes},
              {"change_owner", t.commit.change_owner},
              {"on_conflict", t.commit.on_conflict}}}};
}

}  // namespace

struct TaskApi::Impl {
    const PluginRegistry& registry;
    ServeOptions options;
    std::unique_ptr<EnginesFile> engines;
    ImportJobs jobs;
    std::string default_workspace = "default";

    Impl(const PluginRegistry& r, const ServeOptions& o, std::unique_ptr<EnginesFile> e)
        : registry(r), options(o), engines(std::move(e)), jobs(r, o.catalog_uri) {
        if (engines && !engines->workspace.empty()) default_workspace = engines->workspace;
    }

    fs::path tasks_dir() const { return fs::path(options.data_dir) / "tasks"; }
    fs::path packages_dir() const { return fs::path(options.data_dir) / "packages"; }
    fs::path spool_dir() const { return fs::path(options.data_dir) / "uploads"; }

    json task_json(const catalog::Task& row, Role role, const TaskConfig* parsed) {
        std::string package = row.package_path;
        if (package.empty() && parsed) package = source_location(*parsed);
        const bool running = jobs.running(row.name);
        return {{"name", row.name},
                {"workspace", row.workspace},
                {"destination", parsed ? json(parsed->destination) : json(nullptr)},
                {"state", row.state},
                {"remarks", row.remarks},
                {"package", package},
                {"package_size", row.package_size},
                {"package_sha256", row.package_sha256},
                {"creator", row.created_by},
                {"importer", row.importer},
                {"created_at", row.created_at},
                {"started_at", row.started_at},
                {"finished_at", row.finished_at},
                {"has_report", !row.report.empty()},
                {"importing", running},
                {"actions", actions_for(row.state, role, running)}};
    }

    // Loads the stored task; on failure `err` holds the answer.
    bool load(const std::string& name, catalog::Catalog& cat, catalog::Task& row, TaskConfig& task, ApiResult& err) {
        sdk::Diagnostics diags;
        if (!load_stored_task(registry, cat, name, row, task, diags)) {
            err = ApiResult::from_diagnostics(diags);
            return false;
        }
        return true;
    }

    // Reads and checks the task's package (no catalog needed).
    bool read_checked(const TaskConfig& task, LoadedPackage& package, sdk::Diagnostics& diags) {
        if (!load_task_package(registry, task, package, diags)) return false;
        check_package_with(registry, package.model, diags);
        return true;
    }

    // The source engine instances the package names, each with its engine type and users: the
    // rows of the Engine Instance Mapping table.
    json engine_sources(const PackageModel& m) {
        std::map<std::string, std::pair<std::string, std::vector<std::string>>> uses;
        auto add = [&](const std::string& source, const std::string& type, const std::string& label) {
            if (type.empty()) return;
            auto& u = uses[source];
            u.first = type;
            u.second.push_back(label);
        };
        for (const auto& r : m.resources) add(r.datasource_name, engine_type_of(registry, r), "resource " + r.name);
        for (const auto& f : m.functions) add(f.datasource_name, engine_type_of(registry, f), "function " + f.name);
        for (const auto& t : m.tables) add(t.project, engine_type_of(registry, t), "table " + t.name);
        for (const auto& n : m.nodes) add(n.datasource_name, engine_type_of(registry, n), "node " + n.name);
        json out = json::array();
        for (const auto& [source, u] : uses)
            out.push_back({{"source", source}, {"type", u.first}, {"used_by", u.second}});
        return out;
    }
};

TaskApi::TaskApi(const PluginRegistry& registry, const ServeOptions& options, std::unique_ptr<EnginesFile> engines)
    : impl_(std::make_unique<Impl>(registry, options, std::move(engines))) {}
TaskApi::~TaskApi() = default;

bool TaskApi::prepare(sdk::Diagnostics& diags) {
    std::error_code ec;
    for (const auto& d : {impl_->tasks_dir(), impl_->packages_dir(), impl_->spool_dir()}) {
        fs::create_directories(d, ec);
        if (ec) {
            diags.error("FERRY-WEB-STORAGE", "cannot create " + d.string() + ": " + ec.message(),
                        "pass --data-dir with a folder this user may write", d.string());
            return false;
        }
        ::chmod(d.c_str(), 0700);  // uploads and settings are private to the server's user
    }
    // Left over from a server that stopped mid-upload.
    for (const auto& e : fs::directory_iterator(impl_->spool_dir(), ec)) fs::remove(e.path(), ec);
    if (!open(impl_->options.catalog_uri, diags)) return false;
    if (impl_->engines) {
        // The engines file must pass the same rules as a task's [[workspace.engines]].
        std::string text;
        if (!write_task_toml("", json{{"name", "engines_check"},
                                      {"source", {{"plugin", "local"}, {"path", "/dev/null"}}},
                                      {"workspace", impl_->default_workspace}},
                             impl_->engines.get(), impl_->registry, text, diags))
            return false;
        TaskConfig probe;
        if (!parse_task_config(text, impl_->engines->path, impl_->registry, probe, diags)) return false;
    }
    return true;
}

ApiResult TaskApi::list(const User& user) {
    sdk::Diagnostics diags;
    auto cat = open(impl_->options.catalog_uri, diags);
    if (!cat) return ApiResult::from_diagnostics(diags);
    const auto rows = cat->list_tasks(diags);
    if (diags.has_errors()) return ApiResult::from_diagnostics(diags);
    json arr = json::array();
    for (const auto& row : rows) {
        if (!row.kind.empty() && row.kind != "import") continue;  // export tasks: /api/exports
        TaskConfig parsed;
        sdk::Diagnostics ignore;  // a task whose settings no longer parse is still listed
        const bool ok = parse_task_config(row.settings, row.config_path, impl_->registry, parsed, ignore);
        arr.push_back(impl_->task_json(row, user.role, ok ? &parsed : nullptr));
    }
    return ApiResult::ok({{"tasks", arr}});
}

ApiResult TaskApi::create(const User& user, std::istream& body, const std::string& content_type,
                          std::int64_t content_length) {
    const std::uint64_t cap = impl_->options.max_upload;
    const std::uint64_t slack = 1 << 20;  // the form's other fields and multipart framing
    auto too_large = [&] {
        drain(body, cap + 4 * slack);
        ApiResult r = ApiResult::error(413, "FERRY-WEB-TOO-LARGE",
                                       "the package is larger than the upload limit of " + std::to_string(cap) +
                                           " bytes");
        r.keep_alive = false;
        return r;
    };
    if (content_length > 0 && static_cast<std::uint64_t>(content_length) > cap + slack) return too_large();

    Upload upload;
    UploadLimits limits;
    limits.max_file = cap;
    const UploadOutcome outcome = read_multipart(body, content_type, limits, impl_->spool_dir().string(), upload);
    if (outcome.status == UploadStatus::too_large) return too_large();
    if (outcome.status == UploadStatus::bad_form) return ApiResult::error(400, "FERRY-WEB-FORM", outcome.message);
    // From here on the spooled file is ours to move or remove.
    struct Cleanup {
        std::string path;
        ~Cleanup() {
            if (!path.empty()) ::unlink(path.c_str());
        }
    } cleanup{upload.file_path};

    const std::string name = upload.fields["name"];
    const std::string url = upload.fields["url"];
    if (const std::string problem = task_name_problem(name); !problem.empty())
        return ApiResult::error(400, "FERRY-TASK-NAME", "bad task name '" + name + "': " + problem);
    if (upload.file_path.empty() == url.empty())
        return ApiResult::error(400, "FERRY-WEB-FORM", "send either a package file (field 'package') or a 'url'");
    if (!upload.file_path.empty() && upload.file_field != "package")
        return ApiResult::error(400, "FERRY-WEB-FORM", "the file must be sent in the field 'package'");

    sdk::Diagnostics diags;
    auto cat = open(impl_->options.catalog_uri, diags);
    if (!cat) return ApiResult::from_diagnostics(diags);
    {
        sdk::Diagnostics lookup;
        if (cat->get_task(name, lookup))
            return ApiResult::error(409, catalog::codes::task_exists, "there is already a task named '" + name + "'");
    }

    json source;
    fs::path stored;
    if (!upload.file_path.empty()) {
        // A fresh name per upload: a task of the same name deleted earlier never shares files.
        const std::string tag = Sha256::of(upload.file_path + name + catalog::now_iso8601_utc()).substr(0, 12);
        stored = impl_->packages_dir() / (name + "." + tag + "." + upload.file_name);
        std::error_code ec;
        fs::rename(upload.file_path, stored, ec);
        if (ec) return ApiResult::error(500, "FERRY-WEB-STORAGE", "cannot store the package: " + ec.message());
        cleanup.path = stored.string();  // until the task row exists
        source = {{"plugin", "local"}, {"path", stored.string()}, {"max_size", static_cast<std::int64_t>(cap)}};
    } else if (url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0) {
        source = {{"plugin", "http"}, {"url", url}, {"max_size", static_cast<std::int64_t>(cap)}};
    } else if (url.rfind("oss://", 0) == 0 || url.rfind("s3://", 0) == 0) {
        source = {{"plugin", url.substr(0, url.find(':'))}, {"url", url}, {"max_size", static_cast<std::int64_t>(cap)}};
        if (!upload.fields["endpoint"].empty()) source["endpoint"] = upload.fields["endpoint"];
    } else {
        return ApiResult::error(400, "FERRY-WEB-FORM",
                                "the address must start with http://, https://, oss:// or s3://, not '" + url + "'");
    }

    json settings = {{"name", name}, {"remarks", upload.fields["remarks"]}, {"source", source},
                     {"workspace", impl_->default_workspace}, {"importer", user.name}};
    std::string text;
    if (!write_task_toml("", settings, impl_->engines.get(), impl_->registry, text, diags))
        return ApiResult::from_diagnostics(diags);
    const fs::path config = impl_->tasks_dir() / (name + ".task.toml");
    TaskConfig task;
    if (!parse_task_config(text, config.string(), impl_->registry, task, diags))
        return ApiResult::from_diagnostics(diags);
    if (!create_task_row(*cat, task, user.name, diags)) return ApiResult::from_diagnostics(diags);
    cleanup.path.clear();
    write_private(config, text);
    auto row = cat->get_task(name, diags);
    if (!row) return ApiResult::from_diagnostics(diags);
    json out = impl_->task_json(*row, user.role, &task);
    out["settings"] = settings_form(task);
    return ApiResult::ok(out, 201);
}

ApiResult TaskApi::get(const User& user, const std::string& name) {
    sdk::Diagnostics diags;
    auto cat = open(impl_->options.catalog_uri, diags);
    if (!cat) return ApiResult::from_diagnostics(diags);
    catalog::Task row;
    TaskConfig task;
    ApiResult err;
    if (!impl_->load(name, *cat, row, task, err)) {
        // A task whose settings no longer parse can still be shown (and deleted).
        if (err.status != 404) {
            sdk::Diagnostics d;
            if (auto r = cat->get_task(name, d)) {
                json out = impl_->task_json(*r, user.role, nullptr);
                out["settings_error"] = err.body["error"];
                return ApiResult::ok(out);
            }
        }
        return err;
    }
    json out = impl_->task_json(row, user.role, &task);
    out["settings"] = settings_form(task);
    out["engines_fixed"] = impl_->engines != nullptr;
    return ApiResult::ok(out);
}

ApiResult TaskApi::put_settings(const User& user, const std::string& name, const std::string& body) {
    const json settings = json::parse(body, nullptr, false);
    if (!settings.is_object()) return ApiResult::error(400, "FERRY-WEB-SETTINGS", "the body must be a JSON object");
    for (const char* fixed : {"name", "source"})
        if (settings.contains(fixed))
            return ApiResult::error(400, "FERRY-WEB-SETTINGS",
                                    std::string("'") + fixed + "' is set when the task is created and cannot change");
    sdk::Diagnostics diags;
    auto cat = open(impl_->options.catalog_uri, diags);
    if (!cat) return ApiResult::from_diagnostics(diags);
    auto row = require_task(*cat, name, diags);
    if (!row) return ApiResult::from_diagnostics(diags);
    if (row->state != state::editing)
        return ApiResult::error(409, "FERRY-TASK-STATE",
                                "task '" + name + "' is " + row->state + "; only EDITING tasks can be edited");
    std::string text;
    if (!write_task_toml(row->settings, settings, impl_->engines.get(), impl_->registry, text, diags))
        return ApiResult::from_diagnostics(diags);
    TaskConfig task;
    if (!parse_task_config(text, row->config_path, impl_->registry, task, diags) ||
        !edit_task_row(*cat, name, task, diags))
        return ApiResult::from_diagnostics(diags);
    // Keep the file beside web-made tasks in step, so `ferry import` on it runs what the page shows.
    if (under(row->config_path, impl_->tasks_dir())) write_private(row->config_path, text);
    auto updated = cat->get_task(name, diags);
    if (!updated) return ApiResult::from_diagnostics(diags);
    json out = impl_->task_json(*updated, user.role, &task);
    out["settings"] = settings_form(task);
    out["engines_fixed"] = impl_->engines != nullptr;
    return ApiResult::ok(out);
}

ApiResult TaskApi::check(const std::string& name) {
    sdk::Diagnostics diags;
    auto cat = open(impl_->options.catalog_uri, diags);
    if (!cat) return ApiResult::from_diagnostics(diags);
    catalog::Task row;
    TaskConfig task;
    ApiResult err;
    if (!impl_->load(name, *cat, row, task, err)) return err;
    LoadedPackage package;
    sdk::Diagnostics check;
    const bool read = impl_->read_checked(task, package, check);
    const bool ok = read && !check.has_errors();
    std::size_t errors = count_severity(check, sdk::Severity::error);
    return ApiResult::ok({{"ok", ok},
                          {"message", ok ? "The resource package has passed the check"
                                         : "The package did not pass the check: " + std::to_string(errors) + " error" +
                                               (errors == 1 ? "" : "s")},
                          {"package", package_json(package.model)},
                          {"objects", object_counts_json(package.model)},
                          {"diagnostics", diagnostics_json(check)}});
}

ApiResult TaskApi::preview(const std::string& name) {
    sdk::Diagnostics diags;
    auto cat = open(impl_->options.catalog_uri, diags);
    if (!cat) return ApiResult::from_diagnostics(diags);
    catalog::Task row;
    TaskConfig task;
    ApiResult err;
    if (!impl_->load(name, *cat, row, task, err)) return err;
    LoadedPackage package;
    sdk::Diagnostics check;
    if (!impl_->read_checked(task, package, check)) return ApiResult::from_diagnostics(check);
    const PackageModel& m = package.model;
    json doc{{"task", name},
             {"package", package_json(m)},
             {"objects", object_counts_json(m)},
             {"engine_sources", impl_->engine_sources(m)},
             {"diagnostics", diagnostics_json(check)}};
    add_preview_objects(doc, m, [&](const Node& n) { return engine_type_of(impl_->registry, n); });
    // What the settings page offers to map: the groups and owners the package uses.
    std::set<std::string> groups, owners;
    for (const auto& n : m.nodes) {
        if (!n.resource_group.empty()) groups.insert(n.resource_group);
        if (!n.owner.empty()) owners.insert(n.owner);
    }
    for (const auto& r : m.resources)
        if (!r.resource_group.empty()) groups.insert(r.resource_group);
    doc["resource_groups"] = groups;
    doc["owners"] = owners;
    return ApiResult::ok(doc);
}

ApiResult TaskApi::plan(const std::string& name) {
    sdk::Diagnostics diags;
    auto cat = open(impl_->options.catalog_uri, diags);
    if (!cat) return ApiResult::from_diagnostics(diags);
    catalog::Task row;
    TaskConfig task;
    ApiResult err;
    if (!impl_->load(name, *cat, row, task, err)) return err;
    LoadedPackage package;
    Plan plan;
    if (!prepare_task(impl_->registry, task, *cat, package, plan, diags)) return ApiResult::from_diagnostics(diags);
    return ApiResult::ok(plan_json(task, plan));
}

ApiResult TaskApi::import(const User& user, const std::string& name) {
    sdk::Diagnostics diags;
    auto cat = open(impl_->options.catalog_uri, diags);
    if (!cat) return ApiResult::from_diagnostics(diags);
    catalog::Task row;
    TaskConfig task;
    ApiResult err;
    if (!impl_->load(name, *cat, row, task, err)) return err;
    if (row.state != state::editing || impl_->jobs.running(name))
        return ApiResult::error(409, "FERRY-TASK-STATE",
                                "task '" + name + "' is " + row.state +
                                    "; only an EDITING task can be imported (re-import one that failed)");
    // The product's rule, checked before anything runs: every engine instance must be placed.
    LoadedPackage package;
    Plan plan;
    if (!prepare_task(impl_->registry, task, *cat, package, plan, diags)) return ApiResult::from_diagnostics(diags);
    if (plan.blocked()) return ApiResult::from_diagnostics(plan.diagnostics);
    if (!impl_->jobs.start_import(task, user.name))
        return ApiResult::error(409, "FERRY-WEB-BUSY", "task '" + name + "' is already importing");
    return ApiResult::ok({{"task", name}, {"started", "import"}, {"progress", "/api/tasks/" + name + "/progress"}}, 202);
}

ApiResult TaskApi::reimport(const User& user, const std::string& name) {
    sdk::Diagnostics diags;
    auto cat = open(impl_->options.catalog_uri, diags);
    if (!cat) return ApiResult::from_diagnostics(diags);
    auto row = require_task(*cat, name, diags);
    if (!row) return ApiResult::from_diagnostics(diags);
    if (impl_->jobs.running(name))
        return ApiResult::error(409, "FERRY-WEB-BUSY", "task '" + name + "' is already importing");
    const bool crashed = row->state == state::importing && !importer_alive(*cat, *row);
    if (row->state != state::import_error && row->state != state::partial_success && !crashed)
        return ApiResult::error(409, "FERRY-TASK-STATE",
                                "task '" + name + "' is " + row->state +
                                    ": only a task that ended IMPORT_ERROR or PARTIAL_SUCCESS can be re-imported");
    if (!impl_->jobs.start_reimport(name, user.name))
        return ApiResult::error(409, "FERRY-WEB-BUSY", "task '" + name + "' is already importing");
    return ApiResult::ok({{"task", name}, {"started", "reimport"}, {"progress", "/api/tasks/" + name + "/progress"}},
                         202);
}

ApiResult TaskApi::remove(const std::string& name) {
    if (impl_->jobs.running(name))
        return ApiResult::error(409, "FERRY-TASK-STATE", "task '" + name + "' is importing; it cannot be deleted now");
    sdk::Diagnostics diags;
    auto cat = open(impl_->options.catalog_uri, diags);
    if (!cat) return ApiResult::from_diagnostics(diags);
    auto row = require_task(*cat, name, diags);
    if (!row) return ApiResult::from_diagnostics(diags);
    if (!row->kind.empty() && row->kind != "import")  // its package is removed by DELETE /api/exports/NAME
        return ApiResult::error(404, "FERRY-TASK-KIND",
                                "task '" + name + "' is an " + row->kind + " task, not an import (see /api/exports/" +
                                    name + ")");
    TaskConfig task;
    sdk::Diagnostics ignore;
    const bool parsed = parse_task_config(row->settings, row->config_path, impl_->registry, task, ignore);
    if (!delete_task_row(*cat, name, diags)) return ApiResult::from_diagnostics(diags);
    // Only files this server made go: a CLI task's package and TOML are the user's.
    std::error_code ec;
    if (parsed && task.source_plugin == "local" && under(source_location(task), impl_->packages_dir()))
        fs::remove(source_location(task), ec);
    if (under(row->config_path, impl_->tasks_dir())) fs::remove(row->config_path, ec);
    return ApiResult::ok({{"deleted", name}});
}

ApiResult TaskApi::report(const std::string& name, bool html) {
    sdk::Diagnostics diags;
    auto cat = open(impl_->options.catalog_uri, diags);
    if (!cat) return ApiResult::from_diagnostics(diags);
    auto row = require_task(*cat, name, diags);
    if (!row) return ApiResult::from_diagnostics(diags);
    if (row->report.empty())
        return ApiResult::error(404, "FERRY-TASK-NO-REPORT", "task '" + name + "' has not run yet (" + row->state + ")");
    const json report = load_report(*cat, *row, diags);
    if (report.is_null()) return ApiResult::error(500, "FERRY-TASK-REPORT", "the stored report is not JSON");
    if (!html) return ApiResult::ok(report);
    ApiResult r;
    r.html = render_report_html(report);
    return r;
}

ApiResult TaskApi::progress(const std::string& name) {
    sdk::Diagnostics diags;
    auto cat = open(impl_->options.catalog_uri, diags);
    if (!cat) return ApiResult::from_diagnostics(diags);
    auto row = require_task(*cat, name, diags);
    if (!row) return ApiResult::from_diagnostics(diags);
    json p = impl_->jobs.progress(name);
    if (p.is_null()) p = {{"task", name}, {"running", false}, {"total", 0}, {"done", 0}, {"result", ""}};
    p["state"] = row->state;
    return ApiResult::ok(p);
}

ApiResult TaskApi::engines() {
    json out = {{"workspace", impl_->default_workspace}, {"fixed", impl_->engines != nullptr}, {"engines", json::array()}};
    if (impl_->engines) {
        std::string text;
        sdk::Diagnostics diags;
        TaskConfig probe;
        if (write_task_toml("", json{{"name", "engines"}, {"source", {{"plugin", "local"}, {"path", "/dev/null"}}},
                                     {"workspace", impl_->default_workspace}},
                            impl_->engines.get(), impl_->registry, text, diags) &&
            parse_task_config(text, impl_->engines->path, impl_->registry, probe, diags))
            out["engines"] = engines_json(probe);
    }
    json types = json::array();
    for (const auto& p : impl_->registry.plugins())
        if (p.kind == sdk::PluginKind::engine) types.push_back(p.name);
    out["engine_types"] = types;
    return ApiResult::ok(out);
}

ApiResult TaskApi::destinations() {
    json list = json::array();
    for (const auto& p : impl_->registry.plugins()) {
        if (p.kind != sdk::PluginKind::destination) continue;
        json keys = json::array();
        for (const auto& k : p.schema)
            keys.push_back({{"name", k.name},
                            {"type", sdk::to_string(k.type)},
                            {"required", k.required},
                            {"default", k.default_value ? json(k.default_value) : json(nullptr)},
                            {"description", k.description ? k.description : ""}});
        list.push_back({{"name", p.name}, {"summary", p.summary}, {"keys", std::move(keys)}});
    }
    return ApiResult::ok({{"destinations", std::move(list)}});
}

}  // namespace ferry::host::web
