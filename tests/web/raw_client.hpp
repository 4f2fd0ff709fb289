// A client on a plain POSIX socket, for what a well-behaved HTTP library will not send: heads a
// byte at a time, bodies that stop, bytes that are not UTF-8, connections left open or half closed.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <string>
#include <string_view>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace ferry::test::web {

struct RawResponse {
    int status = 0;  // 0: no answer came
    std::string reason;
    std::map<std::string, std::string> headers;  // names in lower case
    std::string body;
    bool closed = false;  // the server closed the connection (before or after answering)
    nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
    std::string header(const std::string& lower_case_name) const {
        const auto it = headers.find(lower_case_name);
        return it == headers.end() ? "" : it->second;
    }
};

class RawClient {
  public:
    explicit RawClient(unsigned short port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
            ADD_FAILURE() << "cannot connect to 127.0.0.1:" << port;
            if (fd_ >= 0) ::close(fd_);
            fd_ = -1;
        }
    }
    ~RawClient() {
        if (fd_ >= 0) ::close(fd_);
    }
    RawClient(const RawClient&) = delete;
    RawClient& operator=(const RawClient&) = delete;

    // False when the server no longer takes bytes (it closed, or reset the connection).
    bool send(std::string_view bytes) {
        while (!bytes.empty()) {
            const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (n <= 0) return false;
            bytes.remove_prefix(static_cast<std::size_t>(n));
        }
        return true;
    }
    void shutdown_write() { ::shutdown(fd_, SHUT_WR); }

    // One response (an interim 100 too), read within `timeout`; what follows it stays buffered.
    RawResponse read_response(std::chrono::milliseconds timeout) {
        RawResponse r;
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            if (parse(r)) return r;
            if (closed_) {
                r.closed = true;
                return r;
            }
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                                    std::chrono::steady_clock::now());
            if (left.count() <= 0 || !fill(static_cast<int>(left.count()))) return r;
        }
    }

    // Nothing has arrived, not even a close: the server is still waiting for this client.
    bool silent() {
        fill(0);
        return buffer_.empty() && !closed_;
    }

    // The server closes the connection within `timeout` (bytes before the close are dropped).
    bool closed_within(std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (!closed_) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                                    std::chrono::steady_clock::now());
            if (left.count() <= 0 || !fill(static_cast<int>(left.count()))) return closed_;
            buffer_.clear();
        }
        return true;
    }

  private:
    // Waits up to `ms` for bytes; false when none came in time.
    bool fill(int ms) {
        if (closed_ || fd_ < 0) return false;
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, ms) <= 0) return false;
        char buf[16 << 10];
        const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        if (n <= 0) {
            closed_ = true;  // an orderly close or a reset
            return true;
        }
        buffer_.append(buf, static_cast<std::size_t>(n));
        return true;
    }

    bool parse(RawResponse& r) {
        const auto end = buffer_.find("\r\n\r\n");
        if (end == std::string::npos) return false;
        const std::string head = buffer_.substr(0, end);
        std::size_t length = 0;
        std::size_t line_end = head.find("\r\n");
        const std::string status_line = head.substr(0, line_end);
        if (status_line.size() < 12) return false;
        std::map<std::string, std::string> headers;
        while (line_end != std::string::npos) {
            const std::size_t start = line_end + 2;
            line_end = head.find("\r\n", start);
            const std::string line = head.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start);
            const auto colon = line.find(':');
            if (colon == std::string::npos) continue;
            std::string name = line.substr(0, colon);
            std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
            std::string value = line.substr(colon + 1);
            value.erase(0, value.find_first_not_of(' '));
            headers[name] = value;
        }
        const int status = std::stoi(status_line.substr(9, 3));
        if (status >= 200 && headers.count("content-length")) length = std::stoul(headers["content-length"]);
        if (buffer_.size() < end + 4 + length) return false;
        r.status = status;
        r.reason = status_line.size() > 13 ? status_line.substr(13) : "";
        r.headers = std::move(headers);
        r.body = buffer_.substr(end + 4, length);
        buffer_.erase(0, end + 4 + length);
        return true;
    }

    int fd_ = -1;
    std::string buffer_;
    bool closed_ = false;
};

}  // namespace ferry::test::web
