#include "loopback_server.hpp"

#include <Poco/Net/Context.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>

#include <gtest/gtest.h>

#include <strings.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>


namespace ferry::cloud::loopback {
namespace {

// Reads one request: the head up to the blank line, then Content-Length bytes of body.
bool read_request(Poco::Net::StreamSocket& s, SeenRequest& out) {
    std::string data;
    char buf[4096];
    std::size_t head_end;
    while ((head_end = data.find("\r\n\r\n")) == std::string::npos) {
        int n = s.receiveBytes(buf, sizeof buf);
        if (n <= 0) return false;
        data.append(buf, static_cast<std::size_t>(n));
    }
    std::string head = data.substr(0, head_end);
    out.body = data.substr(head_end + 4);
    std::size_t line_end = head.find("\r\n");
    std::string first = head.substr(0, line_end);
    out.method = first.substr(0, first.find(' '));
    out.target = first.substr(first.find(' ') + 1, first.rfind(' ') - first.find(' ') - 1);
    std::size_t at = line_end;
    while (at != std::string::npos && at < head.size()) {
        std::size_t next = head.find("\r\n", at + 2);
        std::string line = head.substr(at + 2, next == std::string::npos ? std::string::npos : next - at - 2);
        at = next;
        auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        auto value = line.find_first_not_of(' ', colon + 1);
        out.headers.emplace_back(line.substr(0, colon), value == std::string::npos ? "" : line.substr(value));
    }
    std::size_t length = out.header("Content-Length").empty() ? 0 : std::stoul(out.header("Content-Length"));
    while (out.body.size() < length) {
        int n = s.receiveBytes(buf, sizeof buf);
        if (n <= 0) return false;
        out.body.append(buf, static_cast<std::size_t>(n));
    }
    return true;
}

}  // namespace

std::string SeenRequest::header(const std::string& name) const {
    for (const auto& [n, v] : headers)
        if (::strcasecmp(n.c_str(), name.c_str()) == 0) return v;
    return {};
}

std::string http_reply(int status, const std::string& body, const std::string& headers) {
    return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\nConnection: close\r\n" + headers + "\r\n" + body;
}

struct LoopbackServer::Socket {
    std::unique_ptr<Poco::Net::ServerSocket> server;
};

LoopbackServer::LoopbackServer(Handler handler, const std::string& cert_file, const std::string& key_file)
    : socket_(std::make_unique<Socket>()), handler_(std::move(handler)), tls_(!cert_file.empty()) {
    Poco::Net::SocketAddress address("127.0.0.1", 0);
    if (tls_) {
        Poco::Net::initializeSSL();
        Poco::Net::Context::Ptr ctx =
            new Poco::Net::Context(Poco::Net::Context::SERVER_USE, key_file, cert_file, "", Poco::Net::Context::VERIFY_NONE);
        socket_->server = std::make_unique<Poco::Net::SecureServerSocket>(address, 16, ctx);
    } else {
        socket_->server = std::make_unique<Poco::Net::ServerSocket>(address, 16);
    }
    port_ = socket_->server->address().port();
    thread_ = std::thread([this] { serve(); });
}

LoopbackServer::~LoopbackServer() {
    stop_ = true;
    thread_.join();
    if (tls_) Poco::Net::uninitializeSSL();
}

std::string LoopbackServer::base_url() const {
    return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
}

std::vector<SeenRequest> LoopbackServer::requests() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return seen_;
}

void LoopbackServer::serve() {
    const Poco::Timespan tick(0, 50 * 1000);
    while (!stop_) {
        if (!socket_->server->poll(tick, Poco::Net::Socket::SELECT_READ)) continue;
        try {
            Poco::Net::StreamSocket s = socket_->server->acceptConnection();
            s.setReceiveTimeout(Poco::Timespan(5, 0));
            SeenRequest request;
            if (!read_request(s, request)) continue;  // e.g. a client that refused our certificate
            int index;
            {
                std::lock_guard<std::mutex> lock(mutex_);
                index = static_cast<int>(seen_.size());
                seen_.push_back(request);
            }
            Reply reply = handler_(request, index);
            for (auto waited = std::chrono::milliseconds(0); waited < reply.delay && !stop_; waited += std::chrono::milliseconds(10))
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            if (!reply.drop) s.sendBytes(reply.raw.data(), static_cast<int>(reply.raw.size()));
            s.shutdownSend();
            s.close();
        } catch (const std::exception&) {
            // A handshake the client broke off, a reset: the next connection is served as usual.
        }
    }
}

const std::string& tls_cert_dir() {
    struct CertDir {
        std::string path = (std::filesystem::temp_directory_path() / ("ferry-cloud-tls-" + std::to_string(::getpid()))).string();
        CertDir() {
            const std::string command = std::string("sh '") + FERRY_TLS_CERTS_SCRIPT + "' '" + path + "'";
            if (std::system(command.c_str()) != 0) ADD_FAILURE() << command << " failed (is openssl installed?)";
        }
        ~CertDir() {
            std::error_code ec;
            std::filesystem::remove_all(path, ec);
        }
    };
    static const CertDir dir;
    return dir.path;
}

}  // namespace ferry::cloud::loopback
