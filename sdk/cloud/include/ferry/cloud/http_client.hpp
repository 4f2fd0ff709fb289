// The one HTTP(S) client of ferry's plugins (Poco Net/NetSSL underneath): one request and its whole
// reply (send_request), or one call retried with backoff and signed afresh before every attempt
// (call). HTTPS is always verified (tls_policy): the system's CAs or only those of a CA file, and
// the certificate must name the host. Nothing here throws; failures are values.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "ferry/cloud/http_request.hpp"

namespace ferry::sdk {
class HostServices;
}

namespace ferry::cloud {

struct HttpResponse {
    int status = 0;
    std::string reason;  // the status line's phrase ("Service Unavailable")
    std::vector<Header> headers;
    std::string body;
    const std::string* header(std::string_view name) const;  // case-insensitive; null when absent
};

struct TransportOptions {
    std::string ca_file;                        // PEM file trusted instead of the system's CAs; empty: system
    std::chrono::milliseconds timeout{30000};  // connect, send, and each wait for more of the reply
};

enum class SendFailure {
    none,
    not_sent,   // no connection: the server never saw the request
    no_answer,  // sent, but no (complete) reply: the server may have acted
};

// Why a request failed, for callers that treat causes differently (a TLS refusal is final, a
// refused connection is worth another try).
enum class SendCause { none, tls, resolve, refused, timeout, connection };

struct SendResult {
    SendFailure failure = SendFailure::none;
    std::string error;  // one sentence, no secrets
    SendCause cause = SendCause::none;
    std::string hint;   // what to do about it, when there is something to say
};

// Sends `request` with `body` (Content-Length set for any body and for POST/PUT/PATCH) and reads
// the whole reply into `out`. An HTTP error status is an answer, not a failure.
SendResult send_request(const HttpRequest& request, const std::string& body, const TransportOptions& transport,
                        HttpResponse& out);

struct RetryPolicy {
    int retries = 4;                                 // further attempts
    std::chrono::milliseconds backoff{500};          // doubled after each attempt
    std::chrono::milliseconds max_backoff{8000};
    bool retry_no_answer = true;                     // false for calls that are not idempotent
    std::function<bool(const HttpResponse&)> retryable;  // empty: 429 and 5xx
    // A server-given wait (throttling), or 0. Empty: the Retry-After header's seconds, if any.
    std::function<std::chrono::milliseconds(const HttpResponse&)> wait_hint;
    std::chrono::milliseconds max_wait_hint{60000};  // a longer hint is cut to this
    sdk::HostServices* host = nullptr;               // a log line per retry (never a secret)
};

struct CallResult {
    bool answered = false;  // an HTTP reply came (any status); the last one is in `response`
    HttpResponse response;
    SendFailure failure = SendFailure::none;  // of the last attempt, when none answered
    std::string error;
    SendCause cause = SendCause::none;
    std::string hint;
    int attempts = 0;
};

// Sends, signing afresh before every attempt (new date and nonce), retrying per the policy:
// retryable statuses, requests never sent (refused, timed out or dropped connections; never a TLS
// refusal or an unknown host), and, when retry_no_answer, requests that got no answer. `sign` may be
// empty. The wait before retry n is backoff * 2^(n-1) (at most max_backoff), or the server's hint
// when longer.
CallResult call(HttpRequest request, const std::string& body,
                const std::function<void(HttpRequest&, const std::string& body)>& sign,
                const TransportOptions& transport, const RetryPolicy& policy);

}  // namespace ferry::cloud
