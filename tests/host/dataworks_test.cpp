// A DataWorks workspace as the destination (issue 13), end to end through the built ferry binary
// against the loopback double (tests/servers/fake_dataworks.py, which verifies every ACS3 signature,
// refuses stale dates and reused nonces, keeps state and injects faults) and the OSS look-alike
// (tests/servers/http_server.py) as the resource staging bucket. Each test starts its own servers
// on free loopback ports; a server that cannot start fails the test.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "import_fixture.hpp"
#include "util/sha256.hpp"

namespace ferry::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kProject = "123456";
constexpr const char* kSecret = "ferry-test-sk";

// One loopback server process, started from its script with --port 0 --port-file.
class Server {
  public:
    bool start(const std::vector<std::string>& args, const std::string& port_file) {
        pid_ = ::fork();
        if (pid_ == 0) {
            std::vector<char*> argv;
            for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
            argv.push_back(nullptr);
            const std::string log = port_file + ".log";
            std::freopen(log.c_str(), "w", stderr);
            ::execvp(argv[0], argv.data());
            ::_exit(127);
        }
        for (int i = 0; i < 100; ++i) {
            std::ifstream in(port_file);
            std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            if (!text.empty() && text.back() == '\n') text.pop_back();
            if (!text.empty()) {
                const json j = json::parse(text, nullptr, false);
                port_ = j.is_object() ? j.value("port", 0) : std::atoi(text.c_str());
                if (port_ > 0) return true;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        return false;
    }
    ~Server() {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            ::waitpid(pid_, nullptr, 0);
        }
    }
    int port() const { return port_; }

  private:
    pid_t pid_ = -1;
    int port_ = 0;
};

class DataWorks : public ImportFixture {
  protected:
    void SetUp() override {
        ImportFixture::SetUp();
        const std::string servers = FERRY_TEST_SOURCE_DIR "/tests/servers/";
        ASSERT_TRUE(dataworks_.start({"python3", servers + "fake_dataworks.py", "--port", "0", "--port-file",
                                      dir_ + "/dw.port", "--project", kProject, "--project", "654321", "--job-seconds",
                                      "1", "--stage-seconds", "1"},
                                     dir_ + "/dw.port"))
            << "the DataWorks double did not start; see " << dir_ << "/dw.port.log";
        fs::create_directories(dir_ + "/oss-root");
        ASSERT_TRUE(oss_.start({"python3", servers + "http_server.py", "--port", "0", "--port-file",
                                dir_ + "/oss.port", "--root", dir_ + "/oss-root"},
                               dir_ + "/oss.port"))
            << "the OSS look-alike did not start; see " << dir_ << "/oss.port.log";
        endpoint_ = "http://127.0.0.1:" + std::to_string(dataworks_.port());
        env_ = "DW_AK=ferry-test-ak DW_SK=" + std::string(kSecret);
    }

    // The sample package's task, into DataWorks workspace kProject.
    TaskFile task(const std::string& extra_commit = "") {
        TaskFile t;
        t.extra_task = "";
        t.commit = "resources = false\ntables = false\nfunctions = false\non_conflict = \"skip\"\n" + extra_commit;
        return t;
    }
    std::string write_dw_task(TaskFile t, const std::string& file = "task.toml", const std::string& project = kProject,
                              const std::string& secret_env = "DW_SK") {
        std::string text = t.text();
        const std::string settings =
            "destination = \"dataworks\"\n[workspace.dataworks]\nendpoint = \"" + endpoint_ + "\"\nproject_id = " +
            project + "\naccess_key_id_env = \"DW_AK\"\naccess_key_secret_env = \"" + secret_env +
            "\"\nretries = 3\nresource_staging = \"oss://stage/ferry\"\nstaging_endpoint = \"http://127.0.0.1:" +
            std::to_string(oss_.port()) + "\"\nstaging_path_style = true\n";
        // [workspace] keys first, then its tables.
        const auto at = text.find("importer = \"bob\"\n");
        text.insert(at + 17, settings);
        write_file(dir_ + "/" + file, text);
        return dir_ + "/" + file;
    }
    RunResult dw(const std::string& args) { return run_ferry(args + " --catalog sqlite:" + dir_ + "/catalog.db", env_); }

