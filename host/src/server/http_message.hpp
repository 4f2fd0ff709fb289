// What the transport (http_front) hands a route and what the route hands back. Poco's message
// types carry method, URI, headers and cookies; the request adds its body, complete before any
// route runs, and the response its body (text, or an open file), which the transport writes
// without blocking a worker.
#pragma once

#include <istream>
#include <memory>
#include <string>

#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>

#include "server/file_body.hpp"
#include "server/request_body.hpp"

namespace ferry::host::web {

class HttpRequest : public Poco::Net::HTTPRequest {
  public:
    HttpRequest() = default;
    explicit HttpRequest(std::unique_ptr<RequestBody> body) : body_(std::move(body)) {}

    // The whole body (empty for a request that announced none).
    std::istream& stream() {
        if (!body_) body_ = std::make_unique<RequestBody>("", 0);
        return body_->stream();
    }
    void set_body(std::unique_ptr<RequestBody> body) { body_ = std::move(body); }

  private:
    std::unique_ptr<RequestBody> body_;
};

class HttpResponse : public Poco::Net::HTTPResponse {
  public:
    HttpResponse() : Poco::Net::HTTPResponse(Poco::Net::HTTPMessage::HTTP_1_1, HTTP_OK) {}
    // Sent as is, with its Content-Length; a HEAD request gets the headers only.
    std::string body;
    // When set, the body is this file instead (`body` is ignored): written in pieces, never read
    // into memory.
    std::shared_ptr<FileBody> file;
};

}  // namespace ferry::host::web
