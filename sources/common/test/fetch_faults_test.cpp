// Each fault of issue 5 against tests/servers/http_server.py, with its exact error or its recovery.
// Needs FERRY_TEST_HTTP_URL (tests/servers/start_source_servers.sh).
#include <gtest/gtest.h>

#include <Poco/Net/ServerSocket.h>

#include "ferry/cloud/crc64.hpp"
#include "ferry/source/http_fetch.hpp"
#include "ferry/cloud/redact.hpp"
#include "source_test_support.hpp"

namespace ferry::source {
namespace {

using namespace std::chrono_literals;
using testing::describe;
using testing::drain;
using testing::first_code;
using testing::generated_bytes;
using testing::nonce;

class FetchFaults : public ::testing::Test {
  protected:
    // Options for `path` on the test server, with short timeouts and backoff so faults stay fast.
    FetchOptions options(const std::string& base, const std::string& path) {
        url = base + path;
        std::string error;
        auto req = cloud::parse_http_url(url, error);
        EXPECT_TRUE(req) << error;
        FetchOptions o;
        if (req) o.request = *req;
        o.location = cloud::redact_url(url);
        o.transport.timeout = 2000ms;
        o.retries = 3;
        o.backoff = 50ms;
        o.host = &host;
        o.where = "test.toml:3:1";
        return o;
    }

    sdk::OpenResponse open(FetchOptions o, std::uint64_t max_size = 0) {
        sdk::OpenRequest req;
        req.max_size = max_size;
        return open_http(std::move(o), req);
    }