    json http(const std::string& method, const std::string& path, const json& body = nullptr) {
        Poco::Net::HTTPClientSession s("127.0.0.1", static_cast<Poco::UInt16>(dataworks_.port()));
        Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
        const std::string text = body.is_null() ? "" : body.dump();
        req.setContentLength(static_cast<std::streamsize>(text.size()));
        req.setContentType("application/json");
        s.sendRequest(req) << text;
        Poco::Net::HTTPResponse resp;
        std::istream& in = s.receiveResponse(resp);
        std::string out;
        Poco::StreamCopier::copyToString(in, out);
        return json::parse(out, nullptr, false);
    }
    json state() { return http("GET", "/__state"); }
    void control(const json& op) { http("POST", "/__control", op); }
    const json& project(const json& st, const std::string& id = kProject) { return st["projects"][id]; }
    // How many of the project's objects of a kind ("nodes", "workflows"...) the double holds.
    std::size_t count(const json& st, const char* kind) {
        const json& list = project(st)[kind];
        return list.is_array() ? list.size() : 0;
    }
    long requests(const json& st, const std::string& action) {
        return st["requests"].contains(action) ? st["requests"][action].get<long>() : 0;
    }

    Server dataworks_, oss_;
    std::string endpoint_, env_;
};

TEST_F(DataWorks, ThePlanReadsTheWorkspaceAndTheImportLandsEveryObjectOnce) {
    const std::string t = write_dw_task(task());
    auto plan = dw("plan --json " + t);
    ASSERT_EQ(plan.exit_code, 0) << plan.err << plan.out;
    const json p = json::parse(plan.out);
    for (const auto& o : p["objects"]) {
        EXPECT_EQ(o["action"], "create") << o.dump();
        if (o["kind"] != "table") {
            EXPECT_EQ(o["reason"], "new in DataWorks workspace 123456 at " + endpoint_) << o.dump();
        }
    }
    EXPECT_EQ(requests(state(), "CreateNode"), 0) << "a plan changes nothing";

    auto r = dw("import --yes --json " + t);
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    EXPECT_EQ(json::parse(r.out)["state"], "IMPORT_SUCCESS");
    const json st = state();
    EXPECT_EQ(count(st, "workflows"), 1u) << st.dump(2);
    EXPECT_EQ(count(st, "resources"), 1u);
    EXPECT_EQ(count(st, "functions"), 1u);
    EXPECT_EQ(count(st, "data_sources"), 1u);
    // 3 standalone nodes, and the workflow's 2 inner nodes made by its import.
    EXPECT_EQ(count(st, "nodes"), 5u);
    EXPECT_EQ(requests(st, "CreateNode"), 3);
    // The resource's bytes arrived whole through the staging bucket.
    {
        auto cat = open();
        sdk::Diagnostics d;
        const auto stored = cat->find_object("sales_prod", sdk::ObjectKind::resource, "math_lib.py", d);
        ASSERT_TRUE(stored) << codes_of(d);
        ASSERT_EQ(project(st)["resources"].size(), 1u);
        EXPECT_EQ(project(st)["resources"][0]["file"]["sha256"], host::Sha256::of(stored->content));
        EXPECT_EQ(project(st)["resources"][0]["file"]["size"].get<std::size_t>(), stored->content.size());
        EXPECT_FALSE(stored->remote_id.empty());
    }
    // The report names each object's DataWorks id.
    const json rep = json::parse(dw("report sales_dw.t1 --format json").out);
    for (const auto& d : rep["details"])
        if (d["kind"] != "table") {
            EXPECT_FALSE(d["remote"]["id"].get<std::string>().empty()) << d.dump();
        }
    // No secret anywhere a user or the catalog sees.
    EXPECT_EQ((r.out + r.err).find(kSecret), std::string::npos);
    EXPECT_EQ(read_file(dir_ + "/catalog.db").find(kSecret), std::string::npos);
}

// The bundled example (examples/sales_dw: a workflow's nodes, a resource, tables, a function, a data
// source) lands in DataWorks, its tables rehearsed on the SQLite engine as the example's task says.
TEST_F(DataWorks, TheBundledExampleLandsInDataWorks) {
    TaskFile t = task();
    t.package = FERRY_TEST_SOURCE_DIR "/examples/sales_dw";
    t.commit = "resources = true\ntables = true\nfunctions = false\nnodes = true\non_conflict = \"skip\"";
    const auto r = dw("import --yes --json " + write_dw_task(t));
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    const json out = json::parse(r.out);
    EXPECT_EQ(out["state"], "IMPORT_SUCCESS") << out.dump(2);
    const json st = state();
    EXPECT_EQ(count(st, "resources"), 1u);
    EXPECT_EQ(count(st, "functions"), 1u);
    EXPECT_EQ(count(st, "data_sources"), 1u);
    std::size_t deployed = 0, standalone = 0;
    for (const auto& n : project(st)["nodes"]) {
        standalone += n["container_id"].is_null();
        deployed += n["deployed"].get<bool>();
    }
    EXPECT_EQ(standalone, 6u) << st.dump(2);
    EXPECT_EQ(deployed, 6u);
    // The tables went to their engine, not to DataWorks: four rehearsed on SQLite.
    std::size_t tables = 0;
    for (const auto& d : out["report"]["details"])
        if (d["kind"] == "table") {
            ++tables;
            EXPECT_EQ(d["status"], "succeeded") << d.dump();
            EXPECT_FALSE(d.contains("remote")) << d.dump();
        }
    EXPECT_EQ(tables, 4u);
}

TEST_F(DataWorks, ASecondImportOfTheSamePackageMakesNoCreateOrUpdateCall) {
    const std::string t = write_dw_task(task());
    ASSERT_EQ(dw("import --yes " + t).exit_code, 0);
    const json before = state();
    // Another task, same package: a full plan against the workspace, every object unchanged.
    TaskFile again = task();
    again.name = "sales_dw.t2";
    const auto r = dw("import --yes --json " + write_dw_task(again, "again.toml"));
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    const json rep = json::parse(r.out)["report"];
    EXPECT_EQ(rep["results"]["total"]["unchanged"], rep["results"]["total"]["succeeded"].get<int>() +
                                                         rep["results"]["total"]["unchanged"].get<int>())
        << rep.dump(2);
    const json after = state();
    for (const char* action : {"CreateNode", "UpdateNode", "ImportWorkflowDefinition", "CreateResource",
                               "UpdateResource", "CreateFunction", "UpdateFunction", "CreateDataSource",
                               "UpdateDataSource", "CreatePipelineRun"})
        EXPECT_EQ(requests(after, action), requests(before, action)) << action;
}

TEST_F(DataWorks, AnObjectChangedInTheConsoleIsAConflictNotASilentOverwrite) {
    const std::string t = write_dw_task(task());
    ASSERT_EQ(dw("import --yes " + t).exit_code, 0);
    std::string id;
    const json st = state();
    for (const auto& n : project(st)["nodes"])
        if (n["name"] == "dwd_orders" && n["container_id"].is_null()) id = n["id"];
    ASSERT_FALSE(id.empty());
    control({{"op", "edit"}, {"id", id}, {"merge", {{"spec", {{"nodes", json::array({{{"description", "edited"}}})}}}}}});

    TaskFile again = task();
    again.name = "sales_dw.t2";
    const std::string t2 = write_dw_task(again, "again.toml");
    const json p = json::parse(dw("plan --json " + t2).out);
    bool seen = false;
    for (const auto& o : p["objects"])
        if (o["kind"] == "node" && o["name"] == "dwd_orders") {
            seen = true;
            EXPECT_EQ(o["action"], "conflict");
            EXPECT_NE(o["reason"].get<std::string>().find("changed in DataWorks workspace 123456 at " + endpoint_ +
                                                          " since ferry wrote it (id " + id),
                      std::string::npos)
                << o.dump();
        } else {
            EXPECT_EQ(o["action"], "unchanged") << o.dump();
        }
    EXPECT_TRUE(seen);
    // With on_conflict = overwrite it is written over, by id.
    again.commit = "resources = false\ntables = false\nfunctions = false\non_conflict = \"overwrite\"";
    const long updates = requests(state(), "UpdateNode");
    ASSERT_EQ(dw("import --yes " + write_dw_task(again, "again.toml")).exit_code, 0);
    EXPECT_EQ(requests(state(), "UpdateNode"), updates + 1);
    EXPECT_EQ(count(state(), "nodes"), 5u);
}

TEST_F(DataWorks, ThrottlingServerErrorsAndLostRepliesNeverMakeASecondObject) {
    control(json::array({{{"op", "throttle"}, {"action", "CreateNode"}, {"count", 2}, {"time_left_ms", 50}},
                         {{"op", "fail"}, {"action", "ListNodes"}, {"count", 1}},
                         {{"op", "lose_reply"}, {"action", "CreateFunction"}, {"count", 1}},
                         {{"op", "drop"}, {"action", "CreateDataSource"}, {"count", 1}},
                         {{"op", "lose_reply"}, {"action", "ImportWorkflowDefinition"}, {"count", 1}}}));
    const auto r = dw("import --yes --json " + write_dw_task(task()));
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    const json st = state();
    EXPECT_EQ(count(st, "nodes"), 5u) << st.dump(2);
    EXPECT_EQ(count(st, "functions"), 1u) << "a lost reply was looked up, not created again";
    EXPECT_EQ(count(st, "data_sources"), 1u);
    EXPECT_EQ(count(st, "workflows"), 1u);
    EXPECT_GE(requests(st, "CreateNode"), 5) << "throttled twice, then the three nodes";
    EXPECT_TRUE(st["faults"].empty()) << "every injected fault struck: " << st["faults"].dump(2);
}

// A server that quotes a refused parameter whole must not put the staged resource's presigned link
// (its signature) in front of the user: the link is scrubbed like a credential.
TEST_F(DataWorks, ARefusalQuotingTheStagedLinkNeverShowsItsSignature) {
    control({{"op", "fail"}, {"action", "CreateResource"}, {"count", 1}, {"status", 400}, {"code", "Invalid.Param"},
             {"message", "ResourceFile cannot be read:"}, {"echo_param", "ResourceFile"}});
    const auto r = dw("import --yes --json " + write_dw_task(task()));
    EXPECT_EQ(r.exit_code, 1) << r.err << r.out;
    const std::string seen = r.out + r.err + dw("report sales_dw.t1").out + dw("report sales_dw.t1 --format json").out;
    EXPECT_NE(seen.find("ResourceFile cannot be read: ResourceFile=REDACTED"), std::string::npos) << seen;
    EXPECT_EQ(seen.find("Signature="), std::string::npos) << seen;
    EXPECT_TRUE(state()["faults"].empty()) << "the refusal struck";
}

TEST_F(DataWorks, CommitMeansDeployAndEachStageIsReported) {
    const auto r = dw("import --yes --json " + write_dw_task(task("nodes = true")));
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    const json st = state();
    for (const auto& n : project(st)["nodes"])
        if (n["name"] == "ods_orders") {
            EXPECT_TRUE(n["deployed"].get<bool>()) << n.dump();
        }
    const json rep = json::parse(dw("report sales_dw.t1 --format json").out);
    bool staged = false;
    for (const auto& d : rep["details"])
        if (d["kind"] == "node" && d["name"] == "ods_orders") {
            ASSERT_FALSE(d["remote"]["stages"].empty()) << d.dump();
            EXPECT_EQ(d["remote"]["stages"].back()["status"], "Success");
            staged = true;
        }
    EXPECT_TRUE(staged) << rep.dump(2);
    const std::string text = dw("report sales_dw.t1").out;
    EXPECT_NE(text.find("deployed (BUILD_PACKAGE Success"), std::string::npos) << text;
}

TEST_F(DataWorks, AFailingDeployStageFailsItsObjectByNameAndReimportFinishes) {
    control({{"op", "fail_stage"}, {"code", "PROD_CHECK"}, {"count", 1}, {"message", "checker: table missing"}});
    const std::string t = write_dw_task(task("nodes = true"));
    const auto r = dw("import --yes --json " + t);
    EXPECT_EQ(r.exit_code, 1) << r.err << r.out;
    const json out = json::parse(r.out);
    EXPECT_EQ(out["state"], "PARTIAL_SUCCESS");
    bool named = false;
    for (const auto& d : out["report"]["details"])
        if (d["status"] == "failed") {
            EXPECT_NE(d["message"].get<std::string>().find("failed at stage PROD_CHECK"), std::string::npos) << d.dump();
            EXPECT_NE(d["message"].get<std::string>().find("checker: table missing"), std::string::npos) << d.dump();
            named = true;
        }
    EXPECT_TRUE(named) << out.dump(2);
    const auto again = dw("reimport --json sales_dw.t1");
    ASSERT_EQ(again.exit_code, 0) << again.err << again.out;
    EXPECT_EQ(count(state(), "nodes"), 5u);
}

TEST_F(DataWorks, ABadSecretAnUnknownWorkspaceOrAWrongEndpointIsOneClearError) {
    env_ = "DW_AK=ferry-test-ak DW_SK=not-the-secret";
    auto r = dw("plan " + write_dw_task(task()));
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("error[FERRY-DW-SIGNATURE]"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("DataWorks refused the request signature of List"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("not-the-secret"), std::string::npos);

    env_ = "DW_AK=ferry-test-ak DW_SK=" + std::string(kSecret);
    r = dw("plan " + write_dw_task(task(), "other.toml", "999"));
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("error[FERRY-DW-PROJECT]"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("DataWorks refused access to workspace 999"), std::string::npos) << r.err;

    endpoint_ = "http://127.0.0.1:1";
    r = dw("plan " + write_dw_task(task(), "closed.toml"));
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("error[FERRY-DW-ENDPOINT] http://127.0.0.1:1: cannot reach DataWorks at http://127.0.0.1:1"),
              std::string::npos)
        << r.err;

    env_ = "DW_AK= DW_SK=";
    r = dw("plan " + write_dw_task(task(), "nokey.toml"));
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("the environment variable DW_SK (named for the AccessKey secret) is not set"), std::string::npos) << r.err;
}

