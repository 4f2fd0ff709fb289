#include "task/name_rewrite.hpp"

#include <cctype>
#include <unordered_map>

namespace ferry::host {

namespace {
bool ident_char(unsigned char c) { return std::isalnum(c) || c == '_' || c >= 0x80; }
}  // namespace

namespace {
// Length of the string literal or comment starting at i, or 0 when none starts there.
std::size_t skip_sql_literal(const std::string& t, std::size_t i) {
    const char c = t[i];
    if (c == '\'' || c == '"') {
        std::size_t j = i + 1;
        while (j < t.size()) {
            if (t[j] == '\\') j += 2;
            else if (t[j] == c) return j + 1 - i;
            else ++j;
        }
        return t.size() - i;
    }
    if (c == '-' && i + 1 < t.size() && t[i + 1] == '-') {
        const std::size_t end = t.find('\n', i);
        return (end == std::string::npos ? t.size() : end) - i;
    }
    if (c == '/' && i + 1 < t.size() && t[i + 1] == '*') {
        const std::size_t end = t.find("*/", i + 2);
        return (end == std::string::npos ? t.size() : end + 2) - i;
    }
    return 0;
}
}  // namespace

std::string rewrite_qualified_names(const std::string& text, const NameMap& names, std::size_t* replacements,
                                    TextKind kind) {
    std::unordered_map<std::string, const std::string*> map;
    for (const auto& [from, to] : names) map.emplace(from, &to);
    std::string out;
    out.reserve(text.size());
    std::size_t count = 0, i = 0;
    while (i < text.size()) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if (kind == TextKind::sql) {
            if (const std::size_t n = skip_sql_literal(text, i)) {
                out.append(text, i, n);
                i += n;
                continue;
            }
            // `name`.t: a back-quoted qualifier is still a name.
            if (c == '`') {
                const std::size_t close = text.find('`', i + 1);
                if (close != std::string::npos && close + 1 < text.size() && text[close + 1] == '.') {
                    if (auto it = map.find(text.substr(i + 1, close - i - 1)); it != map.end()) {
                        out += "`" + *it->second + "`";
                        ++count;
                        i = close + 1;
                        continue;
                    }
                }
            }
        }
        if (!ident_char(c)) {
            out.push_back(text[i++]);
            continue;
        }
        // A whole identifier: look it up once; replace when a '.' follows (a qualifier), or when
        // it is <name>_root (the workspace's root output).
        std::size_t j = i;
        while (j < text.size() && ident_char(static_cast<unsigned char>(text[j]))) ++j;
        const std::string word = text.substr(i, j - i);
        bool done = false;
        if (j < text.size() && text[j] == '.') {
            if (auto it = map.find(word); it != map.end()) {
                out += *it->second;
                ++count;
                done = true;
            }
        } else if (word.size() > 5 && word.compare(word.size() - 5, 5, "_root") == 0) {
            if (auto it = map.find(word.substr(0, word.size() - 5)); it != map.end()) {
                out += *it->second + "_root";
                ++count;
                done = true;
            }
        }
        if (!done) out += word;
        i = j;
    }
    if (replacements) *replacements = count;
    return out;
}

}  // namespace ferry::host
