#include "ferry/cloud/http_client.hpp"

#include <algorithm>
#include <charconv>
#include <thread>

#include "ascii.hpp"
#include "connection.hpp"
#include "ferry/sdk/plugin.hpp"

namespace ferry::cloud {
namespace {

// The request as error sentences and log lines name it: no query, which may carry a signature.
std::string label_of(const HttpRequest& request) {
    return request.scheme + "://" + request.host_header() + uri_encode(request.path.empty() ? "/" : request.path, true);
}

bool default_retryable(const HttpResponse& r) { return r.status == 429 || r.status >= 500; }

// Retry-After in seconds (the HTTP-date form is not used by the services ferry talks to).
std::chrono::milliseconds retry_after(const HttpResponse& r) {
    const std::string* v = r.header("Retry-After");
    long long seconds = 0;
    if (!v || std::from_chars(v->data(), v->data() + v->size(), seconds).ec != std::errc() || seconds < 0) return {};
    return std::chrono::seconds(std::min(seconds, 86400LL));
}

SendResult send(const HttpRequest& request, const std::string& body, const TransportOptions& transport,
                const std::string& label, HttpResponse& out) {
    Connection connection;
    SendResult r = connection.open(request, body, transport, label, out);
    if (r.failure != SendFailure::none) return r;
    char buffer[64 * 1024];
    for (;;) {
        std::ptrdiff_t n = connection.read(buffer, sizeof buffer, r);
        if (n == 0) return r;
        if (n < 0) {
            if (r.cause != SendCause::timeout) r.error = "the reply from " + label + " broke off: " + r.error;
            return r;
        }
        out.body.append(buffer, static_cast<std::size_t>(n));
    }
}

}  // namespace

const std::string* HttpResponse::header(std::string_view name) const {
    for (const auto& h : headers)
        if (ascii::iequals(h.name, name)) return &h.value;
    return nullptr;
}

SendResult send_request(const HttpRequest& request, const std::string& body, const TransportOptions& transport,
                        HttpResponse& out) {
    return send(request, body, transport, label_of(request), out);
}

CallResult call(HttpRequest request, const std::string& body,
                const std::function<void(HttpRequest&, const std::string& body)>& sign,
                const TransportOptions& transport, const RetryPolicy& policy) {
    const std::string label = label_of(request);
    CallResult result;
    std::chrono::milliseconds backoff = policy.backoff;
    for (;;) {
        HttpRequest attempt = request;
        if (sign) sign(attempt, body);  // a new date and nonce for every attempt
        HttpResponse response;
        SendResult sent = send(attempt, body, transport, label, response);
        ++result.attempts;

        bool retry = false;
        std::chrono::milliseconds hint{0};
        std::string why;
        if (sent.failure == SendFailure::none) {
            result = CallResult{true, std::move(response), SendFailure::none, {}, SendCause::none, {}, result.attempts};
            retry = policy.retryable ? policy.retryable(result.response) : default_retryable(result.response);
            if (retry) {
                hint = policy.wait_hint ? policy.wait_hint(result.response) : retry_after(result.response);
                why = attempt.method + " " + label + " answered HTTP " + std::to_string(result.response.status);
            }
        } else {
            result = CallResult{false, {}, sent.failure, sent.error, sent.cause, sent.hint, result.attempts};
            // A TLS refusal or an unknown host will not change by itself; a request that may have
            // reached the server is sent again only when the caller says that is harmless.
            retry = sent.failure == SendFailure::not_sent ? sent.cause != SendCause::tls && sent.cause != SendCause::resolve
                                                          : policy.retry_no_answer;
            why = sent.error;
        }
        if (!retry || result.attempts > policy.retries) return result;

        std::chrono::milliseconds wait = std::min(backoff, policy.max_backoff);
        if (hint > wait) wait = std::min(hint, policy.max_wait_hint);
        backoff = std::min(backoff * 2, policy.max_backoff);
        if (policy.host)
            policy.host->log(sdk::Severity::warning,
                             why + "; retrying in " + std::to_string(wait.count()) +
                                 " ms (retry " + std::to_string(result.attempts) + " of " + std::to_string(policy.retries) + ")");
        std::this_thread::sleep_for(wait);
    }
}

}  // namespace ferry::cloud
