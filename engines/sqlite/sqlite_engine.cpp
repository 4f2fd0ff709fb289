#include <filesystem>

#include "sqlite_engine.hpp"

#include <sqlite3.h>

#include <string_view>

#include "ferry/engine/codes.hpp"

namespace ferry::engines::sqlite {

namespace {

class Connection : public engine::SqlConnection {
  public:
    explicit Connection(sqlite3* db) : db_(db) {}
    ~Connection() override { sqlite3_close_v2(db_); }

    // One statement a call: sqlite3_exec would run every statement in the text. ferry renders each
    // statement alone, so anything after the first could only come from a quoting mistake; it is
    // refused, not run.
    bool execute(const std::string& sql, std::string& error) override {
        sqlite3_stmt* st = nullptr;
        const char* tail = nullptr;
        if (sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &st, &tail) != SQLITE_OK) {
            error = sqlite3_errmsg(db_);
            return false;
        }
        const std::string_view rest(tail, static_cast<std::size_t>(sql.data() + sql.size() - tail));
        if (rest.find_first_not_of(" \t\r\n;") != std::string_view::npos) {
            sqlite3_finalize(st);
            error = "more than one statement in one call (ferry runs one at a time)";
            return false;
        }
        int rc = SQLITE_ROW;
        while (st && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        }
        const bool ok = !st || rc == SQLITE_DONE;
        if (!ok) error = sqlite3_errmsg(db_);
        sqlite3_finalize(st);
        return ok;
    }

    bool has_rows(const std::string& sql, const std::vector<std::string>& params, bool& found,
                  std::string& error) override {
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &st, nullptr) != SQLITE_OK) {
            error = sqlite3_errmsg(db_);
            return false;
        }
        for (std::size_t i = 0; i < params.size(); ++i)
            sqlite3_bind_text(st, static_cast<int>(i + 1), params[i].c_str(), static_cast<int>(params[i].size()),
                              SQLITE_TRANSIENT);
        const int rc = sqlite3_step(st);
        found = rc == SQLITE_ROW;
        const bool ok = rc == SQLITE_ROW || rc == SQLITE_DONE;
        if (!ok) error = sqlite3_errmsg(db_);
        sqlite3_finalize(st);
        return ok;
    }

  private:
    sqlite3* db_;
};

}  // namespace

SqliteEngine::SqliteEngine(std::string path, int busy_timeout_ms)
    : SqlEngine({engine::Dialect::sqlite, "", false, true, "SQLite database '" + path + "'"}),
      path_(std::move(path)),
      busy_timeout_ms_(busy_timeout_ms) {}

sdk::ExistsResponse SqliteEngine::exists(const sdk::ExistsRequest& request) {
    // A file that is not there yet, in a folder that is, holds nothing: answer without creating it.
    // A missing folder is still reported by connecting, as any unreachable engine.
    std::error_code ec;
    const std::filesystem::path file(path_);
    const std::filesystem::path folder = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
    if (!std::filesystem::exists(file, ec) && std::filesystem::is_directory(folder, ec)) return {};
    return SqlEngine::exists(request);
}

std::unique_ptr<engine::SqlConnection> SqliteEngine::connect(std::string& error) {
    sqlite3* db = nullptr;
    const int rc = sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    if (rc != SQLITE_OK) {
        error = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
        sqlite3_close_v2(db);
        return nullptr;
    }
    sqlite3_busy_timeout(db, busy_timeout_ms_);
    return std::make_unique<Connection>(db);
}

void SqliteEngine::table_exists_query(const std::string& table, std::string& sql, std::vector<std::string>& params) const {
    sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1 COLLATE NOCASE";
    params = {table};
}

void SqliteEngine::function_exists_query(const std::string&, std::string& sql, std::vector<std::string>& params) const {
    sql.clear();  // SQLite has no stored functions
    params.clear();
}

std::unique_ptr<SqliteEngine> make_engine(const sdk::CreateContext& ctx, sdk::Diagnostics& diags) {
    const sdk::Config& cfg = *ctx.config;
    const std::string path = cfg.string("path");
    if (path.empty()) {
        diags.error(engine::codes::kConfig, "sqlite: 'path' is empty", "name the database file", cfg.where_of("path"));
        return nullptr;
    }
    const std::int64_t timeout = cfg.integer("busy_timeout_ms", 5000);
    if (timeout < 0 || timeout > 600000) {
        diags.error(engine::codes::kConfig, "sqlite: 'busy_timeout_ms' must be 0 to 600000", "",
                    cfg.where_of("busy_timeout_ms"));
        return nullptr;
    }
    return std::make_unique<SqliteEngine>(path, static_cast<int>(timeout));
}

}  // namespace ferry::engines::sqlite
