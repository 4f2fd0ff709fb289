// Heads and framings the transport refuses itself, each with its status, code and message, and
// the connection closed after the answer: what follows a broken request is no request boundary.
#include "raw_client.hpp"
#include "serve_fixture.hpp"

namespace ferry::test::web {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

struct Refused {
    std::string what;
    std::string bytes;  // sent as is
    int status;
    std::string code;
    std::string message;
    bool half_close = false;  // the client stops sending after `bytes`
};

std::string padded_head() {
    std::string head = "GET /api/tasks HTTP/1.1\r\nHost: ferry\r\n";
    for (int i = 0; i < 70; ++i) head += "X-Pad-" + std::to_string(i) + ": " + std::string(1000, 'p') + "\r\n";
    return head + "\r\n";
}

TEST(RequestFraming, BrokenHeadsAndFramingsAreRefusedWithTheirCodes) {
    const std::string dir = scratch_dir();
    Server server(dir);
    ASSERT_TRUE(server.up());
    const std::string post = "POST /api/session HTTP/1.1\r\nHost: ferry\r\nX-Ferry-CSRF: 1\r\n";
    const std::vector<Refused> cases = {
        {"not HTTP", "HELLO\r\n\r\n", 400, "FERRY-WEB-BAD-REQUEST", "the request head is not valid HTTP/1.1"},
        {"HTTP/2 spoken as text", "GET / HTTP/2.0\r\n\r\n", 505, "FERRY-WEB-BAD-REQUEST",
         "only HTTP/1.0 and HTTP/1.1 are spoken here"},
        {"both lengths", post + "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n", 400, "FERRY-WEB-BAD-REQUEST",
         "send Content-Length or Transfer-Encoding, not both"},
        {"another coding", post + "Transfer-Encoding: gzip, chunked\r\n\r\n", 400, "FERRY-WEB-BAD-REQUEST",
         "the only Transfer-Encoding spoken here is chunked"},
        {"a length that is no number", post + "Content-Length: 12abc\r\n\r\n", 400, "FERRY-WEB-BAD-REQUEST",
         "the Content-Length is not one number of bytes"},
        {"two lengths", post + "Content-Length: 2\r\nContent-Length: 2\r\n\r\nab", 400, "FERRY-WEB-BAD-REQUEST",
         "the Content-Length is not one number of bytes"},
        {"a negative length", post + "Content-Length: -1\r\n\r\n", 400, "FERRY-WEB-BAD-REQUEST",
         "the Content-Length is not one number of bytes"},
        {"a broken chunk", post + "Transfer-Encoding: chunked\r\n\r\nzz\r\n", 400, "FERRY-WEB-BAD-REQUEST",
         "the chunked body is malformed: a chunk does not start with its size in hex"},
        {"a head over 64 KB", padded_head(), 431, "FERRY-WEB-HEAD-TOO-LARGE",
         "the request head is larger than 65536 bytes"},
        {"a head cut short", "GET /api/tasks HTTP/1.1\r\nHost: fe", 400, "FERRY-WEB-BAD-REQUEST",
         "the connection ended inside the request head", true},
        {"a sign-in body over 64 KB", post + "Content-Length: 65537\r\n\r\n", 413, "FERRY-WEB-TOO-LARGE",
         "the sign-in body is too large"},
        {"a settings body over 1 MB",
         "PUT /api/tasks/x HTTP/1.1\r\nHost: ferry\r\nContent-Length: 1048577\r\n\r\n", 413, "FERRY-WEB-TOO-LARGE",
         "the request body is over 1 MB"},
    };
    for (const auto& c : cases) {
        RawClient client(server.port());
        client.send(c.bytes);
        if (c.half_close) client.shutdown_write();
        const RawResponse r = client.read_response(3s);
        EXPECT_EQ(r.status, c.status) << c.what;
        EXPECT_EQ(r.json(), (json{{"error", {{"code", c.code}, {"message", c.message}}}})) << c.what << ": " << r.body;
        EXPECT_EQ(r.header("connection"), "Close") << c.what;
        client.shutdown_write();  // so the server, which drains what it did not read, sees the end
        EXPECT_TRUE(client.closed_within(3s)) << c.what;
    }
    // A refused request without a body keeps its connection: the next request on it is answered.
    RawClient client(server.port());
    client.send("GET /%zz HTTP/1.1\r\nHost: ferry\r\n\r\nGET /app.js HTTP/1.1\r\nHost: ferry\r\n\r\n");
    EXPECT_EQ(client.read_response(3s).status, 400);
    EXPECT_EQ(client.read_response(3s).status, 200);
}

}  // namespace
}  // namespace ferry::test::web
