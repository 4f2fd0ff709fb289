// Private to the catalog library: the Poco session behind a Catalog and the transaction depth.
#pragma once

#include <memory>
#include <string>

#include <Poco/Data/Session.h>

#include "ferry/catalog/catalog.hpp"
#include "statement_cache.hpp"

namespace ferry::catalog {

struct Catalog::Impl {
    Backend backend = Backend::sqlite;
    std::string uri;  // as given to open(), for reopen(); may hold what libpq reads (never shown)
    std::string display;
    std::unique_ptr<Poco::Data::Session> session;
    // SQLite only; declared after the session so its statements are finalized before it closes.
    std::unique_ptr<SqliteStatementCache> cache;
    // Nested Transactions join the outermost one; a nested rollback dooms it.
    int depth = 0;
    bool doomed = false;

    bool begin(sdk::Diagnostics& diags);
    bool commit(sdk::Diagnostics& diags);
    void rollback();
    bool pg() const { return backend == Backend::postgresql; }

    // Runs one of the per-object statements (see statement_cache.hpp); throws like Poco does, so
    // call it inside run(). `returns_row`: the statement yields a row (RETURNING, SELECT).
    SqlResult exec(const std::string& sql, SqlParams params, bool returns_row = false);

    // Runs statements; an exception becomes a diagnostic (code database_error unless given) and
    // dooms the enclosing transaction, since PostgreSQL has aborted it anyway.
    template <typename F>
    bool run(sdk::Diagnostics& diags, const std::string& what, F&& f, const char* code = nullptr);
};

// Adds a database_error diagnostic for `what` with the (scrubbed) exception text as detail.
void report_exception(sdk::Diagnostics& diags, const char* code, const std::string& what, const std::exception& e);

template <typename F>
bool Catalog::Impl::run(sdk::Diagnostics& diags, const std::string& what, F&& f, const char* code) {
    try {
        f(*session);
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
