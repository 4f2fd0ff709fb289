#include "ferry/engine/sql_tokenizer.hpp"

#include <array>

namespace ferry::engine {

namespace {

enum : std::uint8_t { kOther = 0, kWord = 1, kDigit = 2, kSpace = 4 };

constexpr std::array<std::uint8_t, 256> make_classes() {
    std::array<std::uint8_t, 256> c{};
    for (int i = 'a'; i <= 'z'; ++i) c[i] = kWord;
    for (int i = 'A'; i <= 'Z'; ++i) c[i] = kWord;
    for (int i = '0'; i <= '9'; ++i) c[i] = kWord | kDigit;
    c['_'] = kWord;
    c['$'] = kWord;
    for (int i = 0x80; i < 256; ++i) c[i] = kWord;  // UTF-8 names (Chinese table names) stay whole
    c[' '] = c['\t'] = c['\n'] = c['\r'] = c['\f'] = c['\v'] = kSpace;
    return c;
}
constexpr auto kClass = make_classes();

inline std::uint8_t cls(char c) { return kClass[static_cast<unsigned char>(c)]; }

}  // namespace

LexOptions lex_options(Dialect d) {
    LexOptions o;
    switch (d) {
        case Dialect::postgresql:
        case Dialect::hologres:
            o.double_quote_identifiers = true;
            o.backslash_escapes = false;
            o.dollar_quotes = true;
            o.nested_comments = true;
            break;
        case Dialect::sqlite:
            o.double_quote_identifiers = true;
            o.backslash_escapes = false;
            o.bracket_identifiers = true;
            break;
        case Dialect::mysql:
            o.hash_comments = true;
            o.dash_comment_needs_space = true;
            break;
        case Dialect::maxcompute:
        case Dialect::hive: break;
    }
    return o;
}

void SqlLexer::quoted(char quote, bool backslash, Token& t) {
    std::size_t i = pos_ + 1;
    const std::size_t n = in_.size();
    while (i < n) {
        char c = in_[i];
        if (backslash && c == '\\') {
            i += 2;
            continue;
        }
        if (c == quote) {
            if (i + 1 < n && in_[i + 1] == quote) {  // doubled quote stands for itself
                i += 2;
                continue;
            }
            pos_ = i + 1;
            t.end = pos_;
            return;
        }
        ++i;
    }
    pos_ = n;
    t.end = n;
    t.kind = TokenKind::unterminated;
}

// The '*' of the "*/" closing a PostgreSQL comment that opens at `open`, counting nested "/*";
// npos when it never closes.
std::size_t SqlLexer::nested_comment_end(std::size_t open) const {
    std::size_t depth = 1;
    for (std::size_t i = open + 2; i + 1 < in_.size(); ++i) {
        if (in_[i] == '/' && in_[i + 1] == '*') {
            ++depth;
            ++i;
        } else if (in_[i] == '*' && in_[i + 1] == '/') {
            if (--depth == 0) return i;
            ++i;
        }
    }
    return std::string_view::npos;
}

bool SqlLexer::next(Token& t) {
    const std::size_t n = in_.size();
    if (pos_ >= n) return false;
    t.begin = pos_;
    const char c = in_[pos_];
    const std::uint8_t k = cls(c);
    if (k & kSpace) {
        std::size_t i = pos_ + 1;
        while (i < n && (cls(in_[i]) & kSpace)) ++i;
        t.kind = TokenKind::whitespace;
        pos_ = t.end = i;
        return true;
    }
    if (c == '$' && opt_.dollar_quotes) {
        // $tag$ ... $tag$ (tag empty or an identifier not starting with a digit)
        std::size_t i = pos_ + 1;
        while (i < n && (cls(in_[i]) & kWord) && in_[i] != '$' && !(i == pos_ + 1 && (cls(in_[i]) & kDigit))) ++i;
        if (i < n && in_[i] == '$') {
            std::string_view tag = in_.substr(pos_, i - pos_ + 1);
            std::size_t close = in_.find(tag, i + 1);
            t.kind = TokenKind::string;
            if (close == std::string_view::npos) {
                t.kind = TokenKind::unterminated;
                pos_ = t.end = n;
            } else {
                pos_ = t.end = close + tag.size();
            }
            return true;
        }
    }
    if (k & kDigit) {
        // 12, 1.5, 1e10, 1.5e-3: a number, so `1.5` never reads as a qualifier `1.`; digits running
        // into letters or '_' (20230101_t) are a name, as MySQL and Hive read them.
        std::size_t i = pos_ + 1;
        while (i < n && (cls(in_[i]) & kDigit)) ++i;
        if (i + 1 < n && in_[i] == '.' && (cls(in_[i + 1]) & kDigit)) {
            i += 2;
            while (i < n && (cls(in_[i]) & kDigit)) ++i;
        }
        if (i < n && (in_[i] == 'e' || in_[i] == 'E')) {
            std::size_t j = i + 1;
            if (j < n && (in_[j] == '+' || in_[j] == '-')) ++j;
            if (j < n && (cls(in_[j]) & kDigit)) {
                while (j < n && (cls(in_[j]) & kDigit)) ++j;
                i = j;
            }
        }
        if (i >= n || !(cls(in_[i]) & kWord)) {
            t.kind = TokenKind::number;
            pos_ = t.end = i;
            return true;
        }
    }
    if (k & kWord) {
        std::size_t i = pos_ + 1;
        while (i < n && (cls(in_[i]) & kWord)) ++i;
        // PostgreSQL's E'...' is the one string form there with backslash escapes.
        if (!opt_.backslash_escapes && i == pos_ + 1 && (c == 'e' || c == 'E') && i < n && in_[i] == '\'') {
            pos_ = i;
            t.kind = TokenKind::string;
            quoted('\'', true, t);
            t.begin = i - 1;
            return true;
        }
        t.kind = TokenKind::word;
        pos_ = t.end = i;
        return true;
    }
    switch (c) {
        case '\'':
            t.kind = TokenKind::string;
            quoted('\'', opt_.backslash_escapes, t);
            return true;
        case '"':
            if (opt_.double_quote_identifiers) {
                t.kind = TokenKind::quoted_identifier;
                quoted('"', false, t);
            } else {
                t.kind = TokenKind::string;
                quoted('"', opt_.backslash_escapes, t);
            }
            return true;
        case '`':
            t.kind = TokenKind::quoted_identifier;
            quoted('`', false, t);
            return true;
        case '[':
            if (opt_.bracket_identifiers) {  // SQLite: [x] is a name; nothing escapes inside it
                std::size_t e = in_.find(']', pos_ + 1);
                t.kind = e == std::string_view::npos ? TokenKind::unterminated : TokenKind::quoted_identifier;
                pos_ = t.end = e == std::string_view::npos ? n : e + 1;
                return true;
            }
            break;
        case '-':
            // MySQL reads "--x" as two minus signs: only "-- " (or "--" before a control or the end) comments.
            if (pos_ + 1 < n && in_[pos_ + 1] == '-' &&
                (!opt_.dash_comment_needs_space || pos_ + 2 >= n || static_cast<unsigned char>(in_[pos_ + 2]) <= ' ')) {
                std::size_t e = in_.find('\n', pos_ + 2);
                t.kind = TokenKind::comment;
                pos_ = t.end = (e == std::string_view::npos) ? n : e;
                return true;
            }
            break;
        case '#':
            if (opt_.hash_comments) {
                std::size_t e = in_.find('\n', pos_ + 1);
                t.kind = TokenKind::comment;
                pos_ = t.end = (e == std::string_view::npos) ? n : e;
                return true;
            }
            break;
        case '/':
            if (pos_ + 1 < n && in_[pos_ + 1] == '*') {
                std::size_t e = opt_.nested_comments ? nested_comment_end(pos_) : in_.find("*/", pos_ + 2);
                if (e == std::string_view::npos) {
                    t.kind = TokenKind::unterminated;
                    pos_ = t.end = n;
                } else {
                    t.kind = TokenKind::comment;
                    pos_ = t.end = e + 2;
                }
                return true;
            }
            break;
        default: break;
    }
    t.kind = TokenKind::punct;
    pos_ = t.end = pos_ + 1;
    return true;
}

std::vector<Token> significant_tokens(std::string_view input, LexOptions options) {
    std::vector<Token> out;
    SqlLexer lexer(input, options);
    Token t;
    while (lexer.next(t))
        if (t.kind != TokenKind::whitespace && t.kind != TokenKind::comment) out.push_back(t);
    return out;
}

LineColumn line_column(std::string_view input, std::size_t offset) {
    LineColumn lc;
    if (offset > input.size()) offset = input.size();
    for (std::size_t i = 0; i < offset; ++i) {
        unsigned char c = static_cast<unsigned char>(input[i]);
        if (c == '\n') {
            ++lc.line;
            lc.column = 1;
        } else if ((c & 0xC0) != 0x80) {  // count characters, not UTF-8 continuation bytes
            ++lc.column;
        }
    }
    return lc;
}

std::string identifier_value(std::string_view text) {
    if (text.size() >= 2 && text.front() == '[' && text.back() == ']') return std::string(text.substr(1, text.size() - 2));
    if (text.size() >= 2 && (text.front() == '`' || text.front() == '"') && text.back() == text.front()) {
        const char q = text.front();
        std::string out;
        for (std::size_t i = 1; i + 1 < text.size(); ++i) {
            out.push_back(text[i]);
            if (text[i] == q) ++i;  // `` stands for one `
        }
        return out;
    }
    return std::string(text);
}

std::string string_value(std::string_view text, bool backslash_escapes) {
    if (!text.empty() && text.front() == '$') {  // $tag$ body $tag$: the body, verbatim
        const std::size_t open = text.find('$', 1);
        if (open == std::string_view::npos || text.size() < 2 * (open + 1)) return {};
        return std::string(text.substr(open + 1, text.size() - 2 * (open + 1)));
    }
    if (!text.empty() && (text.front() == 'e' || text.front() == 'E')) {
        text.remove_prefix(1);
        backslash_escapes = true;
    }
    if (text.size() < 2) return {};
    const char q = text.front();
    std::string out;
    for (std::size_t i = 1; i + 1 < text.size(); ++i) {
        char c = text[i];
        if (backslash_escapes && c == '\\' && i + 2 < text.size()) {
            char e = text[++i];
            switch (e) {
                case 'n': out.push_back('\n'); break;
                case 't': out.push_back('\t'); break;
                case 'r': out.push_back('\r'); break;
                case '0': out.push_back('\0'); break;
                default: out.push_back(e); break;
            }
            continue;
        }
        out.push_back(c);
        if (c == q) ++i;
    }
    return out;
}

}  // namespace ferry::engine
