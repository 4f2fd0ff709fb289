// The destination on the settings page (issue 13): GET /api/destinations lists the destination
// plugins with their schemas; PUT stores `destination` and `destination_settings` in the task TOML,
// validated exactly as a task file is (so a secret is refused as a task file refuses it), and
// `ferry task show` prints what the page shows. Error bodies are asserted exactly.
#include "serve_fixture.hpp"

namespace ferry::test::web {
namespace {

using nlohmann::json;

// DataWorks' keys in its schema's order: the order the page shows them and refusals list them.
const std::vector<std::string> kDataWorksKeys = {
    "endpoint", "project_id", "access_key_id_env", "access_key_secret_env", "security_token_env", "ca_file",
    "timeout_seconds", "retries", "scene", "job_timeout_seconds", "deploy_timeout_seconds", "resource_staging",
    "staging_endpoint", "staging_path_style", "staging_link_minutes"};

class WebDestination : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = scratch_dir();
        server_ = std::make_unique<Server>(dir_);
        ASSERT_TRUE(server_->up());
        const Response made = server_->create("cloud", sample_package(dir_));
        ASSERT_EQ(made.status, 201) << made.body;
    }
    RunResult task_show(const std::string& name) {
        return run_ferry("task show " + name + " --catalog " + server_->catalog());
    }
    json settings() { return server_->get("/api/tasks/cloud").json()["settings"]; }
    // What every refusal must leave: the task as it was made.
    void expect_unchanged() {
        const json s = settings();
        EXPECT_EQ(s["destination"], "catalog");
        EXPECT_EQ(s["destination_settings"], json::object());
        const std::string stored = task_show("cloud").out;
        EXPECT_EQ(stored.find("dataworks"), std::string::npos) << stored;
    }
    std::string dir_;
    std::unique_ptr<Server> server_;
};

TEST_F(WebDestination, EveryDestinationPluginIsListedWithItsSchemaForEveryRole) {
    const Response r = server_->get("/api/destinations", kViewerToken);
    ASSERT_EQ(r.status, 200) << r.body;
    const json listed = r.json();
    std::map<std::string, json> by_name;
    for (const auto& d : listed["destinations"]) by_name[d["name"].get<std::string>()] = d;
    ASSERT_EQ(by_name.count("catalog"), 1u) << r.body;
    ASSERT_EQ(by_name.count("dataworks"), 1u) << r.body;
    EXPECT_EQ(by_name["catalog"]["keys"], json::array()) << "the catalog has no settings";
    EXPECT_FALSE(by_name["dataworks"]["summary"].get<std::string>().empty());

    const json& keys = by_name["dataworks"]["keys"];
    std::vector<std::string> names;
    for (const auto& k : keys) names.push_back(k["name"]);
    EXPECT_EQ(names, kDataWorksKeys);
    auto key = [&](const std::string& name) {
        for (const auto& k : keys)
            if (k["name"] == name) return k;
        return json();
    };
    struct Expected {
        const char* name;
        const char* type;
        bool required;
        json default_value;
    };
    for (const Expected& e : std::vector<Expected>{{"endpoint", "string", true, nullptr},
                                                   {"project_id", "integer", true, nullptr},
                                                   {"access_key_id_env", "string", false, "ALIBABA_CLOUD_ACCESS_KEY_ID"},
                                                   {"access_key_secret_env", "string", false,
                                                    "ALIBABA_CLOUD_ACCESS_KEY_SECRET"},
                                                   {"staging_path_style", "boolean", false, "false"},
                                                   {"retries", "integer", false, "4"}}) {
        const json k = key(e.name);
        EXPECT_EQ(k["type"], e.type) << e.name;
        EXPECT_EQ(k["required"], e.required) << e.name;
        EXPECT_EQ(k["default"], e.default_value) << e.name;
        EXPECT_FALSE(k["description"].get<std::string>().empty()) << e.name;
    }
    const Response post = server_->post("/api/destinations");
    EXPECT_EQ(post.status, 405);
    EXPECT_EQ(post.json(), error_body("FERRY-WEB-METHOD", "POST is not allowed on /api/destinations"));
}

