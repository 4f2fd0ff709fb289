// Renders a parsed table for a destination dialect: the statements apply() runs, plus diagnostics
// (lossy columns as warnings, unsupported ones as errors, dropped clauses as info). Every name is
// quoted for the destination and every string re-quoted: nothing of the package's text is spliced.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ferry/engine/ddl.hpp"
#include "ferry/engine/dialect.hpp"
#include "ferry/engine/sql_ddl.hpp"
#include "ferry/sdk/diagnostic.hpp"

namespace ferry::engine {

struct RenderTarget {
    Dialect dialect = Dialect::postgresql;
    std::string schema;          // PostgreSQL schema, MySQL or Hive database, MaxCompute project; empty: unqualified
    std::string table;           // the destination table name
    bool overwrite = false;      // DROP TABLE IF EXISTS first instead of CREATE ... IF NOT EXISTS
    bool create_schema = false;  // PostgreSQL/Hologres/Hive: CREATE SCHEMA/DATABASE IF NOT EXISTS first
};

struct RenderedStatements {
    std::vector<std::string> statements;
    sdk::Diagnostics diagnostics;
};

// From the parsed MaxCompute/Hive definition: across engines (types mapped, names quoted for the
// target, clauses the target lacks dropped with an info) and within MaxCompute/Hive (every clause
// written again from its parts). Never from the DDL's text.
RenderedStatements render_table(const TableDef& table, const RenderTarget& target);

// From a parsed PostgreSQL/Hologres, MySQL or SQLite definition, for a target of the same kind.
RenderedStatements render_sql_table(const SqlTableDef& table, const RenderTarget& target);

// The destination name of a package table: its whole name, lower-cased (MaxCompute and Hive fold
// names). A name holding a '.' stays one name: quoted as one identifier, or refused where it cannot
// be one; never split into a qualifier and another table.
std::string destination_table_name(std::string_view package_name);

}  // namespace ferry::engine
