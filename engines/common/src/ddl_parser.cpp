// A recursive-descent parser over significant tokens. Failures throw a private exception carrying
// the byte offset; the public functions turn it into line:column. Nothing escapes this file.
#include <algorithm>
#include <charconv>
#include <cstring>

#include "ferry/engine/ddl.hpp"
#include "ferry/engine/sql_tokenizer.hpp"

namespace ferry::engine {

namespace {

struct Fail {
    std::size_t offset;
    std::string message;
};

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 32);
        if (y >= 'a' && y <= 'z') y = static_cast<char>(y - 32);
        if (x != y) return false;
    }
    return true;
}

std::string upper(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    return out;
}

constexpr int kMaxPartitionLevels = 6;

class Parser {
  public:
    explicit Parser(std::string_view text) : in_(text) {
        const LexOptions opt = lex_options(Dialect::maxcompute);
        SqlLexer lexer(text, opt);
        Token t;
        while (lexer.next(t)) {
            if (t.kind == TokenKind::unterminated) {
                const char c = text[t.begin];
                const char* what = c == '\'' || c == '"' ? "unterminated string literal"
                                   : c == '`'            ? "unterminated quoted identifier"
                                                         : "unterminated comment";
                throw Fail{t.begin, what};
            }
            if (t.kind != TokenKind::whitespace && t.kind != TokenKind::comment) toks_.push_back(t);
        }
    }

    void parse_table(TableDef& d) {
        const Token& create = expect_word("CREATE", "CREATE");
        d.statement_begin = create.begin;
        d.modifiers_begin = create.end;
        if (accept_word("OR")) {
            expect_word("REPLACE", "REPLACE after CREATE OR");
            d.or_replace = true;
        } else if (accept_word("EXTERNAL")) {
            d.external = true;
        }
        if (at_word("FUNCTION")) throw Fail{cur().begin, "expected TABLE, found a CREATE FUNCTION statement"};
        d.modifiers_end = cur_begin();
        const Token& table = expect_word("TABLE", "TABLE after CREATE");
        d.table_keyword_end = table.end;
        d.if_not_exists_begin = d.if_not_exists_end = table.end;
        if (at_word("IF")) {
            d.if_not_exists_begin = cur().begin;
            advance();
            expect_word("NOT", "NOT after IF");
            d.if_not_exists_end = expect_word("EXISTS", "EXISTS after IF NOT").end;
            d.if_not_exists = true;
        }
        std::vector<std::string> parts = qualified_name("a table name", d.name_begin, d.name_end);
        assign_name(parts, d.project, d.schema, d.name, d.name_begin);
        if (at_word("AS")) throw Fail{cur().begin, "CREATE TABLE ... AS SELECT has no column list to render; write the columns out"};
        if (at_word("LIKE")) throw Fail{cur().begin, "CREATE TABLE ... LIKE has no column list to render; write the columns out"};
        expect_punct('(', "'(' after the table name");
        d.columns = column_list("a column name");
        clauses(d);
        finish(d.statement_end);
    }

    void parse_function(FunctionDef& f) {
        expect_word("CREATE", "CREATE");
        if (accept_word("OR")) {
            expect_word("REPLACE", "REPLACE after CREATE OR");
            f.or_replace = true;
        }
        if (at_word("TABLE")) throw Fail{cur().begin, "expected FUNCTION, found a CREATE TABLE statement"};
        expect_word("FUNCTION", "FUNCTION after CREATE");
        if (accept_word("IF")) {
            expect_word("NOT", "NOT after IF");
            expect_word("EXISTS", "EXISTS after IF NOT");
            f.if_not_exists = true;
        }
        std::size_t b = 0, e = 0;
        std::vector<std::string> parts = qualified_name("a function name", b, e);
        if (parts.size() > 2) throw Fail{b, "a function name has at most one qualifier (project.function)"};
        f.name = parts.back();
        if (parts.size() == 2) f.project = parts[0];
        expect_word("AS", "AS after the function name");
        f.class_name = string_literal("the class name as a string, e.g. 'com.example.Upper'");
        if (f.class_name.empty()) throw Fail{toks_[pos_ - 1].begin, "the class name is empty"};
        if (accept_word("USING")) {
            const std::size_t at = cur_begin();
            std::string list = string_literal("the resource list as a string, e.g. 'udf.jar'");
            std::size_t start = 0;
            while (start <= list.size()) {
                std::size_t comma = list.find(',', start);
                if (comma == std::string::npos) comma = list.size();
                std::string item = list.substr(start, comma - start);
                item.erase(0, item.find_first_not_of(" \t\n"));
                item.erase(item.find_last_not_of(" \t\n") + 1);
                if (item.empty()) throw Fail{at, "the resource list has an empty entry"};
                f.resources.push_back(item);
                start = comma + 1;
            }
        }
        std::size_t end = 0;
        finish(end);
    }

