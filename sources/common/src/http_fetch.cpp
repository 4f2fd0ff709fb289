// The HTTP(S) byte stream every network source uses. Poco exceptions stay in this file: each attempt
// ends in a Step (done, retry, fail) and every failure the user sees is a diagnostic.
#include "ferry/source/http_fetch.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Timespan.h>

#include <algorithm>
#include <charconv>
#include <istream>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "ferry/source/crc64.hpp"
#include "ferry/cloud/redact.hpp"
#include "ferry/source/service_error.hpp"

namespace ferry::source {
namespace {

constexpr std::size_t kMaxErrorBody = 64 * 1024;          // enough for any service's XML error
constexpr std::chrono::milliseconds kMaxBackoff{8000};
constexpr std::chrono::milliseconds kTrailingProbe{200};  // how long to wait for bytes past the body

// Reads the bytes a server sends after the body it announced. HTTPSession::read and buffered() are
// protected, hence the subclasses.
class TrailingProbe {
  public:
    virtual ~TrailingProbe() = default;
    virtual bool has_trailing_bytes() = 0;
};

template <class Base>
class Session final : public Base, public TrailingProbe {
  public:
    using Base::Base;
    bool has_trailing_bytes() override {
        if (this->buffered() > 0) return true;
        try {
            this->socket().setReceiveTimeout(Poco::Timespan(kTrailingProbe.count() * 1000));
            char c;
            return this->read(&c, 1) > 0;
        } catch (...) {
            return false;  // a timeout or a reset after the body: nothing more was sent
        }
    }
};

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

std::string hint_for(const std::string& code) {
    if (code == "NoSuchKey") return "check the key (object names are case-sensitive)";
    if (code == "NoSuchBucket") return "check the bucket name and the endpoint's region";
    if (code == "AccessDenied")
        return "the credentials may not read this object (oss:GetObject / s3:GetObject), or the object is "
               "private and no credentials were configured";
    if (code == "InvalidAccessKeyId") return "check the AccessKey id named in the config";
    if (code == "InvalidSecurityToken" || code == "SecurityTokenExpired")
        return "the STS token is invalid or expired: fetch a new one";
    if (code == "RequestTimeTooSkewed") return "the local clock is more than 15 minutes off: synchronise it";
    if (code == "SignatureDoesNotMatch") return "check the AccessKey secret and the signature version";
    return {};
}

Poco::Net::Context::Ptr make_tls_context(const std::string& ca_file) {
    static std::once_flag once;
    std::call_once(once, [] { Poco::Net::initializeSSL(); });
    // VERIFY_STRICT also checks the host name for loopback addresses, which Poco skips otherwise.
    Poco::Net::Context::Ptr ctx = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, ca_file,
                                                         Poco::Net::Context::VERIFY_STRICT, 9,
                                                         /*loadDefaultCAs=*/ca_file.empty());
    ctx->disableProtocols(Poco::Net::Context::PROTO_SSLV2 | Poco::Net::Context::PROTO_SSLV3 |
                          Poco::Net::Context::PROTO_TLSV1 | Poco::Net::Context::PROTO_TLSV1_1);
    return ctx;
}

class HttpStream final : public sdk::ByteStream {
  public:
    HttpStream(FetchOptions options, std::uint64_t max_size) : o_(std::move(options)), max_(max_size) {}

    // Sends the first request, retrying; false after adding an error.
    bool start(sdk::Diagnostics& diags) {
        if (o_.request.scheme == "https") {
            try {
                tls_ = make_tls_context(o_.ca_file);
            } catch (const Poco::Exception& e) {
                fail(diags, "FERRY-SRC-TLS",
                     o_.ca_file.empty() ? "cannot set up TLS with the system's CA certificates: " + e.displayText()
                                        : "cannot load the CA file " + o_.ca_file + ": " + e.displayText(),
                     "ca_file must be a PEM file of trusted certificates");
                return false;
            }
        }
        return connect(diags);
    }

    std::int64_t size() const { return total_; }

