// What a request line may hold: a path or query with a broken %-escape, or that is not UTF-8 once
// decoded, is 400 FERRY-WEB-BAD-URI (never a 500 with the text of an exception), and the access log
// escapes whatever a client chose, so no path can write a line of its own.
#include <sstream>

#include "raw_client.hpp"
#include "serve_fixture.hpp"

namespace ferry::test::web {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

std::string get_line(const std::string& target) {
    return "GET " + target + " HTTP/1.1\r\nHost: ferry\r\nAuthorization: Bearer " + kAdminToken + "\r\n\r\n";
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

class RequestTargets : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = scratch_dir();
        server_ = std::make_unique<Server>(dir_);
        ASSERT_TRUE(server_->up());
    }
    RawResponse get(const std::string& target) {
        RawClient c(server_->port());
        c.send(get_line(target));
        return c.read_response(3s);
    }
    std::string dir_;
    std::unique_ptr<Server> server_;
};

struct BadTarget {
    std::string target;   // as sent on the request line, raw bytes and all
    std::string message;  // of the 400
};

TEST_F(RequestTargets, BrokenEscapesAndBytesThatAreNotUtf8Are400BadUri) {
    const std::vector<BadTarget> cases = {
        {"/api/tasks/%zz", "the request path has a broken %-escape"},
        {"/api/tasks/abc%", "the request path has a broken %-escape"},
        {"/api/tasks/abc%4", "the request path has a broken %-escape"},
        {"/%zz", "the request path has a broken %-escape"},  // the page's assets too
        {"/api/tasks/%e9t%e9", "the request path is not UTF-8"},           // Latin-1, escaped
        {"/api/tasks/\xff\xfe", "the request path is not UTF-8"},         // raw bytes
        {"/api/tasks/%c0%af", "the request path is not UTF-8"},           // an overlong '/'
        {"/api/tasks/x/report?format=%zz", "the query has a broken %-escape"},
        {"/api/tasks/x/report?format=%ff", "the query is not UTF-8"},
        {"/api/tasks?\xc3\x28=1", "the query is not UTF-8"},
        {"api/tasks", "the request target must be a path that starts with '/'"},
    };
    for (const auto& c : cases) {
        const RawResponse r = get(c.target);
        EXPECT_EQ(r.status, 400) << c.target;
        EXPECT_EQ(r.reason, "Bad Request") << c.target;
        EXPECT_EQ(r.json(), (json{{"error", {{"code", "FERRY-WEB-BAD-URI"}, {"message", c.message}}}}))
            << c.target << ": " << r.body;
        EXPECT_EQ(r.header("content-type"), "application/json") << c.target;
    }
    // A good path with escaped, valid UTF-8 still reaches its route.
    const RawResponse fine = get("/api/tasks/%C3%A9t%C3%A9");
    EXPECT_EQ(fine.status, 404);
    EXPECT_EQ(fine.json()["error"]["code"], "FERRY-CATALOG-007");
}

TEST_F(RequestTargets, TheAccessLogEscapesWhatAClientChose) {
    // %0a would end the line and start a forged one; %1b would drive the terminal; a space would
    // shift the fields.
    EXPECT_EQ(get("/api/tasks/a%0aferry%20serve:%20GET%20/forged%20200%20ann%201ms").status, 404);
    EXPECT_EQ(get("/api/tasks/%1b[31mred").status, 404);
    EXPECT_EQ(get("/api/tasks/\xff").status, 400);
    {
        RawClient c(server_->port());  // a method with a control character in it
        c.send("G\x01T /api/tasks HTTP/1.1\r\nHost: ferry\r\n\r\n");
        EXPECT_NE(c.read_response(3s).status, 0);
    }
    const std::vector<std::string> log = lines_of(server_->log());
    for (const auto& line : log) {
        EXPECT_EQ(line.rfind("ferry serve: ", 0), 0u) << "a line the server did not write: " << line;
        EXPECT_EQ(line.find('\x1b'), std::string::npos) << line;
        EXPECT_EQ(line.find('\xff'), std::string::npos) << line;
        EXPECT_EQ(line.find('\x01'), std::string::npos) << line;
    }
    const std::string all = server_->log();
    EXPECT_NE(all.find("ferry serve: GET /api/tasks/a\\x0aferry\\x20serve:\\x20GET\\x20/forged\\x20200\\x20ann\\x201ms 404 ann "),
              std::string::npos)
        << all;
    EXPECT_NE(all.find("ferry serve: GET /api/tasks/\\x1b[31mred 404 ann "), std::string::npos) << all;
    EXPECT_NE(all.find("ferry serve: GET /api/tasks/\\xff 400 - "), std::string::npos) << all;
    EXPECT_NE(all.find("ferry serve: G\\x01T /api/tasks "), std::string::npos) << all;
}

}  // namespace
}  // namespace ferry::test::web
