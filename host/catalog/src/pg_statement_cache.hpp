// Private to the catalog library: the per-object statements on PostgreSQL, prepared once per
// connection and sent in libpq's pipeline mode.
//
// Through Poco::Data every statement cost three round trips (Parse, Execute, DEALLOCATE): an import
// of 3,450 objects made 69,000 of them and ran ~4-10x slower than on SQLite. Here a statement is
// prepared once per connection under a name of its own, and inside a transaction a statement whose
// reply nobody waits for (a journal row, the workspace's revision bump) is queued on the connection
// and travels with the next statement that does wait, so an object costs the round trips of the
// values the host reads back, not one per statement. An error in a queued statement surfaces at that
// next wait (or at commit): the transaction is doomed either way, and the importer redoes a failed
// batch object by object, so every failure still lands on its own object.
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <unordered_map>

#include "statement_cache.hpp"

struct pg_conn;

namespace ferry::catalog {

// Statements of one PostgreSQL connection (the one Poco's session holds), keyed by their SQL text.
// Errors throw std::runtime_error with the server's message, which Impl::run turns into a diagnostic.
class PgStatementCache {
  public:
    explicit PgStatementCache(pg_conn* conn) : conn_(conn) {}
    ~PgStatementCache();
    PgStatementCache(const PgStatementCache&) = delete;
    PgStatementCache& operator=(const PgStatementCache&) = delete;

    // Runs `sql`. Inside a transaction a statement whose reply is not wanted is only queued (its
    // SqlResult is empty); any other waits for every queued reply and then its own. Outside a
    // transaction every statement is its own implicit transaction and waits.
    SqlResult exec(const std::string& sql, SqlParams params, bool want_reply, bool in_transaction);

    // Waits for every queued statement and leaves pipeline mode, so the connection takes ordinary
    // (Poco) statements again. Throws the first queued statement's error, if any.
    void settle();

  private:
    struct Pending {
        enum class Kind { prepare, statement, sync } kind;
        std::string sql;  // prepare: forgotten if the server refused (or skipped) it
    };
    void enter();
    void send(const std::string& sql, SqlParams params);
    // Reads the replies of every pending entry; the last statement's is `last` when given.
    void drain(SqlResult* last);
    [[noreturn]] void broken(const std::string& what);

    pg_conn* conn_;
    bool piped_ = false;
    // Statements went out since the last sync: the server, which skips everything after an error
    // until a sync, must get one before the connection leaves pipeline mode.
    bool unsynced_ = false;
    std::deque<Pending> pending_;
    std::unordered_map<std::string, std::string> names_;  // SQL text -> prepared statement name
    std::size_t next_name_ = 0;
};

}  // namespace ferry::catalog
