// Packages from addresses (issue 5): `ferry check` routes http(s):// to the http source, and an
// import task with [source] plugin = "oss" runs end to end against the loopback OSS look-alike
// (tests/servers/http_server.py), signed with V4 from environment variables.
#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "package_builder.hpp"
#include "test_env.hpp"

namespace ferry::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The servers come from tests/servers/start_source_servers.sh; without them the test fails.
std::string required_env(const char* name) {
    const char* v = std::getenv(name);
    if (!v || !*v) {
        ADD_FAILURE() << name << " is not set: start the servers with "
                      << "eval \"$(tests/servers/start_source_servers.sh start DIR)\" (tests/run.sh does)";
        return {};
    }
    return v;
}

// Puts a package where the server serves ROOT/<bucket>/<key>, under a name unique to the test.
std::string publish(const std::string& bucket, const std::string& key) {
    const std::string root = required_env("FERRY_TEST_HTTP_ROOT");
    if (root.empty()) return {};
    fs::create_directories(root + "/" + bucket);
    write_package(root + "/" + bucket + "/" + key, Format::zip, spec_package_entries(samples_dir()));
    return key;
}

TEST(SourceAddress, CheckReadsAPackageFromAnHttpAddress) {
    const std::string base = required_env("FERRY_TEST_HTTP_URL");
    ASSERT_FALSE(base.empty());
    const std::string key = publish("pkgs", "check-http.zip");
    const auto r = run_ferry("check --json " + base + "/pkgs/" + key);
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    const json doc = json::parse(r.out);
    EXPECT_TRUE(doc["ok"].get<bool>());
    EXPECT_EQ(doc["package"]["source"], "http");
    EXPECT_EQ(doc["package"]["format"], "spec");
    EXPECT_EQ(doc["objects"]["nodes"], 3);
}

TEST(SourceAddress, A404IsAClearFailure) {
    const std::string base = required_env("FERRY_TEST_HTTP_URL");
    ASSERT_FALSE(base.empty());
    const auto r = run_ferry("check " + base + "/pkgs/missing/none.zip");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("error[FERRY-SRC-HTTP-404]"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("NoSuchKey"), std::string::npos) << r.err;
}

TEST(SourceAddress, ImportTaskFromOssSignedWithV4) {
    const std::string base = required_env("FERRY_TEST_HTTP_URL");
    ASSERT_FALSE(base.empty());
    const std::string dir = scratch_dir();
    const std::string key = publish("private-pkgs", "sales_dw-" + std::to_string(::getpid()) + ".zip");
    write_file(dir + "/task.toml", R"([task]
name = "from_oss"
[source]
plugin = "oss"
endpoint = ")" + base + R"("
bucket = "private-pkgs"
key = ")" + key + R"("
signature_version = "v4"
region = "cn-hangzhou"
access_key_id_env = "FERRY_TEST_OSS_AK"
access_key_secret_env = "FERRY_TEST_OSS_SK"
path_style = true
[workspace]
name = "sales_prod"
catalog = "sqlite:catalog.db"
importer = "bob"
[[workspace.engines]]
name = "rehearsal"
type = "sqlite"
path = "rehearsal.db"
[mapping.engines]
odps_first = { instance = "rehearsal", cross_engine = true }
[commit]
functions = false
)");
    const std::string env = "FERRY_TEST_OSS_AK=ferry-test-ak FERRY_TEST_OSS_SK=ferry-test-sk";
    const auto r = run_ferry("import --yes --json " + dir + "/task.toml", env);
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    const json doc = json::parse(r.out);
    EXPECT_EQ(doc["state"], "IMPORT_SUCCESS");
    EXPECT_EQ(doc["report"]["basic"]["source"], "oss");
    EXPECT_EQ(doc["report"]["results"]["total"]["succeeded"], 8);
    EXPECT_EQ(r.out.find("ferry-test-sk"), std::string::npos) << "the secret must never be printed";
    EXPECT_EQ(r.err.find("ferry-test-sk"), std::string::npos);

    // A wrong secret: a clear refusal with the server's words, and still no secret in sight.
    const auto bad = run_ferry("plan " + dir + "/task.toml", "FERRY_TEST_OSS_AK=ferry-test-ak FERRY_TEST_OSS_SK=wrong-secret");
    EXPECT_EQ(bad.exit_code, 1);
    EXPECT_NE(bad.err.find("SignatureDoesNotMatch"), std::string::npos) << bad.err;
    EXPECT_EQ(bad.err.find("wrong-secret"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace ferry::test