    std::string url;
    testing::RecordingHost host;
};

TEST_F(FetchFaults, WholeObjectIsStreamedAndVerified) {
    FERRY_REQUIRE_ENV(base, "FERRY_TEST_HTTP_URL");
    auto r = open(options(base, "/files/" + nonce() + "/ok.bin?size=200000"));
    ASSERT_TRUE(r.stream) << describe(r.diagnostics);
    EXPECT_EQ(r.size, 200000);
    EXPECT_EQ(r.location, url);
    auto d = drain(*r.stream);
    EXPECT_TRUE(d.ok) << describe(d.diagnostics);
    EXPECT_EQ(d.bytes, generated_bytes(200000));
    EXPECT_TRUE(host.lines.empty()) << host.joined();
}

TEST_F(FetchFaults, DroppedConnectionIsResumedWithRange) {
    FERRY_REQUIRE_ENV(base, "FERRY_TEST_HTTP_URL");
    auto r = open(options(base, "/files/" + nonce() + "/pkg.bin?size=300000&fault=drop"));
    ASSERT_TRUE(r.stream) << describe(r.diagnostics);
    auto d = drain(*r.stream);
    ASSERT_TRUE(d.ok) << describe(d.diagnostics);
    EXPECT_EQ(d.bytes, generated_bytes(300000));
    ASSERT_EQ(host.lines.size(), 1u) << host.joined();
    EXPECT_EQ(host.lines[0], "warning: " + url +
                                 ": the connection closed after 150000 of 300000 bytes; resuming at byte 150000 in 50 "
                                 "ms (retry 1 of 3)");
}

TEST_F(FetchFaults, ResetConnectionIsResumedWithRange) {
    FERRY_REQUIRE_ENV(base, "FERRY_TEST_HTTP_URL");
    auto r = open(options(base, "/files/" + nonce() + "/pkg.bin?size=300000&fault=resetx1"));
    ASSERT_TRUE(r.stream) << describe(r.diagnostics);
    auto d = drain(*r.stream);
    ASSERT_TRUE(d.ok) << describe(d.diagnostics);
    EXPECT_EQ(d.bytes, generated_bytes(300000));
    ASSERT_EQ(host.lines.size(), 1u) << host.joined();
    EXPECT_EQ(host.lines[0].rfind("warning: " + url + ": ", 0), 0u) << host.lines[0];
    EXPECT_NE(host.lines[0].find("(retry 1 of 3)"), std::string::npos) << host.lines[0];
}

TEST_F(FetchFaults, ResumeFromAServerThatIgnoresRangeSkipsWhatItHas) {
    FERRY_REQUIRE_ENV(base, "FERRY_TEST_HTTP_URL");
    auto r = open(options(base, "/files/" + nonce() + "/pkg.bin?size=100000&fault=dropx1,norange"));
    ASSERT_TRUE(r.stream) << describe(r.diagnostics);
    auto d = drain(*r.stream);
    ASSERT_TRUE(d.ok) << describe(d.diagnostics);
    EXPECT_EQ(d.bytes, generated_bytes(100000));
    ASSERT_EQ(host.lines.size(), 2u) << host.joined();
    EXPECT_EQ(host.lines[1], "info: " + url + " ignored the Range request; skipping 50000 bytes already received");
}

TEST_F(FetchFaults, SlowServerTimesOut) {
    FERRY_REQUIRE_ENV(base, "FERRY_TEST_HTTP_URL");
    auto o = options(base, "/files/" + nonce() + "/slow.bin?size=1000&fault=slow&delay=3");
    o.transport.timeout = 500ms;
    o.retries = 1;
    auto r = open(std::move(o));
    ASSERT_TRUE(r.stream) << describe(r.diagnostics);  // the headers come at once; the body does not
    auto started = std::chrono::steady_clock::now();
    auto d = drain(*r.stream);
    EXPECT_FALSE(d.ok);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 2500ms);
    ASSERT_EQ(d.diagnostics.items().size(), 1u) << describe(d.diagnostics);
    EXPECT_EQ(d.diagnostics.items()[0].code, "FERRY-SRC-TIMEOUT");
    EXPECT_EQ(d.diagnostics.items()[0].summary, "no data from " + url + " for 500 ms (gave up after 2 attempts)");
    EXPECT_EQ(d.diagnostics.items()[0].where, "test.toml:3:1");
    EXPECT_EQ(d.bytes, "");
}

TEST_F(FetchFaults, SlowServerOnceIsRetried) {
    FERRY_REQUIRE_ENV(base, "FERRY_TEST_HTTP_URL");
    auto o = options(base, "/files/" + nonce() + "/slow.bin?size=1000&fault=slowx1&delay=2");
    o.transport.timeout = 500ms;
    auto r = open(std::move(o));
    ASSERT_TRUE(r.stream) << describe(r.diagnostics);
    auto d = drain(*r.stream);
    ASSERT_TRUE(d.ok) << describe(d.diagnostics);
    EXPECT_EQ(d.bytes, generated_bytes(1000));
    ASSERT_EQ(host.lines.size(), 1u) << host.joined();
    EXPECT_EQ(host.lines[0], "warning: no data from " + url + " for 500 ms; retrying in 50 ms (retry 1 of 3)");
}

TEST_F(FetchFaults, WrongCrcFailsBeforeTheEnd) {
    FERRY_REQUIRE_ENV(base, "FERRY_TEST_HTTP_URL");
    auto r = open(options(base, "/files/" + nonce() + "/crc.bin?size=1000&fault=badcrc"));
    ASSERT_TRUE(r.stream) << describe(r.diagnostics);
    auto d = drain(*r.stream);
    EXPECT_FALSE(d.ok);
    cloud::Crc64 crc;
    std::string bytes = generated_bytes(1000);
    crc.update(bytes.data(), bytes.size());
    ASSERT_EQ(d.diagnostics.items().size(), 1u) << describe(d.diagnostics);
    EXPECT_EQ(d.diagnostics.items()[0].code, "FERRY-SRC-CRC-MISMATCH");
    EXPECT_EQ(d.diagnostics.items()[0].summary,
              "the CRC-64 of the 1000 bytes received from " + url + " is " + std::to_string(crc.value()) +
                  ", but the server announced " + std::to_string(crc.value() + 1) + " (x-oss-hash-crc64ecma)");
}

TEST_F(FetchFaults, ServerErrorThenSuccessIsRetried) {
    FERRY_REQUIRE_ENV(base, "FERRY_TEST_HTTP_URL");
    auto r = open(options(base, "/files/" + nonce() + "/flaky.bin?size=5000&fault=500x2&rid=R500"));
    ASSERT_TRUE(r.stream) << describe(r.diagnostics);
    auto d = drain(*r.stream);
    ASSERT_TRUE(d.ok) << describe(d.diagnostics);
    EXPECT_EQ(d.bytes, generated_bytes(5000));
    std::string failure = "GET " + url +
                          " failed with HTTP 500: InternalError: We encountered an internal error. Please try again. "
                          "(RequestId R500)";
    EXPECT_EQ(host.lines, (std::vector<std::string>{"warning: " + failure + "; retrying in 50 ms (retry 1 of 3)",
                                                     "warning: " + failure + "; retrying in 100 ms (retry 2 of 3)"}));
}

TEST_F(FetchFaults, ServerErrorsExhaustTheRetries) {
    FERRY_REQUIRE_ENV(base, "FERRY_TEST_HTTP_URL");
    auto o = options(base, "/files/" + nonce() + "/down.bin?fault=500&rid=RX");
    o.retries = 2;
    auto r = open(std::move(o));
    EXPECT_FALSE(r.stream);
    ASSERT_EQ(r.diagnostics.items().size(), 1u) << describe(r.diagnostics);
    EXPECT_EQ(r.diagnostics.items()[0].code, "FERRY-SRC-HTTP-500");
    EXPECT_EQ(r.diagnostics.items()[0].summary,
              "GET " + url +
                  " failed with HTTP 500: InternalError: We encountered an internal error. Please try again. "
                  "(RequestId RX) (gave up after 3 attempts)");
}

TEST_F(FetchFaults, ForbiddenShowsTheOssErrorAndIsNotRetried) {
    FERRY_REQUIRE_ENV(base, "FERRY_TEST_HTTP_URL");
    auto r = open(options(base, "/files/" + nonce() + "/secret.zip?fault=403&rid=R403"));
    EXPECT_FALSE(r.stream);
    ASSERT_EQ(r.diagnostics.items().size(), 1u) << describe(r.diagnostics);
    const auto& e = r.diagnostics.items()[0];
    EXPECT_EQ(e.code, "FERRY-SRC-HTTP-403");
    EXPECT_EQ(e.summary, "GET " + url +
                             " failed with HTTP 403: AccessDenied: You have no right to access this object because of "
                             "bucket acl. (RequestId R403)");
    EXPECT_EQ(e.detail,
              "the credentials may not read this object (oss:GetObject / s3:GetObject), or the object is private and "
              "no credentials were configured\nEC: 0000-00000000");
    EXPECT_TRUE(host.lines.empty()) << host.joined();
}

TEST_F(FetchFaults, NotFoundShowsTheOssError) {
    FERRY_REQUIRE_ENV(base, "FERRY_TEST_HTTP_URL");
    auto r = open(options(base, "/files/" + nonce() + "/missing/pkg.zip?rid=R404"));
    EXPECT_FALSE(r.stream);
    ASSERT_EQ(r.diagnostics.items().size(), 1u) << describe(r.diagnostics);
    EXPECT_EQ(r.diagnostics.items()[0].code, "FERRY-SRC-HTTP-404");
    EXPECT_EQ(r.diagnostics.items()[0].summary,
              "GET " + url + " failed with HTTP 404: NoSuchKey: The specified key does not exist. (RequestId R404)");
    EXPECT_TRUE(host.lines.empty()) << host.joined();
}

TEST_F(FetchFaults, BodyLongerThanAnnouncedIsRefused) {
    FERRY_REQUIRE_ENV(base, "FERRY_TEST_HTTP_URL");
    auto r = open(options(base, "/files/" + nonce() + "/long.bin?size=1000&fault=long"));
    ASSERT_TRUE(r.stream) << describe(r.diagnostics);
    EXPECT_EQ(r.size, 990);
    auto d = drain(*r.stream);
    EXPECT_FALSE(d.ok);
    ASSERT_EQ(d.diagnostics.items().size(), 1u) << describe(d.diagnostics);
    EXPECT_EQ(d.diagnostics.items()[0].code, "FERRY-SRC-LENGTH-MISMATCH");
    EXPECT_EQ(d.diagnostics.items()[0].summary, url + " sent more bytes than the 990 its Content-Length announced");
}

TEST_F(FetchFaults, BodyOverTheCapStopsAtTheCap) {
    FERRY_REQUIRE_ENV(base, "FERRY_TEST_HTTP_URL");
    auto r = open(options(base, "/files/" + nonce() + "/endless.bin?fault=huge"), 1 << 20);
    ASSERT_TRUE(r.stream) << describe(r.diagnostics);
    EXPECT_EQ(r.size, -1);  // chunked: nothing announced, so the cap is enforced as bytes arrive
    auto started = std::chrono::steady_clock::now();
    auto d = drain(*r.stream, 64 * 1024 + 3);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
    EXPECT_FALSE(d.ok);
    // The read that crosses the cap fails whole: never a byte past the cap, at most one read short of it.
    EXPECT_LE(d.bytes.size(), std::size_t{1} << 20);
    EXPECT_GT(d.bytes.size(), (std::size_t{1} << 20) - (64 * 1024 + 3));
    ASSERT_EQ(d.diagnostics.items().size(), 1u) << describe(d.diagnostics);
    EXPECT_EQ(d.diagnostics.items()[0].code, "FERRY-SRC-TOO-LARGE");
    EXPECT_EQ(d.diagnostics.items()[0].summary,
              url + " is larger than the size cap of 1048576 bytes; stopped reading at the cap");
}

TEST_F(FetchFaults, AnnouncedSizeOverTheCapIsRefusedBeforeReading) {
    FERRY_REQUIRE_ENV(base, "FERRY_TEST_HTTP_URL");
    auto r = open(options(base, "/files/" + nonce() + "/endless.bin?fault=hugeannounced"), 1 << 20);
    EXPECT_FALSE(r.stream);
    ASSERT_EQ(r.diagnostics.items().size(), 1u) << describe(r.diagnostics);
    EXPECT_EQ(r.diagnostics.items()[0].code, "FERRY-SRC-TOO-LARGE");
    EXPECT_EQ(r.diagnostics.items()[0].summary,
              url + " is 1099511627776 bytes (Content-Length), over the size cap of 1048576 bytes; nothing was read");
}

TEST_F(FetchFaults, AnObjectExactlyAtTheCapIsAccepted) {
    FERRY_REQUIRE_ENV(base, "FERRY_TEST_HTTP_URL");
    auto r = open(options(base, "/files/" + nonce() + "/edge.bin?size=4096&fault=nocrc"), 4096);
    ASSERT_TRUE(r.stream) << describe(r.diagnostics);
    auto d = drain(*r.stream);
    EXPECT_TRUE(d.ok) << describe(d.diagnostics);
    EXPECT_EQ(d.bytes.size(), 4096u);
}

TEST_F(FetchFaults, RefusedConnectionIsRetriedThenReported) {
    FERRY_REQUIRE_ENV(base, "FERRY_TEST_HTTP_URL");
    unsigned short port;
    {
        Poco::Net::ServerSocket s(Poco::Net::SocketAddress("127.0.0.1", 0));
        port = s.address().port();
    }  // closed: nothing listens there now
    auto o = options("http://127.0.0.1:" + std::to_string(port), "/x.zip");
    o.retries = 1;
    auto r = open(std::move(o));
    EXPECT_FALSE(r.stream);
    ASSERT_EQ(r.diagnostics.items().size(), 1u) << describe(r.diagnostics);
    EXPECT_EQ(r.diagnostics.items()[0].code, "FERRY-SRC-CONNECT");
    EXPECT_EQ(r.diagnostics.items()[0].summary,
              "the connection to 127.0.0.1:" + std::to_string(port) + " was refused (gave up after 2 attempts)");
}

TEST_F(FetchFaults, SecretsAreScrubbedFromWhatTheServerEchoes) {
    FERRY_REQUIRE_ENV(base, "FERRY_TEST_HTTP_URL");
    auto o = options(base, "/files/" + nonce() + "/missing/k?rid=TopSecretValue123");
    o.secrets = {"TopSecretValue123"};
    auto r = open(std::move(o));
    ASSERT_EQ(r.diagnostics.items().size(), 1u) << describe(r.diagnostics);
    EXPECT_EQ(describe(r.diagnostics).find("TopSecretValue123"), std::string::npos) << describe(r.diagnostics);
    EXPECT_NE(r.diagnostics.items()[0].summary.find("(RequestId REDACTED)"), std::string::npos);
    EXPECT_EQ(r.location.find("TopSecretValue123"), std::string::npos);
}

}  // namespace
}  // namespace ferry::source
