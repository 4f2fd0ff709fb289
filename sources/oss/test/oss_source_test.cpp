// The "oss" plugin, loaded as the host loads it, against tests/servers/http_server.py, which verifies
// OSS V1/V4 signatures and STS tokens (identities listed in its docstring). Needs FERRY_TEST_HTTP_URL.
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <regex>

#include "ferry/cloud/oss_signer.hpp"
#include "plugin_harness.hpp"
#include "source_test_support.hpp"

namespace ferry::source {
namespace {

using testing::describe;
using testing::drain;
using testing::first_code;
using testing::generated_bytes;
using testing::nonce;
using Cfg = std::map<std::string, std::string>;

const cloud::Credentials kLongTerm{"ferry-test-ak", "ferry-test-sk", ""};
const cloud::Credentials kSts{"STS.ferry-test-ak", "ferry-test-sts-sk", "ferry-test-sts-token"};

class OssSourceTest : public ::testing::Test {
  protected:
    static testing::PluginHarness& plugin() {
        static testing::PluginHarness h(FERRY_PLUGIN_PATH);
        return h;
    }
    void SetUp() override {
        ASSERT_TRUE(plugin().descriptor()) << plugin().error();
        ::setenv("FERRY_T_OSS_AK", kLongTerm.access_key_id.c_str(), 1);
        ::setenv("FERRY_T_OSS_SK", kLongTerm.access_key_secret.c_str(), 1);
        ::setenv("FERRY_T_OSS_BAD_SK", "wrong-secret-value", 1);
        ::setenv("FERRY_T_STS_AK", kSts.access_key_id.c_str(), 1);
        ::setenv("FERRY_T_STS_SK", kSts.access_key_secret.c_str(), 1);
        ::setenv("FERRY_T_STS_TOKEN", kSts.security_token.c_str(), 1);
        ::setenv("FERRY_T_STS_BAD_TOKEN", "expired-token-value", 1);
    }

    // endpoint + bucket + key on the loopback server, path style.
    Cfg signed_config(const std::string& base, const std::string& key, const std::string& version) {
        return {{"endpoint", base}, {"bucket", "private-bucket"}, {"key", key}, {"path_style", "true"},
                {"signature_version", version}, {"region", "cn-hangzhou"},
                {"access_key_id_env", "FERRY_T_OSS_AK"}, {"access_key_secret_env", "FERRY_T_OSS_SK"},
                {"retries", "1"}};
    }

    std::string credentials_file(const cloud::Credentials& c) {
        auto path = std::filesystem::temp_directory_path() / ("ferry-oss-creds-" + nonce());
        std::ofstream(path) << "access_key_id=" << c.access_key_id << "\naccess_key_secret=" << c.access_key_secret
                            << "\nsts_token=" << c.security_token << "\n";
        std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
        return path.string();
    }

    // Creates the source and reads the object; `diags` gets everything reported.
    testing::Drained fetch(const Cfg& config, sdk::OpenResponse* opened = nullptr) {
        testing::Drained d;
        auto source = plugin().create(config, d.diagnostics, host);
        if (!source) return d;
        auto r = source->open({});
        d.diagnostics.append(r.diagnostics);
        location = r.location;
        if (opened) opened->size = r.size;
        if (!r.stream) return d;
        auto body = drain(*r.stream);
        body.diagnostics.append(d.diagnostics);
        return body;
    }