    std::ptrdiff_t read(char* buffer, std::size_t size, sdk::Diagnostics& out) override {
        sdk::Diagnostics diags;
        std::ptrdiff_t n = read_impl(buffer, size, diags);
        for (auto& d : diags.items()) {
            d.summary = cloud::scrub(d.summary, o_.secrets);
            d.detail = cloud::scrub(d.detail, o_.secrets);
        }
        out.append(diags);
        return n;
    }

  private:
    enum class Step { done, retry, fail };

    struct Failure {  // the last transient failure, reported if the retries run out
        std::string code;
        std::string summary;
    };

    std::ptrdiff_t read_impl(char* buffer, std::size_t size, sdk::Diagnostics& diags) {
        if (failed_) {
            diags.error("FERRY-SRC-STREAM-FAILED", "reading " + o_.location + " already failed", {}, o_.where);
            return -1;
        }
        if (finished_ || size == 0) return 0;
        // Never hand out a byte past the cap: ask for at most one more, which proves the object too large.
        std::size_t want = size;
        if (max_) want = static_cast<std::size_t>(std::min<std::uint64_t>(size, max_ - delivered_ + 1));
        for (;;) {
            if (!body_ && !connect(diags)) return -1;
            Step step = Step::done;
            std::size_t got = 0;
            try {
                if (skip_ > 0 && !skip_bytes()) {
                    step = lost("the connection closed while skipping to byte " + std::to_string(delivered_));
                } else {
                    body_->read(buffer, static_cast<std::streamsize>(want));
                    got = static_cast<std::size_t>(body_->gcount());
                }
            } catch (const Poco::TimeoutException&) {
                step = transient("FERRY-SRC-TIMEOUT", "no data from " + o_.location + " for " +
                                                          std::to_string(o_.timeout.count()) + " ms");
            } catch (const Poco::Exception& e) {
                step = lost("reading the body failed after byte " + std::to_string(delivered_) + ": " + e.displayText());
            } catch (const std::exception& e) {
                step = lost("reading the body failed after byte " + std::to_string(delivered_) + ": " + e.what());
            }
            if (step == Step::done && got > 0) {
                if (max_ && delivered_ + got > max_) {
                    fail(diags, "FERRY-SRC-TOO-LARGE",
                         o_.location + " is larger than the size cap of " + std::to_string(max_) +
                             " bytes; stopped reading at the cap",
                         "raise the limit with --max-size or max_size in [source] (e.g. 2GB)");
                    return -1;
                }
                crc_.update(buffer, got);
                delivered_ += got;
                received_ += got;
                return static_cast<std::ptrdiff_t>(got);
            }
            if (step == Step::done) {  // end of this response's body
                if (content_length_ >= 0 && received_ < static_cast<std::uint64_t>(content_length_))
                    step = lost("the connection closed after " + std::to_string(delivered_) + " of " +
                                std::to_string(total_) + " bytes");
                else
                    return finish(diags) ? 0 : -1;
            }
            // A transient failure: drop the connection, back off, resume from delivered_.
            close();
            if (!backoff(diags)) return -1;
        }
    }

    bool skip_bytes() {
        char scratch[16 * 1024];
        while (skip_ > 0) {
            body_->read(scratch, static_cast<std::streamsize>(std::min<std::uint64_t>(skip_, sizeof scratch)));
            auto got = static_cast<std::uint64_t>(body_->gcount());
            if (got == 0) return false;
            skip_ -= got;
            received_ += got;
        }
        return true;
    }

    // Verifies what only the transport knows before the end is reported.
    bool finish(sdk::Diagnostics& diags) {
        if (content_length_ >= 0 && !chunked_ && probe_ && probe_->has_trailing_bytes()) {
            fail(diags, "FERRY-SRC-LENGTH-MISMATCH",
                 o_.location + " sent more bytes than the " + std::to_string(content_length_) +
                     " its Content-Length announced",
                 "the server or a proxy in between is misbehaving; the download was discarded");
            return false;
        }
        if (total_ >= 0 && delivered_ != static_cast<std::uint64_t>(total_)) {
            fail(diags, "FERRY-SRC-LENGTH-MISMATCH",
                 o_.location + " ended after " + std::to_string(delivered_) + " bytes; " + std::to_string(total_) +
                     " were announced",
                 "the download was discarded; try again");
            return false;
        }
        if (expected_crc_ && crc_.value() != *expected_crc_) {
            fail(diags, "FERRY-SRC-CRC-MISMATCH",
                 "the CRC-64 of the " + std::to_string(delivered_) + " bytes received from " + o_.location + " is " +
                     std::to_string(crc_.value()) + ", but the server announced " + std::to_string(*expected_crc_) +
                     " (x-oss-hash-crc64ecma)",
                 "the object was corrupted in transit or changed; the download was discarded");
            return false;
        }
        finished_ = true;
        close();
        return true;
    }

