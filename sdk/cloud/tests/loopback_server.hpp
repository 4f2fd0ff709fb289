// A loopback HTTP(S) server inside the test process (Poco Net), one connection at a time: each
// request is read whole, recorded, and answered with the raw bytes the test's handler returns, or
// dropped after it was read (the server "acted" but never answered).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace ferry::cloud::loopback {

struct SeenRequest {
    std::string method;
    std::string target;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::string header(const std::string& name) const;  // case-insensitive; empty when absent
};

struct Reply {
    std::string raw;                        // the whole response, status line first
    bool drop = false;                      // close without answering
    std::chrono::milliseconds delay{0};     // before answering
};

// "HTTP/1.1 <status> X\r\nContent-Length: N\r\n<headers>\r\n<body>"; headers end in "\r\n".
std::string http_reply(int status, const std::string& body, const std::string& headers = {});

class LoopbackServer {
  public:
    using Handler = std::function<Reply(const SeenRequest& request, int index)>;
    // Plain HTTP; with a certificate and key, HTTPS.
    explicit LoopbackServer(Handler handler, const std::string& cert_file = {}, const std::string& key_file = {});
    ~LoopbackServer();

    unsigned short port() const { return port_; }
    std::string base_url() const;  // http(s)://127.0.0.1:PORT
    std::vector<SeenRequest> requests() const;

  private:
    void serve();
    struct Socket;
    std::unique_ptr<Socket> socket_;
    Handler handler_;
    bool tls_;
    unsigned short port_ = 0;
    std::atomic<bool> stop_{false};
    mutable std::mutex mutex_;
    std::vector<SeenRequest> seen_;
    std::thread thread_;
};

// A throwaway CA and a certificate for IP 127.0.0.1 (tests/servers/tls_certs.sh), made once per
// test process: DIR/ca.pem, DIR/server.pem, DIR/server.key.
const std::string& tls_cert_dir();

}  // namespace ferry::cloud::loopback
