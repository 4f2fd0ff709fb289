// Renders a parsed MaxCompute/Hive table for a destination dialect: the statements apply() runs,
// plus diagnostics (lossy columns as warnings, unsupported ones as errors, dropped clauses as info).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ferry/engine/ddl.hpp"
#include "ferry/engine/dialect.hpp"
#include "ferry/sdk/diagnostic.hpp"

namespace ferry::engine {

struct RenderTarget {
    Dialect dialect = Dialect::postgresql;
    std::string schema;          // PostgreSQL schema, MySQL or Hive database; empty: unqualified
    std::string table;           // the destination table name
    bool overwrite = false;      // DROP TABLE IF EXISTS first instead of CREATE ... IF NOT EXISTS
    bool create_schema = false;  // PostgreSQL/Hologres/Hive: CREATE SCHEMA/DATABASE IF NOT EXISTS first
};

struct RenderedStatements {
    std::vector<std::string> statements;
    sdk::Diagnostics diagnostics;
};

// Cross-engine rendering from the parsed definition (types mapped, names quoted for the target).
RenderedStatements render_table(const TableDef& table, const RenderTarget& target);

// Same-dialect re-targeting (MaxCompute -> MaxCompute, Hive -> Hive): the original text with the
// name replaced by `qualified_name` and IF NOT EXISTS, or DROP + CREATE when overwriting. Every
// clause, comment and property of the source stays as written.
std::vector<std::string> retarget_table_text(std::string_view ddl, const TableDef& table,
                                             const std::string& qualified_name, bool overwrite);

// "a.b.c" -> "c": the table name a package gives may carry its project and schema.
std::string last_name_part(std::string_view name);

}  // namespace ferry::engine
