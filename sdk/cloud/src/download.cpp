// The resumable GET. Each attempt ends in a Step (done, retry, fail); every failure a caller sees is
// a DownloadFailure with the secrets scrubbed.
#include "ferry/cloud/download.hpp"

#include <algorithm>
#include <charconv>
#include <optional>
#include <thread>

#include "connection.hpp"
#include "ferry/cloud/crc64.hpp"
#include "ferry/cloud/redact.hpp"
#include "ferry/cloud/service_error.hpp"
#include "ferry/sdk/plugin.hpp"

namespace ferry::cloud {
namespace {

constexpr std::size_t kMaxErrorBody = 64 * 1024;  // enough for any service's XML error
constexpr std::chrono::milliseconds kMaxBackoff{8000};

std::optional<std::uint64_t> parse_u64(const std::string& text) {
    std::uint64_t v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || p != text.data() + text.size() || text.empty()) return std::nullopt;
    return v;
}

// "bytes 100-199/1000" -> {100, 1000}; total is -1 for "*".
bool parse_content_range(const std::string& text, std::uint64_t& first, std::int64_t& total) {
    if (text.rfind("bytes ", 0) != 0) return false;
    auto dash = text.find('-', 6);
    auto slash = text.find('/', 6);
    if (dash == std::string::npos || slash == std::string::npos || dash > slash) return false;
    auto f = parse_u64(text.substr(6, dash - 6));
    if (!f) return false;
    first = *f;
    std::string t = text.substr(slash + 1);
    if (t == "*") {
        total = -1;
        return true;
    }
    auto tv = parse_u64(t);
    if (!tv) return false;
    total = static_cast<std::int64_t>(*tv);
    return true;
}

// What to do about an object store's error code.
std::string hint_for(const std::string& code) {
    if (code == "NoSuchKey") return "check the key (object names are case-sensitive)";
    if (code == "NoSuchBucket") return "check the bucket name and the endpoint's region";
    if (code == "AccessDenied")
        return "the credentials may not read this object (oss:GetObject / s3:GetObject), or the object is private and "
               "no credentials were configured";
    if (code == "InvalidAccessKeyId") return "check the AccessKey id named in the config";
    if (code == "InvalidSecurityToken" || code == "SecurityTokenExpired")
        return "the STS token is invalid or expired: fetch a new one";
    if (code == "RequestTimeTooSkewed") return "the local clock is more than 15 minutes off: synchronise it";
    if (code == "SignatureDoesNotMatch") return "check the AccessKey secret and the signature version";
    return {};
}

std::string header_or(const HttpResponse& r, const char* name, const std::string& fallback = {}) {
    const std::string* v = r.header(name);
    return v ? *v : fallback;
}

}  // namespace

struct Download::State {
    enum class Step { done, retry, fail };

    DownloadOptions o;
    Connection connection;
    bool open = false;            // a response's body is being read
    HttpResponse head;            // of the current response
    std::int64_t content_length = -1;
    bool chunked = false;
    std::uint64_t received = 0;   // from the current response, skipped bytes included
    std::uint64_t skip = 0;       // bytes to drop when a resume got the whole object again

    std::int64_t total = -1;      // announced by the first response
    std::string etag;
    std::optional<std::uint64_t> expected_crc;
    Crc64 crc;
    std::uint64_t delivered = 0;

    int failures = 0;  // consecutive failures without progress
    int attempts = 0;
    std::uint64_t delivered_at_failure = 0;
    DownloadFailure last;  // the last transient failure, reported if the retries run out
    bool failed = false;
    bool finished = false;

    explicit State(DownloadOptions options) : o(std::move(options)) {}

    std::string scrubbed(const std::string& text) const { return scrub(text, o.secrets); }

    void fail(DownloadFailure& out, DownloadError error, const std::string& summary, const std::string& detail,
              int status = 0) {
        failed = true;
        close();
        out = {error, status, scrubbed(summary), scrubbed(detail), false};
    }

    void close() {
        open = false;
        connection.close();
    }

