// A file body (a download) in the transport itself, without `ferry serve`: http_front sends the
// open file in pieces, so a 256 MB answer leaves the process's peak memory where it was; it goes
// out whole, with its Content-Length, twice on one kept-alive connection and as headers only to
// HEAD; a client that stops reading is cut at the write deadline while others are answered; a
// file that shrinks under the answer closes the connection rather than send a short body as whole.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "raw_client.hpp"
#include "server/http_front.hpp"
#include "test_env.hpp"
#include "util/sha256.hpp"

namespace ferry::host::web {
namespace {

using namespace std::chrono_literals;
using test::web::RawClient;
using test::web::RawResponse;

constexpr std::uint64_t kBig = 256ull << 20;

// A sparse file of `size` bytes with a few marks, so the bytes are not all zero.
void make_file(const std::string& path, std::uint64_t size) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::ftruncate(fd, static_cast<off_t>(size)), 0);
    for (const std::uint64_t at : {std::uint64_t{0}, size / 2, size - 16}) {
        const std::string mark = "mark@" + std::to_string(at);
        ASSERT_EQ(::pwrite(fd, mark.data(), std::min<std::size_t>(mark.size(), 16), static_cast<off_t>(at)),
                  static_cast<ssize_t>(std::min<std::size_t>(mark.size(), 16)));
    }
    ::close(fd);
}

std::string sha_of_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    Sha256 h;
    std::vector<char> buf(1 << 20);
    while (in.read(buf.data(), static_cast<std::streamsize>(buf.size())), in.gcount() > 0)
        h.update(buf.data(), static_cast<std::size_t>(in.gcount()));
    return h.hex();
}

// The process's peak resident memory (VmHWM), in bytes.
std::uint64_t peak_rss() {
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
    ADD_FAILURE() << "no VmHWM in /proc/self/status";
    return 0;
}

// Answers /small with text and anything else with the file at `path` (truncated to 1000 bytes
// after it was opened, when `shrink`).
class FileHandler : public HttpHandler {
  public:
    explicit FileHandler(std::string path, bool shrink = false) : path_(std::move(path)), shrink_(shrink) {}
    Admission admit(const Poco::Net::HTTPRequest&) override {
        Admission a;
        a.max_body = 1 << 20;
        return a;
    }
    void handle(HttpRequest& req, HttpResponse& resp) override {
        if (req.getURI() == "/small") {
            resp.body = "small";
            return;
        }
        resp.file = FileBody::open(path_);
        resp.setContentType("application/zip");
        if (shrink_) {
            EXPECT_EQ(::truncate(path_.c_str(), 1000), 0);
        }
    }
    void refused(const Poco::Net::HTTPRequest*, const Refusal& why, std::chrono::milliseconds,
                 HttpResponse& resp) override {
        resp.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(why.status));
        resp.body = why.code;
    }

  private:
    std::string path_;
    bool shrink_;
};

// A front on a free loopback port, stopped when the test ends.
struct Front {
    Front(FrontLimits limits, HttpHandler& handler) : front(std::move(limits), handler) {
        front.listen("127.0.0.1", 0);
        front.start();
    }
    ~Front() { front.stop(); }
    HttpFront front;
};

FrontLimits limits_for(const std::string& dir) {
    FrontLimits l;
    l.threads = 2;
    l.spool_dir = dir;
    return l;
}

// A client that reads an answer's body as it comes, hashing it, never holding it.
class StreamingClient {
  public:
    explicit StreamingClient(unsigned short port, int receive_buffer = 0) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (receive_buffer > 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) ADD_FAILURE() << "cannot connect";
    }
    ~StreamingClient() { ::close(fd_); }

    void send(const std::string& bytes) { ASSERT_EQ(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL), static_cast<ssize_t>(bytes.size())); }

    struct Answer {
        int status = 0;
        std::uint64_t content_length = 0;
        std::uint64_t received = 0;
        std::string sha256;
        std::string head;
        bool ended = false;  // the server closed the connection
    };

    // Reads one answer's head and then up to Content-Length body bytes (none when `head_only`),
    // giving up after `patience` without a byte.
    Answer read(bool head_only = false, std::chrono::milliseconds patience = 30s) {
        Answer a;
        std::string buf = std::move(left_);
        left_.clear();
        std::size_t end;
        while ((end = buf.find("\r\n\r\n")) == std::string::npos)
            if (!fill(buf, patience, a)) return a;
        a.head = buf.substr(0, end + 4);
        a.status = std::stoi(a.head.substr(9, 3));
        const auto cl = a.head.find("Content-Length: ");
        if (cl != std::string::npos) a.content_length = std::stoull(a.head.substr(cl + 16));
        buf.erase(0, end + 4);
        const std::uint64_t want = head_only ? 0 : a.content_length;
        Sha256 h;
        for (;;) {
            const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), want - a.received));
            h.update(buf.data(), take);
            a.received += take;
            buf.erase(0, take);
            if (a.received == want) break;
            if (!fill(buf, patience, a)) break;
        }
        a.sha256 = h.hex();
        left_ = std::move(buf);
        return a;
    }

  private:
    bool fill(std::string& buf, std::chrono::milliseconds patience, Answer& a) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(patience.count())) <= 0) return false;
        char chunk[64 << 10];
        const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
        if (n <= 0) {
            a.ended = true;
            return false;
        }
        buf.append(chunk, static_cast<std::size_t>(n));
        return true;
    }

    int fd_ = -1;
    std::string left_;
};

