// cloud::call and send_request against a loopback server: what is retried, how long it waits, that
// every attempt is signed afresh, and that what was signed is what went on the wire.
#include <gtest/gtest.h>

#include <Poco/Net/ServerSocket.h>

#include "ferry/cloud/digest.hpp"
#include "ferry/cloud/http_client.hpp"
#include "ferry/cloud/signer_acs3.hpp"
#include "ferry/sdk/plugin.hpp"
#include "loopback_server.hpp"

namespace ferry::cloud {
namespace {

using namespace std::chrono_literals;
using namespace loopback;

const Credentials kKey{"test-ak", "test-secret", ""};

class Log : public sdk::HostServices {
  public:
    void log(sdk::Severity severity, const std::string& message) override {
        lines.push_back(std::string(sdk::to_string(severity)) + ": " + message);
    }
    std::vector<std::string> lines;
};

HttpRequest request_to(const LoopbackServer& server, const std::string& method = "POST") {
    std::string error;
    auto r = parse_http_url(server.base_url() + "/", error);
    EXPECT_TRUE(r) << error;
    r->raw_target.clear();
    r->method = method;
    return *r;
}

RetryPolicy fast(Log* log = nullptr) {
    RetryPolicy p;
    p.backoff = 10ms;
    p.max_backoff = 40ms;
    p.host = log;
    return p;
}

auto acs3_signer(const std::string& action) {
    return [action](HttpRequest& r, const std::string& body) {
        sign_acs3(r, body, kKey, {action, "2024-05-18", acs3_utc_now(), acs3_nonce()});
    };
}

// The server's side of ACS3: the canonical request rebuilt from what arrived, signed with the secret.
std::string expected_signature(const SeenRequest& seen) {
    std::string error;
    auto r = parse_http_url("http://" + seen.header("Host") + seen.target, error);
    EXPECT_TRUE(r) << error;
    r->method = seen.method;
    for (const auto& [name, value] : seen.headers) r->headers.push_back({name, value});
    return to_hex(hmac_sha256(kKey.access_key_secret, "ACS3-HMAC-SHA256\n" + sha256_hex(acs3_canonical_request(*r, seen.body))));
}

TEST(Call, ServerErrorThenSuccessIsRetriedAndSignedAfresh) {
    LoopbackServer server([](const SeenRequest&, int i) {
        return Reply{i == 0 ? http_reply(503, R"({"Code":"ServiceUnavailable"})") : http_reply(200, R"({"Id":"1"})")};
    });
    Log log;
    HttpRequest req = request_to(server);
    req.query = {{"ProjectId", "123"}, {"Name", "a b*c"}};
    req.set_header("Content-Type", "application/x-www-form-urlencoded");
    const std::string body = form_encode({{"Spec", "{\"x\":1}"}});
    CallResult r = call(req, body, acs3_signer("CreateNode"), {}, fast(&log));
    ASSERT_TRUE(r.answered) << r.error;
    EXPECT_EQ(r.response.status, 200);
    EXPECT_EQ(r.response.body, R"({"Id":"1"})");
    EXPECT_EQ(r.attempts, 2);

    auto seen = server.requests();
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_NE(seen[0].header("x-acs-signature-nonce"), seen[1].header("x-acs-signature-nonce"));
    EXPECT_NE(seen[0].header("Authorization"), seen[1].header("Authorization"));
    for (const auto& s : seen) {
        EXPECT_EQ(s.body, body);
        EXPECT_EQ(s.target, "/?ProjectId=123&Name=a%20b%2Ac");
        EXPECT_EQ(s.header("x-acs-content-sha256"), sha256_hex(body));
        const std::string auth = s.header("Authorization");
        EXPECT_EQ(auth.substr(auth.rfind("Signature=") + 10), expected_signature(s)) << auth;
    }
    ASSERT_EQ(log.lines.size(), 1u);
    EXPECT_EQ(log.lines[0], "warning: POST " + server.base_url() + "/ answered HTTP 503; retrying in 10 ms (retry 1 of 4)");
}

TEST(Call, ThrottlingWaitsAsLongAsTheServerSays) {
    LoopbackServer server([](const SeenRequest&, int i) {
        return Reply{i == 0 ? http_reply(429, R"({"Code":"Throttling.User"})", "x-ratelimit-user-api: Limit:1,Remain:0,TimeLeft:300\r\n")
                            : http_reply(200, "{}")};
    });
    RetryPolicy policy = fast();
    policy.wait_hint = [](const HttpResponse& r) {
        const std::string* v = r.header("X-RateLimit-User-API");  // names match case-insensitively
        return v ? std::chrono::milliseconds(std::stoi(v->substr(v->find("TimeLeft:") + 9))) : 0ms;
    };
    const auto started = std::chrono::steady_clock::now();
    CallResult r = call(request_to(server, "GET"), "", acs3_signer("ListNodes"), {}, policy);
    EXPECT_GE(std::chrono::steady_clock::now() - started, 300ms);
    ASSERT_TRUE(r.answered) << r.error;
    EXPECT_EQ(r.response.status, 200);
    EXPECT_EQ(r.attempts, 2);
}

TEST(Call, RetryAfterIsTheDefaultHintAndIsCapped) {
    LoopbackServer server([](const SeenRequest&, int i) {
        return Reply{i == 0 ? http_reply(503, "", "Retry-After: 3600\r\n") : http_reply(200, "")};
    });
    RetryPolicy policy = fast();
    policy.max_wait_hint = 200ms;
    const auto started = std::chrono::steady_clock::now();
    CallResult r = call(request_to(server, "GET"), "", {}, {}, policy);
    const auto took = std::chrono::steady_clock::now() - started;
    EXPECT_GE(took, 200ms);
    EXPECT_LT(took, 3s);
    EXPECT_EQ(r.response.status, 200);
}

TEST(Call, ARefusalIsNotRetriedAndRetriesRunOut) {
    LoopbackServer server([](const SeenRequest& s, int) {
        return Reply{s.target == "/missing" ? http_reply(404, "no") : http_reply(500, "down")};
    });
    HttpRequest missing = request_to(server, "GET");
    missing.path = "/missing";
    CallResult r = call(missing, "", {}, {}, fast());
    EXPECT_TRUE(r.answered);
    EXPECT_EQ(r.response.status, 404);
    EXPECT_EQ(r.attempts, 1);

    RetryPolicy policy = fast();
    policy.retries = 2;
    r = call(request_to(server, "GET"), "", {}, {}, policy);
    EXPECT_TRUE(r.answered);
    EXPECT_EQ(r.response.status, 500);
    EXPECT_EQ(r.response.body, "down");
    EXPECT_EQ(r.attempts, 3);
    EXPECT_EQ(server.requests().size(), 4u);
}

TEST(Call, NoAnswerIsRetriedOnlyWhenTheCallIsIdempotent) {
    LoopbackServer server([](const SeenRequest&, int) { return Reply{{}, true}; });
    RetryPolicy once = fast();
    once.retry_no_answer = false;
    CallResult r = call(request_to(server), "x=1", acs3_signer("CreateNode"), {}, once);
    EXPECT_FALSE(r.answered);
    EXPECT_EQ(r.failure, SendFailure::no_answer);
    EXPECT_EQ(r.cause, SendCause::connection);
    EXPECT_EQ(r.attempts, 1);
    EXPECT_EQ(server.requests().size(), 1u);  // the server saw it: a second try could act twice
    EXPECT_EQ(r.error.rfind(server.base_url() + "/: the request failed: ", 0), 0u) << r.error;

    RetryPolicy idempotent = fast();
    idempotent.retries = 2;
    r = call(request_to(server, "GET"), "", {}, {}, idempotent);
    EXPECT_EQ(r.failure, SendFailure::no_answer);
    EXPECT_EQ(r.attempts, 3);
    EXPECT_EQ(server.requests().size(), 4u);
}

TEST(Call, ARequestNeverSentIsRetriedEvenWhenNotIdempotent) {
    unsigned short port;
    {
        Poco::Net::ServerSocket s(Poco::Net::SocketAddress("127.0.0.1", 0));
        port = s.address().port();
    }  // closed: nothing listens there now
    HttpRequest req;
    req.method = "POST";
    req.scheme = "http";
    req.host = "127.0.0.1";
    req.port = port;
    RetryPolicy policy = fast();
    policy.retries = 2;
    policy.retry_no_answer = false;
    CallResult r = call(req, "x", {}, {}, policy);
    EXPECT_FALSE(r.answered);
    EXPECT_EQ(r.failure, SendFailure::not_sent);
    EXPECT_EQ(r.cause, SendCause::refused);
    EXPECT_EQ(r.error, "the connection to 127.0.0.1:" + std::to_string(port) + " was refused");
    EXPECT_EQ(r.attempts, 3);
}

TEST(SendRequest, ASilentServerTimesOut) {
    LoopbackServer server([](const SeenRequest&, int) { return Reply{http_reply(200, ""), false, 2000ms}; });
    HttpResponse out;
    const auto started = std::chrono::steady_clock::now();
    SendResult r = send_request(request_to(server, "GET"), "", {"", 300ms}, out);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 1500ms);
    EXPECT_EQ(r.failure, SendFailure::no_answer);
    EXPECT_EQ(r.cause, SendCause::timeout);
    EXPECT_EQ(r.error, "no response from " + server.base_url() + "/ within 300 ms");
}

TEST(SendRequest, SendsTheBodyAndReadsTheWholeReply) {
    const std::string big(300000, 'z');
    LoopbackServer server([&](const SeenRequest& s, int) {
        return Reply{http_reply(201, s.method == "HEAD" ? "" : big, "X-Thing: 1\r\n")};
    });
    HttpResponse out;
    HttpRequest post = request_to(server);
    post.set_header("Content-Type", "text/plain");
    SendResult r = send_request(post, "hello", {}, out);
    ASSERT_EQ(r.failure, SendFailure::none) << r.error;
    EXPECT_EQ(out.status, 201);
    EXPECT_EQ(out.body, big);
    ASSERT_NE(out.header("x-thing"), nullptr);
    EXPECT_EQ(*out.header("x-thing"), "1");
    EXPECT_EQ(out.header("nope"), nullptr);
    auto seen = server.requests();
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].body, "hello");
    EXPECT_EQ(seen[0].header("Content-Length"), "5");
    EXPECT_EQ(seen[0].header("Content-Type"), "text/plain");
    EXPECT_EQ(seen[0].header("Host"), "127.0.0.1:" + std::to_string(server.port()));

    // An empty POST still says Content-Length: 0; a GET says nothing.
    send_request(request_to(server), "", {}, out);
    send_request(request_to(server, "GET"), "", {}, out);
    seen = server.requests();
    EXPECT_EQ(seen[1].header("Content-Length"), "0");
    EXPECT_EQ(seen[2].header("Content-Length"), "");
}

}  // namespace
}  // namespace ferry::cloud
