// One HTTP exchange on its own connection (no keep-alive): the request sent whole, the status and
// headers read, then the body read as it arrives. Poco's exceptions end here; what failed, and
// whether the server can have seen the request, comes back as a SendResult.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "ferry/cloud/http_client.hpp"

namespace ferry::cloud {

class Connection {
  public:
    Connection();
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Sends the request and reads the reply's head into `head` (body left empty). `label` names the
    // request in error sentences (an address without secrets).
    SendResult open(const HttpRequest& request, const std::string& body, const TransportOptions& transport,
                    const std::string& label, HttpResponse& head);

    std::int64_t content_length() const;  // -1 when not announced
    bool chunked() const;

    // Up to `size` bytes of the body; 0 at its end; -1 with `failure` set (timeout or connection).
    std::ptrdiff_t read(char* buffer, std::size_t size, SendResult& failure);
    // After the body: whether the server sent more bytes than it announced (waits briefly).
    bool has_trailing_bytes();
    void close();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ferry::cloud