TEST(FileBody, ALargeFileGoesOutWholeFromTheFileNotFromMemory) {
    const std::string dir = test::scratch_dir();
    const std::string path = dir + "/big.zip";
    make_file(path, kBig);
    const std::string expected = sha_of_file(path);
    FileHandler handler(path);
    Front front(limits_for(dir), handler);

    const std::uint64_t before = peak_rss();
    StreamingClient client(front.front.port());
    for (int round = 0; round < 2; ++round) {  // the connection is kept alive between them
        client.send("GET /big HTTP/1.1\r\nHost: ferry\r\n\r\n");
        const auto a = client.read();
        EXPECT_EQ(a.status, 200) << a.head;
        EXPECT_NE(a.head.find("Content-Type: application/zip"), std::string::npos) << a.head;
        EXPECT_EQ(a.content_length, kBig);
        EXPECT_EQ(a.received, kBig);
        EXPECT_EQ(a.sha256, expected);
        EXPECT_FALSE(a.ended);
    }
    // A copy of the file in memory would have raised the peak by its 256 MB.
    EXPECT_LT(peak_rss() - before, 64ull << 20) << "peak RSS before " << before << " after " << peak_rss();

    // HEAD: the length, and not a byte of the body (the next answer starts right after the head).
    client.send("HEAD /big HTTP/1.1\r\nHost: ferry\r\n\r\nGET /small HTTP/1.1\r\nHost: ferry\r\n\r\n");
    const auto head = client.read(true);
    EXPECT_EQ(head.status, 200);
    EXPECT_EQ(head.content_length, kBig);
    const auto small = client.read();
    EXPECT_EQ(small.status, 200) << small.head;
    EXPECT_EQ(small.sha256, Sha256::of("small"));
}

TEST(FileBody, AReaderThatStopsIsCutAtTheWriteDeadlineWhileOthersAreAnswered) {
    const std::string dir = test::scratch_dir();
    const std::string path = dir + "/big.zip";
    make_file(path, kBig);
    FileHandler handler(path);
    FrontLimits limits = limits_for(dir);
    limits.body_timeout = 300ms;
    limits.min_rate = 64 << 20;  // what the socket buffers take moves the deadline by a few ms only
    Front front(limits, handler);

    StreamingClient stalled(front.front.port(), 4096);
    stalled.send("GET /big HTTP/1.1\r\nHost: ferry\r\n\r\n");
    // While it stalls, the loop answers everyone else.
    for (int i = 0; i < 3; ++i) {
        RawClient other(front.front.port());
        other.send("GET /small HTTP/1.1\r\nHost: ferry\r\n\r\n");
        const RawResponse r = other.read_response(3s);
        EXPECT_EQ(r.status, 200);
        EXPECT_EQ(r.body, "small");
    }
    // Well past the deadline (300 ms plus what the buffers took at 64 MB/s), then read what came:
    // the connection ended long before the 256 MB did.
    std::this_thread::sleep_for(2s);
    const auto a = stalled.read(false, 10s);
    EXPECT_EQ(a.status, 200);
    EXPECT_EQ(a.content_length, kBig);
    EXPECT_TRUE(a.ended);
    EXPECT_LT(a.received, kBig / 4) << "the server kept sending to a client that did not read";
}

TEST(FileBody, AFileThatShrinksUnderTheAnswerClosesTheConnection) {
    const std::string dir = test::scratch_dir();
    const std::string path = dir + "/shrinks.zip";
    make_file(path, 1 << 20);
    FileHandler handler(path, true);
    Front front(limits_for(dir), handler);
    StreamingClient client(front.front.port());
    client.send("GET /shrinks HTTP/1.1\r\nHost: ferry\r\n\r\n");
    const auto a = client.read();
    EXPECT_EQ(a.status, 200);
    EXPECT_EQ(a.content_length, 1u << 20) << "the length is the file's when it was opened";
    EXPECT_EQ(a.received, 1000u);
    EXPECT_TRUE(a.ended) << "a short body is never followed by another answer";
}

}  // namespace
}  // namespace ferry::host::web
