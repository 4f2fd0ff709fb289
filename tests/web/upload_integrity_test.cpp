// An upload is all or nothing: a form without its closing boundary, or a connection that ends
// before its Content-Length, is refused (400, when the client can still read) and leaves no task
// and no file in uploads/ or packages/; a length over the cap is refused before the body is sent;
// a chunked upload and one that waits for 100 Continue work.
#include <thread>

#include "raw_client.hpp"
#include "serve_fixture.hpp"

namespace ferry::test::web {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// framing and extra: header lines, each ending in CRLF.
std::string upload_head(const std::string& framing, const std::string& extra = "") {
    return "POST /api/tasks HTTP/1.1\r\nHost: ferry\r\nAuthorization: Bearer " + kAdminToken +
           "\r\nX-Ferry-CSRF: 1\r\nContent-Type: " + Server::kFormType + "\r\n" + framing + extra + "\r\n";
}

// Bytes that are no archive: the upload stores them, Check would refuse them later.
std::string filler(std::size_t n) {
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7919) % 26);
    return s;
}

void expect_nothing_left(const Server& server) {
    EXPECT_TRUE(std::filesystem::is_empty(server.dir() + "/web/uploads"));
    EXPECT_TRUE(std::filesystem::is_empty(server.dir() + "/web/packages"));
    EXPECT_TRUE(std::filesystem::is_empty(server.dir() + "/web/tasks"));
    EXPECT_EQ(server.get("/api/tasks").json(), (json{{"tasks", json::array()}}));
}

class Uploads : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = scratch_dir();
        server_ = std::make_unique<Server>(dir_);
        ASSERT_TRUE(server_->up());
    }
    std::string dir_;
    std::unique_ptr<Server> server_;
};

struct Cut {
    std::string what;
    std::size_t dropped;  // bytes of the whole form left off its end
};

TEST_F(Uploads, AFormWithoutItsClosingBoundaryIs400AndLeavesNothing) {
    const std::string package = sample_package(dir_);
    const std::string whole = Server::create_form("cut", package);
    const std::string closing = "\r\n--" + Server::kBoundary + "--\r\n";
    const std::vector<Cut> cuts = {
        {"no closing boundary at all", closing.size()},
        {"the closing boundary without its two dashes", 4},
        {"the closing boundary with one dash", 3},
        {"half the package", closing.size() + package.size() / 2},
    };
    for (const auto& cut : cuts) {
        const std::string body = whole.substr(0, whole.size() - cut.dropped);
        const Response r = server_->send({"POST", "/api/tasks", kAdminToken, body, Server::kFormType, {}, true});
        EXPECT_EQ(r.status, 400) << cut.what;
        EXPECT_EQ(r.json(), error_body("FERRY-WEB-FORM", "the multipart body ends before its closing boundary"))
            << cut.what << ": " << r.body;
        expect_nothing_left(*server_);
    }
    // The same form, whole, makes the task.
    EXPECT_EQ(server_->send({"POST", "/api/tasks", kAdminToken, whole, Server::kFormType, {}, true}).status, 201);
}

TEST_F(Uploads, AConnectionThatEndsBeforeItsContentLengthIs400AndLeavesNothing) {
    // A small body waits in memory, a large one in a spool file: neither outlives the connection.
    for (const std::size_t size : {std::size_t{20} << 10, std::size_t{3} << 20}) {
        const std::string form = Server::create_form("cut_short", filler(size));
        const std::size_t sent = form.size() / 2;
        RawClient c(server_->port());
        c.send(upload_head("Content-Length: " + std::to_string(form.size()) + "\r\n") + form.substr(0, sent));
        c.shutdown_write();  // the client is done sending but still reads
        const RawResponse r = c.read_response(5s);
        EXPECT_EQ(r.status, 400) << size;
        EXPECT_EQ(r.json(), error_body("FERRY-WEB-INCOMPLETE", "the connection ended after " + std::to_string(sent) +
                                                                   " of " + std::to_string(form.size()) +
                                                                   " body bytes"))
            << r.body;
        expect_nothing_left(*server_);
    }
    // A client that vanishes entirely gets no answer, and leaves nothing either.
    {
        const std::string form = Server::create_form("vanished", filler(3 << 20));
        RawClient c(server_->port());
        c.send(upload_head("Content-Length: " + std::to_string(form.size()) + "\r\n") + form.substr(0, 2 << 20));
    }
    std::this_thread::sleep_for(500ms);
    expect_nothing_left(*server_);
}

