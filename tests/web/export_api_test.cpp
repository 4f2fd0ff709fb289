// The Export Tasks API of `ferry serve` (/api/exports), against the real binary: an admin exports
// a workspace the fixture imported, anyone lists, views and downloads the zip (the bytes the task
// recorded, a package `ferry check` passes), viewers cannot create, bad input is refused with the
// exporter's own messages, and export tasks the CLI made are listed and downloaded only while
// their file is still what was exported. Error bodies are asserted exactly.
#include <chrono>
#include <thread>

#include "serve_fixture.hpp"

namespace ferry::test::web {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

class WebExports : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = scratch_dir();
        server_ = std::make_unique<Server>(dir_);
        ASSERT_TRUE(server_->up());
        catalog_ = "--catalog " + server_->catalog();
        import_workspace();
    }

    // The fixture's workspace: the sample package imported through the web into sales_prod.
    void import_workspace() {
        ASSERT_EQ(server_->create("sales", sample_package(dir_)).status, 201);
        const json preview = server_->get("/api/tasks/sales/preview").json();
        json mapping = json::array();
        for (const auto& s : preview["engine_sources"])
            mapping.push_back({{"source", s["source"]}, {"instance", "rehearsal"}, {"cross_engine", s["type"] != "sqlite"}});
        ASSERT_EQ(server_->put_json("/api/tasks/sales", json{{"engine_mapping", mapping}}).status, 200);
        ASSERT_EQ(server_->post("/api/tasks/sales/import").status, 202);
        json p;
        for (int i = 0; i < 600; ++i) {
            p = server_->get("/api/tasks/sales/progress").json();
            if (!p.value("running", true) && !p.value("result", std::string{}).empty()) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        const std::string result = p.value("result", std::string{});
        ASSERT_TRUE(result == "IMPORT_SUCCESS" || result == "PARTIAL_SUCCESS") << p.dump(2);
    }

    Response post_export(const json& body, const std::string& token = kAdminToken) const {
        return server_->send({"POST", "/api/exports", token, body.dump(), "application/json", {}, true});
    }

    // Polls until the export is no longer running; returns the task as GET shows it.
    json wait_for_export(const std::string& name) {
        json x;
        for (int i = 0; i < 600; ++i) {
            x = server_->get("/api/exports/" + name).json();
            if (x.value("running", true) == false) return x;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        ADD_FAILURE() << "the export did not end: " << x.dump(2);
        return x;
    }

    json listed(const std::string& name, const std::string& token = kAdminToken) const {
        const Response r = server_->get("/api/exports", token);
        EXPECT_EQ(r.status, 200) << r.body;
        const json all = r.json();
        for (const auto& x : all["exports"])
            if (x["name"] == name) return x;
        ADD_FAILURE() << name << " is not listed: " << r.body;
        return {};
    }

    // `ferry export` of the same workspace, for the counts the web must agree with.
    json cli_export(const std::string& output, const std::string& more = "") const {
        const RunResult r = run_ferry("export --workspace sales_prod -o " + output + " --json " + more + " " + catalog_);
        EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
        return json::parse(r.out, nullptr, false);
    }

    std::string dir_;
    std::string catalog_;
    std::unique_ptr<Server> server_;
};

std::string header(const Response& r, const std::string& name) {
    const auto it = r.headers.find(name);
    return it == r.headers.end() || it->second.empty() ? "" : it->second.front();
}

TEST_F(WebExports, AnAdminExportsAWorkspaceAndAnyoneDownloadsThePackage) {
    const Response started = post_export({{"workspace", "sales_prod"}, {"mode", "full"}, {"name", "sales_full"}});
    ASSERT_EQ(started.status, 202) << started.body;
    EXPECT_EQ(started.json()["name"], "sales_full");
    EXPECT_EQ(started.json()["creator"], "ann");
    const json done = wait_for_export("sales_full");
    ASSERT_EQ(done["state"], "EXPORT_SUCCESS") << done.dump(2);

    // The same counts as `ferry export` of the same workspace.
    const json cli = cli_export(dir_ + "/cli_full.zip");
    const json x = listed("sales_full");
    EXPECT_EQ(x["state"], "EXPORT_SUCCESS");
    EXPECT_EQ(x["workspace"], "sales_prod");
    EXPECT_EQ(x["mode"], "full");
    EXPECT_EQ(x["folder"], false);
    EXPECT_EQ(x["counts"], cli["objects"]);
    EXPECT_GT(x["counts"].value("node", 0), 0) << x.dump(2);
    EXPECT_EQ(x["path"], dir_ + "/web/exports/sales_full.zip") << "web exports are written under the data dir";
    EXPECT_EQ(x["download"], "/api/exports/sales_full/package");
    EXPECT_EQ(x["actions"], json::array({"view", "download", "delete"}));
    EXPECT_FALSE(x["finished_at"].get<std::string>().empty());
    EXPECT_EQ(done["report"]["kind"], "export");
    EXPECT_EQ(done["report"]["objects"], cli["objects"]);
    EXPECT_EQ(done["report"]["sha256"], x["sha256"]);

    for (const std::string& token : {kAdminToken, kViewerToken}) {
        const Response zip = server_->get("/api/exports/sales_full/package", token);
        ASSERT_EQ(zip.status, 200) << zip.body;
        EXPECT_EQ(header(zip, "Content-Type"), "application/zip");
        EXPECT_EQ(header(zip, "Content-Disposition"), "attachment; filename=\"sales_full.zip\"");
        EXPECT_EQ(zip.body.substr(0, 2), "PK");
        EXPECT_EQ(zip.body.size(), x["size"].get<std::size_t>());
        EXPECT_EQ(host::Sha256::of(zip.body), x["sha256"]);
    }
    const std::string downloaded = dir_ + "/downloaded.zip";
    write_file(downloaded, server_->get("/api/exports/sales_full/package").body);
    const RunResult check = run_ferry("check " + downloaded);
    EXPECT_EQ(check.exit_code, 0) << check.out << check.err;

    // The import list is for imports; the export task's HTML report is the CLI's.
    const json tasks = server_->get("/api/tasks").json()["tasks"];
    for (const auto& t : tasks) EXPECT_NE(t["name"], "sales_full");
    const Response html = server_->get("/api/tasks/sales_full/report?format=html", kViewerToken);
    EXPECT_EQ(html.status, 200);
    EXPECT_NE(html.body.find("sales_full"), std::string::npos);
}

TEST_F(WebExports, IncrementalAndFilteredExportsFollowTheExporter) {
    ASSERT_EQ(post_export({{"workspace", "sales_prod"}, {"name", "base"}}).status, 202);
    const json base = wait_for_export("base");
    ASSERT_EQ(base["state"], "EXPORT_SUCCESS") << base.dump(2);
    const std::int64_t revision = base["revision"];
    ASSERT_GT(revision, 0);

    // Nothing changed after the base export's revision: an empty package, and it succeeds.
    ASSERT_EQ(post_export({{"workspace", "sales_prod"}, {"mode", "incremental"}, {"since", revision}, {"name", "delta"}})
                  .status,
              202);
    const json delta = wait_for_export("delta");
    EXPECT_EQ(delta["state"], "EXPORT_SUCCESS") << delta.dump(2);
    EXPECT_EQ(delta["mode"], "incremental");
    EXPECT_EQ(delta["since"], revision);
    EXPECT_EQ(delta["total"], 0);

    // A filter of space- or comma-separated globs on the page is a list here.
    ASSERT_EQ(post_export({{"workspace", "sales_prod"}, {"objects", {"node:ods_*"}}, {"name", "ods"}}).status, 202);
    const json ods = wait_for_export("ods");
    const json cli = cli_export(dir_ + "/cli_ods.zip", "--objects 'node:ods_*'");
    EXPECT_EQ(ods["state"], "EXPORT_SUCCESS") << ods.dump(2);
    EXPECT_EQ(ods["filter"], json::array({"node:ods_*"}));
    EXPECT_EQ(ods["counts"], cli["objects"]);
    EXPECT_EQ(ods["counts"].size(), 1u) << ods.dump(2);
}

TEST_F(WebExports, ViewersListViewAndDownloadButCannotCreateOrDelete) {
    ASSERT_EQ(post_export({{"workspace", "sales_prod"}, {"name", "for_vic"}}).status, 202);
    ASSERT_EQ(wait_for_export("for_vic")["state"], "EXPORT_SUCCESS");
    const json x = listed("for_vic", kViewerToken);
    EXPECT_EQ(x["actions"], json::array({"view", "download"}));
    EXPECT_EQ(server_->get("/api/exports/for_vic", kViewerToken).status, 200);
    EXPECT_EQ(server_->get("/api/exports/for_vic/package", kViewerToken).status, 200);

    const json forbidden =
        error_body("FERRY-WEB-FORBIDDEN",
                   "user 'vic' is a viewer; only admins create, edit, check, import, re-import and delete tasks");
    const Response create = post_export({{"workspace", "sales_prod"}, {"name", "by_vic"}}, kViewerToken);
    EXPECT_EQ(create.status, 403);
    EXPECT_EQ(create.json(), forbidden);
    const Response remove = server_->del("/api/exports/for_vic", kViewerToken);
    EXPECT_EQ(remove.status, 403);
    EXPECT_EQ(remove.json(), forbidden);
    EXPECT_FALSE(fs::exists(dir_ + "/web/exports/by_vic.zip"));
    EXPECT_EQ(server_->get("/api/exports").json()["exports"].size(), 1u);
    // The CSRF rule holds for exports as for every change.
    Request no_csrf{"POST", "/api/exports", kAdminToken, R"({"workspace":"sales_prod"})", "application/json", {}, false};
    EXPECT_EQ(server_->send(no_csrf).json()["error"]["code"], "FERRY-WEB-CSRF");
}

struct BadExport {
    std::string what;
    std::string body;  // sent as is
    int status;
    std::string code;
    std::string message;  // `DIR` stands for the test's folder
};

TEST_F(WebExports, BadInputIsRefusedWithTheExportersMessageAndMakesNothing) {
    const std::vector<BadExport> cases = {
        {"a mode that is not one", R"({"workspace":"sales_prod","mode":"partial"})", 400, "FERRY-EXPORT-USAGE",
         "mode is full or incremental, not 'partial'"},
        {"since without incremental", R"({"workspace":"sales_prod","since":"3"})", 400, "FERRY-EXPORT-USAGE",
         "--since goes with --mode incremental"},
        {"incremental without since", R"({"workspace":"sales_prod","mode":"incremental"})", 400, "FERRY-EXPORT-USAGE",
         "an incremental export needs --since REVISION or --since TIME"},
        {"since that is no time", R"({"workspace":"sales_prod","mode":"incremental","since":"yesterday"})", 400,
         "FERRY-EXPORT-USAGE", "--since 'yesterday' is neither a revision nor an ISO-8601 UTC time"},
        {"since below 1", R"({"workspace":"sales_prod","mode":"incremental","since":0})", 400, "FERRY-EXPORT-USAGE",
         "'since' is a workspace revision (a whole number from 1) or an ISO-8601 UTC time"},
        {"an unknown kind in objects", R"({"workspace":"sales_prod","objects":["node:ods_*","view:x"]})", 400,
         "FERRY-EXPORT-USAGE", "--objects 'view:x' names no kind of object"},
        {"objects that are not a list", R"({"workspace":"sales_prod","objects":"node:ods_*"})", 400,
         "FERRY-EXPORT-USAGE", "'objects' is a list of name globs, each GLOB or KIND:GLOB (e.g. \"node:ods_*\")"},
        {"an unknown key", R"({"workspace":"sales_prod","output":"/tmp/x.zip"})", 400, "FERRY-EXPORT-USAGE",
         "unknown key 'output'; the keys are workspace, mode, since, objects, name"},
        {"a name that is a path", R"({"workspace":"sales_prod","name":"../evil"})", 400, "FERRY-EXPORT-USAGE",
         "bad task name '../evil': the name contains '/' at position 3; task names hold only letters, digits, '_' "
         "and '.'"},
        {"no workspace", R"({"mode":"full"})", 400, "FERRY-EXPORT-USAGE", "no workspace to export"},
        {"not an object", R"(["sales_prod"])", 400, "FERRY-EXPORT-USAGE",
         "the body must be a JSON object with the keys workspace, mode, since, objects, name"},
        {"an unknown workspace", R"({"workspace":"nowhere"})", 404, "FERRY-EXPORT-WORKSPACE",
         "there is no workspace 'nowhere' in sqlite:DIR/catalog.db"},
        {"a name taken by the import task", R"({"workspace":"sales_prod","name":"sales"})", 409, "FERRY-CATALOG-006",
         "there is already a task named 'sales'"},
    };
    for (const auto& c : cases) {
        const Response r = server_->send({"POST", "/api/exports", kAdminToken, c.body, "application/json", {}, true});
        std::string message = c.message;
        if (const auto at = message.find("DIR"); at != std::string::npos) message.replace(at, 3, dir_);
        EXPECT_EQ(r.status, c.status) << c.what << ": " << r.body;
        EXPECT_EQ(r.json()["error"]["code"], c.code) << c.what;
        EXPECT_EQ(r.json()["error"]["message"], message) << c.what;
    }
    EXPECT_EQ(server_->get("/api/exports").json()["exports"], json::array()) << "no export task was made";
    EXPECT_TRUE(fs::is_empty(dir_ + "/web/exports"));
}

TEST_F(WebExports, UnknownTasksAndImportTasksHaveNoPackage) {
    const Response unknown = server_->get("/api/exports/nope/package");
    EXPECT_EQ(unknown.status, 404);
    EXPECT_EQ(unknown.json(),
              error_body("FERRY-CATALOG-007", "there is no task named 'nope' in sqlite:" + dir_ + "/catalog.db"));
    EXPECT_EQ(server_->get("/api/exports/nope").status, 404);
    const Response import_task = server_->get("/api/exports/sales/package", kViewerToken);
    EXPECT_EQ(import_task.status, 404);
    EXPECT_EQ(import_task.json(),
              error_body("FERRY-TASK-KIND", "task 'sales' is an import task, not an export (see /api/tasks/sales)"));
    EXPECT_EQ(server_->send({"PUT", "/api/exports/sales/package", kAdminToken, "", "", {}, true}).status, 405);
}

TEST_F(WebExports, CliExportsAreListedAndDownloadedOnlyWhileTheirFileIsWhatWasExported) {
    const std::string zip = dir_ + "/by_cli.zip";
    const json cli = cli_export(zip, "--name from_cli");
    ASSERT_EQ(cli["ok"], true) << cli.dump(2);
    json x = listed("from_cli", kViewerToken);
    EXPECT_EQ(x["state"], "EXPORT_SUCCESS");
    EXPECT_EQ(x["path"], zip);
    EXPECT_EQ(x["counts"], cli["objects"]);
    EXPECT_EQ(x["download"], "/api/exports/from_cli/package");
    const Response ok = server_->get("/api/exports/from_cli/package", kViewerToken);
    ASSERT_EQ(ok.status, 200) << ok.body;
    EXPECT_EQ(host::Sha256::of(ok.body), cli["sha256"]);

    // Same size, other bytes: only the SHA-256 tells.
    std::string bytes = read_file(zip);
    bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x5a);
    write_file(zip, bytes);
    const Response tampered = server_->get("/api/exports/from_cli/package");
    EXPECT_EQ(tampered.status, 409);
    EXPECT_EQ(tampered.json(),
              error_body("FERRY-EXPORT-PACKAGE-CHANGED",
                         "the package of export task 'from_cli' (" + zip +
                             ") has changed since the export wrote it: its SHA-256 is " + host::Sha256::of(bytes) +
                             ", not " + cli["sha256"].get<std::string>()));
    // Another size: the list already says so.
    write_file(zip, bytes + "x");
    x = listed("from_cli");
    EXPECT_EQ(x["download"], nullptr);
    EXPECT_EQ(x["actions"], json::array({"view", "delete"}));
    const std::string changed = "the package of export task 'from_cli' (" + zip +
                                ") has changed since the export wrote it: it holds " + std::to_string(bytes.size() + 1) +
                                " bytes, not " + std::to_string(bytes.size());
    EXPECT_EQ(x["package_problem"], changed);
    EXPECT_EQ(server_->get("/api/exports/from_cli/package").json(), error_body("FERRY-EXPORT-PACKAGE-CHANGED", changed));
    fs::remove(zip);
    const Response gone = server_->get("/api/exports/from_cli/package");
    EXPECT_EQ(gone.status, 410);
    EXPECT_EQ(gone.json(), error_body("FERRY-EXPORT-PACKAGE-GONE",
                                      "the package of export task 'from_cli' (" + zip + ") no longer exists"));

    // A folder export is listed, and read where it is.
    const json folder = cli_export(dir_ + "/ws/", "--name as_folder");
    ASSERT_EQ(folder["ok"], true) << folder.dump(2);
    x = listed("as_folder");
    EXPECT_EQ(x["folder"], true);
    EXPECT_EQ(x["download"], nullptr);
    const Response no_zip = server_->get("/api/exports/as_folder/package");
    EXPECT_EQ(no_zip.status, 409);
    EXPECT_EQ(no_zip.json(), error_body("FERRY-EXPORT-NO-PACKAGE", "export task 'as_folder' wrote the folder " + dir_ +
                                                                       "/ws/, not a zip: read it there"));
}

