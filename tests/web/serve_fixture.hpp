// Starts `ferry serve` on a free loopback port with its own catalog, users and data dir, and talks
// to it with Poco's HTTP client. Shared by the API tests (the browser test has its own runner).
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "package_builder.hpp"
#include "test_env.hpp"
#include "util/sha256.hpp"

namespace ferry::test::web {

// An API error body, as the server writes it: clients match on code and message.
inline nlohmann::json error_body(const std::string& code, const std::string& message) {
    return {{"error", {{"code", code}, {"message", message}}}};
}

inline const std::string kAdminToken = "admin-token-3f9c1e7d";
inline const std::string kViewerToken = "viewer-token-88a2b410";

struct Response {
    int status = 0;
    std::string body;
    std::map<std::string, std::vector<std::string>> headers;
    nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
};

struct Request {
    std::string method = "GET";
    std::string path = "/";
    std::string token;            // Bearer token, empty for none
    std::string body;
    std::string content_type;
    std::map<std::string, std::string> headers;
    bool csrf = true;             // send X-Ferry-CSRF on non-GET
};

class Server {
  public:
    // extra: more `ferry serve` flags, e.g. {"--max-upload", "64KB"}.
    // with_engines false: no --engines, so tasks declare their own destination instances.
    // env: variables for the server only, e.g. {{"FERRY_WEB_HEADER_TIMEOUT_MS", "1000"}}.
    explicit Server(const std::string& dir, std::vector<std::string> extra = {}, bool with_engines = true,
                    std::map<std::string, std::string> env = {})
        : dir_(dir) {
        namespace fs = std::filesystem;
        fs::create_directories(dir);
        write_file(dir + "/users.toml",
                   "[[users]]\nname = \"ann\"\nrole = \"admin\"\ntoken_sha256 = \"" + host::Sha256::of(kAdminToken) +
                       "\"\n\n[[users]]\nname = \"vic\"\nrole = \"viewer\"\ntoken_sha256 = \"" +
                       host::Sha256::of(kViewerToken) + "\"\n");
        write_file(dir + "/engines.toml",
                   "[workspace]\nname = \"sales_prod\"\n\n[[workspace.engines]]\nname = \"rehearsal\"\ntype = "
                   "\"sqlite\"\npath = \"rehearsal.db\"\n");
        catalog_ = "sqlite:" + dir + "/catalog.db";
        std::vector<std::string> args = {ferry_binary(), "serve",   "--listen",   "127.0.0.1:0",       "--catalog",
                                         catalog_,       "--users", dir + "/users.toml", "--data-dir", dir + "/web"};
        if (with_engines) {
            args.push_back("--engines");
            args.push_back(dir + "/engines.toml");
        }
        args.insert(args.end(), extra.begin(), extra.end());
        // The child's environment, made before fork: the child only execs.
        std::vector<std::string> environment;
        for (char** e = environ; *e; ++e) {
            const std::string entry = *e;
            if (!env.count(entry.substr(0, entry.find('=')))) environment.push_back(entry);
        }
        for (const auto& [name, value] : env) environment.push_back(name + "=" + value);
        std::vector<char*> envp;
        for (auto& e : environment) envp.push_back(e.data());
        envp.push_back(nullptr);
        write_file(dir + "/serve.out", "");  // exists before the child writes to it
        write_file(dir + "/serve.err", "");
        pid_ = ::fork();
        if (pid_ == 0) {
            std::freopen((dir + "/serve.out").c_str(), "w", stdout);
            std::freopen((dir + "/serve.err").c_str(), "w", stderr);
            std::vector<char*> argv;
            for (auto& a : args) argv.push_back(a.data());
            argv.push_back(nullptr);
            ::execve(argv[0], argv.data(), envp.data());
            ::_exit(127);
        }
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (std::chrono::steady_clock::now() < deadline) {
            const std::string out = read_file(dir + "/serve.out");
            const auto at = out.find("listening on http://127.0.0.1:");
            if (at != std::string::npos) {
                port_ = static_cast<unsigned short>(std::stoi(out.substr(at + 30)));
                return;
            }
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        if (pid_ > 0) {  // never leave a server behind
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
            pid_ = -1;
        }
        ADD_FAILURE() << "ferry serve did not start; stderr:\n" << read_file(dir + "/serve.err");
    }

    ~Server() {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            int status = 0;
            ::waitpid(pid_, &status, 0);
        }
    }

