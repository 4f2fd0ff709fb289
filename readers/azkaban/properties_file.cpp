#include "properties_file.hpp"

#include <cstdint>

#include "ferry/reader/utf8.hpp"

namespace ferry::reader::azkaban {

const std::string* Properties::get(const std::string& key) const {
    for (const auto& [k, v] : entries)
        if (k == key) return &v;
    return nullptr;
}

void Properties::set(const std::string& key, const std::string& value, std::size_t line) {
    for (std::size_t i = 0; i < entries.size(); ++i)
        if (entries[i].first == key) {
            entries[i].second = value;  // the last one wins, as java.util.Properties has it
            return;
        }
    entries.emplace_back(key, value);
    lines.push_back(line);
}

namespace {

bool blank_char(char c) { return c == ' ' || c == '\t' || c == '\f'; }


// Undoes the escapes of a key or value; false on a malformed \u.
bool unescape(const std::string& s, std::string& out, std::string& problem) {
    out.clear();
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '\\' || i + 1 == s.size()) {
            out += s[i];
            continue;
        }
        const char c = s[++i];
        switch (c) {
            case 't': out += '\t'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 'f': out += '\f'; break;
            case 'u': {
                std::uint32_t cp = 0;
                for (int k = 1; k <= 4; ++k) {
                    const char h = i + k < s.size() ? s[i + k] : '\0';
                    const int d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
                    if (d < 0) {
                        problem = "a malformed \\uxxxx escape";
                        return false;
                    }
                    cp = cp * 16 + static_cast<std::uint32_t>(d);
                }
                // A surrogate pair written as two escapes.
                if (cp >= 0xD800 && cp <= 0xDBFF && i + 10 < s.size() && s.compare(i + 5, 2, "\\u") == 0) {
                    std::uint32_t low = 0;
                    bool ok = true;
                    for (int k = 7; k <= 10; ++k) {
                        const char h = s[i + k];
                        const int d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
                        ok = ok && d >= 0;
                        low = low * 16 + static_cast<std::uint32_t>(d < 0 ? 0 : d);
                    }
                    if (ok && low >= 0xDC00 && low <= 0xDFFF) {
                        append_utf8(out, 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00));
                        i += 10;
                        break;
                    }
                }
                append_utf8(out, cp);
                i += 4;
                break;
            }
            default: out += c; break;  // \\ \= \: \# \! and any other character stand for themselves
        }
    }
    return true;
}

}  // namespace

std::optional<Properties> parse_properties(const std::string& text, PropertiesError& error) {
    Properties props;
    std::size_t pos = 0, number = 0;
    if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) pos = 3;
    while (pos < text.size()) {
        // One logical line: physical lines joined where one ends in an odd number of backslashes.
        std::string logical;
        const std::size_t first_line = number + 1;
        bool more = true, first = true;
        while (more && pos <= text.size()) {
            auto end = text.find('\n', pos);
            if (end == std::string::npos) end = text.size();
            std::string line = text.substr(pos, end - pos);
            if (!line.empty() && line.back() == '\r') line.pop_back();
            pos = end + 1;
            ++number;
            std::size_t lead = 0;
            while (lead < line.size() && blank_char(line[lead])) ++lead;
            if (first && (lead == line.size() || line[lead] == '#' || line[lead] == '!')) {
                more = false;
                break;
            }
            line = line.substr(lead);  // a continued line loses its leading blanks too
            std::size_t slashes = 0;
            while (slashes < line.size() && line[line.size() - 1 - slashes] == '\\') ++slashes;
            more = slashes % 2 == 1;
            if (more) line.pop_back();
            logical += line;
            first = false;
            if (pos > text.size()) break;
        }
        if (logical.empty()) continue;
        // The key ends at the first unescaped '=', ':' or blank.
        std::size_t k = 0;
        while (k < logical.size() && !(logical[k] == '=' || logical[k] == ':' || blank_char(logical[k]))) k += logical[k] == '\\' ? 2 : 1;
        k = std::min(k, logical.size());
        std::size_t v = k;
        while (v < logical.size() && blank_char(logical[v])) ++v;
        if (v < logical.size() && (logical[v] == '=' || logical[v] == ':')) ++v;
        while (v < logical.size() && blank_char(logical[v])) ++v;
        std::string key, value, problem;
        if (!unescape(logical.substr(0, k), key, problem) || !unescape(logical.substr(v), value, problem)) {
            error.line = first_line;
            error.message = problem;
            return std::nullopt;
        }
        props.set(key, value, first_line);
    }
    return props;
}

}  // namespace ferry::reader::azkaban
