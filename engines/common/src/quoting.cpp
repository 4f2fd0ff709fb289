#include "ferry/engine/quoting.hpp"

namespace ferry::engine {

namespace {
std::size_t utf8_length(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++n;
    return n;
}
bool valid_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        if (len == 0 || i + len > s.size()) return false;
        for (std::size_t k = 1; k < len; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
        i += len;
    }
    return true;
}
}  // namespace

bool is_plain_identifier(std::string_view name) {
    if (name.empty()) return false;
    for (std::size_t i = 0; i < name.size(); ++i) {
        char c = name[i];
        bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        bool digit = c >= '0' && c <= '9';
        if (!(alpha || (digit && i > 0))) return false;
    }
    return true;
}

std::string ascii_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    return out;
}

Quoted quote_identifier(std::string_view name, Dialect dialect) {
    Quoted q;
    if (name.empty()) {
        q.reason = "an empty name is not an identifier";
        return q;
    }
    if (!valid_utf8(name)) {
        q.reason = "the name is not valid UTF-8";
        return q;
    }
    for (unsigned char c : name) {
        if (c < 0x20 || c == 0x7F) {
            q.reason = "the name contains a control character";
            return q;
        }
    }
    char quote = '"';
    switch (dialect) {
        case Dialect::postgresql:
        case Dialect::hologres:
            if (name.size() > 63) {
                q.reason = "the name is longer than 63 bytes, PostgreSQL's limit (it would be truncated)";
                return q;
            }
            break;
        case Dialect::sqlite: break;
        case Dialect::mysql:
            quote = '`';
            if (utf8_length(name) > 64) {
                q.reason = "the name is longer than 64 characters, MySQL's limit";
                return q;
            }
            if (name.back() == ' ') {
                q.reason = "MySQL names cannot end with a space";
                return q;
            }
            break;
        case Dialect::maxcompute:
        case Dialect::hive:
            quote = '`';
            if (name.size() > 128) {
                q.reason = "the name is longer than 128 bytes, MaxCompute's limit";
                return q;
            }
            for (char c : name) {
                bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
                if (!ok) {
                    q.reason = std::string("MaxCompute and Hive names hold letters, digits and '_' only, found '") + c + "'";
                    return q;
                }
            }
            break;
    }
    if (name.find(quote) != std::string_view::npos) {
        q.reason = std::string("the name contains the quote character ") + quote;
        return q;
    }
    q.ok = true;
    q.text.reserve(name.size() + 2);
    q.text.push_back(quote);
    q.text.append(name);
    q.text.push_back(quote);
    return q;
}

// The literal's end must be where every server setting puts it, whatever the value holds:
//  - MySQL: a quote is doubled (''), which ends nowhere with or without NO_BACKSLASH_ESCAPES, and a
//    backslash is doubled (one backslash, or two with that mode: the literal still ends in place);
//  - PostgreSQL/Hologres: a value with a backslash is written E'...' (backslashes doubled), read the
//    same whether standard_conforming_strings is on or off;
//  - MaxCompute/Hive: \' (their lexers have no '' escape); SQLite: '' (no backslash escapes at all).
std::string quote_string(std::string_view value, Dialect dialect) {
    const bool hive = dialect == Dialect::maxcompute || dialect == Dialect::hive;
    const bool pg_e = (dialect == Dialect::postgresql || dialect == Dialect::hologres) && value.find('\\') != std::string_view::npos;
    const bool backslash = hive || dialect == Dialect::mysql || pg_e;
    std::string out;
    out.reserve(value.size() + 3);
    if (pg_e) out.push_back('E');
    out.push_back('\'');
    for (char c : value) {
        if (c == '\'') {
            out += hive ? "\\'" : "''";
        } else if (backslash && c == '\\') {
            out += "\\\\";
        } else if ((hive || dialect == Dialect::mysql) && c == '\n') {
            out += "\\n";
        } else if ((hive || dialect == Dialect::mysql) && c == '\t') {
            out += "\\t";
        } else if ((hive || dialect == Dialect::mysql) && c == '\r') {
            out += "\\r";
        } else {
            out.push_back(c);
        }
    }
    out.push_back('\'');
    return out;
}

}  // namespace ferry::engine
