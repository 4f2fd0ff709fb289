#include "server/web_server.hpp"

#include <chrono>
#include <filesystem>
#include <iostream>
#include <optional>
#include <random>
#include <sstream>

#include <Poco/Exception.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/URI.h>

#include "server/access_log.hpp"
#include "server/export_api.hpp"
#include "server/http_front.hpp"
#include "server/request_target.hpp"
#include "server/task_api.hpp"
#include "server/users.hpp"
#include "server/web_assets.hpp"

namespace ferry::host::web {
using nlohmann::json;
using Poco::Net::HTTPRequest;

namespace {

constexpr const char* kSessionCookie = "ferry_session";
constexpr const char* kCsrfCookie = "ferry_csrf";
constexpr const char* kCsrfHeader = "X-Ferry-CSRF";
constexpr std::size_t kMaxJsonBody = 1 << 20;
constexpr std::size_t kMaxSignInBody = 64 << 10;
// What a form may carry beside its package: the other fields and the multipart framing. The
// same allowance TaskApi::create gives before it refuses by Content-Length.
constexpr std::uint64_t kUploadSlack = 1 << 20;

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

void security_headers(HttpResponse& resp) {
    resp.set("X-Content-Type-Options", "nosniff");
    resp.set("Referrer-Policy", "no-referrer");
    resp.set("X-Frame-Options", "DENY");
    resp.set("Cache-Control", "no-store");
}

}  // namespace

struct WebServer::Impl : HttpHandler {
    const PluginRegistry& registry;
    ServeOptions options;
    UserTable users;
    std::unique_ptr<TaskApi> api;
    std::unique_ptr<ExportApi> exports;
    std::unique_ptr<HttpFront> front;
    unsigned short port = 0;
    AccessLog access_log{std::cerr};

    Impl(const PluginRegistry& r, ServeOptions o, std::unique_ptr<EnginesFile> e)
        : registry(r),
          options(std::move(o)),
          api(std::make_unique<TaskApi>(r, options, std::move(e))),
          exports(std::make_unique<ExportApi>(r, options)) {}

    void send_json(HttpResponse& resp, const ApiResult& r) {
        resp.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(r.status));
        if (!r.keep_alive) resp.setKeepAlive(false);
        if (r.file) {
            // A download: the transport sends the open file in pieces, never from memory.
            resp.set("Content-Security-Policy", "default-src 'none'");
            resp.setContentType(r.content_type);
            resp.set("Content-Disposition", "attachment; filename=\"" + r.attachment + "\"");
            resp.file = r.file;
            return;
        }
        if (!r.html.empty()) {
            // The report page is self-contained: inline styles only, no scripts.
            resp.set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
            resp.setContentType("text/html; charset=utf-8");
            resp.body = r.html;
            return;
        }
        // A byte that is not UTF-8 (from a form field, say) becomes U+FFFD instead of an exception.
        resp.set("Content-Security-Policy", "default-src 'none'");
        resp.setContentType("application/json");
        resp.body = r.body.dump(-1, ' ', false, json::error_handler_t::replace);
    }

    std::string cookie(const HTTPRequest& req, const char* name) {
        Poco::Net::NameValueCollection cookies;
        req.getCookies(cookies);
        return cookies.get(name, "");
    }