    // Connects (first request or resume), retrying transient failures.
    bool connect(sdk::Diagnostics& diags) {
        for (;;) {
            Step step = attempt(diags);
            if (step == Step::done) return true;
            if (step == Step::fail) return false;
            if (!backoff(diags)) return false;
        }
    }

    // Counts a transient failure; false (after adding the last failure as an error) when they run out.
    bool backoff(sdk::Diagnostics& diags) {
        if (delivered_ > delivered_at_failure_) failures_ = 0;  // progress since the last failure
        delivered_at_failure_ = delivered_;
        ++failures_;
        ++attempts_;
        // A server that drops every few bytes makes progress forever; cap the total too.
        if (failures_ > o_.retries || attempts_ > 16 * (o_.retries + 1)) {
            fail(diags, last_.code,
                 last_.summary + " (gave up after " + std::to_string(attempts_) +
                     (attempts_ == 1 ? " attempt)" : " attempts)"),
                 "check the server and the network; `retries` and `timeout` in the source config tune this");
            return false;
        }
        auto wait = std::min(kMaxBackoff, o_.backoff * (1 << std::min(failures_ - 1, 5)));
        log(sdk::Severity::warning, last_.summary + "; " + (delivered_ ? "resuming at byte " + std::to_string(delivered_)
                                                                        : std::string("retrying")) +
                                        " in " + std::to_string(wait.count()) + " ms (retry " +
                                        std::to_string(failures_) + " of " + std::to_string(o_.retries) + ")");
        std::this_thread::sleep_for(wait);
        return true;
    }

    Step transient(std::string code, std::string summary) {
        last_ = {std::move(code), std::move(summary)};
        return Step::retry;
    }
    Step lost(std::string summary) { return transient("FERRY-SRC-CONNECTION-LOST", o_.location + ": " + summary); }

    void fail(sdk::Diagnostics& diags, const std::string& code, const std::string& summary, const std::string& detail) {
        failed_ = true;
        close();
        diags.error(code, cloud::scrub(summary, o_.secrets), cloud::scrub(detail, o_.secrets), o_.where);
    }

    void close() {
        body_ = nullptr;
        probe_ = nullptr;
        session_.reset();
    }

    void log(sdk::Severity severity, const std::string& message) {
        if (o_.host) o_.host->log(severity, cloud::scrub(message, o_.secrets));
    }