    void log(sdk::Severity severity, const std::string& message) {
        if (o.host) o.host->log(severity, scrubbed(message));
    }

    Step transient(DownloadError error, std::string summary, int status = 0) {
        last = {error, status, std::move(summary), {}, false};
        return Step::retry;
    }
    Step lost(const std::string& summary) { return transient(DownloadError::connection_lost, o.location + ": " + summary); }

    // Connects (first request or resume), retrying transient failures.
    bool connect(DownloadFailure& out) {
        for (;;) {
            Step step = attempt(out);
            if (step == Step::done) return true;
            if (step == Step::fail) return false;
            if (!backoff(out)) return false;
        }
    }

    // Counts a transient failure; false (after reporting the last failure) when they run out.
    bool backoff(DownloadFailure& out) {
        if (delivered > delivered_at_failure) failures = 0;  // progress since the last failure
        delivered_at_failure = delivered;
        ++failures;
        ++attempts;
        // A server that drops every few bytes makes progress forever; cap the total too.
        if (failures > o.retries || attempts > 16 * (o.retries + 1)) {
            failed = true;
            close();
            out = last;
            out.summary = scrubbed(last.summary + " (gave up after " + std::to_string(attempts) +
                                   (attempts == 1 ? " attempt)" : " attempts)"));
            out.gave_up = true;
            return false;
        }
        auto wait = std::min(kMaxBackoff, o.backoff * (1 << std::min(failures - 1, 5)));
        log(sdk::Severity::warning, last.summary + "; " +
                                        (delivered ? "resuming at byte " + std::to_string(delivered) : std::string("retrying")) +
                                        " in " + std::to_string(wait.count()) + " ms (retry " + std::to_string(failures) +
                                        " of " + std::to_string(o.retries) + ")");
        std::this_thread::sleep_for(wait);
        return true;
    }

    Step attempt(DownloadFailure& out) {
        HttpRequest req = o.request;
        bool resuming = delivered > 0;
        if (resuming) {
            req.set_header("Range", "bytes=" + std::to_string(delivered) + "-");
            if (!etag.empty()) req.set_header("If-Match", etag);
        }
        if (o.sign) o.sign(req);
        req.set_header("Accept-Encoding", "identity");  // the checksum covers the stored bytes

        SendResult sent = connection.open(req, "", o.transport, o.location, head);
        switch (sent.cause) {
            case SendCause::none: break;
            case SendCause::tls: fail(out, DownloadError::tls, sent.error, sent.hint); return Step::fail;
            case SendCause::resolve: fail(out, DownloadError::connect, sent.error, sent.hint); return Step::fail;
            case SendCause::refused: return transient(DownloadError::connect, sent.error);
            case SendCause::timeout: return transient(DownloadError::timeout, sent.error);
            case SendCause::connection: return transient(DownloadError::connection_lost, sent.error);
        }
        open = true;
        content_length = connection.content_length();
        chunked = connection.chunked();
        if (head.status == 200 || head.status == 206) return accept(resuming, out);
        Step step = refuse(out);
        close();
        return step;
    }

