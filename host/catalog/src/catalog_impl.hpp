// Private to the catalog library: the Poco session behind a Catalog, its prepared statements and
// the transaction depth.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <unordered_map>

#include <Poco/Data/Session.h>

#include "ferry/catalog/catalog.hpp"
#include "pg_statement_cache.hpp"
#include "statement_cache.hpp"
#include "wal_checkpointer.hpp"

namespace ferry::catalog {

struct Catalog::Impl {
    Backend backend = Backend::sqlite;
    std::string uri;  // as given to open(), for reopen(); may hold what libpq reads (never shown)
    std::string display;
    std::unique_ptr<Poco::Data::Session> session;
    // One per backend; declared after the session so their statements are finalized before it
    // closes.
    std::unique_ptr<SqliteStatementCache> cache;
    std::unique_ptr<PgStatementCache> pg_cache;
    // SQLite only: copies the WAL back on a thread of its own (wal_checkpointer.hpp); declared
    // after the session so it stops before the session closes.
    std::unique_ptr<WalCheckpointer> checkpointer;
    // Nested Transactions join the outermost one; a nested rollback dooms it.
    int depth = 0;
    bool doomed = false;
    // The fingerprint of every object written in the open transaction (key: object_key), so that
    // reading one back costs no round trip; forgotten when the transaction ends.
    std::unordered_map<std::string, std::string> written;
    // The revisions the open transaction took, per workspace: the first write raises the
    // workspace's counter in the database (and so holds its row's lock until the transaction ends),
    // the next ones count on here, and the commit stores the last. One statement per transaction
    // instead of an UPDATE of one row per object, whose versions PostgreSQL kept walking.
    struct TakenRevisions {
        std::int64_t first = 0, last = 0;
    };
    std::unordered_map<std::string, TakenRevisions> revisions;
    // Forgets what the ended transaction wrote.
    void forget_transaction() {
        written.clear();
        revisions.clear();
    }

    bool begin(sdk::Diagnostics& diags);
    bool commit(sdk::Diagnostics& diags);
    void rollback();
    bool pg() const { return backend == Backend::postgresql; }

    // Runs one of the per-object statements, prepared once per connection (statement_cache.hpp,
    // pg_statement_cache.hpp); throws like Poco does, so call it inside run(). `returns_row`: the
    // caller reads the statement's row (RETURNING, SELECT). Without it, inside a transaction on
    // PostgreSQL the statement is only queued: its errors doom the transaction at the next
    // statement that waits or at commit, and SqlResult::changed stays 0.
    SqlResult exec(const std::string& sql, SqlParams params, bool returns_row = false);

    // The Poco session, once the connection is back out of pipeline mode (queued statements'
    // errors throw here).
    Poco::Data::Session& poco();

    // Runs statements; an exception becomes a diagnostic (code database_error unless given) and
    // dooms the enclosing transaction, since PostgreSQL has aborted it anyway. `f` takes the Poco
    // session when it runs Poco statements, nothing when it only runs exec(): then statements
    // queued before it stay queued.
    template <typename F>
    bool run(sdk::Diagnostics& diags, const std::string& what, F&& f, const char* code = nullptr);
};

// Adds a database_error diagnostic for `what` with the (scrubbed) exception text as detail.
void report_exception(sdk::Diagnostics& diags, const char* code, const std::string& what, const std::exception& e);

template <typename F>
bool Catalog::Impl::run(sdk::Diagnostics& diags, const std::string& what, F&& f, const char* code) {
    try {
        if constexpr (std::is_invocable_v<F, Poco::Data::Session&>)
            f(poco());
        else
            f();
        return true;
    } catch (const std::exception& e) {
        report_exception(diags, code ? code : codes::database_error, what, e);
        if (depth > 0) doomed = true;
        return false;
    }
}

// Brings the schema to the code's version; errors as diagnostics.
bool migrate(Catalog::Impl& impl, sdk::Diagnostics& diags);
int code_schema_version();

}  // namespace ferry::catalog

namespace ferry::catalog {

// The library's own RAII transaction on an Impl (the public Transaction wraps the same calls).
class TxGuard {
  public:
    TxGuard(Catalog::Impl& impl, sdk::Diagnostics& diags) : impl_(impl) { active_ = impl_.begin(diags); }
    ~TxGuard() {
        if (active_) impl_.rollback();
    }
    TxGuard(const TxGuard&) = delete;
    TxGuard& operator=(const TxGuard&) = delete;
    bool active() const { return active_; }
    bool commit(sdk::Diagnostics& diags) {
        active_ = false;
        return impl_.commit(diags);
    }
    void rollback() {
        if (active_) impl_.rollback();
        active_ = false;
    }

  private:
    Catalog::Impl& impl_;
    bool active_ = false;
};

}  // namespace ferry::catalog
