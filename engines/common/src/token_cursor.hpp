// What every DDL parser here walks: the significant tokens of one text in one dialect, with the
// helpers a recursive-descent parser needs. Failures throw Fail (byte offset and message), which
// each parser's public function turns into a DdlError; Fail never leaves engines/common.
#pragma once

#include <charconv>
#include <initializer_list>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ferry/engine/ddl.hpp"
#include "ferry/engine/dialect.hpp"
#include "ferry/engine/sql_tokenizer.hpp"

namespace ferry::engine::detail {

struct Fail {
    std::size_t offset;
    std::string message;
    bool unsupported = false;  // well formed, but not something ferry renders
};

inline bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 32);
        if (y >= 'a' && y <= 'z') y = static_cast<char>(y - 32);
        if (x != y) return false;
    }
    return true;
}

inline std::string upper(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    return out;
}

inline bool one_of(std::string_view w, std::initializer_list<const char*> names) {
    for (const char* n : names)
        if (iequals(w, n)) return true;
    return false;
}

// [A-Za-z0-9_]+: what a charset, collation or file-format name may be when ferry writes it back unquoted.
inline bool plain_name(std::string_view s) {
    if (s.empty()) return false;
    for (char ch : s)
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_')) return false;
    return true;
}

// Text of the package quoted in a message: control characters become spaces, long text is cut.
// The cut never splits a UTF-8 character (messages end up in JSON, which must stay valid UTF-8).
inline std::string printable(std::string_view s, std::size_t max = 40) {
    std::size_t cut = s.size();
    if (cut > max) {
        cut = max;
        while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    }
    std::string out;
    for (char c : s.substr(0, cut)) out.push_back(static_cast<unsigned char>(c) < 0x20 || c == 0x7F ? ' ' : c);
    if (cut < s.size()) out += "...";
    return out;
}

// Lexes the whole text. A string, name or comment that never ends is refused here: where it
// would end decides what the database runs, so nothing after it can be read safely. MySQL runs
// the inside of /*! ... */ (and MariaDB of /*M! ... */): those are refused too.
inline std::vector<Token> lex_all(std::string_view text, Dialect dialect) {
    const LexOptions opt = lex_options(dialect);
    std::vector<Token> toks;
    SqlLexer lexer(text, opt);
    Token t;
    while (lexer.next(t)) {
        if (t.kind == TokenKind::unterminated) {
            const char c = text[t.begin];
            const char* what = c == '$'                                             ? "unterminated dollar-quoted string"
                               : c == '\'' || (c == '"' && !opt.double_quote_identifiers) ? "unterminated string literal"
                               : c == '`' || c == '"' || c == '['                  ? "unterminated quoted identifier"
                               : (c == 'e' || c == 'E')                            ? "unterminated string literal"
                                                                                   : "unterminated comment";
            throw Fail{t.begin, what};
        }
        if (t.kind == TokenKind::comment && dialect == Dialect::mysql) {
            const std::string_view c = t.text(text);
            if (c.substr(0, 3) == "/*!" || c.substr(0, 4) == "/*M!")
                throw Fail{t.begin, "MySQL runs the text of a '/*!' comment: ferry refuses it", true};
        }
        if (t.kind != TokenKind::whitespace && t.kind != TokenKind::comment) toks.push_back(t);
    }
    return toks;
}

class TokenCursor {
  public:
    TokenCursor(std::string_view text, Dialect dialect) : in_(text), dialect_(dialect), toks_(lex_all(text, dialect)) {}

    // Public: the type grammars (sql_types.cpp) read through the same cursor as the statement parser.
    bool eof() const { return pos_ >= toks_.size(); }
    const Token& cur() const { return toks_[pos_]; }
    const Token& prev() const { return toks_[pos_ - 1]; }
    std::size_t cur_begin() const { return eof() ? in_.size() : cur().begin; }
    std::string_view text(const Token& t) const { return t.text(in_); }
    void advance() { ++pos_; }

    std::string found() const {
        if (eof()) return "end of input";
        return "'" + printable(text(cur()), 24) + "'";
    }
    [[noreturn]] void expected(std::string_view what) const {
        throw Fail{cur_begin(), "expected " + std::string(what) + ", found " + found()};
    }
    [[noreturn]] void unsupported(std::size_t at, std::string message) const { throw Fail{at, std::move(message), true}; }

