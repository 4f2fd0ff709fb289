// CREATE TABLE of PostgreSQL / Hologres, MySQL and SQLite, read into SqlTableDef. One parser with
// the dialects' differences spelled out where they occur; what a dialect has and ferry does not
// render is refused by name (Fail::unsupported), so nothing of the text is ever passed through.
#include <algorithm>

#include "ferry/engine/quoting.hpp"
#include "ferry/engine/sql_ddl.hpp"
#include "sql_types.hpp"
#include "token_cursor.hpp"

namespace ferry::engine {

namespace {

using detail::Fail;
using detail::iequals;
using detail::one_of;
using detail::plain_name;
using detail::printable;
using detail::upper;

constexpr const char* kDefaultAllowed = "only literals, NULL, TRUE/FALSE and the current date or time are rendered";

class SqlParser : public detail::TokenCursor {
  public:
    SqlParser(std::string_view text, Dialect dialect) : TokenCursor(text, dialect) {}

    void parse(SqlTableDef& d, DdlHead* head) {
        d.dialect = dialect_;
        expect_word("CREATE", "CREATE");
        if (mysql() && accept_word("OR")) expect_word("REPLACE", "REPLACE after CREATE OR");  // on_conflict decides
        if (pg() && (at_word("GLOBAL") || at_word("LOCAL"))) advance();
        if (at_word("TEMPORARY") || at_word("TEMP"))
            unsupported(cur().begin, "TEMPORARY tables are not rendered: they vanish with the session");
        if (pg() && at_word("UNLOGGED")) unsupported(cur().begin, "UNLOGGED tables are not rendered");
        expect_word("TABLE", "TABLE after CREATE");
        if (accept_word("IF")) {
            expect_word("NOT", "NOT after IF");
            expect_word("EXISTS", "EXISTS after IF NOT");
            d.if_not_exists = true;
        }
        std::size_t name_at = 0;
        std::vector<std::string> parts = qualified_name("a table name", name_at, pg());
        if (head) *head = DdlHead{true, parts, name_at};
        if (pg() && parts.size() > 3) throw Fail{name_at, "a table name has at most two qualifiers (database.schema.table)"};
        if (!pg() && parts.size() > 2)
            throw Fail{name_at, std::string("a table name has at most one qualifier (") +
                                    (mysql() ? "database" : "schema") + ".table)"};
        d.name = parts.back();
        d.qualifiers.assign(parts.begin(), parts.end() - 1);
        if (at_word("AS"))
            unsupported(cur().begin, "CREATE TABLE ... AS SELECT has no column list to render; write the columns out");
        if (at_word("LIKE") || (mysql() && at_punct('(') && at_word_ahead(1, "LIKE")))
            unsupported(cur().begin, "CREATE TABLE ... LIKE is not rendered: it names another table");
        if (pg() && at_word("PARTITION")) unsupported(cur().begin, "PARTITION OF is not rendered: it names another table");
        if (pg() && at_word("OF")) unsupported(cur().begin, "CREATE TABLE ... OF a type is not rendered: it names another object");
        expect_punct('(', "'(' after the table name");
        do {
            if (at_table_constraint()) table_constraint(d);
            else column(d);
        } while (accept_punct(','));
        if (!at_punct(')')) expected("',' or ')' after a column");
        advance();
        if (d.columns.empty()) throw Fail{prev().begin, "the table has no columns"};
        table_options(d);
        finish();
        check_keys(d);
    }

  private:
    bool pg() const { return dialect_ == Dialect::postgresql || dialect_ == Dialect::hologres; }
    bool mysql() const { return dialect_ == Dialect::mysql; }
    bool sqlite() const { return dialect_ == Dialect::sqlite; }

    bool at_table_constraint() const {
        if (eof() || cur().kind != TokenKind::word) return false;
        const std::string_view w = text(cur());
        if (one_of(w, {"CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"})) return true;
        if (pg() && one_of(w, {"EXCLUDE", "LIKE"})) return true;
        return mysql() && one_of(w, {"KEY", "INDEX", "FULLTEXT", "SPATIAL"});
    }

    // ---- columns

