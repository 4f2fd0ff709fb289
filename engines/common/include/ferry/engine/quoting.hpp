// Identifier and literal quoting per dialect. A name that cannot be a legal identifier on the
// destination is refused with a reason: names are never spliced into SQL unchecked.
#pragma once

#include <string>
#include <string_view>

#include "ferry/engine/dialect.hpp"

namespace ferry::engine {

struct Quoted {
    bool ok = false;
    std::string text;    // the quoted identifier when ok
    std::string reason;  // why the name was refused otherwise
};

// Quotes one name part (not a dotted path) for the dialect:
//   postgresql/hologres: "x", at most 63 bytes (longer names would be truncated silently)
//   mysql: `x`, at most 64 characters, no trailing space
//   sqlite: "x"
//   maxcompute/hive: `x`, letters, digits and '_' only, at most 128 bytes
// Every dialect refuses empty names, control characters and the dialect's quote character.
Quoted quote_identifier(std::string_view name, Dialect dialect);

// [A-Za-z_][A-Za-z0-9_]*: safe unquoted in every dialect here (keywords aside).
bool is_plain_identifier(std::string_view name);

// A string literal for the dialect whose end is where the server puts it whatever its settings
// (MySQL: '' and doubled backslashes; PostgreSQL: E'...' when the value holds a backslash;
// MaxCompute/Hive: backslash escapes; SQLite: '').
std::string quote_string(std::string_view value, Dialect dialect);

// ASCII lower case, for dialects whose identifiers fold.
std::string ascii_lower(std::string_view s);

}  // namespace ferry::engine