TEST_F(WebDestination, ADataWorksDestinationIsStoredInTheTaskFileAndReadBack) {
    const json put = {{"destination", "dataworks"},
                      {"destination_settings",
                       {{"endpoint", "https://dataworks.cn-shanghai.aliyuncs.com"},
                        {"project_id", 123456},
                        {"access_key_id_env", "DW_AK"},
                        {"staging_path_style", true},
                        {"scene", ""}}},  // a field the form left empty: the default applies
                      {"commit", {{"nodes", true}}}};
    const Response r = server_->put_json("/api/tasks/cloud", put);
    ASSERT_EQ(r.status, 200) << r.body;
    const json expected_settings = {{"endpoint", "https://dataworks.cn-shanghai.aliyuncs.com"},
                                    {"project_id", 123456},
                                    {"access_key_id_env", "DW_AK"},
                                    {"staging_path_style", true}};
    for (const json& s : {r.json()["settings"], settings()}) {
        EXPECT_EQ(s["destination"], "dataworks");
        EXPECT_EQ(s["destination_settings"], expected_settings) << "defaults are the schema's, not the task's";
        EXPECT_EQ(s["commit"]["nodes"], true);
    }
    EXPECT_EQ(r.json()["destination"], "dataworks");
    EXPECT_EQ(server_->get("/api/tasks").json()["tasks"][0]["destination"], "dataworks");

    // The catalog's copy and the file beside it are one TOML, which the CLI reads.
    const RunResult shown = task_show("cloud");
    ASSERT_EQ(shown.exit_code, 0) << shown.err;
    for (const char* line : {"destination = 'dataworks'", "[workspace.dataworks]",
                             "endpoint = 'https://dataworks.cn-shanghai.aliyuncs.com'", "project_id = 123456",
                             "access_key_id_env = 'DW_AK'", "staging_path_style = true", "nodes = true"})
        EXPECT_NE(shown.out.find(line), std::string::npos) << line << "\n" << shown.out;
    EXPECT_EQ(shown.out.find("scene"), std::string::npos) << shown.out;
    EXPECT_NE(read_file(dir_ + "/web/tasks/cloud.task.toml").find("[workspace.dataworks]"), std::string::npos);

    // Other settings leave the destination alone.
    ASSERT_EQ(server_->put_json("/api/tasks/cloud", json{{"remarks", "to DataWorks"}}).status, 200);
    EXPECT_EQ(settings()["destination_settings"], expected_settings);

    // Back to the catalog: DataWorks' table goes with it, the catalog URI key stays a URI.
    const Response back = server_->put_json("/api/tasks/cloud", json{{"destination", "catalog"}});
    ASSERT_EQ(back.status, 200) << back.body;
    EXPECT_EQ(back.json()["settings"]["destination"], "catalog");
    EXPECT_EQ(back.json()["settings"]["destination_settings"], json::object());
    const std::string again = task_show("cloud").out;
    EXPECT_EQ(again.find("dataworks"), std::string::npos) << again;
    EXPECT_EQ(again.find("destination ="), std::string::npos) << "catalog is the default: " << again;
}

TEST_F(WebDestination, TheDestinationSettingsAreValidatedAsATaskFileIs) {
    const Response missing = server_->put_json("/api/tasks/cloud", json{{"destination", "dataworks"}});
    EXPECT_EQ(missing.status, 400);
    EXPECT_EQ(missing.json()["error"]["code"], "FERRY-CONFIG-MISSING-KEY") << missing.body;
    EXPECT_EQ(missing.json()["error"]["message"],
              "missing required key 'endpoint' in [workspace.dataworks] (destination dataworks)");
    const Response typed = server_->put_json(
        "/api/tasks/cloud", json{{"destination", "dataworks"},
                                 {"destination_settings", {{"endpoint", "https://dw.example"}, {"project_id", "abc"}}}});
    EXPECT_EQ(typed.status, 400);
    EXPECT_EQ(typed.json()["error"]["code"], "FERRY-CONFIG-TYPE") << typed.body;
    EXPECT_EQ(typed.json()["error"]["message"], "bad value for 'project_id' in [workspace.dataworks] (destination "
                                                "dataworks): expected a integer, found a string");
    expect_unchanged();
}

