#include "task/report.hpp"

#include <map>
#include <sstream>

#include "util/json_diff.hpp"
#include "util/size_text.hpp"
#include "util/utf8.hpp"

namespace ferry::host {

using nlohmann::json;

namespace {

const char* const kKinds[] = {"resource", "function", "table",   "component", "node",
                              "workflow", "quality",  "service", "datasource"};
const char* const kStatuses[] = {"succeeded", "failed", "conflict", "unchanged"};

// An export task's report (export/exporter.cpp writes it): where the package went, what it holds.
bool is_export(const json& r) { return r.is_object() && r.value("kind", "") == "export"; }

std::string html_escape(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

// A field as rendered text: names and messages come from packages, so control characters are
// escaped (a newline in a name cannot forge a report line; an escape code cannot reach a terminal).
std::string str(const json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return {};
    return printable(it->is_string() ? it->get<std::string>() : it->dump());
}

}  // namespace

json settings_json(const TaskConfig& c) {
    json engines = json::array();
    for (const auto& e : c.engines) engines.push_back({{"name", e.name}, {"type", e.type}, {"project", e.project}});
    json engine_map = json::object();
    for (const auto& m : c.engine_map)
        engine_map[m.source] = {{"instance", m.target}, {"cross_engine", m.cross_engine}};
    return {{"workspace", c.workspace},
            {"destination", c.destination},
            {"engines", engines},
            {"engine_mapping", engine_map},
            {"resource_groups", c.resource_groups},
            {"workspaces", c.workspaces},
            {"owners", c.owners},
            {"dry_run", c.dry_run},
            {"commit",
             {{"resources", c.commit.resources},
              {"tables", c.commit.tables},
              {"functions", c.commit.functions},
              {"nodes", c.commit.nodes},
              {"change_owner", c.commit.change_owner},
              {"on_conflict", c.commit.on_conflict}}}};
}

json build_report(const catalog::Task& task, const std::vector<catalog::JournalCount>& counts,
                  const TaskConfig& config, const std::string& package_format, const sdk::Diagnostics& plan_diags) {
    json results = json::object();
    for (const char* k : kKinds) {
        json per = json::object();
        for (const char* s : kStatuses) per[s] = 0;
        results[k] = per;
    }
    json totals = json::object();
    for (const char* s : kStatuses) totals[s] = 0;
    for (const auto& c : counts) {
        const std::string kind = sdk::to_string(c.kind);
        const std::string status = catalog::to_string(c.status);
        if (results.contains(kind) && results[kind].contains(status)) {
            results[kind][status] = results[kind][status].get<std::int64_t>() + c.count;
            totals[status] = totals[status].get<std::int64_t>() + c.count;
        }
    }
    results["total"] = totals;
    json warnings = json::array();
    for (const auto& d : plan_diags.items())
        warnings.push_back({{"severity", sdk::to_string(d.severity)}, {"code", d.code}, {"message", d.summary},
                            {"detail", d.detail}});
    return {{"basic",
             {{"name", task.name},
              {"remarks", task.remarks},
              {"workspace", task.workspace},
              {"package",
               {{"path", task.package_path},
                {"size", task.package_size},
                {"sha256", task.package_sha256},
                {"format", package_format}}},
              {"source", task.source_plugin},
              {"importer", task.importer},
              {"start", task.started_at},
              {"end", task.finished_at},
              {"status", task.state}}},
            {"settings", settings_json(config)},
            {"results", results},
            {"warnings", warnings}};
}

json details_json(const std::vector<catalog::JournalEntry>& journal) {
    json details = json::array();
    for (const auto& e : journal) {
        // What the task's mappings changed in the object: JSON pointers into its document.
        json changes = json::array();
        for (const auto& c : changes_from_text(e.changes))
            changes.push_back({{"path", c.path}, {"before", c.before}, {"after", c.after}});
        details.push_back({{"kind", sdk::to_string(e.kind)},
                           {"name", e.name},
                           {"action", sdk::to_string(e.action)},
                           {"status", catalog::to_string(e.status)},
                           {"message", e.message},
                           {"owner_before", e.owner_before},
                           {"owner_after", e.owner_after},
                           {"engine_instance", e.engine_instance},
                           {"changes", std::move(changes)}});
        // A remote destination's answer: the object's id there, and its deployment's stages.
        if (!e.remote.empty()) {
            json remote = json::parse(e.remote, nullptr, false);
            if (remote.is_object()) details.back()["remote"] = std::move(remote);
        }
    }
    return details;
}

json load_report(catalog::Catalog& catalog, const catalog::Task& task, sdk::Diagnostics& diags) {
    json report = json::parse(task.report, nullptr, false);
    if (!report.is_object()) {
        diags.error("FERRY-TASK-REPORT", "the stored report of task '" + task.name + "' is not JSON",
                    "run the task again to write a new one", task.name);
        return json();
    }
    // Reports of catalogs written before the rows moved out carry their details already; an
    // export's report is whole as stored.
    if (report.contains("details") || is_export(report)) return report;
    auto journal = catalog.list_journal(task.name, diags);
    if (report.value(kUnchangedRerun, false)) {
        // Nothing changed since the run the journal records: what it created or updated, and what
        // it found unchanged, is now unchanged at the version the workspace holds.
        std::map<std::pair<sdk::ObjectKind, std::string>, std::int64_t> versions;
        for (auto& s : catalog.list_stamps(task.workspace, diags)) versions[{s.kind, std::move(s.name)}] = s.version;
        for (auto& e : journal) {
            if (e.status != catalog::JournalStatus::succeeded && e.status != catalog::JournalStatus::unchanged) continue;
            auto v = versions.find({e.kind, e.name});
            e.action = sdk::Action::unchanged;
            e.status = catalog::JournalStatus::unchanged;
            e.message = "identical to version " + (v == versions.end() ? std::string("?") : std::to_string(v->second)) +
                        " in the workspace; " + kNothingChanged;
        }
    }
    report["details"] = details_json(journal);
    return report;
}

namespace {

std::string export_text(const json& r) {
    std::ostringstream out;
    const std::uint64_t size = r.value("size", std::uint64_t{0});
    const json objects = r.value("objects", json::object()), files = r.value("files", json::object()),
               problems = r.value("diagnostics", json::array());
    out << "Export " << str(r, "task") << ": " << str(r, "state") << "\n"
        << "  workspace   " << str(r, "workspace") << " (" << str(r, "mode") << ")\n"
        << "  output      " << str(r, "path") << (r.value("folder", false) ? " (a folder)" : "") << "\n"
        << "  SHA-256     " << str(r, "sha256") << "\n"
        << "  size        " << format_size(size) << " (" << size << " bytes)\n"
        << "  revision    " << r.value("revision", std::int64_t{0}) << " (export what changed after it with --mode incremental --since "
        << r.value("revision", std::int64_t{0}) << ")\n";
    std::size_t total = 0;
    for (const auto& [kind, n] : objects.items()) {
        out << "  " << kind << "s" << std::string(kind.size() < 11 ? 11 - kind.size() : 1, ' ') << n << "\n";
        total += n.is_number_unsigned() ? n.get<std::size_t>() : 0;
    }
    out << "  objects     " << total << "\n";
    if (r.value("folder", false))
        out << "  files       " << files.value("written", 0) << " written, " << files.value("unchanged", 0)
            << " unchanged, " << files.value("removed", 0) << " removed\n";
    for (const auto& d : problems)
        out << "  " << str(d, "severity") << "[" << str(d, "code") << "] " << str(d, "message") << "\n";
    return out.str();
}

std::string export_html(const json& r) {
    std::ostringstream out;
    out << "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>Export report: "
        << html_escape(str(r, "task")) << "</title>\n<style>body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;"
        << "max-width:1100px;padding:0 1rem}pre{background:#f6f8fa;padding:1rem}</style></head><body>\n<h1>Export report: "
        << html_escape(str(r, "task")) << "</h1>\n<pre>" << html_escape(export_text(r)) << "</pre>\n</body></html>\n";
    return out.str();
}

}  // namespace

std::string render_report_summary(const json& r) {
    if (is_export(r)) return export_text(r);
    std::ostringstream out;
    const json& b = r["basic"];
    out << "Task " << str(b, "name") << " into workspace " << str(b, "workspace") << ": " << str(b, "status") << "\n";
    const json& t = r["results"]["total"];
    out << "  " << t["succeeded"] << " succeeded, " << t["failed"] << " failed, " << t["conflict"] << " conflict, "
        << t["unchanged"] << " unchanged\n";
    for (const char* k : kKinds) {
        // Reports stored before a kind existed do not count it.
        const json per = r["results"].value(k, json::object());
        int sum = 0;
        for (const char* s : kStatuses) sum += per.value(s, 0);
        if (sum == 0) continue;
        out << "  " << k << "s: " << per["succeeded"] << " succeeded, " << per["failed"] << " failed, "
            << per["conflict"] << " conflict, " << per["unchanged"] << " unchanged\n";
    }
    return out.str();
}

std::string render_report_text(const json& r) {
    if (is_export(r)) return export_text(r);
    std::ostringstream out;
    const json& b = r["basic"];
    out << "Basic Information\n"
        << "  Name       " << str(b, "name") << "\n"
        << "  Remarks    " << str(b, "remarks") << "\n"
        << "  Workspace  " << str(b, "workspace") << "\n"
        << "  Package    " << str(b["package"], "path") << " (" << b["package"]["size"] << " bytes, "
        << str(b["package"], "format") << ")\n"
        << "  SHA-256    " << str(b["package"], "sha256") << "\n"
        << "  Source     " << str(b, "source") << "\n"
        << "  Importer   " << str(b, "importer") << "\n"
        << "  Start      " << str(b, "start") << "\n"
        << "  End        " << str(b, "end") << "\n"
        << "  Status     " << str(b, "status") << "\n\n";
    out << "Import Settings\n" << r["settings"].dump(2) << "\n\n";
    out << "Import results\n" << render_report_summary(r) << "\n";
    out << "Details\n";
    for (const auto& d : r["details"]) {
        out << "  " << str(d, "kind") << " " << str(d, "name") << ": " << str(d, "action") << " -> " << str(d, "status");
        if (!str(d, "engine_instance").empty()) out << " on " << str(d, "engine_instance");
        if (str(d, "owner_before") != str(d, "owner_after"))
            out << " (owner " << str(d, "owner_before") << " -> " << str(d, "owner_after") << ")";
        if (!str(d, "message").empty()) out << "\n      " << str(d, "message");
        if (d.contains("changes"))
            for (const auto& c : d["changes"])
                out << "\n      changed " << str(c, "path") << ": " << (str(c, "before").empty() ? "(none)" : str(c, "before"))
                    << " -> " << (str(c, "after").empty() ? "(removed)" : str(c, "after"));
        if (d.contains("remote") && d["remote"].is_object()) {
            const json& remote = d["remote"];
            if (!str(remote, "id").empty()) out << "\n      remote id " << str(remote, "id");
            if (remote.contains("stages"))
                for (const auto& st : remote["stages"])
                    out << "\n      stage " << str(st, "code") << ": " << str(st, "status")
                        << (str(st, "message").empty() ? "" : " (" + str(st, "message") + ")");
        }
        out << "\n";
    }
    if (!r["warnings"].empty()) {
        out << "\nWarnings\n";
        for (const auto& w : r["warnings"]) out << "  " << str(w, "code") << ": " << str(w, "message") << "\n";
    }
    return out.str();
}

std::string render_report_html(const json& r) {
    if (is_export(r)) return export_html(r);
    const json& b = r["basic"];
    const std::string status = str(b, "status");
    std::ostringstream out;
    out << "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>Import report: "
        << html_escape(str(b, "name")) << "</title>\n<style>\n"
        << "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem auto;max-width:1100px;"
           "color:#1f2328;padding:0 1rem}\n"
           "h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.1rem;border-bottom:1px solid #d0d7de;"
           "padding-bottom:.3rem;margin-top:2rem}\n"
           "table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{text-align:left;padding:.35rem .6rem;"
           "border-bottom:1px solid #eaeef2;vertical-align:top}th{background:#f6f8fa;font-weight:600}\n"
           "dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1.2rem}dt{color:#59636e}dd{margin:0}\n"
           ".badge{display:inline-block;padding:.1rem .5rem;border-radius:1rem;font-size:.85em;font-weight:600}\n"
           ".IMPORT_SUCCESS,.succeeded{background:#dafbe1;color:#116329}.PARTIAL_SUCCESS,.conflict{background:#fff8c5;"
           "color:#7d4e00}\n.IMPORT_ERROR,.failed{background:#ffebe9;color:#a40e26}.unchanged{background:#eaeef2;"
           "color:#424a53}\n"
           "code{font-family:ui-monospace,monospace;font-size:.9em}.msg{color:#59636e;font-size:.92em}\n"
           "@media print{body{margin:0;max-width:none}h2{break-after:avoid}tr{break-inside:avoid}}\n"
        << "</style></head><body>\n";
    out << "<h1>Import report: " << html_escape(str(b, "name")) << "</h1>\n<p><span class=\"badge " << html_escape(status)
        << "\">" << html_escape(status) << "</span> into workspace <strong>" << html_escape(str(b, "workspace"))
        << "</strong></p>\n";
    out << "<h2>Basic Information</h2>\n<dl>";
    const std::pair<const char*, std::string> rows[] = {
        {"Name", str(b, "name")},
        {"Remarks", str(b, "remarks")},
        {"Package", str(b["package"], "path")},
        {"Size", format_size(b["package"]["size"].is_number() ? b["package"]["size"].get<std::uint64_t>() : 0)},
        {"SHA-256", str(b["package"], "sha256")},
        {"Format", str(b["package"], "format")},
        {"Source", str(b, "source")},
        {"Importer", str(b, "importer")},
        {"Start", str(b, "start")},
        {"End", str(b, "end")},
        {"Status", status}};
    for (const auto& [k, v] : rows) out << "<dt>" << k << "</dt><dd>" << html_escape(v) << "</dd>";
    out << "</dl>\n<h2>Import Settings</h2>\n<table><tr><th>Setting</th><th>Value</th></tr>\n";
    const json& s = r["settings"];
    auto row = [&](const std::string& k, const std::string& v) {
        out << "<tr><td>" << html_escape(k) << "</td><td><code>" << html_escape(v) << "</code></td></tr>\n";
    };
    for (const auto& [src, m] : s["engine_mapping"].items())
        row("Engine instance " + src, str(m, "instance") + (m["cross_engine"].get<bool>() ? " (cross-engine)" : ""));
    for (const auto& [src, dst] : s["resource_groups"].items()) row("Resource group " + src, dst.get<std::string>());
    for (const auto& [src, dst] : s["workspaces"].items()) row("Workspace " + src, dst.get<std::string>());
    for (const auto& [src, dst] : s["owners"].items()) row("Owner " + src, dst.get<std::string>());
    row("Dry-run nodes", s["dry_run"].dump());
    for (const auto& [k, v] : s["commit"].items()) row("Commit " + k, v.is_string() ? v.get<std::string>() : v.dump());
    out << "</table>\n<h2>Import results</h2>\n<table><tr><th>Kind</th>";
    for (const char* st : kStatuses) out << "<th>" << st << "</th>";
    out << "</tr>\n";
    for (const char* k : kKinds) {
        const json per = r["results"].value(k, json::object());
        int sum = 0;
        for (const char* st : kStatuses) sum += per.value(st, 0);
        if (sum == 0 && std::string(k) != "node") continue;  // the kinds the package held, and nodes always
        out << "<tr><td>" << k << "</td>";
        for (const char* st : kStatuses) out << "<td>" << per.value(st, 0) << "</td>";
        out << "</tr>\n";
    }
    out << "<tr><th>total</th>";
    for (const char* st : kStatuses) out << "<th>" << r["results"]["total"][st] << "</th>";
    out << "</tr></table>\n<h2>Details</h2>\n<table><tr><th>Kind</th><th>Name</th><th>Action</th><th>Status</th>"
           "<th>Owner</th><th>Engine instance</th><th>Message</th></tr>\n";
    for (const auto& d : r["details"]) {
        const std::string owner = str(d, "owner_before") == str(d, "owner_after")
                                      ? str(d, "owner_after")
                                      : str(d, "owner_before") + " \u2192 " + str(d, "owner_after");
        out << "<tr><td>" << html_escape(str(d, "kind")) << "</td><td><code>" << html_escape(str(d, "name"))
            << "</code></td><td>" << html_escape(str(d, "action")) << "</td><td><span class=\"badge "
            << html_escape(str(d, "status")) << "\">" << html_escape(str(d, "status")) << "</span></td><td>"
            << html_escape(owner) << "</td><td>" << html_escape(str(d, "engine_instance")) << "</td><td class=\"msg\">"
            << html_escape(str(d, "message"));
        if (d.contains("changes") && !d["changes"].empty()) {
            out << "<ul class=\"changes\">";
            for (const auto& c : d["changes"])
                out << "<li><code>" << html_escape(str(c, "path")) << "</code> " << html_escape(str(c, "before"))
                    << " \u2192 " << html_escape(str(c, "after")) << "</li>";
            out << "</ul>";
        }
        if (d.contains("remote") && d["remote"].is_object()) {
            const json& remote = d["remote"];
            out << "<div class=\"remote\">";
            if (!str(remote, "id").empty()) out << "remote id <code>" << html_escape(str(remote, "id")) << "</code>";
            if (remote.contains("stages"))
                for (const auto& st : remote["stages"])
                    out << " \u00b7 " << html_escape(str(st, "code")) << " <span class=\"badge "
                        << (str(st, "status") == "Success" ? "succeeded" : "failed") << "\">"
                        << html_escape(str(st, "status")) << "</span>";
            out << "</div>";
        }
        out << "</td></tr>\n";
    }
    out << "</table>\n";
    if (!r["warnings"].empty()) {
        out << "<h2>Warnings</h2>\n<ul>";
        for (const auto& w : r["warnings"])
            out << "<li><code>" << html_escape(str(w, "code")) << "</code> " << html_escape(str(w, "message")) << "</li>";
        out << "</ul>\n";
    }
    out << "<p class=\"msg\">Generated by ferry.</p>\n</body></html>\n";
    return out.str();
}

}  // namespace ferry::host
