#include "server/web_server.hpp"

#include "server/upload.hpp"

#include <chrono>
#include <iostream>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>
#include <Poco/URI.h>

#include "server/task_api.hpp"
#include "server/users.hpp"
#include "server/web_assets.hpp"

namespace ferry::host::web {
using nlohmann::json;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

namespace {

constexpr const char* kSessionCookie = "ferry_session";
constexpr const char* kCsrfCookie = "ferry_csrf";
constexpr const char* kCsrfHeader = "X-Ferry-CSRF";
constexpr std::size_t kMaxJsonBody = 1 << 20;

std::string percent_encode(const std::string& s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
        else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

std::string percent_decode(const std::string& s) {
    std::string out;
    try {
        Poco::URI::decode(s, out);
    } catch (...) {
        return {};
    }
    return out;
}

std::string random_hex(std::size_t bytes) {
    std::random_device rd;  // the kernel's CSPRNG on Linux
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < bytes; ++i) {
        const unsigned v = rd() & 0xff;
        out += hex[v >> 4];
        out += hex[v & 15];
    }
    return out;
}

bool read_body(std::istream& in, std::string& out, std::size_t limit) {
    char buf[16 << 10];
    while (in.read(buf, sizeof buf), in.gcount() > 0) {
        out.append(buf, static_cast<std::size_t>(in.gcount()));
        if (out.size() > limit) return false;
    }
    return true;
}

void security_headers(HTTPServerResponse& resp) {
    resp.set("X-Content-Type-Options", "nosniff");
    resp.set("Referrer-Policy", "no-referrer");
    resp.set("X-Frame-Options", "DENY");
    resp.set("Cache-Control", "no-store");
}

}  // namespace

struct WebServer::Impl {
    const PluginRegistry& registry;
    ServeOptions options;
    UserTable users;
    std::unique_ptr<TaskApi> api;
    std::unique_ptr<Poco::Net::HTTPServer> server;
    std::unique_ptr<Poco::ThreadPool> pool;
    unsigned short port = 0;
    std::mutex log_mutex;

    Impl(const PluginRegistry& r, ServeOptions o, std::unique_ptr<EnginesFile> e)
        : registry(r), options(std::move(o)), api(std::make_unique<TaskApi>(r, options, std::move(e))) {}

    // Access log: never headers, cookies or bodies, so no token can end up here.
    void log(const std::string& method, const std::string& path, int status, const std::string& user, long ms) {
        std::lock_guard lock(log_mutex);
        std::cerr << "ferry serve: " << method << " " << path << " " << status << " " << (user.empty() ? "-" : user)
                  << " " << ms << "ms\n";
    }

    void send_json(HTTPServerResponse& resp, const ApiResult& r) {
        resp.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(r.status));
        if (!r.keep_alive) resp.setKeepAlive(false);
        if (!r.html.empty()) {
            // The report page is self-contained: inline styles only, no scripts.
            resp.set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
            resp.setContentType("text/html; charset=utf-8");
            resp.setContentLength(static_cast<std::streamsize>(r.html.size()));
            resp.send() << r.html;
            return;
        }
        const std::string text = r.body.dump();
        resp.set("Content-Security-Policy", "default-src 'none'");
        resp.setContentType("application/json");
        resp.setContentLength(static_cast<std::streamsize>(text.size()));
        resp.send() << text;
    }

    std::string cookie(const HTTPServerRequest& req, const char* name) {
        Poco::Net::NameValueCollection cookies;
        req.getCookies(cookies);
        return cookies.get(name, "");
    }

    // Bearer first (scripts), then the session cookie (the page). `by_cookie` tells which.
    std::optional<User> authenticate(const HTTPServerRequest& req, bool& by_cookie, bool& malformed) {
        by_cookie = false;
        malformed = false;
        if (req.has("Authorization")) {
            const std::string& h = req.get("Authorization");
            if (h.rfind("Bearer ", 0) != 0) {
                malformed = true;
                return std::nullopt;
            }
            return users.authenticate(h.substr(7));
        }
        const std::string c = cookie(req, kSessionCookie);
        if (c.empty()) return std::nullopt;
        by_cookie = true;
        return users.authenticate(percent_decode(c));
    }

