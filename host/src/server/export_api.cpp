#include "server/export_api.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <vector>

#include "export/exporter.hpp"
#include "ferry/catalog/catalog.hpp"
#include "server/export_jobs.hpp"
#include "task/task_config.hpp"
#include "task/task_service.hpp"
#include "task/workspace_lock.hpp"
#include "util/sha256.hpp"

namespace ferry::host::web {
namespace fs = std::filesystem;
using nlohmann::json;
namespace state = catalog::task_state;

namespace {

constexpr const char* kUsage = "FERRY-EXPORT-USAGE";
constexpr const char* kNoPackage = "FERRY-EXPORT-NO-PACKAGE";
constexpr const char* kPackageGone = "FERRY-EXPORT-PACKAGE-GONE";
constexpr const char* kPackageChanged = "FERRY-EXPORT-PACKAGE-CHANGED";
// What POST /api/exports takes; anything else is refused, not ignored.
constexpr const char* kKeys[] = {"workspace", "mode", "since", "objects", "name"};

ApiResult usage(const std::string& message) { return ApiResult::error(400, kUsage, message); }

bool under(const fs::path& child, const fs::path& parent) {
    const auto rel = fs::weakly_canonical(child).lexically_relative(fs::weakly_canonical(parent));
    return !rel.empty() && *rel.begin() != "..";
}

json parse_object(const std::string& text) {
    json j = json::parse(text, nullptr, false);
    return j.is_object() ? j : json::object();
}

// Letters, digits, '_' and '.' (task names hold nothing else); anything else from an old row
// becomes '_', so the header cannot be broken out of.
std::string attachment_name(const std::string& task) {
    std::string out;
    for (unsigned char c : task) out += std::isalnum(c) || c == '_' || c == '.' || c == '-' ? static_cast<char>(c) : '_';
    return out + ".zip";
}

// What identifies one version of a file: a package replaced or rewritten in place has another.
struct FileStamp {
    dev_t dev = 0;
    ino_t ino = 0;
    off_t size = 0;
    timespec mtime{}, ctime{};
    bool operator==(const FileStamp& o) const {
        return dev == o.dev && ino == o.ino && size == o.size && mtime.tv_sec == o.mtime.tv_sec &&
               mtime.tv_nsec == o.mtime.tv_nsec && ctime.tv_sec == o.ctime.tv_sec && ctime.tv_nsec == o.ctime.tv_nsec;
    }
};

FileStamp stamp_of(const struct stat& st) { return {st.st_dev, st.st_ino, st.st_size, st.st_mtim, st.st_ctim}; }

// The SHA-256 of an open file, read in pieces from its start.
bool hash_fd(int fd, std::string& hex) {
    Sha256 h;
    std::vector<char> buf(1 << 16);
    off_t at = 0;
    for (;;) {
        const ssize_t n = ::pread(fd, buf.data(), buf.size(), at);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return false;
        if (n == 0) break;
        h.update(buf.data(), static_cast<std::size_t>(n));
        at += n;
    }
    hex = h.hex();
    return true;
}

}  // namespace

struct ExportApi::Impl {
    const PluginRegistry& registry;
    ServeOptions options;
    ExportJobs jobs;
    // Packages whose SHA-256 was checked, by path: a file is hashed once per version, not on
    // every download.
    std::mutex verified_mutex;
    std::map<std::string, std::pair<FileStamp, std::string>> verified;

    Impl(const PluginRegistry& r, const ServeOptions& o) : registry(r), options(o), jobs(r, o.catalog_uri) {}

    fs::path exports_dir() const { return fs::path(options.data_dir) / "exports"; }

    std::unique_ptr<catalog::Catalog> open(sdk::Diagnostics& diags) {
        return catalog::Catalog::open(options.catalog_uri, diags);
    }

    // The export task of this name; on failure `err` holds the answer.
    bool require(catalog::Catalog& cat, const std::string& name, catalog::Task& row, ApiResult& err) {
        sdk::Diagnostics diags;
        auto found = require_task(cat, name, diags);
        if (!found) {
            err = ApiResult::from_diagnostics(diags);
            return false;
        }
        if (found->kind != "export") {
            err = ApiResult::error(404, "FERRY-TASK-KIND",
                                   "task '" + name + "' is an import task, not an export (see /api/tasks/" + name + ")");
            return false;
        }
        row = *found;
        return true;
    }

