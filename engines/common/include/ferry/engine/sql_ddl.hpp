// CREATE TABLE written for a database (PostgreSQL / Hologres, MySQL / MariaDB, SQLite) as data:
// what ferry renders again for a destination of the same kind, so the text of a package never
// reaches a database. What is not here (REFERENCES, CHECK, GENERATED, INHERITS, partitioning,
// table options ferry does not know...) is refused by the parser with a DdlError marked
// `unsupported`.
//
//   PostgreSQL: CREATE TABLE [IF NOT EXISTS] [[db.]schema.]t ( column | table_constraint, ... ) [;]
//   MySQL:      CREATE [OR REPLACE] TABLE [IF NOT EXISTS] [db.]t ( column | key, ... ) [table_option ...] [;]
//   SQLite:     CREATE TABLE [IF NOT EXISTS] [schema.]t ( column | table_constraint, ... ) [WITHOUT ROWID | STRICT, ...] [;]
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ferry/engine/ddl.hpp"
#include "ferry/engine/dialect.hpp"

namespace ferry::engine {

// A column type of the dialect's own grammar, read into parts: a canonical name from the
// dialect's list of types (SQLite: the type's words, each a plain name), its numbers, and the
// dialect's modifiers.
struct SqlType {
    std::string name;                 // "int4", "varchar", "timestamptz" (PostgreSQL); "INT", "VARCHAR" (MySQL); "UNSIGNED BIG INT" (SQLite)
    std::vector<std::int64_t> args;   // (n) or (p, s)
    int array_dims = 0;               // PostgreSQL: int4[][] -> 2
    bool is_unsigned = false;         // MySQL
    bool zerofill = false;            // MySQL
    std::vector<std::string> values;  // MySQL ENUM('a','b') / SET(...) members
    std::string charset;              // MySQL CHARACTER SET x
    // The type as `dialect` writes it, e.g. "varchar(20)", "numeric(10,2)[]", "INT(11) UNSIGNED".
    std::string text(Dialect dialect) const;
};

// DEFAULT: a literal or one of a few constants, never an expression.
struct SqlDefault {
    enum class Kind { null, number, string, boolean, current };
    Kind kind = Kind::null;
    std::string value;               // number text ("-1.5"); string value; "TRUE"/"FALSE"; the constant
                                     // ("CURRENT_TIMESTAMP", "CURRENT_DATE", "CURRENT_TIME", "LOCALTIMESTAMP",
                                     // "LOCALTIME", "NOW()")
    std::optional<std::int64_t> precision;  // CURRENT_TIMESTAMP(3), NOW(6)
    std::optional<SqlType> cast;     // PostgreSQL 'x'::varchar
    std::string text(Dialect dialect) const;
};

struct SqlColumn {
    std::string name;
    std::optional<SqlType> type;  // SQLite columns may have none
    bool not_null = false;
    bool null = false;            // NULL written out (MySQL TIMESTAMP columns differ with it)
    std::optional<SqlDefault> default_value;
    bool primary_key = false;
    bool unique = false;
    bool autoincrement = false;   // SQLite PRIMARY KEY AUTOINCREMENT, MySQL AUTO_INCREMENT
    bool descending = false;      // SQLite PRIMARY KEY DESC
    std::string collation;        // COLLATE name (checked per dialect)
    std::optional<SqlDefault> on_update;  // MySQL ON UPDATE CURRENT_TIMESTAMP
    std::optional<std::string> comment;   // MySQL COMMENT '...'
    std::uint32_t line = 0, column = 0;   // where the name is in the DDL
};

struct SqlKeyPart {
    std::string column;
    std::optional<std::int64_t> prefix;  // MySQL key prefix length: (name(10))
    bool descending = false;
};

struct SqlKey {
    enum class Kind { primary, unique, index };
    Kind kind = Kind::primary;
    // MySQL index name (local to the table). PostgreSQL and SQLite constraint names are not
    // kept: in PostgreSQL they name an index beside the table, another object of the schema.
    std::string name;
    std::vector<SqlKeyPart> parts;
};

struct SqlTableDef {
    Dialect dialect = Dialect::postgresql;
    bool if_not_exists = false;
    std::vector<std::string> qualifiers;  // as written, unquoted
    std::string name;
    std::vector<SqlColumn> columns;
    std::vector<SqlKey> keys;
    bool constraint_names_dropped = false;  // CONSTRAINT name ... read, the name left out
    // MySQL table options
    std::string engine;                   // canonical: InnoDB, MyISAM, Aria, MEMORY
    std::string charset, collation;
    std::optional<std::string> comment;
    std::optional<std::int64_t> auto_increment;
    std::string row_format;               // DEFAULT DYNAMIC FIXED COMPRESSED REDUNDANT COMPACT PAGE
    // SQLite table options
    bool without_rowid = false;
    bool strict = false;
};

// Parses one CREATE TABLE of `dialect` (postgresql, hologres, mysql or sqlite). `head`, when
// given, receives the table name as soon as it is read, even if the rest fails.
bool parse_sql_create_table(std::string_view ddl, Dialect dialect, SqlTableDef& out, DdlError& error,
                            DdlHead* head = nullptr);

}  // namespace ferry::engine