    Step accept(bool resuming, DownloadFailure& out) {
        received = 0;
        skip = 0;
        std::string new_etag = header_or(head, "ETag");
        if (!resuming) {
            if (head.status != 200) {
                fail(out, DownloadError::resume, o.location + " answered a whole-object GET with 206", {});
                return Step::fail;
            }
            total = content_length;
            etag = new_etag;
            if (const std::string* crc_header = head.header("x-oss-hash-crc64ecma")) {
                expected_crc = parse_u64(*crc_header);
                if (!expected_crc)
                    log(sdk::Severity::warning, o.location + " sent an unreadable x-oss-hash-crc64ecma; not checked");
            }
            if (o.max_size && total >= 0 && static_cast<std::uint64_t>(total) > o.max_size) {
                fail(out, DownloadError::too_large,
                     o.location + " is " + std::to_string(total) + " bytes (Content-Length), over the size cap of " +
                         std::to_string(o.max_size) + " bytes; nothing was read",
                     {});
                return Step::fail;
            }
            return Step::done;
        }
        if (!etag.empty() && !new_etag.empty() && new_etag != etag) {
            fail(out, DownloadError::object_changed,
                 o.location + " changed while it was downloaded (ETag " + etag + " became " + new_etag + ")",
                 "run again once the object is no longer being written");
            return Step::fail;
        }
        if (head.status == 200) {  // the server ignored Range: read the object again and skip what we have
            if (total >= 0 && content_length >= 0 && content_length != total) {
                fail(out, DownloadError::object_changed,
                     o.location + " changed size while it was downloaded (" + std::to_string(total) + " became " +
                         std::to_string(content_length) + " bytes)",
                     "run again once the object is no longer being written");
                return Step::fail;
            }
            skip = delivered;
            log(sdk::Severity::info, o.location + " ignored the Range request; skipping " + std::to_string(skip) +
                                         " bytes already received");
            return Step::done;
        }
        std::uint64_t first = 0;
        std::int64_t range_total = -1;
        std::string content_range = header_or(head, "Content-Range");
        if (!parse_content_range(content_range, first, range_total) || first != delivered ||
            (total >= 0 && range_total >= 0 && range_total != total)) {
            fail(out, DownloadError::resume,
                 o.location + " answered the request for bytes " + std::to_string(delivered) + "- with Content-Range '" +
                     content_range + "'",
                 "the server does not resume downloads correctly; try again");
            return Step::fail;
        }
        return Step::done;
    }

    // A status other than 200/206: retry 5xx, 408 and 429; everything else is final.
    Step refuse(DownloadFailure& out) {
        std::string body;
        char buf[4096];
        SendResult ignored;
        for (std::ptrdiff_t n; body.size() < kMaxErrorBody && (n = connection.read(buf, sizeof buf, ignored)) > 0;)
            body.append(buf, static_cast<std::size_t>(n));  // a torn error body only loses its details
        ServiceError err = parse_service_error(body);
        std::string request_id = err.request_id;
        if (request_id.empty()) request_id = header_or(head, "x-oss-request-id", header_or(head, "x-amz-request-id"));

        const int status = head.status;
        std::string summary = "GET " + o.location + " failed with HTTP " + std::to_string(status);
        if (!err.code.empty()) summary += ": " + err.code;
        if (!err.message.empty()) summary += ": " + err.message;
        else if (err.code.empty()) summary += " " + head.reason;
        if (!request_id.empty()) summary += " (RequestId " + request_id + ")";

        if (status >= 500 || status == 408 || status == 429) return transient(DownloadError::http_status, summary, status);

        if (status == 412 && !etag.empty()) {
            fail(out, DownloadError::object_changed, o.location + " changed while it was downloaded (If-Match failed)",
                 "run again once the object is no longer being written");
            return Step::fail;
        }
        std::string detail = hint_for(err.code);
        if (status >= 300 && status < 400 && head.header("Location"))
            detail = "the server redirects to " + redact_url(*head.header("Location")) + "; use that address";
        if (!err.string_to_sign.empty())
            detail += (detail.empty() ? "" : "; ") + std::string("the server's StringToSign was:\n") + err.string_to_sign;
        if (!err.canonical_request.empty()) detail += "\nthe server's CanonicalRequest was:\n" + err.canonical_request;
        if (!err.ec.empty()) detail += (detail.empty() ? "" : "\n") + std::string("EC: ") + err.ec;
        fail(out, DownloadError::http_status, summary, detail, status);
        return Step::fail;
    }

    bool skip_bytes(SendResult& failure) {
        char scratch[16 * 1024];
        while (skip > 0) {
            std::ptrdiff_t got = connection.read(scratch, static_cast<std::size_t>(std::min<std::uint64_t>(skip, sizeof scratch)), failure);
            if (got <= 0) return false;
            skip -= static_cast<std::uint64_t>(got);
            received += static_cast<std::uint64_t>(got);
        }
        return true;
    }

