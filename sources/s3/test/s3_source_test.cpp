// The "s3" plugin against npm's s3rver (FERRY_TEST_S3_ENDPOINT; bucket testbucket, S3RVER/S3RVER),
// which verifies SigV2 signatures and the key id of SigV4.
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

#include "ferry/cloud/aws_signer.hpp"
#include "ferry/cloud/http_client.hpp"
#include "plugin_harness.hpp"
#include "source_test_support.hpp"

namespace ferry::source {
namespace {

using testing::describe;
using testing::drain;
using testing::generated_bytes;
using testing::nonce;
using Cfg = std::map<std::string, std::string>;

const cloud::Credentials kS3rver{"S3RVER", "S3RVER", ""};

// Stores `bytes` at testbucket/key with a SigV2-signed PUT (the signer's own round trip).
int put_object(const std::string& endpoint, const std::string& key, const std::string& bytes) {
    std::string error;
    auto req = cloud::parse_http_url(endpoint + "/testbucket/" + key, error);
    if (!req) return -1;
    req->raw_target.clear();
    req->method = "PUT";
    req->headers = {{"Content-Type", "application/octet-stream"}};
    aws_v2_sign_header(*req, "testbucket", key, kS3rver, std::time(nullptr));
    cloud::HttpResponse response;
    if (cloud::send_request(*req, bytes, {}, response).failure != cloud::SendFailure::none) return -1;
    return response.status;
}

class S3SourceTest : public ::testing::Test {
  protected:
    static testing::PluginHarness& plugin() {
        static testing::PluginHarness h(FERRY_PLUGIN_PATH);
        return h;
    }
    void SetUp() override {
        ASSERT_TRUE(plugin().descriptor()) << plugin().error();
        ::setenv("FERRY_T_S3_AK", "S3RVER", 1);
        ::setenv("FERRY_T_S3_SK", "S3RVER", 1);
        ::setenv("FERRY_T_S3_BAD_SK", "not-the-secret", 1);
        ::setenv("FERRY_T_S3_BAD_AK", "NOBODY", 1);
    }
    Cfg config(const std::string& endpoint, const std::string& key, const std::string& version) {
        return {{"endpoint", endpoint}, {"bucket", "testbucket"}, {"key", key}, {"path_style", "true"},
                {"signature_version", version}, {"access_key_id_env", "FERRY_T_S3_AK"},
                {"secret_access_key_env", "FERRY_T_S3_SK"}, {"retries", "0"}};
    }
    testing::Drained fetch(const Cfg& cfg) {
        testing::Drained d;
        auto source = plugin().create(cfg, d.diagnostics, host);
        if (!source) return d;
        auto r = source->open({});
        d.diagnostics.append(r.diagnostics);
        if (!r.stream) return d;
        auto body = drain(*r.stream);
        body.diagnostics.append(d.diagnostics);
        return body;
    }
    testing::RecordingHost host;
};

TEST_F(S3SourceTest, SigV2AndSigV4) {
    FERRY_REQUIRE_ENV(endpoint, "FERRY_TEST_S3_ENDPOINT");
    std::string key = nonce() + "/pkg.zip";
    ASSERT_EQ(put_object(endpoint, key, generated_bytes(150000)), 200);
    for (const char* version : {"v2", "v4"}) {
        auto d = fetch(config(endpoint, key, version));
        ASSERT_TRUE(d.ok) << version << "\n" << describe(d.diagnostics);
        EXPECT_EQ(d.bytes, generated_bytes(150000)) << version;
    }
}

TEST_F(S3SourceTest, S3UrlWithEndpoint) {
    FERRY_REQUIRE_ENV(endpoint, "FERRY_TEST_S3_ENDPOINT");
    std::string key = nonce() + "/dir/pkg.zip";
    ASSERT_EQ(put_object(endpoint, key, generated_bytes(777)), 200);
    Cfg cfg = config(endpoint, "", "v4");
    cfg.erase("bucket");
    cfg.erase("key");
    cfg["url"] = "s3://testbucket/" + key;
    auto d = fetch(cfg);
    ASSERT_TRUE(d.ok) << describe(d.diagnostics);
    EXPECT_EQ(d.bytes, generated_bytes(777));
}

TEST_F(S3SourceTest, AWrongSecretIsRefusedWithTheServersStringToSign) {
    FERRY_REQUIRE_ENV(endpoint, "FERRY_TEST_S3_ENDPOINT");
    std::string key = nonce() + "/pkg.zip";
    ASSERT_EQ(put_object(endpoint, key, "x"), 200);
    Cfg cfg = config(endpoint, key, "v2");
    cfg["secret_access_key_env"] = "FERRY_T_S3_BAD_SK";
    auto d = fetch(cfg);
    ASSERT_EQ(d.diagnostics.items().size(), 1u) << describe(d.diagnostics);
    const auto& e = d.diagnostics.items()[0];
    EXPECT_EQ(e.code, "FERRY-SRC-HTTP-403");
    EXPECT_NE(e.summary.find("failed with HTTP 403: SignatureDoesNotMatch: "), std::string::npos) << e.summary;
    EXPECT_NE(e.detail.find("the server's StringToSign was:\nGET\n"), std::string::npos) << e.detail;
    EXPECT_EQ(describe(d.diagnostics).find("not-the-secret"), std::string::npos);
}

TEST_F(S3SourceTest, AnUnknownKeyIdIsRefusedForSigV4) {
    FERRY_REQUIRE_ENV(endpoint, "FERRY_TEST_S3_ENDPOINT");
    Cfg cfg = config(endpoint, nonce() + "/pkg.zip", "v4");
    cfg["access_key_id_env"] = "FERRY_T_S3_BAD_AK";
    auto d = fetch(cfg);
    ASSERT_EQ(d.diagnostics.items().size(), 1u) << describe(d.diagnostics);
    EXPECT_EQ(d.diagnostics.items()[0].code, "FERRY-SRC-HTTP-403");
    EXPECT_NE(d.diagnostics.items()[0].summary.find(": InvalidAccessKeyId: "), std::string::npos)
        << d.diagnostics.items()[0].summary;
}

TEST_F(S3SourceTest, MissingObject) {
    FERRY_REQUIRE_ENV(endpoint, "FERRY_TEST_S3_ENDPOINT");
    auto d = fetch(config(endpoint, nonce() + "/nothing-here.zip", "v4"));
    ASSERT_EQ(d.diagnostics.items().size(), 1u) << describe(d.diagnostics);
    EXPECT_EQ(d.diagnostics.items()[0].code, "FERRY-SRC-HTTP-404");
    EXPECT_NE(d.diagnostics.items()[0].summary.find(": NoSuchKey: The specified key does not exist."), std::string::npos)
        << d.diagnostics.items()[0].summary;
}

TEST_F(S3SourceTest, RefusesBadConfigs) {
    struct Case {
        Cfg config;
        std::string summary;
    };
    for (const Case& c : std::vector<Case>{
             {{{"endpoint", "s3.amazonaws.com"}, {"bucket", "b1"}, {"key", "k"}}, "'b1' is not an S3 bucket name"},
             {{{"endpoint", "s3.amazonaws.com"}, {"bucket", "bkt"}, {"key", "k"}, {"signature_version", "v3"},
               {"access_key_id_env", "FERRY_T_S3_AK"}, {"secret_access_key_env", "FERRY_T_S3_SK"}},
              "signature_version must be \"v4\" or \"v2\", not \"v3\""},
             {{{"url", "s3://bucket-only"}, {"endpoint", "s3.amazonaws.com"}},
              "url 's3://bucket-only' is not of the form s3://bucket/key"},
         }) {
        sdk::Diagnostics d;
        EXPECT_FALSE(plugin().create(c.config, d, host)) << c.summary;
        ASSERT_EQ(d.items().size(), 1u) << describe(d);
        EXPECT_EQ(d.items()[0].code, "FERRY-SRC-CONFIG");
        EXPECT_EQ(d.items()[0].summary, c.summary);
    }
}

}  // namespace
}  // namespace ferry::source
