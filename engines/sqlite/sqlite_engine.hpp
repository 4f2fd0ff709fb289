// The SQLite engine: an embedded database file for rehearsals and the bundled example.
#pragma once

#include <memory>
#include <string>

#include "ferry/engine/sql_engine.hpp"
#include "ferry/sdk/config.hpp"
#include "ferry/sdk/plugin.hpp"

namespace ferry::engines::sqlite {

// SQLite is no product engine: it takes cross-engine mappings and nodes of its own command.
inline constexpr const char* kOwns[] = {"command:SQLITE", "datasource:sqlite", "table:SQLite", "table:SQLITE"};

inline constexpr sdk::ConfigKey kSchema[] = {
    {"path", sdk::ValueType::string, true, nullptr,
     "the database file (created on first use); a relative path is resolved by the host"},
    {"busy_timeout_ms", sdk::ValueType::integer, false, "5000", "how long to wait for a lock held by another process"},
};

class SqliteEngine : public engine::SqlEngine {
  public:
    SqliteEngine(std::string path, int busy_timeout_ms);

    // A database file that is not there yet holds nothing: answer without creating it, so that
    // `ferry plan` changes nothing on disk.
    sdk::ExistsResponse exists(const sdk::ExistsRequest& request) override;

  protected:
    std::unique_ptr<engine::SqlConnection> connect(std::string& error) override;
    void table_exists_query(const std::string& table, std::string& sql, std::vector<std::string>& params) const override;
    void function_exists_query(const std::string& function, std::string& sql,
                               std::vector<std::string>& params) const override;

  private:
    std::string path_;
    int busy_timeout_ms_;
};

// Validates the config and builds the engine without opening the file.
std::unique_ptr<SqliteEngine> make_engine(const sdk::CreateContext& ctx, sdk::Diagnostics& diags);

}  // namespace ferry::engines::sqlite