TEST_F(WebDestination, AnUnknownDestinationIsRefusedNamingTheLoadedOnes) {
    const Response r = server_->put_json("/api/tasks/cloud", json{{"destination", "nowhere"}});
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.json(),
              error_body("FERRY-WEB-SETTINGS", "unknown destination 'nowhere'; the destinations are catalog, dataworks"));
    expect_unchanged();
}

TEST_F(WebDestination, AKeyTheDestinationDoesNotKnowIsRefusedNamingTheKeysItHas) {
    std::string keys;
    for (const auto& k : kDataWorksKeys) keys += (keys.empty() ? "" : ", ") + k;
    const Response r = server_->put_json(
        "/api/tasks/cloud",
        json{{"destination", "dataworks"},
             {"destination_settings", {{"endpoint", "https://dw.example"}, {"project_id", 1}, {"colour", "red"}}}});
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.json(), error_body("FERRY-WEB-SETTINGS", "unknown destination_settings key 'colour' for destination "
                                                         "'dataworks'; its keys are " +
                                                             keys));
    const Response catalog = server_->put_json("/api/tasks/cloud", json{{"destination_settings", {{"path", "x"}}}});
    EXPECT_EQ(catalog.status, 400);
    EXPECT_EQ(catalog.json(), error_body("FERRY-WEB-SETTINGS", "destination 'catalog' takes no settings, not 'path'"));
    expect_unchanged();
}

// Credentials come from the server's environment: a secret sent as a setting is refused by the
// task file's own rule, and its value is in no answer, file, catalog or log.
TEST_F(WebDestination, ASecretInTheDestinationSettingsIsRefusedAndNeverRepeated) {
    struct Case {
        const char* key;
        std::string value;
        std::string secret;  // the part of the value that must show up nowhere
        const char* message;
    };
    const std::vector<Case> cases = {
        {"access_key_secret", "sk-ferry-not-for-the-page-1", "sk-ferry-not-for-the-page-1",
         "'workspace.dataworks.access_key_secret' is a secret written into the task file; ferry stores a task's "
         "settings and never stores a secret"},
        {"security_token", "sts-ferry-not-for-the-page-2", "sts-ferry-not-for-the-page-2",
         "'workspace.dataworks.security_token' is a secret written into the task file; ferry stores a task's "
         "settings and never stores a secret"},
        {"endpoint", "https://ak:sk-ferry-not-for-the-page-3@dataworks.cn-shanghai.aliyuncs.com",
         "sk-ferry-not-for-the-page-3",
         "'workspace.dataworks.endpoint' carries a password (user:password@ in the address); ferry stores a task's "
         "settings and never stores a secret"},
    };
    for (const Case& c : cases) {
        json values = {{"endpoint", "https://dataworks.cn-shanghai.aliyuncs.com"}, {"project_id", 123456}};
        values[c.key] = c.value;
        const Response r =
            server_->put_json("/api/tasks/cloud", json{{"destination", "dataworks"}, {"destination_settings", values}});
        EXPECT_EQ(r.status, 400) << c.key;
        EXPECT_EQ(r.json()["error"]["code"], "FERRY-CONFIG-SECRET") << r.body;
        EXPECT_EQ(r.json()["error"]["message"], c.message) << r.body;
        EXPECT_EQ(r.body.find(c.secret), std::string::npos) << r.body;
        EXPECT_EQ(server_->log().find(c.secret), std::string::npos);
        EXPECT_EQ(read_file(dir_ + "/web/tasks/cloud.task.toml").find(c.secret), std::string::npos);
        EXPECT_EQ(read_file(dir_ + "/catalog.db").find(c.secret), std::string::npos);
    }
    expect_unchanged();
}

}  // namespace
}  // namespace ferry::test::web
