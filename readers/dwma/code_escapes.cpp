#include "code_escapes.hpp"

#include <cstdint>

#include "ferry/reader/utf8.hpp"

namespace ferry::reader::dwma {

namespace {


int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// commons-lang 2 unescapeXml: the five XML entities and numeric references; anything else that
// looks like an entity stays as written.
std::string unescape_xml(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '&') {
            out += s[i];
            continue;
        }
        const auto semi = s.find(';', i);
        if (semi == std::string::npos || semi - i > 10) {
            out += s[i];
            continue;
        }
        const std::string ent = s.substr(i + 1, semi - i - 1);
        std::string rep;
        if (ent == "lt") rep = "<";
        else if (ent == "gt") rep = ">";
        else if (ent == "amp") rep = "&";
        else if (ent == "quot") rep = "\"";
        else if (ent == "apos") rep = "'";
        else if (ent.size() > 1 && ent[0] == '#') {
            const bool hex = ent[1] == 'x' || ent[1] == 'X';
            std::uint32_t cp = 0;
            bool ok = ent.size() > (hex ? 2u : 1u);
            for (std::size_t k = hex ? 2 : 1; ok && k < ent.size(); ++k) {
                const int d = hex ? hex_digit(ent[k]) : (ent[k] >= '0' && ent[k] <= '9' ? ent[k] - '0' : -1);
                ok = d >= 0 && cp <= 0x10FFFF;
                cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(d < 0 ? 0 : d);
            }
            if (ok && cp <= 0x10FFFF) append_utf8(rep, cp);
        }
        if (rep.empty()) {
            out += s[i];
            continue;
        }
        out += rep;
        i = semi;
    }
    return out;
}

}  // namespace

std::optional<std::string> unescape_code(const std::string& written, std::string& problem) {
    if (written.find_first_not_of(" \t\r\n\f\v") == std::string::npos) return written;
    const std::string s = unescape_xml(written);
    std::string out;
    out.reserve(s.size());
    std::uint32_t high = 0;  // a pending UTF-16 high surrogate
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '\\') {
            if (high) append_utf8(out, high), high = 0;
            out += s[i];
            continue;
        }
        if (i + 1 == s.size()) {  // commons-lang keeps a trailing backslash
            out += '\\';
            break;
        }
        const char c = s[++i];
        if (c != 'u' && high) append_utf8(out, high), high = 0;
        switch (c) {
            case 'n': out += '\n'; break;
            case 't': out += '\t'; break;
            case 'r': out += '\r'; break;
            case 'f': out += '\f'; break;
            case 'b': out += '\b'; break;
            case 'u': {
                while (i + 1 < s.size() && s[i + 1] == 'u') ++i;  // \uuuu0041 is allowed
                std::uint32_t unit = 0;
                for (int k = 1; k <= 4; ++k) {
                    const int d = i + k < s.size() ? hex_digit(s[i + k]) : -1;
                    if (d < 0) {
                        problem = "a malformed \\u escape at character " + std::to_string(i);
                        return std::nullopt;
                    }
                    unit = unit * 16 + static_cast<std::uint32_t>(d);
                }
                i += 4;
                if (unit >= 0xD800 && unit <= 0xDBFF) {
                    if (high) append_utf8(out, high);
                    high = unit;
                } else if (unit >= 0xDC00 && unit <= 0xDFFF && high) {
                    append_utf8(out, 0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00));
                    high = 0;
                } else {
                    if (high) append_utf8(out, high), high = 0;
                    append_utf8(out, unit);
                }
                break;
            }
            default: out += c; break;  // \\ \" \' and, as commons-lang does, any other escaped character
        }
    }
    if (high) append_utf8(out, high);
    return out;
}

}  // namespace ferry::reader::dwma
