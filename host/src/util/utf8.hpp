// UTF-8 helpers shared by entry-name checks and object-name rules.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ferry::host {

// Decodes one code point at `pos`; returns false on an invalid or overlong sequence.
bool utf8_next(std::string_view s, std::size_t& pos, std::uint32_t& cp);
bool valid_utf8(std::string_view s);
// The character at the start of the `n` bytes at `s` when they begin with a whole, valid UTF-8
// sequence (shortest form, no surrogate, at most U+10FFFF): its length in bytes; else 0.
int utf8_char(const char* s, std::size_t n, std::uint32_t& cp);
std::string codepoint_label(std::uint32_t cp);  // "U+0020"
std::size_t utf8_length(std::string_view s);   // code points (of valid UTF-8)

// Text from a package, a task or a peer made safe for a terminal or a log line: control
// characters (C0, DEL, C1), bidirectional overrides and bytes that are not UTF-8 become visible
// escapes (\n, \x1b, \u202e, \xff), so a name cannot forge a line or drive the terminal.
// `keep_newlines` leaves '\n' alone (multi-line text such as SQL the host rendered itself).
std::string printable(std::string_view s, bool keep_newlines = false);

}  // namespace ferry::host