  private:
    // ---- token helpers
    bool eof() const { return pos_ >= toks_.size(); }
    const Token& cur() const { return toks_[pos_]; }
    std::size_t cur_begin() const { return eof() ? in_.size() : cur().begin; }
    std::string_view text(const Token& t) const { return t.text(in_); }
    void advance() { ++pos_; }

    std::string found() const {
        if (eof()) return "end of input";
        std::string_view t = text(cur());
        if (t.size() > 24) return "'" + std::string(t.substr(0, 24)) + "...'";
        return "'" + std::string(t) + "'";
    }
    [[noreturn]] void expected(std::string_view what) const {
        throw Fail{cur_begin(), "expected " + std::string(what) + ", found " + found()};
    }
    bool at_word(std::string_view w) const { return !eof() && cur().kind == TokenKind::word && iequals(text(cur()), w); }
    bool at_punct(char c) const { return !eof() && cur().kind == TokenKind::punct && in_[cur().begin] == c; }
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
    std::string identifier(std::string_view what) {
        if (eof() || (cur().kind != TokenKind::word && cur().kind != TokenKind::quoted_identifier)) expected(what);
        std::string v = identifier_value(text(cur()));
        if (v.empty()) throw Fail{cur().begin, "an empty quoted name is not an identifier"};
        advance();
        return v;
    }
    std::string string_literal(std::string_view what) {
        if (eof() || cur().kind != TokenKind::string) expected(what);
        std::string v = string_value(text(cur()), true);
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
    std::vector<std::string> qualified_name(std::string_view what, std::size_t& begin, std::size_t& end) {
        begin = cur_begin();
        std::vector<std::string> parts{identifier(what)};
        while (at_punct('.')) {
            advance();
            parts.push_back(identifier("a name after '.'"));
        }
        end = toks_[pos_ - 1].end;
        return parts;
    }
    void assign_name(const std::vector<std::string>& parts, std::string& project, std::string& schema,
                     std::string& name, std::size_t at) {
        if (parts.size() > 3) throw Fail{at, "a table name has at most two qualifiers (project.schema.table)"};
        name = parts.back();
        if (parts.size() >= 2) project = parts[0];
        if (parts.size() == 3) schema = parts[1];
    }
    void finish(std::size_t& statement_end) {
        statement_end = pos_ == 0 ? 0 : toks_[pos_ - 1].end;
        accept_punct(';');
        if (!eof()) throw Fail{cur().begin, "unexpected " + found() + " after the end of the statement"};
    }

    // ---- columns and types
    std::vector<Column> column_list(std::string_view what) {
        std::vector<Column> cols;
        do {
            Column c;
            const LineColumn lc = line_column(in_, cur_begin());
            c.line = lc.line;
            c.column = lc.column;
            c.name = identifier(what);
            for (const Column& other : cols)
                if (iequals(other.name, c.name)) throw Fail{toks_[pos_ - 1].begin, "duplicate column '" + c.name + "'"};
            c.type = type();
            if (accept_word("NOT")) {
                expect_word("NULL", "NULL after NOT");
                c.not_null = true;
            }
            if (accept_word("COMMENT")) c.comment = string_literal("a comment string after COMMENT");
            cols.push_back(std::move(c));
        } while (accept_punct(','));
        if (!at_punct(')')) expected("',' or ')' after a column");
        advance();
        return cols;
    }

    int type_number(std::string_view what, int lo, int hi, std::string_view type_name) {
        const std::size_t at = cur_begin();
        std::int64_t v = integer(what);
        if (v < lo || v > hi)
            throw Fail{at, std::string(type_name) + " must be " + std::to_string(lo) + " to " + std::to_string(hi) +
                               ", found " + std::to_string(v)};
        return static_cast<int>(v);
    }

    DataType type() {
        using K = DataType::Kind;
        if (eof() || cur().kind != TokenKind::word) expected("a column type");
        const std::size_t at = cur().begin;
        const std::string name = upper(text(cur()));
        advance();
        DataType t;
        if (name == "TINYINT") t.kind = K::tinyint;
        else if (name == "SMALLINT") t.kind = K::smallint;
        else if (name == "INT" || name == "INTEGER") t.kind = K::int_;
        else if (name == "BIGINT") t.kind = K::bigint;
        else if (name == "FLOAT") t.kind = K::float_;
        else if (name == "DOUBLE") t.kind = K::double_;
        else if (name == "STRING") t.kind = K::string;
        else if (name == "BINARY") t.kind = K::binary;
        else if (name == "DATE") t.kind = K::date;
        else if (name == "DATETIME") t.kind = K::datetime;
        else if (name == "TIMESTAMP") t.kind = K::timestamp;
        else if (name == "TIMESTAMP_NTZ") t.kind = K::timestamp_ntz;
        else if (name == "BOOLEAN") t.kind = K::boolean;
        else if (name == "JSON") t.kind = K::json;
        else if (name == "DECIMAL" || name == "NUMERIC") {
            t.kind = K::decimal;
            if (accept_punct('(')) {
                t.precision = type_number("the DECIMAL precision", 1, 38, "DECIMAL precision");
                t.scale = 0;
                if (accept_punct(',')) {
                    const std::size_t sat = cur_begin();
                    t.scale = type_number("the DECIMAL scale", 0, 38, "DECIMAL scale");
                    if (t.scale > t.precision)
                        throw Fail{sat, "DECIMAL scale " + std::to_string(t.scale) + " is larger than its precision " +
                                            std::to_string(t.precision)};
                }
                expect_punct(')', "')' after the DECIMAL precision and scale");
            } else {
                t.precision = 38;
                t.scale = 18;
                t.bare_decimal = true;
            }
        } else if (name == "VARCHAR" || name == "CHAR") {
            const bool is_varchar = name == "VARCHAR";
            t.kind = is_varchar ? K::varchar : K::char_;
            expect_punct('(', "'(' and a length after " + name);
            t.length = is_varchar ? type_number("the VARCHAR length", 1, 65535, "VARCHAR length")
                                  : type_number("the CHAR length", 1, 255, "CHAR length");
            expect_punct(')', "')' after the " + name + " length");
        } else if (name == "ARRAY") {
            t.kind = K::array;
            expect_punct('<', "'<' after ARRAY");
            t.children.push_back(type());
            expect_punct('>', "'>' to close ARRAY<...>");
        } else if (name == "MAP") {
            t.kind = K::map;
            expect_punct('<', "'<' after MAP");
            const std::size_t kat = cur_begin();
            t.children.push_back(type());
            if (t.children[0].is_complex())
                throw Fail{kat, "MAP keys must be a primitive type, found " + t.children[0].text()};
            expect_punct(',', "',' between the MAP key and value types");
            t.children.push_back(type());
            expect_punct('>', "'>' to close MAP<...>");
        } else if (name == "STRUCT") {
            t.kind = K::struct_;
            expect_punct('<', "'<' after STRUCT");
            do {
                std::string field = identifier("a STRUCT field name");
                for (const std::string& f : t.field_names)
                    if (iequals(f, field)) throw Fail{toks_[pos_ - 1].begin, "duplicate STRUCT field '" + field + "'"};
                accept_punct(':');
                t.field_names.push_back(field);
                t.children.push_back(type());
                if (accept_word("COMMENT")) string_literal("a comment string after COMMENT");
            } while (accept_punct(','));
            expect_punct('>', "',' or '>' in STRUCT<...>");
        } else {
            throw Fail{at, "unknown column type '" + std::string(text(toks_[pos_ - 1])) + "'"};
        }
        return t;
    }

    // ---- clauses after the column list
    bool at_clause() const {
        static constexpr const char* kClauses[] = {"COMMENT", "PARTITIONED", "CLUSTERED", "RANGE", "TBLPROPERTIES",
                                                   "ROW", "STORED", "WITH", "USING", "LOCATION", "LIFECYCLE"};
        for (const char* k : kClauses)
            if (at_word(k)) return true;
        return false;
    }
    // Raw text of a clause up to the next clause keyword, ';' or the end (parentheses balanced).
    std::string raw_clause() {
        const std::size_t b = cur().begin;
        std::size_t e = cur().end;
        advance();
        int depth = 0;
        while (!eof()) {
            if (depth == 0 && (at_clause() || at_punct(';'))) break;
            if (at_punct('(')) ++depth;
            if (at_punct(')')) {
                if (depth == 0) throw Fail{cur().begin, "unbalanced ')'"};
                --depth;
            }
            e = cur().end;
            advance();
        }
        return std::string(in_.substr(b, e - b));
    }

    void clauses(TableDef& d) {
        while (!eof() && !at_punct(';')) {
            if (accept_word("COMMENT")) {
                if (d.comment) throw Fail{toks_[pos_ - 1].begin, "the table has two COMMENT clauses"};
                d.comment = string_literal("a comment string after COMMENT");
            } else if (at_word("PARTITIONED")) {
                advance();
                expect_word("BY", "BY after PARTITIONED");
                expect_punct('(', "'(' after PARTITIONED BY");
                const std::size_t list_at = cur_begin();
                d.partitions = column_list("a partition column name");
                if (d.partitions.size() > kMaxPartitionLevels)
                    throw Fail{list_at, "more than " + std::to_string(kMaxPartitionLevels) + " partition levels (found " +
                                            std::to_string(d.partitions.size()) + ")"};
                for (const Column& p : d.partitions)
                    for (const Column& c : d.columns)
                        if (iequals(p.name, c.name))
                            throw Fail{list_at, "partition column '" + p.name + "' is also a table column"};
            } else if (at_word("CLUSTERED") || at_word("RANGE")) {
                d.clustered_by = raw_clause();
            } else if (accept_word("TBLPROPERTIES")) {
                expect_punct('(', "'(' after TBLPROPERTIES");
                do {
                    std::string k = string_literal("a property name string");
                    expect_punct('=', "'=' after the property name");
                    std::string v = string_literal("a property value string");
                    d.tblproperties.emplace_back(std::move(k), std::move(v));
                } while (accept_punct(','));
                expect_punct(')', "',' or ')' in TBLPROPERTIES");
            } else if (accept_word("LOCATION")) {
                d.location = string_literal("a location string after LOCATION");
            } else if (accept_word("LIFECYCLE")) {
                const std::size_t at = cur_begin();
                std::int64_t days = integer("a number of days after LIFECYCLE");
                if (days < 1) throw Fail{at, "LIFECYCLE must be at least 1 day"};
                d.lifecycle = days;
            } else if (at_word("ROW") || at_word("STORED") || at_word("WITH") || at_word("USING")) {
                if (!d.storage.empty()) d.storage.push_back(' ');
                d.storage += raw_clause();
            } else {
                throw Fail{cur().begin, "unexpected " + found() +
                                            " after the column list (expected COMMENT, PARTITIONED BY, CLUSTERED BY, "
                                            "TBLPROPERTIES, STORED, LOCATION, LIFECYCLE or ';')"};
            }
        }
    }

    std::string_view in_;
    std::vector<Token> toks_;
    std::size_t pos_ = 0;
};

template <typename Def, typename Fn>
bool run(std::string_view ddl, Def& out, DdlError& error, Fn&& fn) {
    try {
        Parser p(ddl);
        Def d;
        fn(p, d);
        out = std::move(d);
        return true;
    } catch (const Fail& f) {
        const LineColumn lc = line_column(ddl, f.offset);
        error.line = lc.line;
        error.column = lc.column;
        error.message = f.message;
        return false;
    }
}

}  // namespace