    void column(SqlTableDef& d) {
        SqlColumn c;
        const LineColumn lc = line_column(in_, cur_begin());
        c.line = lc.line;
        c.column = lc.column;
        c.name = identifier("a column name", pg());
        for (const SqlColumn& other : d.columns)
            if (iequals(other.name, c.name)) throw Fail{prev().begin, "duplicate column '" + printable(c.name) + "'"};
        if (!sqlite() || detail::at_sqlite_type(*this)) c.type = detail::read_sql_type(*this);
        while (!at_punct(',') && !at_punct(')')) column_constraint(d, c);
        d.columns.push_back(std::move(c));
    }

    void column_constraint(SqlTableDef& d, SqlColumn& c) {
        if (eof() || cur().kind != TokenKind::word) expected("',' or ')' after a column");
        const std::size_t at = cur().begin;
        const std::string w = upper(text(cur()));
        if (w == "CONSTRAINT" && !mysql()) {
            advance();
            identifier("a constraint name");
            d.constraint_names_dropped = true;
            if (at_punct(',') || at_punct(')')) expected("a constraint after CONSTRAINT name");
            return;
        }
        if (w == "NOT") {
            advance();
            expect_word("NULL", "NULL after NOT");
            c.not_null = true;
            conflict_clause();
        } else if (w == "NULL") {
            advance();
            c.null = true;
        } else if (w == "DEFAULT") {
            advance();
            if (c.default_value) throw Fail{at, "the column has two DEFAULT clauses"};
            c.default_value = default_value();
        } else if (w == "PRIMARY" || (mysql() && w == "KEY")) {
            advance();
            if (w == "PRIMARY") expect_word("KEY", "KEY after PRIMARY");
            if (sqlite()) {
                if (accept_word("DESC")) c.descending = true;
                else accept_word("ASC");
                conflict_clause();
                if (accept_word("AUTOINCREMENT")) c.autoincrement = true;
            }
            for (const SqlColumn& other : d.columns)
                if (other.primary_key) throw Fail{at, "the table has two primary keys"};
            c.primary_key = true;
        } else if (w == "UNIQUE") {
            advance();
            if (mysql()) accept_word("KEY");
            conflict_clause();
            c.unique = true;
        } else if (w == "COLLATE") {
            advance();
            c.collation = collation();
        } else if (mysql() && w == "AUTO_INCREMENT") {
            advance();
            c.autoincrement = true;
        } else if (mysql() && w == "COMMENT") {
            advance();
            if (c.comment) throw Fail{at, "the column has two COMMENT clauses"};
            c.comment = string_literal("a comment string after COMMENT");
        } else if (mysql() && w == "ON") {
            advance();
            expect_word("UPDATE", "UPDATE after ON");
            const std::size_t vat = cur_begin();
            SqlDefault v = default_value();
            if (v.kind != SqlDefault::Kind::current)
                unsupported(vat, "ON UPDATE is rendered with the current date or time only");
            c.on_update = v;
        } else if (mysql() && (w == "CHARACTER" || w == "CHARSET") && c.type) {
            if (accept_word("CHARACTER")) expect_word("SET", "SET after CHARACTER");
            else advance();
            const std::size_t cat = cur_begin();
            c.type->charset = identifier("a character set name");
            if (!plain_name(c.type->charset)) throw Fail{cat, "'" + printable(c.type->charset) + "' is not a character set name"};
        } else if (w == "CHECK") {
            unsupported(at, "CHECK is not rendered: ferry renders no expressions");
        } else if (w == "REFERENCES") {
            unsupported(at, "REFERENCES is not rendered: a foreign key names another table");
        } else if (w == "GENERATED" || w == "AS") {
            unsupported(at, "generated columns are not rendered: ferry renders no expressions");
        } else if (one_of(w, {"INVISIBLE", "VISIBLE", "COLUMN_FORMAT", "STORAGE", "COMPRESSION", "SERIAL", "VIRTUAL",
                              "PERSISTENT", "STORED", "IDENTITY", "ENGINE_ATTRIBUTE", "SECONDARY_ENGINE_ATTRIBUTE"})) {
            unsupported(at, "column attribute " + w + " is not rendered");
        } else {
            expected("',' or ')' after a column");
        }
    }

    // SQLite's ON CONFLICT after NOT NULL, UNIQUE and PRIMARY KEY.
    void conflict_clause() {
        if (at_word("ON") && at_word_ahead(1, "CONFLICT")) unsupported(cur().begin, "ON CONFLICT is not rendered");
    }

