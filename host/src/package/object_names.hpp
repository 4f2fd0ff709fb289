// The names a destination accepts for objects: letters of any script, digits, '_', '.' and '-',
// at most kMaxObjectNameLength characters. Anything else (spaces, quotes, ';', '/', control
// characters) is refused, naming the character, because names end up in paths, SQL and URLs.
#pragma once

#include <string>

namespace ferry::host {

inline constexpr std::size_t kMaxObjectNameLength = 128;

// Empty when the name is acceptable, else a sentence naming the problem.
std::string object_name_problem(const std::string& name);

}  // namespace ferry::host
