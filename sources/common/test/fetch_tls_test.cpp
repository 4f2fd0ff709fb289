// HTTPS through Poco NetSSL against the TLS test server, whose certificate a throwaway CA signed
// for IP 127.0.0.1 only. Needs FERRY_TEST_TLS_URL and FERRY_TEST_TLS_CA.
#include <gtest/gtest.h>

#include "ferry/source/http_fetch.hpp"
#include "source_test_support.hpp"

namespace ferry::source {
namespace {

using namespace std::chrono_literals;
using testing::describe;
using testing::drain;
using testing::generated_bytes;
using testing::nonce;

FetchOptions tls_options(const std::string& url, const std::string& ca_file) {
    std::string error;
    auto req = cloud::parse_http_url(url, error);
    EXPECT_TRUE(req) << error;
    FetchOptions o;
    if (req) o.request = *req;
    o.location = url;
    o.transport.ca_file = ca_file;
    o.transport.timeout = 3000ms;
    o.retries = 1;
    o.backoff = 50ms;
    return o;
}

TEST(FetchTls, TrustsTheConfiguredCaFile) {
    FERRY_REQUIRE_ENV(base, "FERRY_TEST_TLS_URL");
    FERRY_REQUIRE_ENV(ca, "FERRY_TEST_TLS_CA");
    auto r = open_http(tls_options(base + "/files/" + nonce() + "/tls.bin?size=70000", ca), {});
    ASSERT_TRUE(r.stream) << describe(r.diagnostics);
    auto d = drain(*r.stream);
    ASSERT_TRUE(d.ok) << describe(d.diagnostics);
    EXPECT_EQ(d.bytes, generated_bytes(70000));
}

TEST(FetchTls, ResumesOverTls) {
    FERRY_REQUIRE_ENV(base, "FERRY_TEST_TLS_URL");
    FERRY_REQUIRE_ENV(ca, "FERRY_TEST_TLS_CA");
    auto r = open_http(tls_options(base + "/files/" + nonce() + "/tls.bin?size=200000&fault=dropx1", ca), {});
    ASSERT_TRUE(r.stream) << describe(r.diagnostics);
    auto d = drain(*r.stream);
    ASSERT_TRUE(d.ok) << describe(d.diagnostics);
    EXPECT_EQ(d.bytes, generated_bytes(200000));
}

TEST(FetchTls, AnUntrustedCertificateIsRefusedByDefault) {
    FERRY_REQUIRE_ENV(base, "FERRY_TEST_TLS_URL");
    auto r = open_http(tls_options(base + "/files/x.bin", ""), {});
    EXPECT_FALSE(r.stream);
    ASSERT_EQ(r.diagnostics.items().size(), 1u) << describe(r.diagnostics);
    const auto& e = r.diagnostics.items()[0];
    EXPECT_EQ(e.code, "FERRY-SRC-TLS");
    EXPECT_EQ(e.summary.rfind("the TLS connection to " + base.substr(8) + " failed: ", 0), 0u) << e.summary;
    EXPECT_NE(e.summary.find("certificate verify failed"), std::string::npos) << e.summary;
    EXPECT_EQ(e.detail,
              "the server's certificate must chain to a CA the system trusts (or set ca_file) and name the host");
}

TEST(FetchTls, ACertificateForAnotherNameIsRefused) {
    FERRY_REQUIRE_ENV(base, "FERRY_TEST_TLS_URL");
    FERRY_REQUIRE_ENV(ca, "FERRY_TEST_TLS_CA");
    std::string port = base.substr(base.rfind(':') + 1);
    auto r = open_http(tls_options("https://localhost:" + port + "/files/x.bin", ca), {});
    EXPECT_FALSE(r.stream);
    ASSERT_EQ(r.diagnostics.items().size(), 1u) << describe(r.diagnostics);
    EXPECT_EQ(r.diagnostics.items()[0].code, "FERRY-SRC-TLS");
    EXPECT_EQ(r.diagnostics.items()[0].detail,
              "the server's certificate must chain to a CA in " + ca + " and name the host");
}

TEST(FetchTls, AnUnreadableCaFileIsReported) {
    FERRY_REQUIRE_ENV(base, "FERRY_TEST_TLS_URL");
    auto r = open_http(tls_options(base + "/files/x.bin", "/nonexistent/ca.pem"), {});
    EXPECT_FALSE(r.stream);
    ASSERT_EQ(r.diagnostics.items().size(), 1u) << describe(r.diagnostics);
    EXPECT_EQ(r.diagnostics.items()[0].code, "FERRY-SRC-TLS");
    EXPECT_EQ(r.diagnostics.items()[0].summary.rfind("cannot load the CA file /nonexistent/ca.pem: ", 0), 0u)
        << r.diagnostics.items()[0].summary;
}

}  // namespace
}  // namespace ferry::source