    // Bearer first (scripts), then the session cookie (the page). `by_cookie` tells which.
    std::optional<User> authenticate(const HTTPRequest& req, bool& by_cookie, bool& malformed) {
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
    bool csrf_ok(const HTTPRequest& req, bool by_cookie) {
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

    ApiResult session(HttpRequest& req, HttpResponse& resp, std::string& who) {
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
        if (!read_body(req.stream(), body, kMaxSignInBody))
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

    ApiResult unauthorized(HttpResponse& resp) {
        resp.set("WWW-Authenticate", "Bearer realm=\"ferry\"");
        return ApiResult::error(401, "FERRY-WEB-AUTH", "sign in: send Authorization: Bearer <token>");
    }

    ApiResult route(HttpRequest& req, HttpResponse& resp, const std::string& path,
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
        if (parts.size() == 2 && parts[1] == "destinations")
            return method == "GET" ? api->destinations() : not_allowed();
        if (parts.size() >= 2 && parts[1] == "exports") return route_exports(req, *user, path, parts);
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

    // /api/exports, /api/exports/NAME, /api/exports/NAME/package (roles and CSRF checked by route).
    ApiResult route_exports(HttpRequest& req, const User& user, const std::string& path,
                            const std::vector<std::string>& parts) {
        const std::string& method = req.getMethod();
        auto not_allowed = [&] {
            return ApiResult::error(405, "FERRY-WEB-METHOD", method + " is not allowed on " + path);
        };
        if (parts.size() == 2) {
            if (method == "GET") return exports->list(user);
            if (method == "POST") {
                std::string body;
                if (!read_body(req.stream(), body, kMaxJsonBody))
                    return ApiResult::error(413, "FERRY-WEB-TOO-LARGE", "the request body is over 1 MB");
                return exports->create(user, body);
            }
            return not_allowed();
        }
        const std::string& name = parts[2];
        if (parts.size() == 3) {
            if (method == "GET") return exports->get(user, name);
            if (method == "DELETE") return exports->remove(name);
            return not_allowed();
        }
        if (parts.size() == 4 && parts[3] == "package") return method == "GET" ? exports->package(name) : not_allowed();
        return ApiResult::error(404, "FERRY-WEB-NOT-FOUND", "no API route " + path);
    }

    void serve_asset(HttpRequest& req, HttpResponse& resp, std::string path, int& status) {
        if (path == "/" || path == "/index.html") path = "/index.html";
        const WebAsset* a = req.getMethod() == "GET" || req.getMethod() == "HEAD" ? find_web_asset(path) : nullptr;
        if (!a) {
            status = 404;
            resp.setStatus(Poco::Net::HTTPResponse::HTTP_NOT_FOUND);
            resp.setContentType("text/plain; charset=utf-8");
            resp.body = "not found\n";
            return;
        }
        resp.set("Content-Security-Policy",
                 "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                 "frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
        resp.setContentType(a->content_type);
        resp.body.assign(reinterpret_cast<const char*>(a->data), a->size);
    }

    static long ms_since(std::chrono::steady_clock::time_point t0) {
        return static_cast<long>(
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count());
    }

    // ---- HttpHandler: what the transport asks --------------------------------------------------

    Admission admit(const HTTPRequest& head) override {
        Admission a;
        RequestTarget target;
        if (const std::string problem = parse_request_target(head.getURI(), target); !problem.empty()) {
            a.refuse = Refusal{400, "FERRY-WEB-BAD-URI", problem};
            return a;
        }
        // An announced body over these is refused before a byte of it is read.
        const std::string& method = head.getMethod();
        if (method == "POST" && (target.path == "/api/tasks" || target.path == "/api/tasks/")) {
            a.max_body = options.max_upload + kUploadSlack;
            a.too_large = {413, "FERRY-WEB-TOO-LARGE",
                           "the package is larger than the upload limit of " + std::to_string(options.max_upload) +
                               " bytes"};
        } else if (target.path == "/api/session") {
            a.max_body = kMaxSignInBody;
            a.too_large = {413, "FERRY-WEB-TOO-LARGE", "the sign-in body is too large"};
        } else {
            a.max_body = kMaxJsonBody;
            a.too_large = {413, "FERRY-WEB-TOO-LARGE", "the request body is over 1 MB"};
        }
        return a;
    }

    void handle(HttpRequest& req, HttpResponse& resp) override {
        const auto t0 = std::chrono::steady_clock::now();
        std::string path = req.getURI(), who;
        int status = 200;
        security_headers(resp);
        try {
            RequestTarget target;
            if (const std::string problem = parse_request_target(req.getURI(), target); !problem.empty()) {
                status = 400;  // admit() refuses these first; kept so no route ever sees such a path
                send_json(resp, ApiResult::error(400, "FERRY-WEB-BAD-URI", problem));
            } else {
                path = target.path;
                if (path.rfind("/api/", 0) == 0 || path == "/api") {
                    const ApiResult r = route(req, resp, path, target.query, who);
                    status = r.status;
                    send_json(resp, r);
                } else {
                    serve_asset(req, resp, path, status);
                }
            }
        } catch (const std::exception& e) {
            // The detail goes to the log; the client learns only that the server failed.
            access_log.internal_error(req.getMethod(), path, e.what());
            status = 500;
            resp.clear();
            resp.body.clear();
            resp.file.reset();
            security_headers(resp);
            send_json(resp, ApiResult::error(500, "FERRY-INTERNAL", "the server failed while answering"));
        }
        access_log.request(req.getMethod(), path, status, who, ms_since(t0));
    }

    void refused(const HTTPRequest* head, const Refusal& why, std::chrono::milliseconds elapsed,
                 HttpResponse& resp) override {
        security_headers(resp);
        send_json(resp, ApiResult::error(why.status, why.code, why.message));
        std::string method = "-", path = "-";
        if (head) {
            method = head->getMethod();
            RequestTarget target;
            path = parse_request_target(head->getURI(), target).empty() ? target.path : head->getURI();
        }
        access_log.request(method, path, why.status, "", static_cast<long>(elapsed.count()));
    }
};

WebServer::WebServer(const PluginRegistry& registry, ServeOptions options, std::unique_ptr<EnginesFile> engines)
    : impl_(std::make_unique<Impl>(registry, std::move(options), std::move(engines))) {}

WebServer::~WebServer() { stop(); }

bool WebServer::start(sdk::Diagnostics& diags) {
    if (!impl_->users.load(impl_->options.users_file, diags)) return false;
    if (!impl_->api->prepare(diags) || !impl_->exports->prepare(diags)) return false;
    FrontLimits limits;
    limits.threads = impl_->options.threads;
    limits.spool_dir = (std::filesystem::path(impl_->options.data_dir) / "uploads").string();
    if (!read_limits_from_environment(limits, diags)) return false;
    impl_->front = std::make_unique<HttpFront>(limits, *impl_);
    try {
        impl_->front->listen(impl_->options.host, impl_->options.port);
        impl_->port = impl_->front->port();
        impl_->front->start();
    } catch (const Poco::Exception& e) {
        impl_->front.reset();
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
    if (impl_->front) {
        impl_->front->stop();  // answers the requests workers hold, then joins them
        impl_->front.reset();
    }
    impl_->api.reset();      // joins running imports
    impl_->exports.reset();  // and exports
}

}  // namespace ferry::host::web