    Step attempt(sdk::Diagnostics& diags) {
        HttpRequest req = o_.request;
        bool resuming = delivered_ > 0;
        if (resuming) {
            req.set_header("Range", "bytes=" + std::to_string(delivered_) + "-");
            if (!etag_.empty()) req.set_header("If-Match", etag_);
        }
        if (o_.sign) o_.sign(req);

        Poco::Net::HTTPRequest preq(req.method, req.target(), Poco::Net::HTTPMessage::HTTP_1_1);
        preq.set("Host", req.host_header());
        preq.set("User-Agent", "ferry/0.1");
        preq.set("Accept-Encoding", "identity");  // the checksum covers the stored bytes
        preq.setKeepAlive(false);                 // the server closes after the body: trailing bytes show
        for (const auto& h : req.headers) preq.set(h.name, h.value);

        Poco::Timespan timeout(static_cast<Poco::Timespan::TimeDiff>(o_.timeout.count()) * 1000);
        try {
            if (req.scheme == "https") {
                auto s = std::make_unique<Session<Poco::Net::HTTPSClientSession>>(req.host, req.effective_port(), tls_);
                probe_ = s.get();
                session_ = std::move(s);
            } else {
                auto s = std::make_unique<Session<Poco::Net::HTTPClientSession>>(req.host, req.effective_port());
                probe_ = s.get();
                session_ = std::move(s);
            }
            session_->setTimeout(timeout, timeout, timeout);
            session_->sendRequest(preq);
            response_.clear();
            body_ = &session_->receiveResponse(response_);
            body_->exceptions(std::ios::badbit);  // rethrow the stream buffer's Poco exception, not a bare badbit
        } catch (const Poco::Net::SSLException& e) {
            fail(diags, "FERRY-SRC-TLS", "the TLS connection to " + req.host_header() + " failed: " + e.displayText(),
                 o_.ca_file.empty() ? "the server's certificate must chain to a CA the system trusts (or set ca_file) "
                                      "and name the host"
                                    : "the server's certificate must chain to a CA in " + o_.ca_file +
                                          " and name the host");
            return Step::fail;
        } catch (const Poco::Net::HostNotFoundException& e) {
            fail(diags, "FERRY-SRC-CONNECT", "cannot resolve the host " + req.host + ": " + e.displayText(),
                 "check the address or endpoint");
            return Step::fail;
        } catch (const Poco::Net::ConnectionRefusedException&) {
            body_ = nullptr;
            return transient("FERRY-SRC-CONNECT", "the connection to " + req.host_header() + " was refused");
        } catch (const Poco::TimeoutException&) {
            body_ = nullptr;
            return transient("FERRY-SRC-TIMEOUT", "no response from " + o_.location + " within " +
                                                      std::to_string(o_.timeout.count()) + " ms");
        } catch (const Poco::Exception& e) {
            body_ = nullptr;
            return lost("the request failed: " + e.displayText());
        } catch (const std::exception& e) {
            body_ = nullptr;
            return lost(std::string("the request failed: ") + e.what());
        }

        auto status = static_cast<int>(response_.getStatus());
        if (status == 200 || status == 206) return accept(status, resuming, diags);
        Step step = refuse(status, diags);
        if (step != Step::done) body_ = nullptr;
        return step;
    }

    Step accept(int status, bool resuming, sdk::Diagnostics& diags) {
        content_length_ = response_.hasContentLength() ? response_.getContentLength64() : -1;
        chunked_ = response_.getChunkedTransferEncoding();
        received_ = 0;
        skip_ = 0;
        std::string etag = response_.get("ETag", "");
        if (!resuming) {
            if (status != 200) {
                fail(diags, "FERRY-SRC-RESUME", o_.location + " answered a whole-object GET with 206", {});
                return Step::fail;
            }
            total_ = content_length_;
            etag_ = etag;
            if (response_.has("x-oss-hash-crc64ecma")) {
                expected_crc_ = parse_u64(response_.get("x-oss-hash-crc64ecma"));
                if (!expected_crc_)
                    log(sdk::Severity::warning, o_.location + " sent an unreadable x-oss-hash-crc64ecma; not checked");
            }
            if (max_ && total_ >= 0 && static_cast<std::uint64_t>(total_) > max_) {
                fail(diags, "FERRY-SRC-TOO-LARGE",
                     o_.location + " is " + std::to_string(total_) + " bytes (Content-Length), over the size cap of " +
                         std::to_string(max_) + " bytes; nothing was read",
                     "raise the limit with --max-size or max_size in [source] (e.g. 2GB)");
                return Step::fail;
            }
            return Step::done;
        }
        if (!etag_.empty() && !etag.empty() && etag != etag_) {
            fail(diags, "FERRY-SRC-OBJECT-CHANGED",
                 o_.location + " changed while it was downloaded (ETag " + etag_ + " became " + etag + ")",
                 "run again once the object is no longer being written");
            return Step::fail;
        }
        if (status == 200) {  // the server ignored Range: read the object again and skip what we have
            if (total_ >= 0 && content_length_ >= 0 && content_length_ != total_) {
                fail(diags, "FERRY-SRC-OBJECT-CHANGED",
                     o_.location + " changed size while it was downloaded (" + std::to_string(total_) + " became " +
                         std::to_string(content_length_) + " bytes)",
                     "run again once the object is no longer being written");
                return Step::fail;
            }
            skip_ = delivered_;
            log(sdk::Severity::info, o_.location + " ignored the Range request; skipping " + std::to_string(skip_) +
                                         " bytes already received");
            return Step::done;
        }
        std::uint64_t first = 0;
        std::int64_t total = -1;
        if (!parse_content_range(response_.get("Content-Range", ""), first, total) || first != delivered_ ||
            (total_ >= 0 && total >= 0 && total != total_)) {
            fail(diags, "FERRY-SRC-RESUME",
                 o_.location + " answered the request for bytes " + std::to_string(delivered_) + "- with Content-Range '" +
                     response_.get("Content-Range", "") + "'",
                 "the server does not resume downloads correctly; try again");
            return Step::fail;
        }
        return Step::done;
    }

