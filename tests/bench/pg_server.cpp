#include "pg_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>

#include "child_process.hpp"

namespace fs = std::filesystem;

namespace ferry::bench {

namespace {

std::string read_file(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

int free_loopback_port() {
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) return 0;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    int port = 0;
    if (::bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
        ::getsockname(s, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
        port = ntohs(addr.sin_port);
    ::close(s);
    return port;
}

bool PgServer::start(const fs::path& script, const fs::path& dir) {
    script_ = script;
    dir_ = dir;
    port_ = free_loopback_port();
    if (port_ == 0) {
        std::fprintf(stderr, "ferry_bench: no free loopback port for PostgreSQL\n");
        return false;
    }
    fs::create_directories(dir_);
    const fs::path out = dir_.parent_path() / "pg-start.out", err = dir_.parent_path() / "pg-start.err";
    running_ = true;  // from here on, stop() cleans up whatever part of the start happened
    auto r = run_child({"bash", script_.string(), "start", dir_.string(), std::to_string(port_)}, out.string(),
                       err.string());
    // postgres.sh prints: export FERRY_TEST_PG_DSN='host=127.0.0.1 port=P dbname=testdb user=test'
    std::smatch m;
    const std::string printed = read_file(out);
    static const std::regex dsn_line("FERRY_TEST_PG_DSN='([^']*)'");
    if (r.exit_code != 0 || !std::regex_search(printed, m, dsn_line)) {
        std::fprintf(stderr, "ferry_bench: %s start %s %d failed; see %s\n", script_.c_str(), dir_.c_str(), port_,
                     err.c_str());
        return false;
    }
    base_dsn_ = std::regex_replace(m[1].str(), std::regex(" ?dbname=[^ ]*"), "");
    return true;
}

void PgServer::stop() {
    if (!running_) return;
    running_ = false;
    run_child({"bash", script_.string(), "stop", dir_.string(), std::to_string(port_)}, "",
              (dir_.parent_path() / "pg-stop.err").string());
}

std::string PgServer::dsn(const std::string& dbname) const { return base_dsn_ + " dbname=" + dbname; }

bool PgServer::query(const std::string& dbname, const std::string& sql, std::string& out) {
    const fs::path result = dir_.parent_path() / "pg-query.out", err = dir_.parent_path() / "pg-query.err";
    // Notices (DROP ... IF EXISTS) are not results.
    ::setenv("PGOPTIONS", "-c client_min_messages=warning", 1);
    auto r = run_child({"psql", "-X", "-q", "-At", "-F", "|", "-v", "ON_ERROR_STOP=1", dsn(dbname), "-c", sql},
                       result.string(), err.string());
    ::unsetenv("PGOPTIONS");
    out = read_file(result);
    while (!out.empty() && out.back() == '\n') out.pop_back();
    if (r.exit_code == 0) return true;
    std::fprintf(stderr, "ferry_bench: psql failed on `%s`: %s\n", sql.c_str(), read_file(err).c_str());
    return false;
}

std::string PgServer::value(const std::string& dbname, const std::string& sql) {
    std::string out;
    return query(dbname, sql, out) ? out : "";
}

bool PgServer::recreate_database(const std::string& dbname) {
    std::string ignored;
    return query("postgres", "DROP DATABASE IF EXISTS " + dbname, ignored) &&
           query("postgres", "CREATE DATABASE " + dbname, ignored);
}

}  // namespace ferry::bench
