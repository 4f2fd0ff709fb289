// A SQL tokenizer shared by the rewriter and the DDL parser. It never allocates per token: a token
// is a kind and a byte range of the input, and line:column is computed only when an error needs it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ferry/engine/dialect.hpp"

namespace ferry::engine {

enum class TokenKind {
    word,               // bare identifier or keyword (letters, digits, '_', '$', any byte >= 0x80)
    number,             // 12, 1.5, 1e-3
    quoted_identifier,  // `x` or, where the dialect says so, "x" (and [x] in SQLite)
    string,             // 'x', "x" where double quotes are strings, $tag$...$tag$, E'...'
    comment,            // -- ..., /* ... */, # ... (MySQL)
    whitespace,
    punct,              // one byte: ( ) , . ; < > : = + - * / ...
    unterminated,       // a string, quoted identifier or comment that runs to the end of input
};

struct Token {
    TokenKind kind = TokenKind::punct;
    std::size_t begin = 0;
    std::size_t end = 0;
    std::string_view text(std::string_view input) const { return input.substr(begin, end - begin); }
};

struct LexOptions {
    bool double_quote_identifiers = false;  // PostgreSQL, SQLite: "x" names; elsewhere a string
    bool backslash_escapes = true;          // MaxCompute, Hive, MySQL strings; PostgreSQL only in E'...'
    bool dollar_quotes = false;             // PostgreSQL $$...$$ bodies
    bool hash_comments = false;             // MySQL # comments
    bool nested_comments = false;           // PostgreSQL: /* /* */ */ is one comment
    bool dash_comment_needs_space = false;  // MySQL: '--' starts a comment only before a space or control
    bool bracket_identifiers = false;       // SQLite: [x] names
};

LexOptions lex_options(Dialect d);

class SqlLexer {
  public:
    SqlLexer(std::string_view input, LexOptions options) : in_(input), opt_(options) {}
    // False at the end of input.
    bool next(Token& token);
    std::size_t position() const { return pos_; }

  private:
    void quoted(char quote, bool backslash, Token& t);
    std::size_t nested_comment_end(std::size_t open) const;
    std::string_view in_;
    LexOptions opt_;
    std::size_t pos_ = 0;
};

// All tokens but whitespace and comments.
std::vector<Token> significant_tokens(std::string_view input, LexOptions options);

// 1-based line and column (in characters, UTF-8 aware) of a byte offset.
struct LineColumn {
    std::uint32_t line = 1;
    std::uint32_t column = 1;
};
LineColumn line_column(std::string_view input, std::size_t offset);

// The name inside a quoted identifier token (`a``b` -> a`b, [a] -> a), or the word itself.
std::string identifier_value(std::string_view token_text);
// The value of a string token: quotes removed, '' and (when enabled) backslash escapes resolved.
std::string string_value(std::string_view token_text, bool backslash_escapes);

}  // namespace ferry::engine
