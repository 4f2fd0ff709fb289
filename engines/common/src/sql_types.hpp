// The column-type grammars of PostgreSQL / Hologres, MySQL and SQLite, read through the parser's
// cursor into SqlType (private to engines/common).
#pragma once

#include "ferry/engine/sql_ddl.hpp"
#include "token_cursor.hpp"

namespace ferry::engine::detail {

// Reads a column type of the cursor's dialect; throws Fail on a type the dialect's list does not have.
SqlType read_sql_type(TokenCursor& c);

// SQLite: whether the current token begins a type (a column may have none).
bool at_sqlite_type(const TokenCursor& c);

}  // namespace ferry::engine::detail
