// The SQL dialects engines speak. One enum so tokenizing, quoting and type mapping agree on names.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ferry::engine {

enum class Dialect { maxcompute, hive, postgresql, hologres, mysql, sqlite };

const char* to_string(Dialect d);
// Accepts the names Engine::dialect() returns ("maxcompute", "odps", "hive", "postgresql", ...).
std::optional<Dialect> parse_dialect(std::string_view name);
// MaxCompute and Hive fold identifiers to lower case; a destination that keeps case gets lower-case names.
bool folds_identifiers(Dialect d);

}  // namespace ferry::engine