    std::string collation() {
        const std::size_t at = cur_begin();
        std::string name = identifier("a collation name");
        if (sqlite()) {
            const std::string u = upper(name);
            if (u != "BINARY" && u != "NOCASE" && u != "RTRIM")
                unsupported(at, "COLLATE " + printable(name) + " is not rendered: SQLite has BINARY, NOCASE and RTRIM");
            return u;
        }
        if (pg()) {
            if (name != "C" && name != "POSIX" && name != "default" && name != "ucs_basic")
                unsupported(at, "COLLATE \"" + printable(name) +
                                    "\" is not rendered: ferry renders PostgreSQL's built-in C, POSIX, default and ucs_basic");
            return name;
        }
        if (!plain_name(name)) throw Fail{at, "'" + printable(name) + "' is not a collation name"};
        return name;
    }

    // DEFAULT: a literal, NULL, TRUE/FALSE or the current date/time, in parentheses or not, with a
    // PostgreSQL cast. Anything else would be an expression the database evaluates: refused.
    SqlDefault default_value() {
        const std::size_t at = cur_begin();
        int parens = 0;
        while (accept_punct('(')) ++parens;
        if (at_word("SELECT")) unsupported(at, std::string("DEFAULT holds a subquery: ") + kDefaultAllowed);
        SqlDefault v;
        if (at_punct('-') || at_punct('+')) {
            const bool minus = at_punct('-');
            advance();
            if (eof() || cur().kind != TokenKind::number)
                unsupported(at, std::string("DEFAULT holds an expression: ") + kDefaultAllowed);
            v.kind = SqlDefault::Kind::number;
            v.value = (minus ? "-" : "") + std::string(text(cur()));
            advance();
        } else if (!eof() && cur().kind == TokenKind::number) {
            v.kind = SqlDefault::Kind::number;
            v.value = std::string(text(cur()));
            advance();
        } else if (at_string()) {
            v.kind = SqlDefault::Kind::string;
            v.value = string_literal("a string");
        } else if (at_word("NULL")) {
            advance();
        } else if (at_word("TRUE") || at_word("FALSE")) {
            v.kind = SqlDefault::Kind::boolean;
            v.value = upper(text(cur()));
            advance();
        } else if (!eof() && cur().kind == TokenKind::word) {
            current_time(v, at);
        } else {
            unsupported(at, "DEFAULT " + found() + " is not a literal: " + kDefaultAllowed);
        }
        if (pg() && at_punct(':') && at_punct_ahead(1, ':')) {
            advance();
            advance();
            v.cast = detail::read_sql_type(*this);
        }
        for (; parens > 0; --parens) {
            if (!at_punct(')')) unsupported(at, std::string("DEFAULT holds an expression: ") + kDefaultAllowed);
            advance();
        }
        if (!eof() && cur().kind == TokenKind::punct && !at_punct(',') && !at_punct(')'))
            unsupported(at, std::string("DEFAULT holds an expression: ") + kDefaultAllowed);
        if (!eof() && cur().kind == TokenKind::string)
            unsupported(at, std::string("DEFAULT holds an expression: ") + kDefaultAllowed);
        return v;
    }

    // CURRENT_TIMESTAMP and its kin, per dialect; a call of anything else is refused by name.
    void current_time(SqlDefault& v, std::size_t at) {
        const std::string w = upper(text(cur()));
        const bool has_precision = one_of(w, {"CURRENT_TIMESTAMP", "CURRENT_TIME", "LOCALTIMESTAMP", "LOCALTIME"});
        const bool known = one_of(w, {"CURRENT_TIMESTAMP", "CURRENT_DATE", "CURRENT_TIME"}) ||
                           (!sqlite() && one_of(w, {"LOCALTIMESTAMP", "LOCALTIME"})) || (!sqlite() && w == "NOW");
        if (!known) {
            if (at_punct_ahead(1, '('))
                unsupported(at, "DEFAULT calls " + printable(text(cur())) + "(): " + kDefaultAllowed);
            unsupported(at, "DEFAULT " + found() + " is not a literal: " + kDefaultAllowed);
        }
        advance();
        v.kind = SqlDefault::Kind::current;
        v.value = w;
        if (w == "NOW" && !at_punct('(')) expected("'(' after NOW");
        if ((has_precision || w == "NOW") && !sqlite() && accept_punct('(')) {
            if (!at_punct(')')) {
                const std::size_t pat = cur_begin();
                const std::int64_t p = integer("a precision");
                if (p < 0 || p > 6) throw Fail{pat, "a time precision is 0 to 6, found " + std::to_string(p)};
                v.precision = p;
            }
            expect_punct(')', "')' after the precision");
        }
    }

