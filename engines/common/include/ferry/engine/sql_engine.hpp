// The part of an engine plugin that is the same for every SQL database reached through a client
// library (SQLite, PostgreSQL, Hologres, MySQL): rewriting, cross-engine rendering, lazy connection,
// exists() by a catalog query and apply() in one transaction where the database allows it. A
// plugin supplies the connection and its catalog queries.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ferry/engine/dialect.hpp"
#include "ferry/sdk/engine.hpp"

namespace ferry::engine {

class SqlConnection {
  public:
    virtual ~SqlConnection() = default;
    // Runs one statement. False with `error` set to the database's own message.
    virtual bool execute(const std::string& sql, std::string& error) = 0;
    // Runs a query with bound text parameters; `found` says whether it returned a row.
    virtual bool has_rows(const std::string& sql, const std::vector<std::string>& params, bool& found,
                          std::string& error) = 0;
};

struct SqlEngineOptions {
    Dialect dialect = Dialect::postgresql;
    std::string schema;          // where tables go: PostgreSQL schema, MySQL database; empty for SQLite
    bool create_schema = false;  // CREATE SCHEMA IF NOT EXISTS before each table
    bool transactional_ddl = true;
    std::string label;           // for messages: "PostgreSQL instance 'pg_rehearsal'"
};

class SqlEngine : public sdk::Engine {
  public:
    explicit SqlEngine(SqlEngineOptions options) : opt_(std::move(options)) {}

    std::string dialect() const override;
    sdk::RewriteResponse rewrite(const sdk::RewriteRequest& request) override;
    sdk::TableResponse render_table(const sdk::TableRequest& request) override;
    sdk::FunctionResponse render_function(const sdk::FunctionRequest& request) override;
    sdk::ExistsResponse exists(const sdk::ExistsRequest& request) override;
    sdk::ApplyResponse apply(const sdk::ApplyRequest& request) override;

    // The destination name of a package table: its whole name, lower-cased (destination_table_name).
    static std::string table_name(const std::string& package_name);

  protected:
    // Opens a connection. Null with `error` set (the database's message) when it cannot.
    virtual std::unique_ptr<SqlConnection> connect(std::string& error) = 0;
    // The catalog query answering exists() for a table or function: bound parameters, never spliced.
    // An empty query: that kind of object does not exist on this database (SQLite functions).
    virtual void table_exists_query(const std::string& table, std::string& sql, std::vector<std::string>& params) const = 0;
    virtual void function_exists_query(const std::string& function, std::string& sql,
                                       std::vector<std::string>& params) const = 0;
    // Text that must never appear in a message (the password), replaced before anything is returned.
    virtual std::string secret() const { return {}; }

    const SqlEngineOptions& options() const { return opt_; }
    std::string scrub(std::string message) const;

  private:
    SqlConnection* connection(sdk::Diagnostics& diags);

    SqlEngineOptions opt_;
    std::unique_ptr<SqlConnection> conn_;
    bool connect_failed_ = false;  // an engine that refused once is not asked again by this object
    std::string connect_error_;
};

}  // namespace ferry::engine