    bool at_word(std::string_view w) const { return !eof() && cur().kind == TokenKind::word && iequals(text(cur()), w); }
    bool at_word_ahead(std::size_t ahead, std::string_view w) const {
        return pos_ + ahead < toks_.size() && toks_[pos_ + ahead].kind == TokenKind::word &&
               iequals(text(toks_[pos_ + ahead]), w);
    }
    bool at_punct(char c) const { return !eof() && cur().kind == TokenKind::punct && in_[cur().begin] == c; }
    bool at_punct_ahead(std::size_t ahead, char c) const {
        return pos_ + ahead < toks_.size() && toks_[pos_ + ahead].kind == TokenKind::punct &&
               in_[toks_[pos_ + ahead].begin] == c;
    }
    bool accept_word(std::string_view w) {
        if (!at_word(w)) return false;
        advance();
        return true;
    }
    bool accept_punct(char c) {
        if (!at_punct(c)) return false;
        advance();
        return true;
    }
    const Token& expect_word(std::string_view w, std::string_view what) {
        if (!at_word(w)) expected(what);
        return toks_[pos_++];
    }
    const Token& expect_punct(char c, std::string_view what) {
        if (!at_punct(c)) expected(what);
        return toks_[pos_++];
    }
    bool at_identifier() const {
        return !eof() && (cur().kind == TokenKind::word || cur().kind == TokenKind::quoted_identifier);
    }
    // A name, unquoted. `fold`: an unquoted name is lower-cased (PostgreSQL folds unquoted names).
    std::string identifier(std::string_view what, bool fold = false) {
        if (!at_identifier()) expected(what);
        const bool quoted = cur().kind == TokenKind::quoted_identifier;
        std::string v = identifier_value(text(cur()));
        if (v.empty()) throw Fail{cur().begin, "an empty quoted name is not an identifier"};
        if (fold && !quoted)
            for (char& c : v)
                if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
        advance();
        return v;
    }
    bool at_string() const { return !eof() && cur().kind == TokenKind::string; }
    // A string literal's value. Dollar-quoted PostgreSQL strings are refused: they exist to hold
    // code, and no clause ferry renders needs one.
    std::string string_literal(std::string_view what) {
        if (!at_string()) expected(what);
        const std::string_view t = text(cur());
        if (t.front() == '$')
            unsupported(cur().begin, "a dollar-quoted string is not rendered: write the value as a '...' literal");
        std::string v = string_value(t, lex_options(dialect_).backslash_escapes);
        if (v.find('\0') != std::string::npos) throw Fail{cur().begin, "a string literal holds a NUL character"};
        advance();
        return v;
    }
    std::int64_t integer(std::string_view what) {
        if (eof() || cur().kind != TokenKind::number) expected(what);
        std::string_view t = text(cur());
        std::int64_t v = 0;
        auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
        if (ec != std::errc() || p != t.data() + t.size()) expected(what);
        advance();
        return v;
    }
    // name ['.' name]...: the parts, unquoted (folded when `fold`), with the offset of the first.
    std::vector<std::string> qualified_name(std::string_view what, std::size_t& begin, bool fold = false) {
        begin = cur_begin();
        std::vector<std::string> parts{identifier(what, fold)};
        while (at_punct('.')) {
            advance();
            parts.push_back(identifier("a name after '.'", fold));
        }
        return parts;
    }
    // The optional ';' and nothing after it.
    void finish() {
        accept_punct(';');
        if (!eof()) throw Fail{cur().begin, "unexpected " + found() + " after the end of the statement"};
    }

    std::string_view in_;
    Dialect dialect_;
    std::vector<Token> toks_;
    std::size_t pos_ = 0;
};

// Runs a parse, turning a Fail into the DdlError callers see.
template <typename Fn>
bool run_parse(std::string_view ddl, DdlError& error, Fn&& fn) {
    try {
        fn();
        return true;
    } catch (const Fail& f) {
        const LineColumn lc = line_column(ddl, f.offset);
        error.line = lc.line;
        error.column = lc.column;
        error.message = f.message;
        error.unsupported = f.unsupported;
        return false;
    }
}

}  // namespace ferry::engine::detail
