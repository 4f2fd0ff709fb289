// The pieces of the transport on their own, without a server: chunked decoding fed a byte at a
// time or all at once, request targets, and what the access log escapes.
#include <gtest/gtest.h>

#include "server/access_log.hpp"
#include "server/chunked_decoder.hpp"
#include "server/request_target.hpp"

namespace ferry::host::web {
namespace {

struct Decoded {
    std::string body;
    std::size_t consumed = 0;
    bool done = false;
    std::string problem;
};

// Feeds `input` in pieces of `step` bytes, as reads from a socket would.
Decoded decode(const std::string& input, std::size_t step) {
    ChunkedDecoder d;
    Decoded out;
    for (std::size_t at = 0; at < input.size() && !d.done() && !d.failed();) {
        const std::string_view piece = std::string_view(input).substr(at, step);
        const std::size_t used = d.feed(piece, [&](const char* p, std::size_t n) {
            out.body.append(p, n);
            return true;
        });
        out.consumed += used;
        at += used;
        if (used < piece.size()) break;  // the body ended (or failed) inside this piece
    }
    out.done = d.done();
    out.problem = d.problem();
    return out;
}

struct ChunkedCase {
    std::string input;
    std::string body;     // when it decodes
    std::string problem;  // when it fails
};

TEST(ChunkedDecoder, DecodesWhateverThePiecesAndStopsAtTheEndOfTheBody) {
    const std::vector<ChunkedCase> cases = {
        {"5\r\nhello\r\n0\r\n\r\n", "hello", ""},
        {"5;name=value\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", "hello world", ""},
        {"A\r\n0123456789\r\n0\r\nX-Trailer: 1\r\nX-Other: 2\r\n\r\n", "0123456789", ""},
        {"3\nabc\n0\n\n", "abc", ""},  // bare LF lines
        {"0\r\n\r\n", "", ""},
        {"zz\r\nhello\r\n", "", "a chunk does not start with its size in hex"},
        {"3 x\r\nabc\r\n", "", "a chunk size is followed by something else than ';'"},
        {"3\r\nabcdef\r\n", "", "a chunk is longer than its size says"},
        {"1000000000000000\r\n", "", "a chunk size has too many digits"},
        {std::string(5000, '1'), "", "a chunk-size line is too long"},
        {"1;" + std::string(5000, 'e'), "", "a chunk-size line is too long"},
    };
    for (const auto& c : cases)
        for (const std::size_t step : {std::size_t{1}, std::size_t{2}, std::size_t{7}, c.input.size()}) {
            const Decoded d = decode(c.input, step);
            EXPECT_EQ(d.problem, c.problem) << c.input.substr(0, 40) << " step " << step;
            if (c.problem.empty()) {
                EXPECT_TRUE(d.done) << c.input << " step " << step;
                EXPECT_EQ(d.body, c.body) << c.input << " step " << step;
                EXPECT_EQ(d.consumed, c.input.size()) << c.input << " step " << step;
            }
        }
    // What follows the last chunk is the next request's, and is left alone.
    const std::string next = "GET / HTTP/1.1\r\n\r\n";
    const Decoded d = decode("2\r\nok\r\n0\r\n\r\n" + next, 64);
    EXPECT_TRUE(d.done);
    EXPECT_EQ(d.consumed, 12u);
}

TEST(ChunkedDecoder, AllTrailersTogetherAreCapped) {
    std::string input = "0\r\n";
    for (int i = 0; i < 40; ++i) input += "X-T" + std::to_string(i) + ": " + std::string(1000, 'v') + "\r\n";
    EXPECT_EQ(decode(input + "\r\n", 4096).problem, "the trailers are too long");
}

TEST(RequestTarget, DecodesThePathAndTheQuery) {
    RequestTarget t;
    ASSERT_EQ(parse_request_target("/api/tasks/sales%2Edw/report?format=html&x=a+b%20c", t), "");
    EXPECT_EQ(t.path, "/api/tasks/sales.dw/report");
    EXPECT_EQ(t.query, (Poco::URI::QueryParameters{{"format", "html"}, {"x", "a b c"}}));
    ASSERT_EQ(parse_request_target("http://127.0.0.1:8080/api/tasks?x=1#frag", t), "");
    EXPECT_EQ(t.path, "/api/tasks");
    ASSERT_EQ(parse_request_target("/%C3%A9t%C3%A9", t), "");
    EXPECT_EQ(t.path, "/\xc3\xa9t\xc3\xa9");
    EXPECT_EQ(parse_request_target("/a%0ab", t), "") << "control characters are the log's to escape";
    EXPECT_EQ(t.path, "/a\nb");
}

TEST(AccessLog, EscapesControlsSpacesBackslashesAndBytesThatAreNotUtf8) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"/api/tasks/sales.dw", "/api/tasks/sales.dw"},
        {"/a\nforged", "/a\\x0aforged"},
        {"/a\r\n", "/a\\x0d\\x0a"},
        {"/a b", "/a\\x20b"},
        {"/a\\x0a", "/a\\x5cx0a"},  // a literal backslash cannot pose as an escape
        {"/\x1b[31m", "/\\x1b[31m"},
        {"/\x7f", "/\\x7f"},
        {"/\xff\xfe", "/\\xff\\xfe"},
        {"/\xc2\x85", "/\\xc2\\x85"},          // NEL, a C1 control
        {"/\xe2\x80\xa8", "/\\xe2\\x80\\xa8"},  // LINE SEPARATOR
        {"/\xe2\x80\xae", "/\\xe2\\x80\\xae"},  // RIGHT-TO-LEFT OVERRIDE
        {"/\xc3\xa9t\xc3\xa9", "/\xc3\xa9t\xc3\xa9"},
    };
    for (const auto& [raw, logged] : cases) EXPECT_EQ(escape_for_log(raw), logged) << raw;
    EXPECT_EQ(escape_for_log("no such table\nmain.x", true), "no such table\\x0amain.x");
}

}  // namespace
}  // namespace ferry::host::web