    // Verifies what only the transport knows before the end is reported.
    bool finish(DownloadFailure& out) {
        if (content_length >= 0 && !chunked && connection.has_trailing_bytes()) {
            fail(out, DownloadError::length_mismatch,
                 o.location + " sent more bytes than the " + std::to_string(content_length) + " its Content-Length announced",
                 "the server or a proxy in between is misbehaving; the download was discarded");
            return false;
        }
        if (total >= 0 && delivered != static_cast<std::uint64_t>(total)) {
            fail(out, DownloadError::length_mismatch,
                 o.location + " ended after " + std::to_string(delivered) + " bytes; " + std::to_string(total) +
                     " were announced",
                 "the download was discarded; try again");
            return false;
        }
        if (expected_crc && crc.value() != *expected_crc) {
            fail(out, DownloadError::crc_mismatch,
                 "the CRC-64 of the " + std::to_string(delivered) + " bytes received from " + o.location + " is " +
                     std::to_string(crc.value()) + ", but the server announced " + std::to_string(*expected_crc) +
                     " (x-oss-hash-crc64ecma)",
                 "the object was corrupted in transit or changed; the download was discarded");
            return false;
        }
        finished = true;
        close();
        return true;
    }

    std::ptrdiff_t read(char* buffer, std::size_t size, DownloadFailure& out) {
        if (failed) {
            out = {DownloadError::already_failed, 0, "reading " + o.location + " already failed", {}, false};
            return -1;
        }
        if (finished || size == 0) return 0;
        // Never hand out a byte past the cap: ask for at most one more, which proves the object too large.
        std::size_t want = size;
        if (o.max_size) want = static_cast<std::size_t>(std::min<std::uint64_t>(size, o.max_size - delivered + 1));
        for (;;) {
            if (!open && !connect(out)) return -1;
            Step step = Step::done;
            std::ptrdiff_t got = 0;
            SendResult broken;
            if (skip > 0 && !skip_bytes(broken)) {
                step = broken.cause == SendCause::timeout
                           ? transient(DownloadError::timeout, broken.error)
                           : lost("the connection closed while skipping to byte " + std::to_string(delivered));
            } else if ((got = connection.read(buffer, want, broken)) < 0) {
                step = broken.cause == SendCause::timeout
                           ? transient(DownloadError::timeout, broken.error)
                           : lost("reading the body failed after byte " + std::to_string(delivered) + ": " + broken.error);
            }
            if (step == Step::done && got > 0) {
                auto n = static_cast<std::uint64_t>(got);
                if (o.max_size && delivered + n > o.max_size) {
                    fail(out, DownloadError::too_large,
                         o.location + " is larger than the size cap of " + std::to_string(o.max_size) +
                             " bytes; stopped reading at the cap",
                         {});
                    return -1;
                }
                crc.update(buffer, n);
                delivered += n;
                received += n;
                return got;
            }
            if (step == Step::done) {  // end of this response's body
                if (content_length >= 0 && received < static_cast<std::uint64_t>(content_length))
                    step = lost("the connection closed after " + std::to_string(delivered) + " of " +
                                std::to_string(total) + " bytes");
                else
                    return finish(out) ? 0 : -1;
            }
            // A transient failure: drop the connection, back off, resume from `delivered`.
            close();
            if (!backoff(out)) return -1;
        }
    }
};

Download::Download(std::unique_ptr<State> state) : state_(std::move(state)) {}
Download::~Download() = default;

std::unique_ptr<Download> Download::start(DownloadOptions options, DownloadFailure& failure) {
    auto state = std::make_unique<State>(std::move(options));
    if (!state->connect(failure)) return nullptr;
    return std::unique_ptr<Download>(new Download(std::move(state)));
}

std::int64_t Download::size() const { return state_->total; }

std::ptrdiff_t Download::read(char* buffer, std::size_t size, DownloadFailure& failure) {
    return state_->read(buffer, size, failure);
}

}  // namespace ferry::cloud