    // Every non-GET carries the custom header (a cross-site form cannot set it; no CORS is
    // allowed); with the session cookie its value must equal the CSRF cookie (double submit).
    bool csrf_ok(const HTTPServerRequest& req, bool by_cookie) {
        if (!req.has(kCsrfHeader) || req.get(kCsrfHeader).empty()) return false;
        if (req.has("Origin")) {
            const std::string origin = req.get("Origin");
            const std::string host = req.getHost();
            if (origin != "http://" + host && origin != "https://" + host) return false;
        }
        if (!by_cookie) return true;
        const std::string expected = cookie(req, kCsrfCookie);
        return !expected.empty() && constant_time_equal(expected, req.get(kCsrfHeader));
    }

    std::string cookie_attrs() const {
        return std::string("; Path=/; SameSite=Strict") + (options.secure_cookies ? "; Secure" : "");
    }

    ApiResult session(HTTPServerRequest& req, HTTPServerResponse& resp, std::string& who) {
        const std::string& method = req.getMethod();
        if (method == "GET") {
            bool by_cookie = false, malformed = false;
            auto user = authenticate(req, by_cookie, malformed);
            if (!user) return unauthorized(resp);
            who = user->name;
            return ApiResult::ok(
                {{"user", user->name}, {"role", to_string(user->role)}, {"max_upload", options.max_upload}});
        }
        if (!req.has(kCsrfHeader) || req.get(kCsrfHeader).empty())
            return ApiResult::error(403, "FERRY-WEB-CSRF", "send the X-Ferry-CSRF header with every change");
        if (method == "DELETE") {
            resp.add("Set-Cookie", std::string(kSessionCookie) + "=; Max-Age=0; HttpOnly" + cookie_attrs());
            resp.add("Set-Cookie", std::string(kCsrfCookie) + "=; Max-Age=0" + cookie_attrs());
            return ApiResult::ok({{"signed_out", true}});
        }
        if (method != "POST") return ApiResult::error(405, "FERRY-WEB-METHOD", method + " is not allowed on /api/session");
        std::string body;
        if (!read_body(req.stream(), body, 64 << 10))
            return ApiResult::error(413, "FERRY-WEB-TOO-LARGE", "the sign-in body is too large");
        const json j = json::parse(body, nullptr, false);
        if (!j.is_object() || !j.contains("token") || !j["token"].is_string())
            return ApiResult::error(400, "FERRY-WEB-FORM", "send {\"token\": \"...\"}");
        auto user = users.authenticate(j["token"].get<std::string>());
        if (!user) return ApiResult::error(401, "FERRY-WEB-AUTH", "the token is not valid");
        who = user->name;
        // HttpOnly: page scripts never see the token. The CSRF cookie is readable on purpose.
        resp.add("Set-Cookie", std::string(kSessionCookie) + "=" + percent_encode(j["token"].get<std::string>()) +
                                   "; HttpOnly" + cookie_attrs());
        resp.add("Set-Cookie", std::string(kCsrfCookie) + "=" + random_hex(16) + cookie_attrs());
        return ApiResult::ok({{"user", user->name}, {"role", to_string(user->role)}});
    }

    ApiResult unauthorized(HTTPServerResponse& resp) {
        resp.set("WWW-Authenticate", "Bearer realm=\"ferry\"");
        return ApiResult::error(401, "FERRY-WEB-AUTH", "sign in: send Authorization: Bearer <token>");
    }

