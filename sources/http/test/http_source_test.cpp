// The "http" plugin, loaded as the host loads it, against the loopback HTTP and TLS test servers
// (FERRY_TEST_HTTP_URL, FERRY_TEST_TLS_URL, FERRY_TEST_TLS_CA from tests/servers/start_source_servers.sh).
#include <gtest/gtest.h>

#include "plugin_harness.hpp"
#include "source_test_support.hpp"

namespace ferry::source {
namespace {

using testing::describe;
using testing::drain;
using testing::generated_bytes;
using testing::nonce;

class HttpSourceTest : public ::testing::Test {
  protected:
    static testing::PluginHarness& plugin() {
        static testing::PluginHarness h(FERRY_PLUGIN_PATH);
        return h;
    }
    void SetUp() override { ASSERT_TRUE(plugin().descriptor()) << plugin().error(); }

    std::unique_ptr<sdk::Source> create(const std::map<std::string, std::string>& config) {
        return plugin().create(config, diags, host);
    }

    sdk::Diagnostics diags;
    testing::RecordingHost host;
};

TEST_F(HttpSourceTest, DescribesItself) {
    const auto* d = plugin().descriptor();
    EXPECT_EQ(std::string(d->name), "http");
    EXPECT_EQ(d->kind, sdk::PluginKind::source);
    std::vector<std::string> keys;
    for (std::uint32_t i = 0; i < d->schema_size; ++i) keys.push_back(d->schema[i].name);
    EXPECT_EQ(keys, (std::vector<std::string>{"url", "ca_file", "timeout", "retries"}));
}

TEST_F(HttpSourceTest, FetchesOverHttp) {
    FERRY_REQUIRE_ENV(base, "FERRY_TEST_HTTP_URL");
    auto source = create({{"url", base + "/files/" + nonce() + "/pkg.zip?size=123456"}});
    ASSERT_TRUE(source) << describe(diags);
    auto r = source->open({});
    ASSERT_TRUE(r.stream) << describe(r.diagnostics);
    EXPECT_EQ(r.size, 123456);
    auto d = drain(*r.stream);
    ASSERT_TRUE(d.ok) << describe(d.diagnostics);
    EXPECT_EQ(d.bytes, generated_bytes(123456));
}

TEST_F(HttpSourceTest, FetchesOverHttpsWithTheConfiguredCa) {
    FERRY_REQUIRE_ENV(base, "FERRY_TEST_TLS_URL");
    FERRY_REQUIRE_ENV(ca, "FERRY_TEST_TLS_CA");
    auto source = create({{"url", base + "/files/" + nonce() + "/pkg.zip?size=5000"}, {"ca_file", ca}});
    ASSERT_TRUE(source) << describe(diags);
    auto r = source->open({});
    ASSERT_TRUE(r.stream) << describe(r.diagnostics);
    auto d = drain(*r.stream);
    ASSERT_TRUE(d.ok) << describe(d.diagnostics);
    EXPECT_EQ(d.bytes, generated_bytes(5000));
}

TEST_F(HttpSourceTest, HttpsIsVerifiedByDefault) {
    FERRY_REQUIRE_ENV(base, "FERRY_TEST_TLS_URL");
    auto source = create({{"url", base + "/files/pkg.zip"}, {"retries", "0"}});
    ASSERT_TRUE(source) << describe(diags);
    auto r = source->open({});
    EXPECT_FALSE(r.stream);
    EXPECT_EQ(testing::first_code(r.diagnostics), "FERRY-SRC-TLS") << describe(r.diagnostics);
}

TEST_F(HttpSourceTest, NotFoundIsFinal) {
    FERRY_REQUIRE_ENV(base, "FERRY_TEST_HTTP_URL");
    std::string url = base + "/files/" + nonce() + "/missing/pkg.zip?rid=RQ1";
    auto source = create({{"url", url}});
    ASSERT_TRUE(source) << describe(diags);
    auto r = source->open({});
    EXPECT_FALSE(r.stream);
    ASSERT_EQ(r.diagnostics.items().size(), 1u) << describe(r.diagnostics);
    EXPECT_EQ(r.diagnostics.items()[0].code, "FERRY-SRC-HTTP-404");
    EXPECT_EQ(r.diagnostics.items()[0].summary,
              "GET " + url + " failed with HTTP 404: NoSuchKey: The specified key does not exist. (RequestId RQ1)");
    EXPECT_EQ(r.diagnostics.items()[0].where, "test.toml:1:1");
}

TEST_F(HttpSourceTest, ResumesADroppedDownload) {
    FERRY_REQUIRE_ENV(base, "FERRY_TEST_HTTP_URL");
    auto source = create({{"url", base + "/files/" + nonce() + "/pkg.zip?size=80000&fault=dropx1"}});
    ASSERT_TRUE(source) << describe(diags);
    auto r = source->open({});
    ASSERT_TRUE(r.stream) << describe(r.diagnostics);
    auto d = drain(*r.stream);
    ASSERT_TRUE(d.ok) << describe(d.diagnostics);
    EXPECT_EQ(d.bytes, generated_bytes(80000));
    EXPECT_EQ(host.lines.size(), 1u) << host.joined();
}

TEST_F(HttpSourceTest, ThePresignedSignatureIsNeverShown) {
    FERRY_REQUIRE_ENV(base, "FERRY_TEST_HTTP_URL");
    auto source = create({{"url", base + "/files/" + nonce() + "/missing/k?OSSAccessKeyId=AK&Expires=1&Signature=s3cr3tSig"}});
    ASSERT_TRUE(source) << describe(diags);
    auto r = source->open({});
    EXPECT_EQ(r.location.find("s3cr3tSig"), std::string::npos) << r.location;
    EXPECT_NE(r.location.find("Signature=REDACTED"), std::string::npos) << r.location;
    EXPECT_EQ(describe(r.diagnostics).find("s3cr3tSig"), std::string::npos) << describe(r.diagnostics);
}

TEST_F(HttpSourceTest, RefusesBadConfigs) {
    struct Case {
        std::map<std::string, std::string> config;
        std::string summary;
    };
    for (const Case& c : std::vector<Case>{
             {{{"url", "ftp://h/p.zip"}}, "url: the scheme 'ftp' is not supported (expected http or https)"},
             {{{"url", "https://me:pw@h/p.zip"}},
              "url: the address carries a user name or password; credentials never go into an address"},
             {{{"url", "https://h/p.zip"}, {"timeout", "0"}}, "timeout must be from 1 to 3600 seconds, not 0"},
             {{{"url", "https://h/p.zip"}, {"retries", "99"}}, "retries must be from 0 to 20, not 99"},
         }) {
        sdk::Diagnostics d;
        EXPECT_FALSE(plugin().create(c.config, d, host));
        ASSERT_EQ(d.items().size(), 1u) << describe(d);
        EXPECT_EQ(d.items()[0].code, "FERRY-SRC-CONFIG");
        EXPECT_EQ(d.items()[0].summary, c.summary);
    }
}

}  // namespace
}  // namespace ferry::source
