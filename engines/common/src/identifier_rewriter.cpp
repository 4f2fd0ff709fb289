#include "ferry/engine/identifier_rewriter.hpp"

#include "ferry/engine/quoting.hpp"
#include "ferry/engine/sql_tokenizer.hpp"

namespace ferry::engine {

namespace {
inline char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
inline bool word_byte(char c) {
    unsigned char u = static_cast<unsigned char>(c);
    return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '_' || u == '$' ||
           u >= 0x80;
}
}  // namespace

IdentifierRewriter::IdentifierRewriter(const std::vector<std::pair<std::string, std::string>>& names,
                                       Dialect dialect)
    : dialect_(dialect) {
    for (const auto& [from, to] : names) {
        if (from.empty() || from == to) continue;
        std::string key;
        key.reserve(from.size());
        for (char c : from) key.push_back(lower(c));
        if (key.size() > max_key_) max_key_ = key.size();
        map_.emplace(std::move(key), to);  // the first mapping of a name wins
    }
}

// <name>_root, the workspace's root node output: the root of the mapped workspace.
const std::string* IdentifierRewriter::lookup_root(std::string_view word) const {
    constexpr std::string_view kRoot = "_root";
    if (word.size() <= kRoot.size()) return nullptr;
    for (std::size_t i = 0; i < kRoot.size(); ++i)
        if (lower(word[word.size() - kRoot.size() + i]) != kRoot[i]) return nullptr;
    return lookup(word.substr(0, word.size() - kRoot.size()));
}

const std::string* IdentifierRewriter::lookup(std::string_view name) const {
    if (name.size() > max_key_ || name.empty()) return nullptr;
    char buf[256];
    std::string heap;
    char* p = buf;
    if (name.size() > sizeof buf) {
        heap.resize(name.size());
        p = heap.data();
    }
    for (std::size_t i = 0; i < name.size(); ++i) p[i] = lower(name[i]);
    auto it = map_.find(std::string_view(p, name.size()));
    return it == map_.end() ? nullptr : &it->second;
}

std::string IdentifierRewriter::render_replacement(const std::string& to, char quote) const {
    if (quote == '[') quote = '"';  // SQLite's [x] cannot escape a ']'; "x" means the same there
    if (quote == 0) {
        if (is_plain_identifier(to)) return to;
        quote = (dialect_ == Dialect::postgresql || dialect_ == Dialect::hologres || dialect_ == Dialect::sqlite)
                    ? '"'
                    : '`';
    }
    std::string out(1, quote);
    for (char c : to) {
        out.push_back(c);
        if (c == quote) out.push_back(quote);
    }
    out.push_back(quote);
    return out;
}

IdentifierRewriter::Result IdentifierRewriter::rewrite(std::string_view code) const {
    Result r;
    if (map_.empty()) {
        r.code.assign(code);
        return r;
    }
    r.code.reserve(code.size() + code.size() / 16);
    SqlLexer lexer(code, lex_options(dialect_));
    Token t;
    std::size_t copied = 0;
    while (lexer.next(t)) {
        if (t.kind != TokenKind::word && t.kind != TokenKind::quoted_identifier) continue;
        if (t.end >= code.size() || code[t.end] != '.') {
            // Not a qualifier: only a root output (<name>_root) is a name here.
            const std::string* root = t.kind == TokenKind::word ? lookup_root(t.text(code)) : nullptr;
            if (!root) continue;
            r.code.append(code.substr(copied, t.begin - copied));
            r.code.append(render_replacement(*root + "_root", 0));
            copied = t.end;
            ++r.replacements;
            continue;
        }
        const std::string* to = nullptr;
        char quote = 0;
        if (t.kind == TokenKind::word) {
            to = lookup(t.text(code));
        } else {
            quote = code[t.begin];
            to = lookup(identifier_value(t.text(code)));
        }
        if (!to) continue;
        r.code.append(code.substr(copied, t.begin - copied));
        r.code.append(render_replacement(*to, quote));
        copied = t.end;
        ++r.replacements;
    }
    r.code.append(code.substr(copied));
    return r;
}

IdentifierRewriter::Result IdentifierRewriter::rewrite_anywhere(std::string_view code) const {
    Result r;
    r.code.reserve(code.size());
    std::size_t copied = 0;
    std::size_t i = 0;
    const std::size_t n = code.size();
    while (i < n) {
        if (!word_byte(code[i])) {
            ++i;
            continue;
        }
        const std::size_t b = i;
        while (i < n && word_byte(code[i])) ++i;
        const std::string_view word = code.substr(b, i - b);
        const bool qualifier = i < n && code[i] == '.';
        const std::string* root = qualifier ? nullptr : lookup_root(word);
        if (const std::string* to = qualifier ? lookup(word) : root) {
            r.code.append(code.substr(copied, b - copied));
            r.code.append(*to);
            if (root) r.code.append("_root");
            copied = i;
            ++r.replacements;
        }
    }
    r.code.append(code.substr(copied));
    return r;
}

}  // namespace ferry::engine