// The crash harness for this destination: killed after 1, 3, 5 and 7 objects, and in the narrowest
// window (an object in DataWorks, its record and journal entry not yet committed), each run then
// resumed with `reimport`: every object is in DataWorks once, and ferry's records match a clean run.
TEST_F(DataWorks, AKilledImportResumesAndLeavesEachObjectOnce) {
    const std::string t = write_dw_task(task());
    ASSERT_EQ(dw("import --yes " + t).exit_code, 0);
    const json clean = state();
    auto names_of = [](const json& list) {
        std::multiset<std::string> out;
        for (const auto& o : list) {
            const json& name = o.contains("name") ? o["name"] : o["Name"];  // data sources use the API's keys
            const json& path = o.contains("path") ? o["path"] : json();
            out.insert(name.dump() + "@" + path.dump());
        }
        return out;
    };
    auto records = [&](const std::string& db) {
        std::map<std::string, std::string> out;  // kind:name -> sha256, version
        sdk::Diagnostics d;
        auto cat = catalog::Catalog::open("sqlite:" + db, d);
        if (!cat) return out;
        for (const auto& o : cat->list_objects("sales_prod", std::nullopt, d))
            out[std::string(sdk::to_string(o.kind)) + ":" + o.name] = o.sha256 + " v" + std::to_string(o.version);
        return out;
    };
    const auto clean_records = records(dir_ + "/catalog.db");
    for (const std::string kill : {"FERRY_FAULT_KILL_AFTER_COMMITS=1", "FERRY_FAULT_KILL_AFTER_COMMITS=3",
                                   "FERRY_FAULT_KILL_AFTER_COMMITS=5", "FERRY_FAULT_KILL_AFTER_COMMITS=7",
                                   "FERRY_FAULT_KILL_AT=after-land"}) {
        SCOPED_TRACE(kill);
        http("POST", "/__reset");
        const std::string db = dir_ + "/" + kill.substr(kill.find('=') + 1) + ".db";
        const auto killed = run_ferry("import --yes " + t + " --catalog sqlite:" + db, env_ + " " + kill);
        EXPECT_NE(killed.exit_code, 0) << "the import was not killed";
        const auto r = run_ferry("reimport --json sales_dw.t1 --catalog sqlite:" + db, env_);
        ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
        const json st = state();
        for (const char* kind : {"nodes", "workflows", "resources", "functions", "data_sources"})
            EXPECT_EQ(names_of(project(st)[kind]), names_of(project(clean)[kind])) << kind << ": " << st.dump(2);
        EXPECT_EQ(records(db), clean_records);
    }
}

}  // namespace
}  // namespace ferry::test