TEST_F(WebExports, DeletingRemovesTheZipTheServerWroteButNeverACliOutput) {
    ASSERT_EQ(post_export({{"workspace", "sales_prod"}, {"name", "web_made"}}).status, 202);
    ASSERT_EQ(wait_for_export("web_made")["state"], "EXPORT_SUCCESS");
    const std::string cli_zip = dir_ + "/kept.zip";
    ASSERT_EQ(cli_export(cli_zip, "--name cli_made")["ok"], true);
    ASSERT_TRUE(fs::exists(dir_ + "/web/exports/web_made.zip"));

    // The import API does not delete export tasks (it would leave their package behind).
    const Response wrong_api = server_->del("/api/tasks/web_made");
    EXPECT_EQ(wrong_api.status, 404);
    EXPECT_EQ(wrong_api.json(), error_body("FERRY-TASK-KIND",
                                           "task 'web_made' is an export task, not an import (see /api/exports/web_made)"));

    EXPECT_EQ(server_->del("/api/exports/web_made").json(), (json{{"deleted", "web_made"}}));
    EXPECT_EQ(server_->del("/api/exports/cli_made").json(), (json{{"deleted", "cli_made"}}));
    EXPECT_FALSE(fs::exists(dir_ + "/web/exports/web_made.zip"));
    EXPECT_TRUE(fs::exists(cli_zip)) << "a CLI export's output is the user's";
    EXPECT_EQ(server_->get("/api/exports").json()["exports"], json::array());
    EXPECT_EQ(server_->get("/api/exports/web_made/package").status, 404);
}

}  // namespace
}  // namespace ferry::test::web
