// Private to the catalog library: the statements an import runs per object, prepared once.
//
// Poco::Data compiles a statement's SQL again on every execution (on SQLite, sqlite3_prepare_v2
// for each call), and in a 10,000-object import that compiling was a third of the whole run. The
// hot statements go through Impl::exec instead: on SQLite a statement prepared once per
// connection and kept (bound, stepped, reset); on PostgreSQL the same, in libpq's pipeline mode
// (pg_statement_cache.hpp).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace ferry::catalog {

// One positional parameter ($1, $2... in order of first appearance). Views: the caller's values
// outlive the call.
struct SqlParam {
    enum class Type { text, integer, blob };
    Type type;
    std::string_view bytes;
    std::int64_t integer = 0;

    SqlParam(const std::string& s) : type(Type::text), bytes(s) {}  // NOLINT: implicit by design
    SqlParam(const char* s) : type(Type::text), bytes(s) {}         // NOLINT
    SqlParam(std::int64_t i) : type(Type::integer), integer(i) {}   // NOLINT
    static SqlParam blob(const std::string& b) {
        SqlParam p(b);
        p.type = Type::blob;
        return p;
    }
};
using SqlParams = std::initializer_list<SqlParam>;

// What a statement gave back: rows changed, and its first row's columns (if any) as text
// (RETURNING version, revision; SELECT sha256 ...).
struct SqlResult {
    std::size_t changed = 0;
    std::vector<std::string> row;
    std::optional<std::string> first() const {
        return row.empty() ? std::nullopt : std::optional<std::string>(row.front());
    }
};

// Prepared SQLite statements of one connection, keyed by their SQL text. Errors throw
// std::runtime_error with SQLite's message, which Impl::run turns into a diagnostic.
class SqliteStatementCache {
  public:
    explicit SqliteStatementCache(sqlite3* db) : db_(db) {}
    ~SqliteStatementCache();
    SqliteStatementCache(const SqliteStatementCache&) = delete;
    SqliteStatementCache& operator=(const SqliteStatementCache&) = delete;

    SqlResult exec(const std::string& sql, SqlParams params);

  private:
    sqlite3_stmt* prepared(const std::string& sql);
    sqlite3* db_;
    std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

}  // namespace ferry::catalog