TEST_F(Uploads, AChunkedUploadMakesTheTask) {
    const std::string package = sample_package(dir_);
    const std::string form = Server::create_form("chunked", package);
    std::string chunked;
    // Uneven chunks, one with an extension, then a trailer.
    for (std::size_t at = 0, n = 1; at < form.size(); at += n, n = n * 3 + 7) {
        const std::string piece = form.substr(at, n);
        char size[32];
        std::snprintf(size, sizeof size, "%zx", piece.size());
        chunked += std::string(size) + (at == 0 ? ";note=first" : "") + "\r\n" + piece + "\r\n";
    }
    chunked += "0\r\nX-Trailer: ignored\r\n\r\n";
    RawClient c(server_->port());
    c.send(upload_head("Transfer-Encoding: chunked\r\n") + chunked);
    const RawResponse r = c.read_response(10s);
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json()["name"], "chunked");
    // The stored package is, byte for byte, what the chunks carried.
    std::vector<std::filesystem::path> stored;
    for (const auto& e : std::filesystem::directory_iterator(dir_ + "/web/packages")) stored.push_back(e.path());
    ASSERT_EQ(stored.size(), 1u);
    EXPECT_TRUE(read_file(stored[0].string()) == package);
    EXPECT_EQ(server_->post("/api/tasks/chunked/check").json()["ok"], true);
}

TEST_F(Uploads, AClientThatAsksFor100ContinueGetsItBeforeSendingTheBody) {
    const std::string form = Server::create_form("continued", sample_package(dir_));
    RawClient c(server_->port());
    c.send(upload_head("Content-Length: " + std::to_string(form.size()) + "\r\n", "Expect: 100-continue\r\n"));
    EXPECT_EQ(c.read_response(3s).status, 100);
    c.send(form);
    const RawResponse r = c.read_response(10s);
    EXPECT_EQ(r.status, 201) << r.body;
}

TEST(UploadCap, ALengthOverTheCapIs413BeforeTheBodyIsSent) {
    const std::string dir = scratch_dir();
    Server server(dir, {"--max-upload", "64KB"});
    ASSERT_TRUE(server.up());
    const json too_large = error_body("FERRY-WEB-TOO-LARGE", "the package is larger than the upload limit of 65536 bytes");
    {
        // Over the cap and the form's 1 MB allowance: refused on the head alone, no 100 Continue.
        RawClient c(server.port());
        c.send(upload_head("Content-Length: " + std::to_string((64 << 10) + (1 << 20) + 1) + "\r\n",
                           "Expect: 100-continue\r\n"));
        const RawResponse r = c.read_response(3s);
        EXPECT_EQ(r.status, 413);
        EXPECT_EQ(r.json(), too_large);
        EXPECT_EQ(r.header("connection"), "Close");
    }
    {
        // Chunked, it is cut once the bytes pass the same mark.
        RawClient c(server.port());
        c.send(upload_head("Transfer-Encoding: chunked\r\n"));
        const std::string chunk = "4000\r\n" + std::string(0x4000, 'z') + "\r\n";
        for (int i = 0; i < 80 && c.send(chunk); ++i) {
        }
        const RawResponse r = c.read_response(5s);
        EXPECT_EQ(r.status, 413);
        EXPECT_EQ(r.json(), too_large);
    }
    expect_nothing_left(server);
}

}  // namespace
}  // namespace ferry::test::web
