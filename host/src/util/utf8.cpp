#include "util/utf8.hpp"

#include <cstdio>

namespace ferry::host {

bool utf8_next(std::string_view s, std::size_t& pos, std::uint32_t& cp) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
    const unsigned char c = byte(pos);
    int extra = 0;
    if (c < 0x80) { cp = c; ++pos; return true; }
    if ((c & 0xE0) == 0xC0) { cp = c & 0x1F; extra = 1; }
    else if ((c & 0xF0) == 0xE0) { cp = c & 0x0F; extra = 2; }
    else if ((c & 0xF8) == 0xF0) { cp = c & 0x07; extra = 3; }
    else return false;
    if (pos + extra >= s.size()) return false;
    for (int i = 1; i <= extra; ++i) {
        const unsigned char n = byte(pos + i);
        if ((n & 0xC0) != 0x80) return false;
        cp = (cp << 6) | (n & 0x3F);
    }
    static const std::uint32_t min_for[] = {0, 0x80, 0x800, 0x10000};
    if (cp < min_for[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    pos += extra + 1;
    return true;
}

int utf8_char(const char* s, std::size_t n, std::uint32_t& cp) {
    std::size_t pos = 0;
    if (n == 0 || !utf8_next(std::string_view(s, n < 4 ? n : 4), pos, cp)) return 0;
    return static_cast<int>(pos);
}

bool valid_utf8(std::string_view s) {
    std::size_t pos = 0;
    std::uint32_t cp = 0;
    while (pos < s.size()) {
        // ASCII needs no decoding: every entry name of a package comes through here.
        if (static_cast<unsigned char>(s[pos]) < 0x80) {
            ++pos;
            continue;
        }
        if (!utf8_next(s, pos, cp)) return false;
    }
    return true;
}

std::string codepoint_label(std::uint32_t cp) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(cp));
    return buf;
}

std::string printable(std::string_view s, bool keep_newlines) {
    // Most text needs no change: scan first, copy only when something must be escaped.
    std::size_t pos = 0;
    std::uint32_t cp = 0;
    auto needs_escape = [&](std::uint32_t c) {
        return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F) || (c >= 0x202A && c <= 0x202E) ||
               (c >= 0x2066 && c <= 0x2069) || c == 0x200E || c == 0x200F || c == 0x061C;
    };
    bool clean = true;
    while (pos < s.size() && clean) {
        if (!utf8_next(s, pos, cp)) clean = false;
        else if (needs_escape(cp) && !(keep_newlines && cp == '\n')) clean = false;
    }
    if (clean) return std::string(s);
    std::string out;
    out.reserve(s.size() + 16);
    char buf[16];
    pos = 0;
    while (pos < s.size()) {
        const std::size_t start = pos;
        if (!utf8_next(s, pos, cp)) {
            std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(static_cast<unsigned char>(s[start])));
            out += buf;
            pos = start + 1;
            continue;
        }
        if (!needs_escape(cp) || (keep_newlines && cp == '\n')) {
            out.append(s.substr(start, pos - start));
        } else if (cp == '\n') {
            out += "\\n";
        } else if (cp == '\t') {
            out += "\\t";
        } else if (cp == '\r') {
            out += "\\r";
        } else if (cp < 0x80) {
            std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(cp));
            out += buf;
        } else {
            std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
            out += buf;
        }
    }
    return out;
}

std::size_t utf8_length(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++n;
    return n;
}

}  // namespace ferry::host