    testing::RecordingHost host;
    std::string location;
};

TEST_F(OssSourceTest, DescribesItself) {
    const auto* d = plugin().descriptor();
    EXPECT_EQ(std::string(d->name), "oss");
    EXPECT_EQ(d->kind, sdk::PluginKind::source);
}

TEST_F(OssSourceTest, PublicAddress) {
    FERRY_REQUIRE_ENV(base, "FERRY_TEST_HTTP_URL");
    auto d = fetch({{"url", base + "/public-bucket/" + nonce() + "/pkg.zip?size=3000"}});
    ASSERT_TRUE(d.ok) << describe(d.diagnostics);
    EXPECT_EQ(d.bytes, generated_bytes(3000));
}

TEST_F(OssSourceTest, PresignedV1Address) {
    FERRY_REQUIRE_ENV(base, "FERRY_TEST_HTTP_URL");
    std::string key = nonce() + "/size-3000/pkg.zip";
    std::string error;
    auto req = cloud::parse_http_url(base + "/private-bucket/" + key, error);
    ASSERT_TRUE(req) << error;
    req->raw_target.clear();
    oss_v1_presign(*req, "private-bucket", key, kLongTerm, std::time(nullptr) + 600);
    auto d = fetch({{"url", req->url()}});
    ASSERT_TRUE(d.ok) << describe(d.diagnostics);
    EXPECT_EQ(d.bytes, generated_bytes(3000));
    EXPECT_NE(location.find("&Signature=REDACTED"), std::string::npos) << location;
}

TEST_F(OssSourceTest, PresignedV1AddressWithStsTokenKeepsTheTokenSecret) {
    FERRY_REQUIRE_ENV(base, "FERRY_TEST_HTTP_URL");
    std::string key = nonce() + "/size-3000/pkg.zip";
    std::string error;
    auto req = cloud::parse_http_url(base + "/private-bucket/" + key, error);
    ASSERT_TRUE(req) << error;
    req->raw_target.clear();
    oss_v1_presign(*req, "private-bucket", key, kSts, std::time(nullptr) + 600);
    auto d = fetch({{"url", req->url()}});
    ASSERT_TRUE(d.ok) << describe(d.diagnostics);
    EXPECT_EQ(location.find(kSts.security_token), std::string::npos) << location;
    EXPECT_NE(location.find("security-token=REDACTED"), std::string::npos) << location;
}

TEST_F(OssSourceTest, SignedV1FromEnvironment) {
    FERRY_REQUIRE_ENV(base, "FERRY_TEST_HTTP_URL");
    auto d = fetch(signed_config(base, nonce() + "/size-4000/pkg.zip", "v1"));
    ASSERT_TRUE(d.ok) << describe(d.diagnostics);
    EXPECT_EQ(d.bytes, generated_bytes(4000));
}

TEST_F(OssSourceTest, SignedV4FromEnvironment) {
    FERRY_REQUIRE_ENV(base, "FERRY_TEST_HTTP_URL");
    auto d = fetch(signed_config(base, nonce() + "/size-4000/a b+c.zip", "v4"));
    ASSERT_TRUE(d.ok) << describe(d.diagnostics);
    EXPECT_EQ(d.bytes, generated_bytes(4000));
}

TEST_F(OssSourceTest, StsTokenFromCredentialsFileV1AndV4) {
    FERRY_REQUIRE_ENV(base, "FERRY_TEST_HTTP_URL");
    std::string file = credentials_file(kSts);
    for (const char* version : {"v1", "v4"}) {
        Cfg config = signed_config(base, nonce() + "/size-2000/pkg.zip", version);
        config.erase("access_key_id_env");
        config.erase("access_key_secret_env");
        config["credentials_file"] = file;
        auto d = fetch(config);
        ASSERT_TRUE(d.ok) << version << "\n" << describe(d.diagnostics);
        EXPECT_EQ(d.bytes, generated_bytes(2000));
    }
}

TEST_F(OssSourceTest, OssUrlWithEndpoint) {
    FERRY_REQUIRE_ENV(base, "FERRY_TEST_HTTP_URL");
    Cfg config = signed_config(base, "", "v4");
    config.erase("bucket");
    config.erase("key");
    config["url"] = "oss://private-bucket/" + nonce() + "/size-1500/pkg.zip";
    auto d = fetch(config);
    ASSERT_TRUE(d.ok) << describe(d.diagnostics);
    EXPECT_EQ(d.bytes, generated_bytes(1500));
}

TEST_F(OssSourceTest, SignatureMismatchShowsTheServersStringToSignButNoSecret) {
    FERRY_REQUIRE_ENV(base, "FERRY_TEST_HTTP_URL");
    std::string key = nonce() + "/pkg.zip";
    Cfg config = signed_config(base, key, "v1");
    config["access_key_secret_env"] = "FERRY_T_OSS_BAD_SK";
    auto d = fetch(config);
    EXPECT_FALSE(d.ok);
    ASSERT_EQ(d.diagnostics.items().size(), 1u) << describe(d.diagnostics);
    const auto& e = d.diagnostics.items()[0];
    EXPECT_EQ(e.code, "FERRY-SRC-HTTP-403");
    EXPECT_TRUE(std::regex_match(e.summary, std::regex("GET " + std::regex_replace(location, std::regex(R"([.?+*()\[\]^$|\\])"), R"(\$&)") +
                                                       " failed with HTTP 403: SignatureDoesNotMatch: The request "
                                                       "signature we calculated does not match the signature you "
                                                       "provided. Check your key and signing method. \\(RequestId "
                                                       "[0-9A-F]{24}\\)")))
        << e.summary;
    std::string prefix = "check the AccessKey secret and the signature version; the server's StringToSign was:\nGET\n\n\n";
    EXPECT_EQ(e.detail.rfind(prefix, 0), 0u) << e.detail;
    EXPECT_NE(e.detail.find(" GMT\n/private-bucket/" + key + "\nEC: "), std::string::npos) << e.detail;
    EXPECT_EQ(describe(d.diagnostics).find("wrong-secret-value"), std::string::npos);
}

TEST_F(OssSourceTest, SignatureMismatchV4ShowsStringToSignAndCanonicalRequest) {
    FERRY_REQUIRE_ENV(base, "FERRY_TEST_HTTP_URL");
    Cfg config = signed_config(base, nonce() + "/pkg.zip", "v4");
    config["access_key_secret_env"] = "FERRY_T_OSS_BAD_SK";
    auto d = fetch(config);
    ASSERT_EQ(d.diagnostics.items().size(), 1u) << describe(d.diagnostics);
    const auto& e = d.diagnostics.items()[0];
    EXPECT_EQ(e.code, "FERRY-SRC-HTTP-403");
    EXPECT_NE(e.detail.find("the server's StringToSign was:\nOSS4-HMAC-SHA256\n"), std::string::npos) << e.detail;
    EXPECT_NE(e.detail.find("the server's CanonicalRequest was:\nGET\n/private-bucket/"), std::string::npos) << e.detail;
    EXPECT_EQ(describe(d.diagnostics).find("wrong-secret-value"), std::string::npos);
}

TEST_F(OssSourceTest, AnInvalidStsTokenIsReportedWithoutTheToken) {
    FERRY_REQUIRE_ENV(base, "FERRY_TEST_HTTP_URL");
    Cfg config = signed_config(base, nonce() + "/pkg.zip", "v4");
    config["access_key_id_env"] = "FERRY_T_STS_AK";
    config["access_key_secret_env"] = "FERRY_T_STS_SK";
    config["sts_token_env"] = "FERRY_T_STS_BAD_TOKEN";
    auto d = fetch(config);
    ASSERT_EQ(d.diagnostics.items().size(), 1u) << describe(d.diagnostics);
    EXPECT_EQ(d.diagnostics.items()[0].code, "FERRY-SRC-HTTP-403");
    EXPECT_NE(d.diagnostics.items()[0].summary.find(
                  ": InvalidSecurityToken: The security token you provided is invalid. (RequestId "),
              std::string::npos)
        << describe(d.diagnostics);
    EXPECT_EQ(d.diagnostics.items()[0].detail, "the STS token is invalid or expired: fetch a new one\nEC: 0000-00000000");
    EXPECT_EQ(describe(d.diagnostics).find("expired-token-value"), std::string::npos);
}

TEST_F(OssSourceTest, AnonymousReadOfAPrivateBucketIsDenied) {
    FERRY_REQUIRE_ENV(base, "FERRY_TEST_HTTP_URL");
    auto d = fetch({{"endpoint", base}, {"bucket", "private-bucket"}, {"key", nonce() + "/pkg.zip"}, {"path_style", "true"}});
    ASSERT_EQ(d.diagnostics.items().size(), 1u) << describe(d.diagnostics);
    EXPECT_EQ(d.diagnostics.items()[0].code, "FERRY-SRC-HTTP-403");
    EXPECT_NE(d.diagnostics.items()[0].summary.find(
                  ": AccessDenied: You have no right to access this object because of bucket acl. (RequestId "),
              std::string::npos);
}

TEST_F(OssSourceTest, SignedDownloadIsResumedAndReSigned) {
    FERRY_REQUIRE_ENV(base, "FERRY_TEST_HTTP_URL");
    auto d = fetch(signed_config(base, nonce() + "/fault-dropx1/size-100000/pkg.zip", "v4"));
    ASSERT_TRUE(d.ok) << describe(d.diagnostics);
    EXPECT_EQ(d.bytes, generated_bytes(100000));
    ASSERT_EQ(host.lines.size(), 1u) << host.joined();
    EXPECT_NE(host.lines[0].find("resuming at byte 50000"), std::string::npos) << host.lines[0];
}

TEST_F(OssSourceTest, WrongCrcOnASignedObject) {
    FERRY_REQUIRE_ENV(base, "FERRY_TEST_HTTP_URL");
    auto d = fetch(signed_config(base, nonce() + "/fault-badcrc/size-1000/pkg.zip", "v1"));
    EXPECT_FALSE(d.ok);
    EXPECT_EQ(first_code(d.diagnostics), "FERRY-SRC-CRC-MISMATCH") << describe(d.diagnostics);
}

TEST_F(OssSourceTest, MissingObject) {
    FERRY_REQUIRE_ENV(base, "FERRY_TEST_HTTP_URL");
    auto d = fetch(signed_config(base, nonce() + "/missing/pkg.zip", "v4"));
    ASSERT_EQ(d.diagnostics.items().size(), 1u) << describe(d.diagnostics);
    EXPECT_EQ(d.diagnostics.items()[0].code, "FERRY-SRC-HTTP-404");
    EXPECT_NE(d.diagnostics.items()[0].summary.find(": NoSuchKey: The specified key does not exist. (RequestId "),
              std::string::npos);
    EXPECT_EQ(d.diagnostics.items()[0].detail, "check the key (object names are case-sensitive)\nEC: 0000-00000000");
}

TEST_F(OssSourceTest, AnonymousEndpointBucketAndKeyNeedNothingElse) {
    // A public-read object: no credentials, no warnings (opening it would need the Internet).
    Cfg config{{"endpoint", "oss-cn-hangzhou.aliyuncs.com"}, {"bucket", "my-bucket"}, {"key", "pkgs/a b.zip"}};
    sdk::Diagnostics diags;
    auto source = plugin().create(config, diags, host);
    ASSERT_TRUE(source) << describe(diags);
    EXPECT_TRUE(diags.empty()) << describe(diags);
}

TEST_F(OssSourceTest, PathStyleOnARealEndpointWarns) {
    Cfg config{{"endpoint", "oss-cn-hangzhou.aliyuncs.com"}, {"bucket", "my-bucket"}, {"key", "k"}, {"path_style", "true"}};
    sdk::Diagnostics diags;
    ASSERT_TRUE(plugin().create(config, diags, host)) << describe(diags);
    ASSERT_EQ(diags.items().size(), 1u) << describe(diags);
    EXPECT_EQ(diags.items()[0].severity, sdk::Severity::warning);
    EXPECT_EQ(diags.items()[0].code, "FERRY-SRC-OSS-PATH-STYLE");
}

TEST_F(OssSourceTest, RefusesBadConfigs) {
    struct Case {
        Cfg config;
        std::string code;
        std::string summary;
    };
    ::unsetenv("FERRY_T_UNSET");
    const std::vector<Case> cases = {
        {{{"endpoint", "oss-cn-hangzhou.aliyuncs.com"}, {"bucket", "b-1"}, {"key", "k"},
          {"access_key_id_env", "FERRY_T_OSS_AK"}, {"access_key_secret_env", "FERRY_T_UNSET"}},
         "FERRY-CLOUD-CREDENTIALS", "the environment variable FERRY_T_UNSET (named for the AccessKey secret) is not set"},
        {{{"endpoint", "http://127.0.0.1:1"}, {"bucket", "b-1"}, {"key", "k"}, {"path_style", "true"},
          {"access_key_id_env", "FERRY_T_OSS_AK"}, {"access_key_secret_env", "FERRY_T_OSS_SK"}},
         "FERRY-SRC-CONFIG", "cannot derive the region from the endpoint '127.0.0.1'"},
        {{{"url", "oss://b-1/k"}, {"endpoint", "oss-cn-hangzhou.aliyuncs.com"}, {"bucket", "b-1"}},
         "FERRY-SRC-CONFIG", "url oss://... already names the bucket and key"},
        {{{"url", "https://b-1.oss-cn-hangzhou.aliyuncs.com/k"}, {"access_key_id_env", "FERRY_T_OSS_AK"}},
         "FERRY-SRC-CONFIG", "url is an address fetched as given; endpoint, bucket, key and credentials do not apply"},
        {{{"endpoint", "oss-cn-hangzhou.aliyuncs.com"}, {"bucket", "Bad_Bucket"}, {"key", "k"}},
         "FERRY-SRC-CONFIG", "'Bad_Bucket' is not an OSS bucket name"},
        {{{"endpoint", "oss-cn-hangzhou.aliyuncs.com"}, {"bucket", "b-1"}}, "FERRY-SRC-CONFIG",
         "the OSS object is not fully named"},
        {{{"endpoint", "oss-cn-hangzhou.aliyuncs.com"}, {"bucket", "b-1"}, {"key", "k"}, {"signature_version", "v2"},
          {"access_key_id_env", "FERRY_T_OSS_AK"}, {"access_key_secret_env", "FERRY_T_OSS_SK"}},
         "FERRY-SRC-CONFIG", "signature_version must be \"v1\" or \"v4\", not \"v2\""},
    };
    for (const Case& c : cases) {
        sdk::Diagnostics d;
        EXPECT_FALSE(plugin().create(c.config, d, host)) << c.summary;
        ASSERT_EQ(d.items().size(), 1u) << describe(d);
        EXPECT_EQ(d.items()[0].code, c.code);
        EXPECT_EQ(d.items()[0].summary, c.summary);
    }
}

}  // namespace
}  // namespace ferry::source