    ApiResult route(HTTPServerRequest& req, HTTPServerResponse& resp, const std::string& path,
                    const Poco::URI::QueryParameters& query, std::string& who) {
        if (path == "/api/session") return session(req, resp, who);
        bool by_cookie = false, malformed = false;
        auto user = authenticate(req, by_cookie, malformed);
        if (!user) return unauthorized(resp);
        who = user->name;
        const std::string& method = req.getMethod();
        const bool mutating = method != "GET" && method != "HEAD";
        if (mutating && user->role != Role::admin)
            return ApiResult::error(403, "FERRY-WEB-FORBIDDEN",
                                    "user '" + user->name + "' is a viewer; only admins create, edit, check, import, "
                                    "re-import and delete tasks");
        if (mutating && !csrf_ok(req, by_cookie))
            return ApiResult::error(403, "FERRY-WEB-CSRF",
                                    "send the X-Ferry-CSRF header (with the ferry_csrf cookie's value when signed in "
                                    "by cookie)");

        std::vector<std::string> parts;
        std::istringstream split(path);
        for (std::string p; std::getline(split, p, '/');)
            if (!p.empty()) parts.push_back(p);
        auto not_allowed = [&] {
            return ApiResult::error(405, "FERRY-WEB-METHOD", method + " is not allowed on " + path);
        };
        if (parts.size() == 2 && parts[1] == "engines") return method == "GET" ? api->engines() : not_allowed();
        if (parts.size() < 2 || parts[1] != "tasks")
            return ApiResult::error(404, "FERRY-WEB-NOT-FOUND", "no API route " + path);
        if (parts.size() == 2) {
            if (method == "GET") return api->list(*user);
            if (method == "POST")
                return api->create(*user, req.stream(), req.getContentType(),
                                   req.hasContentLength() ? req.getContentLength64() : -1);
            return not_allowed();
        }
        const std::string& name = parts[2];
        if (parts.size() == 3) {
            if (method == "GET") return api->get(*user, name);
            if (method == "DELETE") return api->remove(name);
            if (method == "PUT") {
                std::string body;
                if (!read_body(req.stream(), body, kMaxJsonBody))
                    return ApiResult::error(413, "FERRY-WEB-TOO-LARGE", "the settings body is over 1 MB");
                return api->put_settings(*user, name, body);
            }
            return not_allowed();
        }
        if (parts.size() != 4) return ApiResult::error(404, "FERRY-WEB-NOT-FOUND", "no API route " + path);
        const std::string& action = parts[3];
        if (action == "check") return method == "POST" ? api->check(name) : not_allowed();
        if (action == "preview") return method == "GET" ? api->preview(name) : not_allowed();
        if (action == "plan") return method == "GET" ? api->plan(name) : not_allowed();
        if (action == "import") return method == "POST" ? api->import(*user, name) : not_allowed();
        if (action == "reimport") return method == "POST" ? api->reimport(*user, name) : not_allowed();
        if (action == "progress") return method == "GET" ? api->progress(name) : not_allowed();
        if (action == "report") {
            if (method != "GET") return not_allowed();
            bool html = false;
            for (const auto& [k, v] : query)
                if (k == "format") {
                    if (v != "html" && v != "json")
                        return ApiResult::error(400, "FERRY-WEB-FORM", "format is json or html, not '" + v + "'");
                    html = v == "html";
                }
            return api->report(name, html);
        }
        return ApiResult::error(404, "FERRY-WEB-NOT-FOUND", "no API route " + path);
    }