    bool up() const { return port_ != 0; }
    unsigned short port() const { return port_; }
    const std::string& dir() const { return dir_; }
    const std::string& catalog() const { return catalog_; }
    std::string log() const { return read_file(dir_ + "/serve.err"); }

    Response send(const Request& r) const {
        Response out;
        Poco::Net::HTTPClientSession session("127.0.0.1", port_);
        session.setTimeout(Poco::Timespan(60, 0));
        Poco::Net::HTTPRequest req(r.method, r.path, Poco::Net::HTTPMessage::HTTP_1_1);
        if (!r.token.empty()) req.set("Authorization", "Bearer " + r.token);
        if (r.csrf && r.method != "GET") req.set("X-Ferry-CSRF", "1");
        for (const auto& [k, v] : r.headers) req.set(k, v);
        if (!r.content_type.empty()) req.setContentType(r.content_type);
        req.setContentLength(static_cast<std::streamsize>(r.body.size()));
        try {
            session.sendRequest(req) << r.body;
            Poco::Net::HTTPResponse resp;
            std::istream& in = session.receiveResponse(resp);
            out.status = resp.getStatus();
            for (const auto& [k, v] : resp) out.headers[k].push_back(v);
            Poco::StreamCopier::copyToString(in, out.body);
        } catch (const Poco::Exception& e) {
            out.body = e.displayText();
        }
        return out;
    }

    Response get(const std::string& path, const std::string& token = kAdminToken) const {
        return send({"GET", path, token, "", "", {}, true});
    }
    Response post(const std::string& path, const std::string& token = kAdminToken) const {
        return send({"POST", path, token, "", "", {}, true});
    }
    Response put_json(const std::string& path, const nlohmann::json& body, const std::string& token = kAdminToken) const {
        return send({"PUT", path, token, body.dump(), "application/json", {}, true});
    }
    Response del(const std::string& path, const std::string& token = kAdminToken) const {
        return send({"DELETE", path, token, "", "", {}, true});
    }

    // POST /api/tasks as multipart/form-data with `package` holding `bytes` (or a url field).
    Response create(const std::string& name, const std::string& bytes, const std::string& token = kAdminToken,
                    const std::string& remarks = "made by a test") const {
        return send({"POST", "/api/tasks", token, create_form(name, bytes, remarks), kFormType, {}, true});
    }

    static inline const std::string kBoundary = "----ferry-test-boundary-7d1e";
    static inline const std::string kFormType = "multipart/form-data; boundary=" + kBoundary;
    // The body `create` sends: name, remarks, then the package, then the closing boundary.
    static std::string create_form(const std::string& name, const std::string& bytes,
                                   const std::string& remarks = "made by a test") {
        const std::string& b = kBoundary;
        std::string body;
        auto field = [&](const std::string& n, const std::string& v) {
            body += "--" + b + "\r\nContent-Disposition: form-data; name=\"" + n + "\"\r\n\r\n" + v + "\r\n";
        };
        field("name", name);
        field("remarks", remarks);
        body += "--" + b +
                "\r\nContent-Disposition: form-data; name=\"package\"; filename=\"sales.zip\"\r\nContent-Type: "
                "application/zip\r\n\r\n" +
                bytes + "\r\n--" + b + "--\r\n";
        return body;
    }

  private:
    std::string dir_;
    std::string catalog_;
    pid_t pid_ = -1;
    unsigned short port_ = 0;
};

// A SPEC package built from the FlowSpec samples, as bytes.
inline std::string sample_package(const std::string& dir) {
    const std::string path = dir + "/sales.zip";
    write_package(path, Format::zip, spec_package_entries(samples_dir()));
    return read_file(path);
}

}  // namespace ferry::test::web
