// The one TLS policy against a loopback HTTPS server whose certificate a throwaway CA signed for IP
// 127.0.0.1 only: a CA file is trusted, the system's store does not know that CA, another name is
// refused, and a refusal is final (never retried). Also the resumable download over it.
#include <gtest/gtest.h>

#include "ferry/cloud/download.hpp"
#include "ferry/cloud/http_client.hpp"
#include "loopback_server.hpp"

namespace ferry::cloud {
namespace {

using namespace std::chrono_literals;
using namespace loopback;

class Tls : public ::testing::Test {
  protected:
    Tls()
        : server_([](const SeenRequest&, int) { return Reply{http_reply(200, "secure")}; },
                  tls_cert_dir() + "/server.pem", tls_cert_dir() + "/server.key") {}

    HttpRequest request(const std::string& host = "127.0.0.1") {
        HttpRequest r;
        r.host = host;
        r.port = server_.port();
        return r;
    }
    std::string ca() const { return tls_cert_dir() + "/ca.pem"; }

    LoopbackServer server_;
};

TEST_F(Tls, TheCaFileIsTrusted) {
    HttpResponse out;
    SendResult r = send_request(request(), "", {ca(), 5s}, out);
    ASSERT_EQ(r.failure, SendFailure::none) << r.error;
    EXPECT_EQ(out.status, 200);
    EXPECT_EQ(out.body, "secure");
}

TEST_F(Tls, AnUntrustedCertificateIsRefusedAndNotRetried) {
    RetryPolicy policy;
    policy.backoff = 10ms;
    CallResult r = call(request(), "", {}, {"", 5s}, policy);
    EXPECT_FALSE(r.answered);
    EXPECT_EQ(r.failure, SendFailure::not_sent);
    EXPECT_EQ(r.cause, SendCause::tls);
    EXPECT_EQ(r.attempts, 1);
    EXPECT_EQ(r.error.rfind("the TLS connection to 127.0.0.1:" + std::to_string(server_.port()) + " failed: ", 0), 0u) << r.error;
    EXPECT_NE(r.error.find("certificate verify failed"), std::string::npos) << r.error;
    EXPECT_EQ(r.hint, "the server's certificate must chain to a CA the system trusts (or set ca_file) and name the host");
    EXPECT_TRUE(server_.requests().empty());
}

TEST_F(Tls, ACertificateForAnotherNameIsRefused) {
    HttpResponse out;
    SendResult r = send_request(request("localhost"), "", {ca(), 5s}, out);
    EXPECT_EQ(r.failure, SendFailure::not_sent);
    EXPECT_EQ(r.cause, SendCause::tls);
    EXPECT_EQ(r.hint, "the server's certificate must chain to a CA in " + ca() + " and name the host");
}

TEST_F(Tls, AnUnreadableCaFileIsReported) {
    HttpResponse out;
    SendResult r = send_request(request(), "", {"/nonexistent/ca.pem", 5s}, out);
    EXPECT_EQ(r.failure, SendFailure::not_sent);
    EXPECT_EQ(r.cause, SendCause::tls);
    EXPECT_EQ(r.error.rfind("cannot load the CA file /nonexistent/ca.pem: ", 0), 0u) << r.error;
}

// A body cut off after 5 of 10 bytes is resumed with Range and If-Match, and verified whole.
TEST(Download, ResumesWhereTheConnectionDropped) {
    LoopbackServer server([](const SeenRequest& s, int i) {
        if (i == 0) {  // announces 10 bytes, sends 5, closes
            return Reply{"HTTP/1.1 200 OK\r\nContent-Length: 10\r\nETag: \"e1\"\r\nConnection: close\r\n\r\n01234"};
        }
        if (s.header("Range") != "bytes=5-" || s.header("If-Match") != "\"e1\"") return Reply{http_reply(400, "bad resume")};
        return Reply{http_reply(206, "56789", "Content-Range: bytes 5-9/10\r\nETag: \"e1\"\r\n")};
    });
    DownloadOptions o;
    std::string error;
    o.request = *parse_http_url(server.base_url() + "/pkg.zip", error);
    o.location = server.base_url() + "/pkg.zip";
    o.backoff = 10ms;
    int signed_times = 0;
    o.sign = [&](HttpRequest&) { ++signed_times; };
    DownloadFailure failure;
    auto d = Download::start(o, failure);
    ASSERT_TRUE(d) << failure.summary;
    EXPECT_EQ(d->size(), 10);
    std::string bytes;
    char buf[4];
    for (std::ptrdiff_t n; (n = d->read(buf, sizeof buf, failure)) != 0;) {
        ASSERT_GT(n, 0) << failure.summary;
        bytes.append(buf, static_cast<std::size_t>(n));
    }
    EXPECT_EQ(bytes, "0123456789");
    EXPECT_EQ(signed_times, 2);
    EXPECT_EQ(server.requests().size(), 2u);
}

TEST(Download, ARefusalNamesTheServicesError) {
    LoopbackServer server([](const SeenRequest&, int) {
        return Reply{http_reply(404, "<Error><Code>NoSuchKey</Code><Message>gone</Message><RequestId>R1</RequestId></Error>")};
    });
    DownloadOptions o;
    std::string error;
    o.request = *parse_http_url(server.base_url() + "/k", error);
    o.location = "oss://b/k";
    DownloadFailure failure;
    EXPECT_FALSE(Download::start(o, failure));
    EXPECT_EQ(failure.error, DownloadError::http_status);
    EXPECT_EQ(failure.status, 404);
    EXPECT_EQ(failure.summary, "GET oss://b/k failed with HTTP 404: NoSuchKey: gone (RequestId R1)");
    EXPECT_EQ(failure.detail, "check the key (object names are case-sensitive)");
}

}  // namespace
}  // namespace ferry::cloud
