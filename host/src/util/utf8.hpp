// UTF-8 helpers shared by entry-name checks and object-name rules.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ferry::host {

// Decodes one code point at `pos`; returns false on an invalid or overlong sequence.
bool utf8_next(std::string_view s, std::size_t& pos, std::uint32_t& cp);
bool valid_utf8(std::string_view s);
std::string codepoint_label(std::uint32_t cp);  // "U+0020"
std::size_t utf8_length(std::string_view s);   // code points (of valid UTF-8)

}  // namespace ferry::host
