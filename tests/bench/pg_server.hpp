// A throwaway PostgreSQL server for the benchmarks that need one (`pg`, `workers`): started with
// tests/servers/postgres.sh on a free loopback port, stopped when this object goes away, whether
// the benchmark finished or failed. Queries go through the psql tool, not through ferry, so a
// ferry that miscounts cannot agree with itself.
#pragma once

#include <filesystem>
#include <string>

namespace ferry::bench {

class PgServer {
  public:
    PgServer() = default;
    ~PgServer() { stop(); }
    PgServer(const PgServer&) = delete;
    PgServer& operator=(const PgServer&) = delete;

    // Starts a cluster in `dir` with `script` (tests/servers/postgres.sh); false, saying why on
    // stderr, when it did not come up.
    bool start(const std::filesystem::path& script, const std::filesystem::path& dir);
    void stop();

    // libpq key=value string for database `dbname`, and the ferry catalog URI of it.
    std::string dsn(const std::string& dbname) const;
    std::string uri(const std::string& dbname) const { return "postgresql:" + dsn(dbname); }

    // An empty database of that name (dropped first when it exists).
    bool recreate_database(const std::string& dbname);
    // Runs one statement in `dbname`; its rows as `a|b` lines. False, saying why, on failure.
    bool query(const std::string& dbname, const std::string& sql, std::string& out);
    // The single value a query returns ("" on failure).
    std::string value(const std::string& dbname, const std::string& sql);

  private:
    std::filesystem::path script_, dir_;
    std::string base_dsn_;  // as postgres.sh prints it, without dbname
    int port_ = 0;
    bool running_ = false;
};

// A loopback port nobody listens on now (the kernel's pick for an ephemeral bind).
int free_loopback_port();

}  // namespace ferry::bench