    // ---- table constraints and keys

    void table_constraint(SqlTableDef& d) {
        std::string name;
        if (accept_word("CONSTRAINT")) {
            if (!(at_word("PRIMARY") || at_word("UNIQUE") || at_word("CHECK") || at_word("FOREIGN") || at_word("EXCLUDE")) ||
                !mysql()) {
                name = identifier("a constraint name");
                if (!mysql()) d.constraint_names_dropped = true;
            }
        }
        const std::size_t at = cur_begin();
        SqlKey key;
        if (accept_word("PRIMARY")) {
            expect_word("KEY", "KEY after PRIMARY");
            key.kind = SqlKey::Kind::primary;
        } else if (accept_word("UNIQUE")) {
            key.kind = SqlKey::Kind::unique;
            if (mysql()) {
                if (!accept_word("KEY")) accept_word("INDEX");
                if (at_identifier()) name = identifier("an index name");
                key.name = name;
            }
        } else if (mysql() && (accept_word("KEY") || accept_word("INDEX"))) {
            key.kind = SqlKey::Kind::index;
            if (at_identifier()) key.name = identifier("an index name");
        } else if (at_word("CHECK")) {
            unsupported(at, "CHECK is not rendered: ferry renders no expressions");
        } else if (at_word("FOREIGN")) {
            unsupported(at, "FOREIGN KEY is not rendered: a foreign key names another table");
        } else if (at_word("EXCLUDE")) {
            unsupported(at, "EXCLUDE is not rendered");
        } else if (at_word("LIKE")) {
            unsupported(at, "LIKE is not rendered: it names another table");
        } else if (at_word("FULLTEXT") || at_word("SPATIAL")) {
            unsupported(at, upper(text(cur())) + " indexes are not rendered");
        } else {
            expected("PRIMARY KEY or UNIQUE after CONSTRAINT name");
        }
        if (mysql() && at_word("USING")) unsupported(cur().begin, "USING (an index method) is not rendered");
        expect_punct('(', "'(' and the key's columns");
        do {
            SqlKeyPart p;
            key_offsets_.push_back(cur_begin());
            p.column = identifier("a column name", pg());
            if (mysql() && accept_punct('(')) {
                const std::size_t pat = cur_begin();
                const std::int64_t n = integer("a key prefix length");
                if (n < 1) throw Fail{pat, "a key prefix length is at least 1"};
                p.prefix = n;
                expect_punct(')', "')' after the key prefix length");
            }
            if (!pg()) {
                if (accept_word("DESC")) p.descending = true;
                else accept_word("ASC");
            }
            key.parts.push_back(std::move(p));
        } while (accept_punct(','));
        expect_punct(')', "',' or ')' after the key's columns");
        if (!eof() && cur().kind == TokenKind::word) {
            if (sqlite()) conflict_clause();
            unsupported(cur().begin, printable(upper(text(cur()))) + " after a key is not rendered");
        }
        d.keys.push_back(std::move(key));
    }

    void check_keys(const SqlTableDef& d) {
        std::size_t k = 0;
        int primaries = 0;
        for (const SqlColumn& c : d.columns) primaries += c.primary_key ? 1 : 0;
        for (const SqlKey& key : d.keys) {
            if (key.kind == SqlKey::Kind::primary && ++primaries > 1)
                throw Fail{key_offsets_[k], "the table has two primary keys"};
            for (const SqlKeyPart& p : key.parts) {
                const bool known = std::any_of(d.columns.begin(), d.columns.end(),
                                               [&](const SqlColumn& c) { return iequals(c.name, p.column); });
                if (!known)
                    throw Fail{key_offsets_[k], "the key names column '" + printable(p.column) + "', which the table does not have"};
                ++k;
            }
        }
    }

    // ---- after the column list

