#include "statement_cache.hpp"

#include <stdexcept>

#include <sqlite3.h>

namespace ferry::catalog {

namespace {

[[noreturn]] void fail(sqlite3* db, const char* what) {
    throw std::runtime_error(std::string(what) + ": " + sqlite3_errmsg(db));
}

// Leaves the statement ready for its next use whatever happens while it runs: a statement left
// mid-step would keep SQLite's read transaction open and make COMMIT fail.
struct ResetOnExit {
    sqlite3_stmt* st;
    ~ResetOnExit() {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
    }
};

}  // namespace

SqliteStatementCache::~SqliteStatementCache() {
    for (auto& [sql, st] : statements_) sqlite3_finalize(st);
}

sqlite3_stmt* SqliteStatementCache::prepared(const std::string& sql) {
    if (auto it = statements_.find(sql); it != statements_.end()) return it->second;
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size() + 1), SQLITE_PREPARE_PERSISTENT, &st,
                           nullptr) != SQLITE_OK)
        fail(db_, "cannot prepare a catalog statement");
    statements_.emplace(sql, st);
    return st;
}

SqlResult SqliteStatementCache::exec(const std::string& sql, SqlParams params) {
    sqlite3_stmt* st = prepared(sql);
    ResetOnExit reset{st};
    // Parameters are named $1, $2...: SQLite numbers named parameters in order of first
    // appearance, so the kth parameter of the list is index k when the SQL uses them in order.
    if (static_cast<int>(params.size()) != sqlite3_bind_parameter_count(st))
        throw std::logic_error("catalog statement given " + std::to_string(params.size()) + " parameters for " +
                               std::to_string(sqlite3_bind_parameter_count(st)));
    int i = 1;
    for (const auto& p : params) {
        int rc = SQLITE_OK;
        switch (p.type) {
            case SqlParam::Type::text:
                rc = sqlite3_bind_text64(st, i, p.bytes.data(), p.bytes.size(), SQLITE_STATIC, SQLITE_UTF8);
                break;
            case SqlParam::Type::integer:
                rc = sqlite3_bind_int64(st, i, p.integer);
                break;
            case SqlParam::Type::blob:
                // An empty blob is stored as NULL, as Poco's binder does, so both paths write alike.
                rc = p.bytes.empty() ? sqlite3_bind_null(st, i)
                                     : sqlite3_bind_blob64(st, i, p.bytes.data(), p.bytes.size(), SQLITE_STATIC);
                break;
        }
        if (rc != SQLITE_OK) fail(db_, "cannot bind a catalog statement's parameter");
        ++i;
    }
    SqlResult result;
    for (;;) {
        const int rc = sqlite3_step(st);
        if (rc == SQLITE_DONE) break;
        if (rc != SQLITE_ROW) fail(db_, "a catalog statement failed");
        if (result.row.empty())
            for (int c = 0; c < sqlite3_column_count(st); ++c) {
                const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(st, c));
                result.row.emplace_back(text ? std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(st, c)))
                                             : std::string());
            }
    }
    result.changed = static_cast<std::size_t>(sqlite3_changes(db_));
    return result;
}

}  // namespace ferry::catalog