    void serve_asset(HTTPServerRequest& req, HTTPServerResponse& resp, std::string path, int& status) {
        if (path == "/" || path == "/index.html") path = "/index.html";
        const WebAsset* a = req.getMethod() == "GET" || req.getMethod() == "HEAD" ? find_web_asset(path) : nullptr;
        if (!a) {
            status = 404;
            resp.setStatus(Poco::Net::HTTPResponse::HTTP_NOT_FOUND);
            resp.setContentType("text/plain; charset=utf-8");
            resp.send() << "not found\n";
            return;
        }
        resp.set("Content-Security-Policy",
                 "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                 "frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
        resp.setContentType(a->content_type);
        resp.setContentLength(static_cast<std::streamsize>(a->size));
        resp.send().write(reinterpret_cast<const char*>(a->data), static_cast<std::streamsize>(a->size));
    }

    void handle(HTTPServerRequest& req, HTTPServerResponse& resp) {
        const auto t0 = std::chrono::steady_clock::now();
        std::string path = "/", who;
        int status = 200;
        security_headers(resp);
        try {
            Poco::URI uri(req.getURI());
            path = uri.getPath();
            if (path.rfind("/api/", 0) == 0 || path == "/api") {
                const ApiResult r = route(req, resp, path, uri.getQueryParameters(), who);
                status = r.status;
                // A refused request's body (a viewer's upload, a missing token) is read and dropped
                // before answering: a client still sending would otherwise see a reset, not the
                // answer. Bounded by the upload cap, never stored.
                if (r.status >= 400 && req.getMethod() != "GET" && req.getMethod() != "HEAD")
                    drain(req.stream(), options.max_upload + (1 << 20));
                send_json(resp, r);
            } else {
                serve_asset(req, resp, path, status);
            }
        } catch (const std::exception& e) {
            status = 500;
            if (!resp.sent()) send_json(resp, ApiResult::error(500, "FERRY-INTERNAL", e.what()));
        }
        log(req.getMethod(), path, status, who,
            static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
                                  .count()));
    }
};

namespace {

class Handler : public Poco::Net::HTTPRequestHandler {
  public:
    explicit Handler(WebServer::Impl& impl) : impl_(impl) {}
    void handleRequest(HTTPServerRequest& req, HTTPServerResponse& resp) override { impl_.handle(req, resp); }

  private:
    WebServer::Impl& impl_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
  public:
    explicit Factory(WebServer::Impl& impl) : impl_(impl) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const HTTPServerRequest&) override { return new Handler(impl_); }

  private:
    WebServer::Impl& impl_;
};

}  // namespace

WebServer::WebServer(const PluginRegistry& registry, ServeOptions options, std::unique_ptr<EnginesFile> engines)
    : impl_(std::make_unique<Impl>(registry, std::move(options), std::move(engines))) {}

WebServer::~WebServer() { stop(); }

bool WebServer::start(sdk::Diagnostics& diags) {
    if (!impl_->users.load(impl_->options.users_file, diags)) return false;
    if (!impl_->api->prepare(diags)) return false;
    try {
        Poco::Net::ServerSocket socket(Poco::Net::SocketAddress(impl_->options.host, impl_->options.port), 64);
        impl_->port = socket.address().port();
        auto* params = new Poco::Net::HTTPServerParams;  // owned by the server (AutoPtr)
        params->setMaxThreads(static_cast<int>(impl_->options.threads));
        params->setMaxQueued(256);
        params->setKeepAlive(true);
        params->setTimeout(Poco::Timespan(60, 0));
        impl_->pool = std::make_unique<Poco::ThreadPool>(2, static_cast<int>(impl_->options.threads) + 2);
        impl_->server = std::make_unique<Poco::Net::HTTPServer>(new Factory(*impl_), *impl_->pool, socket, params);
        impl_->server->start();
    } catch (const Poco::Exception& e) {
        diags.error("FERRY-WEB-LISTEN",
                    "cannot listen on " + impl_->options.host + ":" + std::to_string(impl_->options.port) + ": " +
                        e.displayText(),
                    "pick another --listen address or stop what holds the port", "");
        return false;
    }
    return true;
}

unsigned short WebServer::port() const { return impl_->port; }

void WebServer::stop() {
    if (impl_->server) {
        impl_->server->stopAll(false);
        impl_->server.reset();
    }
    impl_->api.reset();  // joins running imports
    if (impl_->pool) impl_->pool->joinAll();
}

}  // namespace ferry::host::web