    void table_options(SqlTableDef& d) {
        if (mysql()) return mysql_options(d);
        if (sqlite()) {
            if (eof() || at_punct(';')) return;
            do {
                if (accept_word("WITHOUT")) {
                    expect_word("ROWID", "ROWID after WITHOUT");
                    d.without_rowid = true;
                } else if (accept_word("STRICT")) {
                    d.strict = true;
                } else if (!eof() && cur().kind == TokenKind::word) {
                    unsupported(cur().begin, printable(upper(text(cur()))) +
                                                 " after the column list is not rendered: ferry renders WITHOUT ROWID and STRICT");
                } else {
                    expected("WITHOUT ROWID, STRICT or ';' after the column list");
                }
            } while (accept_punct(','));
            return;
        }
        if (eof() || at_punct(';')) return;
        if (at_word("INHERITS")) unsupported(cur().begin, "INHERITS is not rendered: it names another table");
        if (!eof() && cur().kind == TokenKind::word)
            unsupported(cur().begin, printable(upper(text(cur()))) +
                                         " after the column list is not rendered: ferry renders a table's columns and keys");
        expected("';' or the end after the column list");
    }

    void mysql_options(SqlTableDef& d) {
        while (!eof() && !at_punct(';')) {
            if (accept_punct(',')) continue;
            if (eof() || cur().kind != TokenKind::word) expected("a table option or ';' after the column list");
            const std::size_t at = cur().begin;
            std::string w = upper(text(cur()));
            advance();
            if (w == "DEFAULT" && (at_word("CHARSET") || at_word("CHARACTER") || at_word("COLLATE"))) {
                w = upper(text(cur()));
                advance();
            }
            if (w == "CHARACTER") {
                expect_word("SET", "SET after CHARACTER");
                w = "CHARSET";
            }
            accept_punct('=');
            const std::size_t vat = cur_begin();
            if (w == "ENGINE") {
                const std::string e = identifier("a storage engine name");
                static constexpr const char* kEngines[] = {"InnoDB", "MyISAM", "Aria", "MEMORY"};
                const auto it = std::find_if(std::begin(kEngines), std::end(kEngines),
                                             [&](const char* k) { return iequals(k, e); });
                if (it == std::end(kEngines))
                    unsupported(vat, "ENGINE=" + printable(e) + " is not rendered: ferry renders InnoDB, MyISAM, Aria and MEMORY tables");
                d.engine = *it;
            } else if (w == "CHARSET") {
                d.charset = identifier("a character set name");
                if (!plain_name(d.charset)) throw Fail{vat, "'" + printable(d.charset) + "' is not a character set name"};
            } else if (w == "COLLATE") {
                d.collation = identifier("a collation name");
                if (!plain_name(d.collation)) throw Fail{vat, "'" + printable(d.collation) + "' is not a collation name"};
            } else if (w == "COMMENT") {
                if (d.comment) throw Fail{at, "the table has two COMMENT options"};
                d.comment = string_literal("a comment string after COMMENT");
            } else if (w == "AUTO_INCREMENT") {
                d.auto_increment = integer("a number after AUTO_INCREMENT");
            } else if (w == "ROW_FORMAT") {
                const std::string f = upper(identifier("a row format"));
                if (!one_of(f, {"DEFAULT", "DYNAMIC", "FIXED", "COMPRESSED", "REDUNDANT", "COMPACT", "PAGE"}))
                    throw Fail{vat, "unknown ROW_FORMAT '" + printable(f) + "'"};
                d.row_format = f;
            } else if (w == "PARTITION") {
                unsupported(at, "PARTITION BY is not rendered");
            } else {
                unsupported(at, "table option " + printable(w) +
                                    " is not rendered: ferry renders ENGINE, CHARSET, COLLATE, COMMENT, AUTO_INCREMENT and ROW_FORMAT");
            }
        }
    }

    std::vector<std::size_t> key_offsets_;  // where each key part is, for messages after the whole table is read
};

}  // namespace

bool parse_sql_create_table(std::string_view ddl, Dialect dialect, SqlTableDef& out, DdlError& error, DdlHead* head) {
    if (head) *head = DdlHead{};
    if (dialect != Dialect::postgresql && dialect != Dialect::hologres && dialect != Dialect::mysql &&
        dialect != Dialect::sqlite) {
        error = DdlError{1, 1, std::string("no CREATE TABLE parser for ") + to_string(dialect) + " here", false};
        return false;
    }
    return detail::run_parse(ddl, error, [&] {
        SqlParser p(ddl, dialect);
        SqlTableDef d;
        p.parse(d, head);
        out = std::move(d);
    });
}

}  // namespace ferry::engine
