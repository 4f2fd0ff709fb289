// The HTTP/1.1 transport of `ferry serve`: one event-loop thread owns the listening socket and
// every connection, and reads each request (head within a total deadline, body at a minimum rate)
// before a pool of workers sees it; workers hand back a whole response (or a head and an open
// file, sent in pieces with sendfile), which the loop writes without blocking. So a client that
// is slow, stalled or idle holds a socket, never a worker, and a download never fills memory.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "server/front_limits.hpp"
#include "server/http_message.hpp"

namespace ferry::host::web {

// A request the transport answers itself; code and message go into the API's error body.
struct Refusal {
    int status = 400;
    std::string code;
    std::string message;
};

// What a handler decides from a request's head alone, before any of its body is read.
struct Admission {
    std::optional<Refusal> refuse;  // answer this at once
    std::uint64_t max_body = 0;     // a longer body is refused with `too_large`
    Refusal too_large;
};

class HttpHandler {
  public:
    virtual ~HttpHandler() = default;
    // On the event loop, once the head has arrived: must be quick and must not block.
    virtual Admission admit(const Poco::Net::HTTPRequest& head) = 0;
    // On a worker, with the whole body; never throws.
    virtual void handle(HttpRequest& request, HttpResponse& response) = 0;
    // Fills the answer to a refused request and logs it; `head` is null when none was read.
    virtual void refused(const Poco::Net::HTTPRequest* head, const Refusal& why, std::chrono::milliseconds elapsed,
                         HttpResponse& response) = 0;
};

class HttpFront {
  public:
    HttpFront(FrontLimits limits, HttpHandler& handler);
    ~HttpFront();

    // Binds and listens (throws Poco::Exception); port 0 takes a free one.
    void listen(const std::string& host, unsigned short port);
    unsigned short port() const;
    void start();
    // Stops accepting and drops connections with no request being answered; answers the requests
    // workers hold, writes those answers, then joins the loop and the workers.
    void stop();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ferry::host::web
