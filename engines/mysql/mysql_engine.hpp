// The MySQL engine (MariaDB and AnalyticDB for MySQL speak the same protocol) through libmariadb.
// MySQL commits DDL at once, so apply() runs an object's statements in order without a transaction
// and says which ones stayed when a later one fails.
#pragma once

#include <memory>
#include <string>

#include "ferry/engine/sql_engine.hpp"
#include "ferry/sdk/config.hpp"
#include "ferry/sdk/plugin.hpp"

namespace ferry::engines::mysql {

inline constexpr const char* kOwns[] = {"command:MYSQL",        "command:ADB_FOR_MYSQL",         "command:ADB for MySQL",
                                        "datasource:mysql",     "datasource:analyticdb_for_mysql", "table:MySQL",
                                        "table:MYSQL"};

inline constexpr sdk::ConfigKey kSchema[] = {
    {"host", sdk::ValueType::string, false, "127.0.0.1", "server address"},
    {"port", sdk::ValueType::integer, false, "3306", "server port"},
    {"database", sdk::ValueType::string, true, nullptr, "database that receives tables (must exist)"},
    {"user", sdk::ValueType::string, true, nullptr, "login name"},
    {"password_env", sdk::ValueType::string, false, nullptr, "name of the environment variable holding the password"},
    {"connect_timeout_s", sdk::ValueType::integer, false, "10", "seconds to wait for the server"},
};

struct MysqlSettings {
    std::string host = "127.0.0.1";
    int port = 3306;
    std::string database;
    std::string user;
    std::string password_env;
    int connect_timeout_s = 10;
};

class MysqlEngine : public engine::SqlEngine {
  public:
    MysqlEngine(const std::string& instance, MysqlSettings settings);

  protected:
    std::unique_ptr<engine::SqlConnection> connect(std::string& error) override;
    void table_exists_query(const std::string& table, std::string& sql, std::vector<std::string>& params) const override;
    void function_exists_query(const std::string& function, std::string& sql,
                               std::vector<std::string>& params) const override;
    std::string secret() const override { return password_; }

  private:
    MysqlSettings settings_;
    std::string password_;
};

std::unique_ptr<MysqlEngine> make_engine(const sdk::CreateContext& ctx, sdk::Diagnostics& diags);

}  // namespace ferry::engines::mysql
