// An engine on PostgreSQL's wire protocol through libpq: the postgresql and hologres plugins.
// The DSN is libpq's key=value form; the password comes from an environment variable read when
// the first connection is made, never from the config text.
#pragma once

#include <memory>
#include <string>

#include "ferry/engine/sql_engine.hpp"
#include "ferry/sdk/config.hpp"
#include "ferry/sdk/plugin.hpp"

namespace ferry::engines::pg {

inline constexpr sdk::ConfigKey kSchema[] = {
    {"dsn", sdk::ValueType::string, true, nullptr,
     "libpq connection string without the password, e.g. 'host=127.0.0.1 port=5432 dbname=dw user=etl'"},
    {"password_env", sdk::ValueType::string, false, nullptr, "name of the environment variable holding the password"},
    {"schema", sdk::ValueType::string, false, "public", "schema that receives tables"},
    {"create_schema", sdk::ValueType::boolean, false, "true", "create the schema when it does not exist"},
};

struct PgSettings {
    std::string dsn;
    std::string password_env;
    std::string schema = "public";
    bool create_schema = true;
};

class PgEngine : public engine::SqlEngine {
  public:
    PgEngine(engine::Dialect dialect, const std::string& instance, PgSettings settings);

  protected:
    std::unique_ptr<engine::SqlConnection> connect(std::string& error) override;
    void table_exists_query(const std::string& table, std::string& sql, std::vector<std::string>& params) const override;
    void function_exists_query(const std::string& function, std::string& sql,
                               std::vector<std::string>& params) const override;
    std::string secret() const override { return password_; }

  private:
    PgSettings settings_;
    std::string password_;  // read at connect time
};

// Validates the config (the DSN parses and carries no password) without connecting.
std::unique_ptr<PgEngine> make_engine(engine::Dialect dialect, const sdk::CreateContext& ctx, sdk::Diagnostics& diags);

}  // namespace ferry::engines::pg
