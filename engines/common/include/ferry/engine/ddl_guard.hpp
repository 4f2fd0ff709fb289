// The rules a table's DDL meets before anything is rendered from it, shared by every engine and by
// `ferry check` (one parser, one verdict): it reads in its own dialect, holds one statement, and
// that statement is a CREATE TABLE of the table itself. A package's DDL is data: ferry renders
// the statements that run from what the parser read, never from the text.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ferry/engine/ddl.hpp"
#include "ferry/engine/dialect.hpp"
#include "ferry/engine/sql_ddl.hpp"
#include "ferry/sdk/diagnostic.hpp"

namespace ferry::engine {

struct OwnTable {
    std::string name;  // the table's own name in the package: the DDL's last name part must equal it (ASCII case-insensitively)
    // Qualifiers the DDL may write before the name (the table's project and schema from the
    // package); nullopt: not checked (an engine puts the table in its own schema whatever the DDL says).
    std::optional<std::vector<std::string>> qualifiers;
};

// What was read: `table` for MaxCompute and Hive, `sql` for PostgreSQL/Hologres, MySQL and SQLite.
struct ParsedTableDdl {
    Dialect dialect = Dialect::maxcompute;
    TableDef table;
    SqlTableDef sql;
};

struct DdlVerdict {
    enum class Problem {
        none,
        unreadable,   // a string, name or comment never ends, or text the database would run unseen (MySQL /*! */)
        statements,   // more than one statement
        not_a_table,  // not a CREATE TABLE statement
        name,         // creates another table than its own
        body,         // a CREATE TABLE of its own name that does not parse or holds what ferry does not render
    };
    Problem problem = Problem::none;
    DdlError error;  // where, and what (error.unsupported for what ferry does not render)
    bool ok() const { return problem == Problem::none; }
};

// Reads one table's DDL under the rules above; `parsed` receives the definition when ok().
DdlVerdict read_table_ddl(std::string_view ddl, Dialect dialect, const OwnTable& own, ParsedTableDdl* parsed = nullptr);

// The engine diagnostic of a failed verdict, e.g. FERRY-ENGINE-DDL-NAME "table 'c': the DDL creates
// 'pwned', not 'c'" with where = ddl:LINE:COL.
void report_ddl_verdict(const DdlVerdict& verdict, const std::string& table, sdk::Diagnostics& diags);

}  // namespace ferry::engine
