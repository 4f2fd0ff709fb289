// Clients that are slow, stalled or idle hold a socket of `ferry serve`, never one of its request
// threads: sixteen of any kind leave an authorised request answered at once, a request without a
// body length has an empty body (RFC 7230 §3.3.3), and each kind is cut at its deadline with the
// documented answer (docs/web.md, "Limits").
#include <atomic>
#include <thread>

#include "raw_client.hpp"
#include "serve_fixture.hpp"

namespace ferry::test::web {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

std::string bearer(const std::string& token = kAdminToken) { return "Authorization: Bearer " + token + "\r\n"; }

// How long an authorised request may take while the server is under siege; the old server made
// it wait for a request thread for a minute.
constexpr auto kPatience = 3s;

// Sends one byte a second (by default) to each of its clients until it is destroyed: the slowloris.
class Trickler {
  public:
    Trickler(std::vector<RawClient*> clients, std::chrono::milliseconds every = 1000ms)
        : clients_(std::move(clients)), thread_([this, every] {
              while (!stop_) {
                  for (auto* c : clients_) c->send("a");
                  for (auto waited = 0ms; waited < every && !stop_; waited += 50ms) std::this_thread::sleep_for(50ms);
              }
          }) {}
    ~Trickler() {
        stop_ = true;
        thread_.join();
    }

