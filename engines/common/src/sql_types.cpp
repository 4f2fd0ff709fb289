// Column types of PostgreSQL / Hologres, MySQL and SQLite: each dialect's list of types, read
// into a canonical name and numbers, and written back from those parts only.
#include "sql_types.hpp"

#include "ferry/engine/quoting.hpp"

namespace ferry::engine {

namespace detail {

namespace {

std::string lower(std::string_view s) { return ascii_lower(s); }

// '(' n [',' m] ')' when present: at most `max_args` numbers, each within [lo, hi].
void read_args(TokenCursor& c, SqlType& t, std::size_t max_args, std::int64_t lo, std::int64_t hi,
               const std::string& type_name, bool required = false) {
    if (!c.at_punct('(')) {
        if (required) c.expected("'(' and a length after " + type_name);
        return;
    }
    c.advance();
    do {
        const std::size_t at = c.cur_begin();
        const std::int64_t v = c.integer("a number in " + type_name + "(...)");
        if (v < lo || v > hi)
            throw Fail{at, type_name + " takes " + std::to_string(lo) + " to " + std::to_string(hi) + ", found " +
                               std::to_string(v)};
        t.args.push_back(v);
    } while (t.args.size() < max_args && c.accept_punct(','));
    c.expect_punct(')', "')' after the numbers of " + type_name);
}

[[noreturn]] void unknown_type(std::size_t at, std::string_view written) {
    throw Fail{at, "unknown column type '" + printable(written) + "'"};
}

// ---- PostgreSQL / Hologres

SqlType pg_type(TokenCursor& c) {
    if (c.eof() || c.cur().kind != TokenKind::word) c.expected("a column type");
    const std::size_t at = c.cur().begin;
    const std::string written(c.text(c.cur()));
    const std::string w = lower(written);
    c.advance();
    // A qualified name is a type of some schema: another object, not one of PostgreSQL's own.
    if (c.at_punct('.')) {
        c.advance();
        unknown_type(at, written + "." + (c.at_identifier() ? identifier_value(c.text(c.cur())) : std::string()));
    }
    SqlType t;
    auto time_zone = [&](const char* without, const char* with) {
        t.name = without;
        if (c.at_word("WITH") || c.at_word("WITHOUT")) {
            const bool tz = c.at_word("WITH");
            c.advance();
            c.expect_word("TIME", "TIME ZONE after WITH/WITHOUT");
            c.expect_word("ZONE", "ZONE after TIME");
            if (tz) t.name = with;
        }
    };
    if (one_of(w, {"smallint", "int2"})) t.name = "int2";
    else if (one_of(w, {"integer", "int", "int4"})) t.name = "int4";
    else if (one_of(w, {"bigint", "int8"})) t.name = "int8";
    else if (one_of(w, {"real", "float4"})) t.name = "float4";
    else if (w == "float8") t.name = "float8";
    else if (w == "double") {
        c.expect_word("PRECISION", "PRECISION after DOUBLE");
        t.name = "float8";
    } else if (w == "float") {
        SqlType p;
        read_args(c, p, 1, 1, 53, "float");
        t.name = p.args.empty() || p.args[0] > 24 ? "float8" : "float4";  // as PostgreSQL reads float(p)
    } else if (one_of(w, {"numeric", "decimal"})) {
        t.name = "numeric";
        read_args(c, t, 2, 0, 1000, "numeric");
        if (!t.args.empty() && t.args[0] < 1) throw Fail{at, "numeric precision must be 1 to 1000, found 0"};
        if (t.args.size() == 2 && t.args[1] > t.args[0])
            throw Fail{at, "numeric scale " + std::to_string(t.args[1]) + " is larger than its precision " +
                               std::to_string(t.args[0])};
    } else if (w == "varchar" || (w == "character" && c.at_word("VARYING"))) {
        if (w == "character") c.advance();
        t.name = "varchar";
        read_args(c, t, 1, 1, 10485760, "varchar");
    } else if (w == "char" || w == "character") {
        t.name = "char";
        read_args(c, t, 1, 1, 10485760, "char");
    } else if (w == "bpchar") {
        t.name = "bpchar";
        read_args(c, t, 1, 1, 10485760, "bpchar");
    } else if (w == "varbit" || (w == "bit" && c.at_word("VARYING"))) {
        if (w == "bit") c.advance();
        t.name = "varbit";
        read_args(c, t, 1, 1, 83886080, "varbit");
    } else if (w == "bit") {
        t.name = "bit";
        read_args(c, t, 1, 1, 83886080, "bit");
    } else if (w == "time" || w == "timestamp") {
        read_args(c, t, 1, 0, 6, w);
        time_zone(w == "time" ? "time" : "timestamp", w == "time" ? "timetz" : "timestamptz");
    } else if (one_of(w, {"timetz", "timestamptz", "interval"})) {
        t.name = w;
        read_args(c, t, 1, 0, 6, w);
    } else if (one_of(w, {"text", "bytea", "date", "money", "uuid", "json", "jsonb", "xml", "inet", "cidr", "macaddr",
                          "macaddr8"})) {
        t.name = w;
    } else if (w == "bool" || w == "boolean") t.name = "bool";
    else if (w == "serial" || w == "serial4") t.name = "serial";
    else if (w == "bigserial" || w == "serial8") t.name = "bigserial";
    else if (w == "smallserial" || w == "serial2") t.name = "smallserial";
    else unknown_type(at, written);
    // int4[], int4[3][], int4 ARRAY, int4 ARRAY[3]
    for (;;) {
        if (c.accept_punct('[')) {
            if (!c.eof() && c.cur().kind == TokenKind::number) c.integer("an array size");
            c.expect_punct(']', "']' to close the array bounds");
            ++t.array_dims;
        } else if (c.accept_word("ARRAY")) {
            if (c.accept_punct('[')) {
                if (!c.eof() && c.cur().kind == TokenKind::number) c.integer("an array size");
                c.expect_punct(']', "']' to close the array bounds");
            }
            ++t.array_dims;
        } else {
            break;
        }
    }
    return t;
}

// ---- MySQL / MariaDB

SqlType mysql_type(TokenCursor& c) {
    if (c.eof() || c.cur().kind != TokenKind::word) c.expected("a column type");
    const std::size_t at = c.cur().begin;
    const std::string written(c.text(c.cur()));
    const std::string w = upper(written);
    c.advance();
    SqlType t;
    bool numeric = false, text = false;
    if (one_of(w, {"TINYINT", "SMALLINT", "MEDIUMINT", "INT", "INTEGER", "BIGINT"})) {
        t.name = w == "INTEGER" ? "INT" : w;
        read_args(c, t, 1, 1, 255, t.name);
        numeric = true;
    } else if (w == "BIT") {
        t.name = w;
        read_args(c, t, 1, 1, 64, w);
    } else if (w == "BOOL" || w == "BOOLEAN") {
        t.name = "BOOLEAN";
    } else if (one_of(w, {"DECIMAL", "DEC", "NUMERIC", "FIXED"})) {
        t.name = "DECIMAL";
        read_args(c, t, 2, 0, 65, "DECIMAL");
        if (t.args.size() == 2 && (t.args[1] > 30 || t.args[1] > t.args[0]))
            throw Fail{at, "DECIMAL scale " + std::to_string(t.args[1]) + " must be at most 30 and at most its precision " +
                               std::to_string(t.args[0])};
        numeric = true;
    } else if (w == "FLOAT") {
        t.name = w;
        read_args(c, t, 2, 0, 255, w);
        numeric = true;
    } else if (w == "DOUBLE" || w == "REAL") {
        if (w == "DOUBLE") c.accept_word("PRECISION");
        t.name = "DOUBLE";
        read_args(c, t, 2, 0, 255, "DOUBLE");
        numeric = true;
    } else if (w == "DATE" || w == "JSON" || one_of(w, {"TINYTEXT", "MEDIUMTEXT", "LONGTEXT"}) ||
               one_of(w, {"TINYBLOB", "MEDIUMBLOB", "LONGBLOB"})) {
        t.name = w;
        text = w.find("TEXT") != std::string::npos;
    } else if (one_of(w, {"TIME", "DATETIME", "TIMESTAMP"})) {
        t.name = w;
        read_args(c, t, 1, 0, 6, w);
    } else if (w == "YEAR") {
        t.name = w;
        read_args(c, t, 1, 4, 4, w);
    } else if (w == "VARCHAR" || (w == "CHARACTER" && c.at_word("VARYING"))) {
        if (w == "CHARACTER") c.advance();
        t.name = "VARCHAR";
        read_args(c, t, 1, 0, 65535, "VARCHAR", true);
        text = true;
    } else if (w == "CHAR" || w == "CHARACTER") {
        t.name = "CHAR";
        read_args(c, t, 1, 0, 255, "CHAR");
        text = true;
    } else if (w == "BINARY") {
        t.name = w;
        read_args(c, t, 1, 0, 255, w);
    } else if (w == "VARBINARY") {
        t.name = w;
        read_args(c, t, 1, 0, 65535, w, true);
    } else if (w == "TEXT" || w == "BLOB") {
        t.name = w;
        read_args(c, t, 1, 0, 4294967295LL, w);
        text = w == "TEXT";
    } else if (w == "ENUM" || w == "SET") {
        t.name = w;
        c.expect_punct('(', "'(' and the values of " + w);
        do t.values.push_back(c.string_literal("a value of " + w + " as a string"));
        while (c.accept_punct(','));
        c.expect_punct(')', "',' or ')' in " + w + "(...)");
        text = true;
    } else {
        unknown_type(at, written);
    }
    if (numeric) {
        for (;;) {
            if (c.accept_word("UNSIGNED")) t.is_unsigned = true;
            else if (c.accept_word("SIGNED")) t.is_unsigned = false;
            else if (c.accept_word("ZEROFILL")) t.zerofill = true;
            else break;
        }
    }
    if (text && (c.at_word("CHARACTER") || c.at_word("CHARSET"))) {
        if (c.accept_word("CHARACTER")) c.expect_word("SET", "SET after CHARACTER");
        else c.advance();
        const std::size_t cat = c.cur_begin();
        t.charset = c.identifier("a character set name");
        if (!plain_name(t.charset)) throw Fail{cat, "'" + printable(t.charset) + "' is not a character set name"};
    }
    return t;
}

// ---- SQLite: a type is one or more plain words and up to two numbers; SQLite reads its
// affinity from the words, so they are kept as written.

bool sqlite_stop_word(std::string_view w) {
    return one_of(w, {"CONSTRAINT", "PRIMARY", "NOT", "NULL", "UNIQUE", "CHECK", "DEFAULT", "COLLATE", "REFERENCES",
                      "GENERATED", "AS"});
}

SqlType sqlite_type(TokenCursor& c) {
    SqlType t;
    while (at_sqlite_type(c)) {
        const std::string_view w = c.text(c.cur());
        if (!is_plain_identifier(w)) throw Fail{c.cur().begin, "a SQLite type is plain words, found '" + printable(w) + "'"};
        if (!t.name.empty()) t.name += ' ';
        t.name += w;
        c.advance();
    }
    if (t.name.empty()) c.expected("a column type");
    if (c.accept_punct('(')) {
        do {
            const bool negative = c.accept_punct('-');
            if (!negative) c.accept_punct('+');
            const std::int64_t v = c.integer("a number in the type's (...)");
            t.args.push_back(negative ? -v : v);
        } while (t.args.size() < 2 && c.accept_punct(','));
        c.expect_punct(')', "')' after the numbers of the type");
    }
    return t;
}

}  // namespace

SqlType read_sql_type(TokenCursor& c) {
    switch (c.dialect_) {
        case Dialect::postgresql:
        case Dialect::hologres: return pg_type(c);
        case Dialect::mysql: return mysql_type(c);
        case Dialect::sqlite: return sqlite_type(c);
        default: break;
    }
    c.expected("a column type");
}

bool at_sqlite_type(const TokenCursor& c) {
    return !c.eof() && c.cur().kind == TokenKind::word && !sqlite_stop_word(c.text(c.cur()));
}

}  // namespace detail

namespace {
std::string numbers(const std::vector<std::int64_t>& args) {
    if (args.empty()) return {};
    std::string s = "(";
    for (std::size_t i = 0; i < args.size(); ++i) s += (i ? "," : "") + std::to_string(args[i]);
    return s + ")";
}
}  // namespace

std::string SqlType::text(Dialect dialect) const {
    if (dialect == Dialect::mysql) {
        std::string s = name;
        if (!values.empty()) {
            s += "(";
            for (std::size_t i = 0; i < values.size(); ++i) s += (i ? "," : "") + quote_string(values[i], dialect);
            s += ")";
        } else {
            s += numbers(args);
        }
        if (is_unsigned) s += " UNSIGNED";
        if (zerofill) s += " ZEROFILL";
        if (!charset.empty()) s += " CHARACTER SET " + charset;
        return s;
    }
    std::string s = name + numbers(args);
    for (int i = 0; i < array_dims; ++i) s += "[]";
    return s;
}

std::string SqlDefault::text(Dialect dialect) const {
    std::string s;
    switch (kind) {
        case Kind::null: s = "NULL"; break;
        case Kind::number:
        case Kind::boolean: s = value; break;
        case Kind::string: s = quote_string(value, dialect); break;
        case Kind::current:
            if (value == "NOW")
                s = std::string(dialect == Dialect::mysql ? "NOW(" : "now(") + (precision ? std::to_string(*precision) : "") + ")";
            else
                s = value + (precision ? "(" + std::to_string(*precision) + ")" : "");
            break;
    }
    if (cast) s += "::" + cast->text(dialect);
    return s;
}

}  // namespace ferry::engine