bool parse_create_table(std::string_view ddl, TableDef& out, DdlError& error) {
    return run(ddl, out, error, [](Parser& p, TableDef& d) { p.parse_table(d); });
}

bool parse_create_function(std::string_view ddl, FunctionDef& out, DdlError& error) {
    return run(ddl, out, error, [](Parser& p, FunctionDef& f) { p.parse_function(f); });
}

std::string DataType::text() const {
    using K = Kind;
    switch (kind) {
        case K::tinyint: return "TINYINT";
        case K::smallint: return "SMALLINT";
        case K::int_: return "INT";
        case K::bigint: return "BIGINT";
        case K::float_: return "FLOAT";
        case K::double_: return "DOUBLE";
        case K::decimal:
            return bare_decimal ? "DECIMAL" : "DECIMAL(" + std::to_string(precision) + "," + std::to_string(scale) + ")";
        case K::varchar: return "VARCHAR(" + std::to_string(length) + ")";
        case K::char_: return "CHAR(" + std::to_string(length) + ")";
        case K::string: return "STRING";
        case K::binary: return "BINARY";
        case K::date: return "DATE";
        case K::datetime: return "DATETIME";
        case K::timestamp: return "TIMESTAMP";
        case K::timestamp_ntz: return "TIMESTAMP_NTZ";
        case K::boolean: return "BOOLEAN";
        case K::json: return "JSON";
        case K::array: return "ARRAY<" + children.at(0).text() + ">";
        case K::map: return "MAP<" + children.at(0).text() + "," + children.at(1).text() + ">";
        case K::struct_: {
            std::string s = "STRUCT<";
            for (std::size_t i = 0; i < children.size(); ++i) {
                if (i) s += ",";
                s += field_names[i] + ":" + children[i].text();
            }
            return s + ">";
        }
    }
    return "STRING";
}

}  // namespace ferry::engine