    // A status other than 200/206: retry 5xx, 408 and 429; everything else is final.
    Step refuse(int status, sdk::Diagnostics& diags) {
        std::string body;
        try {
            char buf[4096];
            while (body.size() < kMaxErrorBody && body_->read(buf, sizeof buf).gcount() > 0)
                body.append(buf, static_cast<std::size_t>(body_->gcount()));
        } catch (...) {
            // The status is what matters; a torn error body only loses its details.
        }
        ServiceError err = parse_service_error(body);
        std::string request_id = err.request_id;
        if (request_id.empty()) request_id = response_.get("x-oss-request-id", response_.get("x-amz-request-id", ""));

        std::string summary = "GET " + o_.location + " failed with HTTP " + std::to_string(status);
        if (!err.code.empty()) summary += ": " + err.code;
        if (!err.message.empty()) summary += ": " + err.message;
        else if (err.code.empty()) summary += " " + response_.getReason();
        if (!request_id.empty()) summary += " (RequestId " + request_id + ")";
        std::string code = "FERRY-SRC-HTTP-" + std::to_string(status);

        if (status >= 500 || status == 408 || status == 429) return transient(code, summary);

        std::string detail = hint_for(err.code);
        if (status == 412 && !etag_.empty()) {
            fail(diags, "FERRY-SRC-OBJECT-CHANGED", o_.location + " changed while it was downloaded (If-Match failed)",
                 "run again once the object is no longer being written");
            return Step::fail;
        }
        if (status >= 300 && status < 400 && response_.has("Location"))
            detail = "the server redirects to " + cloud::redact_url(response_.get("Location")) + "; use that address";
        if (!err.string_to_sign.empty())
            detail += (detail.empty() ? "" : "; ") + std::string("the server's StringToSign was:\n") + err.string_to_sign;
        if (!err.canonical_request.empty())
            detail += "\nthe server's CanonicalRequest was:\n" + err.canonical_request;
        if (!err.ec.empty()) detail += (detail.empty() ? "" : "\n") + std::string("EC: ") + err.ec;
        fail(diags, code, summary, detail);
        return Step::fail;
    }

    FetchOptions o_;
    std::uint64_t max_;
    Poco::Net::Context::Ptr tls_;
    std::unique_ptr<Poco::Net::HTTPClientSession> session_;
    TrailingProbe* probe_ = nullptr;  // the same object as session_
    Poco::Net::HTTPResponse response_;
    std::istream* body_ = nullptr;     // owned by session_
    std::int64_t content_length_ = -1;  // of the current response
    bool chunked_ = false;
    std::uint64_t received_ = 0;  // from the current response, skipped bytes included
    std::uint64_t skip_ = 0;      // bytes to drop when a resume got the whole object again

    std::int64_t total_ = -1;  // announced by the first response
    std::string etag_;
    std::optional<std::uint64_t> expected_crc_;
    Crc64 crc_;
    std::uint64_t delivered_ = 0;

    int failures_ = 0;  // consecutive failures without progress
    int attempts_ = 0;
    std::uint64_t delivered_at_failure_ = 0;
    Failure last_;
    bool failed_ = false;
    bool finished_ = false;
};

}  // namespace

sdk::OpenResponse open_http(FetchOptions options, const sdk::OpenRequest& request) {
    sdk::OpenResponse response;
    response.location = cloud::scrub(options.location, options.secrets);
    auto stream = std::make_unique<HttpStream>(std::move(options), request.max_size);
    if (!stream->start(response.diagnostics)) return response;
    response.size = stream->size();
    response.stream = std::move(stream);
    return response;
}

}  // namespace ferry::source