    // The catalog opened, export task `name` read and settled (`running`: its export still goes on);
    // on failure `err` holds the answer.
    struct Opened {
        std::unique_ptr<catalog::Catalog> cat;
        catalog::Task row;
        bool running = false;
    };
    bool open_export(const std::string& name, Opened& out, ApiResult& err) {
        sdk::Diagnostics diags;
        out.cat = open(diags);
        if (!out.cat) {
            err = ApiResult::from_diagnostics(diags);
            return false;
        }
        if (!require(*out.cat, name, out.row, err)) return false;
        out.running = settle(*out.cat, out.row);
        return true;
    }

    bool running(catalog::Catalog& cat, const catalog::Task& row) {
        return jobs.running(row.name) || (row.state == state::exporting && importer_alive(cat, row));
    }

    static bool is_folder(const catalog::Task& row, const json& settings, const json& report) {
        if (report.contains("folder") && report["folder"].is_boolean()) return report["folder"].get<bool>();
        const std::string out = settings.value("output", row.package_path);
        std::error_code ec;
        return (!out.empty() && out.back() == '/') || fs::is_directory(out, ec);
    }

    // Why this task's zip cannot be downloaded, or empty. Cheap (a stat): the list asks it of every
    // task; the download also compares the SHA-256.
    static std::string package_problem(const catalog::Task& row, bool folder) {
        if (row.state != state::export_success)
            return "export task '" + row.name + "' is " + row.state + ": only an export that succeeded has a package";
        if (folder)
            return "export task '" + row.name + "' wrote the folder " + row.package_path + ", not a zip: read it there";
        struct stat st {};
        if (::stat(row.package_path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
            return "the package of export task '" + row.name + "' (" + row.package_path + ") no longer exists";
        if (st.st_size != row.package_size)
            return "the package of export task '" + row.name + "' (" + row.package_path +
                   ") has changed since the export wrote it: it holds " + std::to_string(st.st_size) + " bytes, not " +
                   std::to_string(row.package_size);
        return {};
    }

    // Whether the task's export runs; the row was read before that was asked, so an export that
    // ended in between is read again: an EXPORTING row is never taken as not running while its
    // export is still finishing.
    bool settle(catalog::Catalog& cat, catalog::Task& row) {
        if (running(cat, row)) return true;
        if (row.state == state::exporting) {
            sdk::Diagnostics ignore;
            if (auto again = cat.get_task(row.name, ignore)) row = std::move(*again);
        }
        return false;
    }

    json export_json(const catalog::Task& row, bool is_running, Role role) {
        const json settings = parse_object(row.settings);
        const json report = parse_object(row.report);
        json since = nullptr;
        if (settings.value("since_revision", std::int64_t{0}) > 0) since = settings["since_revision"];
        else if (!settings.value("since_time", std::string{}).empty()) since = settings["since_time"];
        json counts = report.contains("objects") && report["objects"].is_object() ? report["objects"] : json::object();
        std::size_t total = 0;
        for (const auto& [kind, n] : counts.items())
            if (n.is_number_unsigned() || n.is_number_integer()) total += n.get<std::size_t>();
        const bool folder = is_folder(row, settings, report);
        const std::string problem = is_running ? "" : package_problem(row, folder);
        const bool downloadable = !is_running && problem.empty();
        json actions = json::array({"view"});
        if (downloadable) actions.push_back("download");
        if (role == Role::admin && !is_running) actions.push_back("delete");
        return {{"name", row.name},
                {"workspace", row.workspace},
                {"state", row.state},
                {"running", is_running},
                {"mode", settings.value("mode", std::string("full"))},
                {"since", since},
                {"filter", settings.contains("objects") && settings["objects"].is_array() ? settings["objects"] : json::array()},
                {"counts", counts},
                {"total", total},
                {"revision", report.value("revision", std::int64_t{0})},
                {"path", row.package_path},
                {"folder", folder},
                {"sha256", row.package_sha256},
                {"size", row.package_size},
                {"creator", row.created_by},
                {"created_at", row.created_at},
                {"started_at", row.started_at},
                {"finished_at", row.finished_at},
                {"download", downloadable ? json("/api/exports/" + row.name + "/package") : json(nullptr)},
                {"package_problem", row.state == state::export_success ? problem : ""},
                {"actions", actions}};
    }

    // Whether the open package still has the SHA-256 its task recorded; hashed once per version.
    bool sha_matches(const std::string& path, const FileBody& file, const std::string& expected, std::string& actual) {
        const FileStamp stamp = stamp_of(file.stat());
        {
            std::lock_guard lock(verified_mutex);
            if (auto it = verified.find(path); it != verified.end() && it->second.first == stamp) {
                actual = it->second.second;
                return actual == expected;
            }
        }
        if (!hash_fd(file.fd(), actual)) return false;
        std::lock_guard lock(verified_mutex);
        verified[path] = {stamp, actual};
        return actual == expected;
    }
};

ExportApi::ExportApi(const PluginRegistry& registry, const ServeOptions& options)
    : impl_(std::make_unique<Impl>(registry, options)) {}
ExportApi::~ExportApi() = default;

bool ExportApi::prepare(sdk::Diagnostics& diags) {
    const fs::path dir = impl_->exports_dir();
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
        diags.error("FERRY-WEB-STORAGE", "cannot create " + dir.string() + ": " + ec.message(),
                    "pass --data-dir with a folder this user may write", dir.string());
        return false;
    }
    ::chmod(dir.c_str(), 0700);  // packages are private to the server's user until downloaded
    // A zip is written as NAME.zip.part-PID and renamed when whole: what is left is a dead export's.
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.path().filename().string().find(".zip.part-") != std::string::npos) fs::remove(e.path(), ec);
    return true;
}

ApiResult ExportApi::list(const User& user) {
    sdk::Diagnostics diags;
    auto cat = impl_->open(diags);
    if (!cat) return ApiResult::from_diagnostics(diags);
    const auto rows = cat->list_tasks(diags);
    if (diags.has_errors()) return ApiResult::from_diagnostics(diags);
    json arr = json::array();
    for (auto row : rows)
        if (row.kind == "export") {
            const bool running = impl_->settle(*cat, row);
            arr.push_back(impl_->export_json(row, running, user.role));
        }
    return ApiResult::ok({{"exports", arr}});
}

ApiResult ExportApi::get(const User& user, const std::string& name) {
    Impl::Opened o;
    ApiResult err;
    if (!impl_->open_export(name, o, err)) return err;
    const catalog::Task& row = o.row;
    json out = impl_->export_json(row, o.running, user.role);
    out["settings"] = parse_object(row.settings);
    out["report"] = row.report.empty() ? json(nullptr) : json::parse(row.report, nullptr, false);
    if (out["report"].is_discarded()) out["report"] = nullptr;
    return ApiResult::ok(out);
}

ApiResult ExportApi::create(const User& user, const std::string& body) {
    const json j = json::parse(body, nullptr, false);
    std::string keys;
    for (const char* k : kKeys) keys += (keys.empty() ? "" : ", ") + std::string(k);
    if (!j.is_object()) return usage("the body must be a JSON object with the keys " + keys);
    for (const auto& [key, value] : j.items()) {
        bool known = false;
        for (const char* k : kKeys) known = known || key == k;
        if (!known) return usage("unknown key '" + key + "'; the keys are " + keys);
    }
    auto text = [&](const char* key, std::string& out) {
        if (!j.contains(key) || j[key].is_null()) return true;
        if (!j[key].is_string()) return false;
        out = j[key].get<std::string>();
        return true;
    };
    ExportOptions o;
    o.created_by = user.name;
    std::string mode = "full", name;
    if (!text("workspace", o.workspace)) return usage("'workspace' must be a string");
    if (!text("name", name)) return usage("'name' must be a string");
    if (!text("mode", mode)) return usage("'mode' must be a string: full or incremental");
    if (mode != "full" && mode != "incremental") return usage("mode is full or incremental, not '" + mode + "'");
    o.incremental = mode == "incremental";

    // A revision (a number, or digits) or an ISO-8601 time, as `ferry export --since` takes it.
    const std::string since_rule = "'since' is a workspace revision (a whole number from 1) or an ISO-8601 UTC time";
    if (j.contains("since") && !j["since"].is_null()) {
        const json& since = j["since"];
        if (since.is_number_integer() || since.is_number_unsigned()) {
            if (since.is_number_unsigned() && since.get<std::uint64_t>() > INT64_MAX) return usage(since_rule);
            o.since_revision = since.get<std::int64_t>();
            if (o.since_revision <= 0) return usage(since_rule);
        } else if (since.is_string()) {
            const std::string s = since.get<std::string>();
            if (!s.empty() && s.find_first_not_of("0123456789") == std::string::npos) {
                if (s.size() > 18) return usage(since_rule);
                o.since_revision = std::stoll(s);
                if (o.since_revision <= 0) return usage(since_rule);
            } else {
                o.since_time = s;  // check_export_options says when it is not a time
            }
        } else {
            return usage(since_rule);
        }
    }
    if (j.contains("objects") && !j["objects"].is_null()) {
        const std::string rule = "'objects' is a list of name globs, each GLOB or KIND:GLOB (e.g. \"node:ods_*\")";
        if (!j["objects"].is_array()) return usage(rule);
        for (const auto& g : j["objects"]) {
            if (!g.is_string() || g.get<std::string>().empty()) return usage(rule);
            o.objects.push_back(g.get<std::string>());
        }
    }
    // The name makes the output's file name: it is checked before it makes a path.
    if (!name.empty()) {
        if (const std::string problem = task_name_problem(name); !problem.empty())
            return usage("bad task name '" + name + "': " + problem);
    } else {
        name = default_export_task_name(o.workspace);
    }
    o.task_name = name;
    o.output = (impl_->exports_dir() / (name + ".zip")).string();

    sdk::Diagnostics diags;
    if (!check_export_options(o, diags)) return ApiResult::from_diagnostics(diags);
    auto cat = impl_->open(diags);
    if (!cat) return ApiResult::from_diagnostics(diags);
    {
        sdk::Diagnostics lookup;
        if (cat->get_task(name, lookup))
            return ApiResult::error(409, catalog::codes::task_exists, "there is already a task named '" + name + "'");
    }
    std::string task;
    if (!impl_->jobs.start(o, task, diags)) return ApiResult::from_diagnostics(diags);
    auto row = cat->get_task(task, diags);
    if (!row) return ApiResult::from_diagnostics(diags);
    const bool running = impl_->settle(*cat, *row);
    return ApiResult::ok(impl_->export_json(*row, running, user.role), 202);
}

ApiResult ExportApi::remove(const std::string& name) {
    Impl::Opened o;
    ApiResult err;
    if (!impl_->open_export(name, o, err)) return err;
    const catalog::Task& row = o.row;
    if (o.running)
        return ApiResult::error(409, "FERRY-TASK-STATE", "export task '" + name + "' is exporting; it cannot be deleted now");
    sdk::Diagnostics diags;
    if (!o.cat->delete_task(name, diags)) return ApiResult::from_diagnostics(diags);
    // Only a zip this server wrote goes: a CLI export's output is the user's.
    std::error_code ec;
    if (!row.package_path.empty() && under(row.package_path, impl_->exports_dir()) &&
        fs::is_regular_file(row.package_path, ec))
        fs::remove(row.package_path, ec);
    {
        std::lock_guard lock(impl_->verified_mutex);
        impl_->verified.erase(row.package_path);
    }
    return ApiResult::ok({{"deleted", name}});
}

ApiResult ExportApi::package(const std::string& name) {
    Impl::Opened o;
    ApiResult err;
    if (!impl_->open_export(name, o, err)) return err;
    const catalog::Task& row = o.row;
    const bool running = o.running;
    const json settings = parse_object(row.settings), report = parse_object(row.report);
    if (running || row.state != state::export_success)
        return ApiResult::error(409, kNoPackage,
                                "export task '" + name + "' is " + row.state +
                                    ": only an export that succeeded has a package");
    if (Impl::is_folder(row, settings, report))
        return ApiResult::error(409, kNoPackage, Impl::package_problem(row, true));
    // Opened once: the size and hash checked are those of the bytes sent.
    auto file = FileBody::open(row.package_path);
    if (!file) {
        if (errno == ENOENT || errno == ENOTDIR)
            return ApiResult::error(410, kPackageGone, "the package of export task '" + name + "' (" + row.package_path +
                                                           ") no longer exists");
        return ApiResult::error(500, "FERRY-WEB-STORAGE",
                                "cannot read the package of export task '" + name + "': " + std::strerror(errno));
    }
    if (file->size() != static_cast<std::uint64_t>(row.package_size))
        return ApiResult::error(409, kPackageChanged,
                                "the package of export task '" + name + "' (" + row.package_path +
                                    ") has changed since the export wrote it: it holds " + std::to_string(file->size()) +
                                    " bytes, not " + std::to_string(row.package_size));
    std::string actual;
    if (!impl_->sha_matches(row.package_path, *file, row.package_sha256, actual))
        return ApiResult::error(409, kPackageChanged,
                                "the package of export task '" + name + "' (" + row.package_path +
                                    ") has changed since the export wrote it: its SHA-256 is " +
                                    (actual.empty() ? "unreadable" : actual) + ", not " + row.package_sha256);
    ApiResult r;
    r.file = std::move(file);
    r.content_type = "application/zip";
    r.attachment = attachment_name(name);
    return r;
}

}  // namespace ferry::host::web