  private:
    std::vector<RawClient*> clients_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

enum class Stall { no_length_post, slow_headers, slow_body, idle_keep_alive };

std::string stall_name(Stall s) {
    switch (s) {
        case Stall::no_length_post: return "no_length_post";
        case Stall::slow_headers: return "slow_headers";
        case Stall::slow_body: return "slow_body";
        case Stall::idle_keep_alive: return "idle_keep_alive";
    }
    return "?";
}

void PrintTo(Stall s, std::ostream* os) { *os << stall_name(s); }

// Opens a connection and makes the first move of its kind; the trickler makes the rest.
std::unique_ptr<RawClient> open_stalled(unsigned short port, Stall kind) {
    auto c = std::make_unique<RawClient>(port);
    switch (kind) {
        case Stall::no_length_post:  // the docs' `curl -X POST .../check`: no Content-Length at all
            c->send("POST /api/tasks/none/check HTTP/1.1\r\nHost: ferry\r\n" + bearer() + "X-Ferry-CSRF: 1\r\n\r\n");
            break;
        case Stall::slow_headers:
            c->send("GET /api/tasks HTTP/1.1\r\nHost: ferry\r\nX-Slow: ");
            break;
        case Stall::slow_body:
            c->send("POST /api/tasks HTTP/1.1\r\nHost: ferry\r\n" + bearer() +
                    "X-Ferry-CSRF: 1\r\nContent-Type: " + Server::kFormType + "\r\nContent-Length: 100000\r\n\r\n--" +
                    Server::kBoundary + "\r\n");
            break;
        case Stall::idle_keep_alive: {
            c->send("GET /api/tasks HTTP/1.1\r\nHost: ferry\r\n" + bearer() + "\r\n");
            const RawResponse r = c->read_response(kPatience);
            EXPECT_EQ(r.status, 200) << "the first request of a connection kept alive";
            break;
        }
    }
    return c;
}

// What a stalled connection may have seen by the time the authorised request is answered: nothing
// yet, or the answer its kind is documented to get.
void expect_still_waiting_or_answered(RawClient& c, Stall kind) {
    if (kind == Stall::no_length_post) {
        // Not stalled at all: an absent length is an empty body, answered at once by the route.
        const RawResponse r = c.read_response(kPatience);
        EXPECT_EQ(r.status, 404);
        EXPECT_EQ(r.json()["error"]["code"], "FERRY-CATALOG-007");
        return;
    }
    if (c.silent()) return;
    const RawResponse r = c.read_response(1s);
    if (kind == Stall::idle_keep_alive) {
        EXPECT_TRUE(r.closed && r.status == 0) << "an idle connection is closed without an answer";
    } else {
        EXPECT_EQ(r.status, 408);
        EXPECT_EQ(r.json()["error"]["code"], "FERRY-WEB-TIMEOUT");
    }
}

class StalledConnections : public ::testing::TestWithParam<std::vector<Stall>> {};

TEST_P(StalledConnections, DoNotDelayAnAuthorisedRequest) {
    const std::string dir = scratch_dir();
    Server server(dir, {"--threads", "8"});
    ASSERT_TRUE(server.up());
    const std::vector<Stall>& kinds = GetParam();
    std::vector<std::unique_ptr<RawClient>> stalled;
    std::vector<RawClient*> slow;
    for (int i = 0; i < 16; ++i) {
        const Stall kind = kinds[static_cast<std::size_t>(i) % kinds.size()];
        stalled.push_back(open_stalled(server.port(), kind));
        if (kind == Stall::slow_headers || kind == Stall::slow_body) slow.push_back(stalled.back().get());
    }
    Trickler trickler(slow);
    std::this_thread::sleep_for(300ms);  // every stalled connection has reached the server

    Poco::Net::HTTPClientSession session("127.0.0.1", server.port());
    session.setTimeout(Poco::Timespan(std::chrono::duration_cast<std::chrono::microseconds>(kPatience).count()));
    Poco::Net::HTTPRequest req("GET", "/api/tasks", Poco::Net::HTTPMessage::HTTP_1_1);
    req.set("Authorization", "Bearer " + kAdminToken);
    Poco::Net::HTTPResponse resp;
    std::string body;
    try {
        session.sendRequest(req);
        Poco::StreamCopier::copyToString(session.receiveResponse(resp), body);
    } catch (const Poco::Exception& e) {
        FAIL() << "the authorised request was not answered within 3 s: " << e.displayText();
    }
    EXPECT_EQ(resp.getStatus(), 200);
    EXPECT_EQ(json::parse(body, nullptr, false), (json{{"tasks", json::array()}}));

    for (std::size_t i = 0; i < stalled.size(); ++i)
        expect_still_waiting_or_answered(*stalled[i], kinds[i % kinds.size()]);
}

INSTANTIATE_TEST_SUITE_P(
    SixteenOfEachKind, StalledConnections,
    ::testing::Values(std::vector<Stall>{Stall::no_length_post}, std::vector<Stall>{Stall::slow_headers},
                      std::vector<Stall>{Stall::slow_body}, std::vector<Stall>{Stall::idle_keep_alive},
                      std::vector<Stall>{Stall::no_length_post, Stall::slow_headers, Stall::slow_body,
                                         Stall::idle_keep_alive}),
    [](const ::testing::TestParamInfo<std::vector<Stall>>& info) {
        return info.param.size() == 1 ? stall_name(info.param[0]) : std::string("mixed");
    });

TEST(NoBodyLength, APostWithoutContentLengthHasAnEmptyBodyAndIsAnsweredAtOnce) {
    const std::string dir = scratch_dir();
    Server server(dir);
    ASSERT_TRUE(server.up());
    ASSERT_EQ(server.create("sales", sample_package(dir)).status, 201);
    RawClient c(server.port());
    // Check, then the task list, on one connection: the second request follows the first's head.
    c.send("POST /api/tasks/sales/check HTTP/1.1\r\nHost: ferry\r\n" + bearer() +
           "X-Ferry-CSRF: 1\r\n\r\nGET /api/tasks HTTP/1.1\r\nHost: ferry\r\n" + bearer() + "\r\n");
    const RawResponse check = c.read_response(kPatience);
    ASSERT_EQ(check.status, 200) << check.body;
    EXPECT_EQ(check.json()["message"], "The resource package has passed the check");
    const RawResponse list = c.read_response(kPatience);
    ASSERT_EQ(list.status, 200) << list.body;
    EXPECT_EQ(list.json()["tasks"][0]["name"], "sales");

    // An upload without a length is an empty form: refused by the route, at once.
    c.send("POST /api/tasks HTTP/1.1\r\nHost: ferry\r\n" + bearer() + "X-Ferry-CSRF: 1\r\nContent-Type: " +
           Server::kFormType + "\r\n\r\n");
    const RawResponse empty = c.read_response(kPatience);
    EXPECT_EQ(empty.status, 400);
    EXPECT_EQ(empty.json()["error"]["code"], "FERRY-WEB-FORM") << empty.body;
}

TEST(Deadlines, AHeadSentAByteAtATimeIsAnswered408AtTheHeaderDeadline) {
    const std::string dir = scratch_dir();
    Server server(dir, {}, true, {{"FERRY_WEB_HEADER_TIMEOUT_MS", "1000"}});
    ASSERT_TRUE(server.up());
    RawClient c(server.port());
    c.send("GET /api/tasks HTTP/1.1\r\nHost: ferry\r\nX-Slow: ");
    RawResponse r;
    // Bytes keep coming, a few a second: the deadline counts from the head's first byte anyway.
    for (int i = 0; i < 40 && r.status == 0 && !r.closed; ++i) {
        c.send("a");
        r = c.read_response(200ms);
    }
    EXPECT_EQ(r.status, 408);
    EXPECT_EQ(r.json(), error_body("FERRY-WEB-TIMEOUT", "the request head did not arrive within 1000 ms"));
    EXPECT_EQ(r.header("connection"), "Close");
    EXPECT_TRUE(c.closed_within(5s));
    EXPECT_NE(server.log().find("ferry serve: - - 408 -"), std::string::npos) << server.log();
}

TEST(Deadlines, ABodySlowerThanTheMinimumRateIsCutAndLeavesNothing) {
    const std::string dir = scratch_dir();
    Server server(dir, {}, true, {{"FERRY_WEB_BODY_TIMEOUT_MS", "1000"}, {"FERRY_WEB_MIN_RATE", "1000"}});
    ASSERT_TRUE(server.up());
    RawClient c(server.port());
    c.send("POST /api/tasks HTTP/1.1\r\nHost: ferry\r\n" + bearer() + "X-Ferry-CSRF: 1\r\nContent-Type: " +
           Server::kFormType + "\r\nContent-Length: 100000\r\n\r\n--" + Server::kBoundary + "\r\n");
    RawResponse r;
    for (int i = 0; i < 40 && r.status == 0 && !r.closed; ++i) {
        c.send("a");
        r = c.read_response(200ms);
    }
    EXPECT_EQ(r.status, 408);
    EXPECT_EQ(r.json(), error_body("FERRY-WEB-TIMEOUT", "the request body arrived slower than 1000 bytes a second"));
    EXPECT_TRUE(std::filesystem::is_empty(dir + "/web/uploads"));
    EXPECT_EQ(server.get("/api/tasks").json()["tasks"].size(), 0u);
}

TEST(Deadlines, AnIdleConnectionIsClosedAfterTheIdleTimeout) {
    const std::string dir = scratch_dir();
    Server server(dir, {}, true, {{"FERRY_WEB_IDLE_TIMEOUT_MS", "500"}});
    ASSERT_TRUE(server.up());
    RawClient c(server.port());
    c.send("GET /api/tasks HTTP/1.1\r\nHost: ferry\r\n" + bearer() + "\r\n");
    EXPECT_EQ(c.read_response(kPatience).status, 200);
    const RawResponse after = c.read_response(5s);
    EXPECT_TRUE(after.closed);
    EXPECT_EQ(after.status, 0) << "an idle connection is closed without an answer";
}

}  // namespace
}  // namespace ferry::test::web
