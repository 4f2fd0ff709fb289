// The REST API of `ferry serve`, against the real binary on a loopback port: sign-in and roles,
// uploads and their cap, the task lifecycle (check, preview, settings, import, report), and the
// catalog shared with the CLI. Error bodies are asserted exactly: clients match on them.
#include <chrono>
#include <thread>

#include "serve_fixture.hpp"

namespace ferry::test::web {
namespace {

using nlohmann::json;

class WebApi : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = scratch_dir();
        server_ = std::make_unique<Server>(dir_);
        ASSERT_TRUE(server_->up());
        package_ = sample_package(dir_);
    }
    // Waits for a background import to end; returns the last progress document.
    json wait_for_import(const std::string& name) {
        json p;
        for (int i = 0; i < 600; ++i) {
            p = server_->get("/api/tasks/" + name + "/progress").json();
            if (p.value("running", true) == false && !p.value("result", std::string{}).empty()) return p;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        ADD_FAILURE() << "the import did not end: " << p.dump();
        return p;
    }
    json map_everything(const std::string& name) {
        const json preview = server_->get("/api/tasks/" + name + "/preview").json();
        json mapping = json::array();
        for (const auto& s : preview["engine_sources"])
            mapping.push_back({{"source", s["source"]}, {"instance", "rehearsal"}, {"cross_engine", s["type"] != "sqlite"}});
        return mapping;
    }
    std::string dir_;
    std::unique_ptr<Server> server_;
    std::string package_;
};

TEST_F(WebApi, EveryApiRouteNeedsAToken) {
    for (const char* path : {"/api/tasks", "/api/tasks/x", "/api/tasks/x/report", "/api/session", "/api/engines"}) {
        const Response r = server_->get(path, "");
        EXPECT_EQ(r.status, 401) << path;
        EXPECT_EQ(r.json(), error_body("FERRY-WEB-AUTH", "sign in: send Authorization: Bearer <token>")) << path;
        ASSERT_EQ(r.headers.count("WWW-Authenticate"), 1u);
    }
    EXPECT_EQ(server_->get("/api/tasks", "not-a-real-token").status, 401);
    // The sign-in page and its assets are public.
    for (const char* path : {"/", "/app.js", "/app.css", "/favicon.svg"}) EXPECT_EQ(server_->get(path, "").status, 200) << path;
}

TEST_F(WebApi, ViewersReadButEveryMutationIsForbidden) {
    ASSERT_EQ(server_->create("sales_a", package_).status, 201);
    EXPECT_EQ(server_->get("/api/tasks", kViewerToken).status, 200);
    EXPECT_EQ(server_->get("/api/tasks/sales_a/preview", kViewerToken).status, 200);
    const json forbidden =
        error_body("FERRY-WEB-FORBIDDEN",
                   "user 'vic' is a viewer; only admins create, edit, check, import, re-import and delete tasks");
    const std::vector<Response> tries = {
        server_->create("sales_b", package_, kViewerToken), server_->post("/api/tasks/sales_a/check", kViewerToken),
        server_->put_json("/api/tasks/sales_a", json{{"remarks", "x"}}, kViewerToken),
        server_->post("/api/tasks/sales_a/import", kViewerToken), server_->post("/api/tasks/sales_a/reimport", kViewerToken),
        server_->del("/api/tasks/sales_a", kViewerToken)};
    for (const auto& r : tries) {
        EXPECT_EQ(r.status, 403);
        EXPECT_EQ(r.json(), forbidden);
    }
    // The viewer's task list offers only what a viewer may do.
    const json list = server_->get("/api/tasks", kViewerToken).json();
    EXPECT_EQ(list["tasks"][0]["actions"], json::array({"preview"}));
    EXPECT_EQ(server_->get("/api/tasks/sales_a", kViewerToken).json()["state"], "EDITING");
}

TEST_F(WebApi, MutationsNeedTheCsrfHeader) {
    Request r{"DELETE", "/api/tasks/whatever", kAdminToken, "", "", {}, false};
    const Response resp = server_->send(r);
    EXPECT_EQ(resp.status, 403);
    EXPECT_EQ(resp.json()["error"]["code"], "FERRY-WEB-CSRF");
    // A foreign Origin is refused even with the header.
    Request cross{"DELETE", "/api/tasks/whatever", kAdminToken, "", "", {{"Origin", "http://evil.example"}}, true};
    EXPECT_EQ(server_->send(cross).json()["error"]["code"], "FERRY-WEB-CSRF");
}

TEST_F(WebApi, SignInSetsAnHttpOnlyStrictCookieAndCookieMutationsNeedTheDoubleSubmit) {
    const Response wrong = server_->send({"POST", "/api/session", "", R"({"token":"nope"})", "application/json", {}, true});
    EXPECT_EQ(wrong.status, 401);
    EXPECT_EQ(wrong.json(), error_body("FERRY-WEB-AUTH", "the token is not valid"));
    const Response ok =
        server_->send({"POST", "/api/session", "", json{{"token", kAdminToken}}.dump(), "application/json", {}, true});
    ASSERT_EQ(ok.status, 200) << ok.body;
    EXPECT_EQ(ok.json(), (json{{"user", "ann"}, {"role", "admin"}}));
    ASSERT_EQ(ok.headers.at("Set-Cookie").size(), 2u);
    std::string session, csrf;
    for (const auto& c : ok.headers.at("Set-Cookie")) {
        if (c.rfind("ferry_session=", 0) == 0) {
            session = c.substr(0, c.find(';'));
            EXPECT_NE(c.find("; HttpOnly"), std::string::npos) << c;
            EXPECT_NE(c.find("SameSite=Strict"), std::string::npos) << c;
        } else {
            csrf = c.substr(0, c.find(';'));
            EXPECT_EQ(c.find("HttpOnly"), std::string::npos) << "the page reads the CSRF cookie: " << c;
        }
    }
    const std::string csrf_value = csrf.substr(csrf.find('=') + 1);
    Request by_cookie{"GET", "/api/session", "", "", "", {{"Cookie", session}}, true};
    EXPECT_EQ(server_->send(by_cookie).json()["user"], "ann");
    Request forged{"DELETE", "/api/tasks/none", "", "", "", {{"Cookie", session + "; " + csrf}, {"X-Ferry-CSRF", "guess"}}, false};
    EXPECT_EQ(server_->send(forged).json()["error"]["code"], "FERRY-WEB-CSRF");
    Request good{"DELETE", "/api/tasks/none", "", "", "", {{"Cookie", session + "; " + csrf}, {"X-Ferry-CSRF", csrf_value}}, false};
    EXPECT_EQ(server_->send(good).status, 404);
    // No token ever reaches the log.
    const std::string log = server_->log();
    EXPECT_EQ(log.find(kAdminToken), std::string::npos);
    EXPECT_EQ(log.find("Bearer"), std::string::npos);
}

TEST_F(WebApi, CreateByUploadValidatesTheNameAndRefusesDuplicates) {
    const Response created = server_->create("sales_dw.2026_11", package_);
    ASSERT_EQ(created.status, 201) << created.body;
    const json t = created.json();
    EXPECT_EQ(t["name"], "sales_dw.2026_11");
    EXPECT_EQ(t["state"], "EDITING");
    EXPECT_EQ(t["creator"], "ann");
    EXPECT_EQ(t["workspace"], "sales_prod");
    EXPECT_EQ(t["remarks"], "made by a test");
    EXPECT_EQ(t["actions"], json::array({"edit", "preview", "check", "import", "delete"}));

    const Response dup = server_->create("sales_dw.2026_11", package_);
    EXPECT_EQ(dup.status, 409);
    EXPECT_EQ(dup.json(), error_body("FERRY-CATALOG-006", "there is already a task named 'sales_dw.2026_11'"));

    const Response bad = server_->create("bad name", package_);
    EXPECT_EQ(bad.status, 400);
    EXPECT_EQ(bad.json(),
              error_body("FERRY-TASK-NAME",
                         "bad task name 'bad name': the name contains ' ' at position 4; task names hold only letters, "
                         "digits, '_' and '.'"));
    const Response not_form = server_->send({"POST", "/api/tasks", kAdminToken, "{}", "application/json", {}, true});
    EXPECT_EQ(not_form.status, 400);
    EXPECT_EQ(not_form.json()["error"]["code"], "FERRY-WEB-FORM");
    EXPECT_EQ(server_->get("/api/tasks/nope").json(),
              error_body("FERRY-CATALOG-007", "there is no task named 'nope' in sqlite:" + dir_ + "/catalog.db"));
}

TEST(WebApiCap, AnUploadOverTheCapIs413AndLeavesNothing) {
    const std::string dir = scratch_dir();
    Server server(dir, {"--max-upload", "64KB"});
    ASSERT_TRUE(server.up());
    std::string big(200 * 1024, 'x');
    const Response r = server.create("too_big", big);
    EXPECT_EQ(r.status, 413);
    EXPECT_EQ(r.json(), error_body("FERRY-WEB-TOO-LARGE", "the package is larger than the upload limit of 65536 bytes"));
    // Just over the cap with a small Content-Length slack: refused while streaming, not by the header.
    const Response streamed = server.create("too_big", std::string(65 * 1024, 'y'));
    EXPECT_EQ(streamed.status, 413);
    EXPECT_TRUE(std::filesystem::is_empty(dir + "/web/uploads"));
    EXPECT_TRUE(std::filesystem::is_empty(dir + "/web/packages"));
    EXPECT_EQ(server.get("/api/tasks").json()["tasks"].size(), 0u);
}

TEST(WebApiOwnEngines, WithoutAnEnginesFileTasksDeclareTheirInstances) {
    const std::string dir = scratch_dir();
    Server server(dir, {}, false);
    ASSERT_TRUE(server.up());
    ASSERT_EQ(server.create("own", sample_package(dir)).status, 201);
    EXPECT_EQ(server.get("/api/tasks/own").json()["workspace"], "default");
    EXPECT_EQ(server.get("/api/engines").json()["fixed"], false);
    const json bad = server.put_json("/api/tasks/own", json{{"engines", {{{"name", "x"}, {"type", "no_such_engine"}}}}}).json();
    EXPECT_EQ(bad["error"]["code"], "FERRY-CONFIG-PLUGIN");
    const Response ok = server.put_json(
        "/api/tasks/own", json{{"workspace", "prod"},
                               {"engines", {{{"name", "lake"}, {"type", "sqlite"}, {"path", dir + "/lake.db"}}}},
                               {"engine_mapping", {{{"source", "odps_first"}, {"instance", "lake"}, {"cross_engine", true}}}}});
    ASSERT_EQ(ok.status, 200) << ok.body;
    EXPECT_EQ(ok.json()["settings"]["engines"], json::array({{{"name", "lake"}, {"type", "sqlite"}, {"project", ""}}}))
        << "engine settings (which may hold passwords) never reach a page";
    EXPECT_EQ(server.get("/api/tasks/own/plan").json()["blocked"], false);
}

TEST_F(WebApi, CheckPreviewSettingsImportAndReport) {
    ASSERT_EQ(server_->create("sales", package_).status, 201);
    const json check = server_->post("/api/tasks/sales/check").json();
    EXPECT_EQ(check["ok"], true) << check.dump(2);
    EXPECT_EQ(check["message"], "The resource package has passed the check");
    EXPECT_GT(check["objects"]["nodes"].get<int>(), 0);

    const json preview = server_->get("/api/tasks/sales/preview").json();
    ASSERT_FALSE(preview["engine_sources"].empty()) << preview.dump(2);
    EXPECT_EQ(preview["nodes"].size(), check["objects"]["nodes"].get<std::size_t>());

    // Import stays refused until the Engine Instance Mapping is complete.
    const Response early = server_->post("/api/tasks/sales/import");
    EXPECT_EQ(early.status, 422) << early.body;
    EXPECT_EQ(early.json()["error"]["code"].get<std::string>().rfind("FERRY-PLAN-", 0), 0u) << early.body;

    const std::string first_node = preview["nodes"][0]["name"];
    const json settings = {{"remarks", "through the API"},
                           {"engine_mapping", map_everything("sales")},
                           {"resource_groups", {{"group_2", "sched_prod"}}},
                           {"workspaces", {{"sales_dev", "sales_prod"}}},
                           {"dry_run", {first_node}},
                           {"commit", {{"functions", false}, {"change_owner", false}, {"on_conflict", "skip"}}}};
    const Response put = server_->put_json("/api/tasks/sales", settings);
    ASSERT_EQ(put.status, 200) << put.body;
    EXPECT_EQ(put.json()["settings"]["dry_run"], json::array({first_node}));
    EXPECT_EQ(put.json()["settings"]["resource_groups"], (json{{"group_2", "sched_prod"}}));
    EXPECT_EQ(server_->put_json("/api/tasks/sales", json{{"engines", json::array()}}).json()["error"]["code"],
              "FERRY-WEB-ENGINES-FIXED");
    EXPECT_EQ(server_->put_json("/api/tasks/sales", json{{"source", {{"path", "/etc/passwd"}}}}).status, 400);

    const json plan = server_->get("/api/tasks/sales/plan").json();
    EXPECT_EQ(plan["blocked"], false) << plan.dump(2);

    const Response started = server_->post("/api/tasks/sales/import");
    ASSERT_EQ(started.status, 202) << started.body;
    const json done = wait_for_import("sales");
    EXPECT_EQ(done["total"], done["done"]);
    const std::string final_state = done["result"];
    EXPECT_TRUE(final_state == "IMPORT_SUCCESS" || final_state == "PARTIAL_SUCCESS") << done.dump(2);

    const json report = server_->get("/api/tasks/sales/report").json();
    for (const char* section : {"basic", "settings", "results", "details"}) EXPECT_TRUE(report.contains(section)) << section;
    EXPECT_EQ(report["basic"]["status"], final_state);
    EXPECT_EQ(report["settings"]["dry_run"], json::array({first_node}));
    const Response html = server_->get("/api/tasks/sales/report?format=html");
    EXPECT_EQ(html.status, 200);
    EXPECT_NE(html.body.find("<html"), std::string::npos);

    // Settings change only while EDITING.
    const Response late = server_->put_json("/api/tasks/sales", json{{"remarks", "too late"}});
    EXPECT_EQ(late.status, 409);
    EXPECT_EQ(late.json(), error_body("FERRY-TASK-STATE", "task 'sales' is " + final_state +
                                                              "; only EDITING tasks can be edited"));
    EXPECT_EQ(server_->post("/api/tasks/sales/import").status, 409);

    // The CLI sees the web task in the same catalog.
    const RunResult tasks = run_ferry("tasks --json --catalog sqlite:" + dir_ + "/catalog.db");
    ASSERT_EQ(tasks.exit_code, 0) << tasks.err;
    const json listed = json::parse(tasks.out);
    ASSERT_EQ(listed["tasks"].size(), 1u);
    EXPECT_EQ(listed["tasks"][0]["name"], "sales");
    EXPECT_EQ(listed["tasks"][0]["state"], final_state);
    const RunResult report_cli = run_ferry("report sales --format json --catalog sqlite:" + dir_ + "/catalog.db");
    EXPECT_EQ(report_cli.exit_code, 0) << report_cli.err;

    const Response gone = server_->del("/api/tasks/sales");
    EXPECT_EQ(gone.status, 200);
    EXPECT_EQ(gone.json(), (json{{"deleted", "sales"}}));
    EXPECT_TRUE(std::filesystem::is_empty(dir_ + "/web/packages"));
}

TEST_F(WebApi, ATaskMadeByTheCliIsListedAndCanBeImportedFromTheWeb) {
    write_file(dir_ + "/cli.task.toml",
               "[task]\nname = \"from_cli\"\nremarks = \"made by ferry task create\"\n\n[source]\nplugin = "
               "\"local\"\npath = \"sales.zip\"\n\n[workspace]\nname = \"sales_prod\"\nimporter = \"alice\"\n\n"
               "[[workspace.engines]]\nname = \"rehearsal\"\ntype = \"sqlite\"\npath = \"rehearsal.db\"\n");
    const RunResult made = run_ferry("task create " + dir_ + "/cli.task.toml --catalog sqlite:" + dir_ + "/catalog.db");
    ASSERT_EQ(made.exit_code, 0) << made.err;
    const json list = server_->get("/api/tasks").json();
    ASSERT_EQ(list["tasks"].size(), 1u);
    EXPECT_EQ(list["tasks"][0]["name"], "from_cli");
    EXPECT_EQ(list["tasks"][0]["creator"], "alice");
    EXPECT_EQ(list["tasks"][0]["package"], dir_ + "/sales.zip");

    ASSERT_EQ(server_->put_json("/api/tasks/from_cli", json{{"engine_mapping", map_everything("from_cli")}}).status, 200);
    ASSERT_EQ(server_->post("/api/tasks/from_cli/import").status, 202);
    const json done = wait_for_import("from_cli");
    EXPECT_NE(done["result"], "REFUSED") << done.dump(2);
    const RunResult shown = run_ferry("task show from_cli --catalog sqlite:" + dir_ + "/catalog.db");
    EXPECT_NE(shown.out.find("[mapping.engines"), std::string::npos) << shown.out;
}

// A presigned address is the one secret a task may carry; its signature and token never reach a
// viewer or an admin, through the API or the CLI.
TEST_F(WebApi, APresignedSourceAddressIsRedactedForEveryRoleAndEveryView) {
    const std::string url = "http://127.0.0.1:9/pkgs/sales.zip?Expires=1999999999&Signature=SIGsecret123%2B&"
                            "security-token=TOKsecret456";
    write_file(dir_ + "/signed.task.toml",
               "[task]\nname = \"signed\"\n\n[source]\nplugin = \"http\"\nurl = \"" + url +
                   "\"\n\n[workspace]\nname = \"sales_prod\"\nimporter = \"alice\"\n");
    const RunResult made = run_ferry("task create " + dir_ + "/signed.task.toml --catalog sqlite:" + dir_ + "/catalog.db");
    ASSERT_EQ(made.exit_code, 0) << made.err;
    std::vector<std::string> seen;
    for (const std::string& token : std::vector<std::string>{kAdminToken, kViewerToken}) {
        for (const std::string path : {"/api/tasks", "/api/tasks/signed"}) {
            const Response r = server_->get(path, token);
            EXPECT_EQ(r.status, 200) << path << " " << r.body;
            seen.push_back(r.body);
        }
    }
    for (const std::string cmd : {"task show signed", "tasks --json", "tasks"})
        seen.push_back(run_ferry(cmd + " --catalog sqlite:" + dir_ + "/catalog.db").out);
    for (const auto& text : seen) {
        for (const char* secret : {"SIGsecret123", "TOKsecret456"}) EXPECT_EQ(text.find(secret), std::string::npos) << text;
    }
    EXPECT_NE(seen.back().find("signed"), std::string::npos);
    // The task file keeps the real address: ferry reads it again when the task runs.
    EXPECT_NE(read_file(dir_ + "/signed.task.toml").find("SIGsecret123"), std::string::npos);
}

TEST_F(WebApi, ASettingsKeyTheFormDoesNotKnowIsRefusedNotIgnored) {
    const Response made = server_->create("sales", package_);
    ASSERT_EQ(made.status, 201) << made.body;
    const Response r = server_->put_json("/api/tasks/sales", json{{"remarks", "x"}, {"colour", "red"}});
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.json()["error"]["code"], "FERRY-WEB-SETTINGS");
    EXPECT_EQ(r.json()["error"]["message"], "unknown settings key 'colour'") << r.body;
    EXPECT_EQ(server_->get("/api/tasks/sales").json()["settings"]["remarks"], "made by a test") << "nothing was changed";
}

}  // namespace
}  // namespace ferry::test::web
