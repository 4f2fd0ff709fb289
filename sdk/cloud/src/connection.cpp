#include "connection.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Timespan.h>

#include <istream>

#include "tls_policy.hpp"

namespace ferry::cloud {
namespace {

constexpr std::chrono::milliseconds kTrailingProbe{200};  // how long to wait for bytes past the body

// What only a subclass sees of Poco's sessions: whether the connection was made (before it, the
// server cannot have seen the request), and bytes a server sends after the body it announced
// (HTTPSession::read and buffered() are protected).
class SessionProbe {
  public:
    virtual ~SessionProbe() = default;
    virtual bool connected_once() const = 0;
    virtual bool has_trailing_bytes() = 0;
};

template <class Base>
class Session final : public Base, public SessionProbe {
  public:
    using Base::Base;
    bool connected_once() const override { return connected_; }
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

  protected:
    void connect(const Poco::Net::SocketAddress& address) override {
        Base::connect(address);  // TCP, and for HTTPS the handshake with the certificate checks
        connected_ = true;
    }

  private:
    bool connected_ = false;
};

std::string millis(std::chrono::milliseconds d) { return std::to_string(d.count()) + " ms"; }

}  // namespace

struct Connection::Impl {
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    SessionProbe* probe = nullptr;  // the same object as session
    Poco::Net::HTTPResponse response;
    std::istream* body = nullptr;  // owned by session
    std::string label;
    std::chrono::milliseconds timeout{0};
};

Connection::Connection() : impl_(std::make_unique<Impl>()) {}
Connection::~Connection() = default;

SendResult Connection::open(const HttpRequest& request, const std::string& body, const TransportOptions& transport,
                            const std::string& label, HttpResponse& head) {
    close();
    Impl& m = *impl_;
    m.label = label;
    m.timeout = transport.timeout;
    head = HttpResponse{};
    SendResult r;
    auto fail = [&](SendFailure failure, SendCause cause, std::string error, std::string hint = {}) {
        close();
        r.failure = failure;
        r.cause = cause;
        r.error = std::move(error);
        r.hint = std::move(hint);
        return r;
    };

    Poco::Net::Context::Ptr tls;
    if (request.scheme == "https") {
        try {
            tls = tls_client_context(transport.ca_file);
        } catch (const Poco::Exception& e) {
            return fail(SendFailure::not_sent, SendCause::tls,
                        transport.ca_file.empty()
                            ? "cannot set up TLS with the system's CA certificates: " + e.displayText()
                            : "cannot load the CA file " + transport.ca_file + ": " + e.displayText(),
                        "ca_file must be a PEM file of trusted certificates");
        }
    }

    Poco::Net::HTTPRequest preq(request.method, request.target(), Poco::Net::HTTPMessage::HTTP_1_1);
    preq.set("Host", request.host_header());
    preq.set("User-Agent", "ferry/0.2");
    preq.setKeepAlive(false);  // one exchange per connection; the close also shows trailing bytes
    for (const auto& h : request.headers) preq.set(h.name, h.value);
    const std::string& method = request.method;
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH")
        preq.setContentLength64(static_cast<Poco::Int64>(body.size()));

    Poco::Timespan timeout(static_cast<Poco::Timespan::TimeDiff>(transport.timeout.count()) * 1000);
    auto sent = [&] { return m.probe && m.probe->connected_once() ? SendFailure::no_answer : SendFailure::not_sent; };
    try {
        if (request.scheme == "https") {
            auto s = std::make_unique<Session<Poco::Net::HTTPSClientSession>>(request.host, request.effective_port(), tls);
            m.probe = s.get();
            m.session = std::move(s);
        } else {
            auto s = std::make_unique<Session<Poco::Net::HTTPClientSession>>(request.host, request.effective_port());
            m.probe = s.get();
            m.session = std::move(s);
        }
        m.session->setTimeout(timeout, timeout, timeout);
        std::ostream& out = m.session->sendRequest(preq);
        out.write(body.data(), static_cast<std::streamsize>(body.size()));
        out.flush();
        m.body = &m.session->receiveResponse(m.response);
        m.body->exceptions(std::ios::badbit);  // rethrow the stream buffer's Poco exception, not a bare badbit
    } catch (const Poco::Net::SSLException& e) {
        // The handshake or the certificate failed: no HTTP request went out.
        return fail(SendFailure::not_sent, SendCause::tls,
                    "the TLS connection to " + request.host_header() + " failed: " + e.displayText(),
                    transport.ca_file.empty()
                        ? "the server's certificate must chain to a CA the system trusts (or set ca_file) and name the host"
                        : "the server's certificate must chain to a CA in " + transport.ca_file + " and name the host");
    } catch (const Poco::Net::DNSException& e) {
        return fail(SendFailure::not_sent, SendCause::resolve, "cannot resolve the host " + request.host + ": " + e.displayText(),
                    "check the address or endpoint");
    } catch (const Poco::Net::ConnectionRefusedException&) {
        return fail(SendFailure::not_sent, SendCause::refused, "the connection to " + request.host_header() + " was refused");
    } catch (const Poco::TimeoutException&) {
        SendFailure failure = sent();
        return fail(failure, SendCause::timeout,
                    failure == SendFailure::not_sent
                        ? "no connection to " + request.host_header() + " within " + millis(transport.timeout)
                        : "no response from " + label + " within " + millis(transport.timeout));
    } catch (const Poco::Exception& e) {
        return fail(sent(), SendCause::connection, label + ": the request failed: " + e.displayText());
    } catch (const std::exception& e) {
        return fail(sent(), SendCause::connection, label + ": the request failed: " + e.what());
    }
    head.status = static_cast<int>(m.response.getStatus());
    head.reason = m.response.getReason();
    for (const auto& [name, value] : m.response) head.headers.push_back({name, value});
    return r;
}

std::int64_t Connection::content_length() const {
    return impl_->response.hasContentLength() ? impl_->response.getContentLength64() : -1;
}

bool Connection::chunked() const { return impl_->response.getChunkedTransferEncoding(); }

std::ptrdiff_t Connection::read(char* buffer, std::size_t size, SendResult& failure) {
    Impl& m = *impl_;
    if (!m.body) return 0;
    try {
        m.body->read(buffer, static_cast<std::streamsize>(size));
        return static_cast<std::ptrdiff_t>(m.body->gcount());
    } catch (const Poco::TimeoutException&) {
        failure = {SendFailure::no_answer, "no data from " + m.label + " for " + millis(m.timeout), SendCause::timeout, {}};
    } catch (const Poco::Exception& e) {
        failure = {SendFailure::no_answer, e.displayText(), SendCause::connection, {}};
    } catch (const std::exception& e) {
        failure = {SendFailure::no_answer, e.what(), SendCause::connection, {}};
    }
    close();
    return -1;
}

bool Connection::has_trailing_bytes() { return impl_->probe && impl_->probe->has_trailing_bytes(); }

void Connection::close() {
    impl_->body = nullptr;
    impl_->probe = nullptr;
    impl_->session.reset();
}

}  // namespace ferry::cloud
