// The MaxCompute / Hive DDL parser: recursive descent over significant tokens (token_cursor.hpp).
// Every clause is read into data (ddl.hpp); nothing is kept as text to be written out again.
#include <algorithm>

#include "ferry/engine/ddl.hpp"
#include "token_cursor.hpp"

namespace ferry::engine {

namespace {

using detail::Fail;
using detail::iequals;
using detail::upper;

constexpr int kMaxPartitionLevels = 6;

class Parser : detail::TokenCursor {
  public:
    explicit Parser(std::string_view text) : TokenCursor(text, Dialect::maxcompute) {}

    void parse_table(TableDef& d, DdlHead* head) {
        expect_word("CREATE", "CREATE");
        if (accept_word("OR")) {
            expect_word("REPLACE", "REPLACE after CREATE OR");
            d.or_replace = true;
        } else if (accept_word("EXTERNAL")) {
            d.external = true;
        }
        if (at_word("FUNCTION")) throw Fail{cur().begin, "expected TABLE, found a CREATE FUNCTION statement"};
        expect_word("TABLE", "TABLE after CREATE");
        if (accept_word("IF")) {
            expect_word("NOT", "NOT after IF");
            expect_word("EXISTS", "EXISTS after IF NOT");
            d.if_not_exists = true;
        }
        std::size_t name_at = 0;
        std::vector<std::string> parts = qualified_name("a table name", name_at);
        if (head) *head = DdlHead{true, parts, name_at};
        if (parts.size() > 3) throw Fail{name_at, "a table name has at most two qualifiers (project.schema.table)"};
        d.name = parts.back();
        if (parts.size() >= 2) d.project = parts[0];
        if (parts.size() == 3) d.schema = parts[1];
        if (at_word("AS"))
            unsupported(cur().begin, "CREATE TABLE ... AS SELECT has no column list to render; write the columns out");
        if (at_word("LIKE"))
            unsupported(cur().begin, "CREATE TABLE ... LIKE has no column list to render; write the columns out");
        expect_punct('(', "'(' after the table name");
        d.columns = column_list("a column name");
        clauses(d);
        finish();
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
        std::size_t b = 0;
        std::vector<std::string> parts = qualified_name("a function name", b);
        if (parts.size() > 2) throw Fail{b, "a function name has at most one qualifier (project.function)"};
        f.name = parts.back();
        if (parts.size() == 2) f.project = parts[0];
        expect_word("AS", "AS after the function name");
        f.class_name = string_literal("the class name as a string, e.g. 'com.example.Upper'");
        if (f.class_name.empty()) throw Fail{prev().begin, "the class name is empty"};
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
        finish();
    }

  private:
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
                if (iequals(other.name, c.name)) throw Fail{prev().begin, "duplicate column '" + c.name + "'"};
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
                    if (iequals(f, field)) throw Fail{prev().begin, "duplicate STRUCT field '" + field + "'"};
                accept_punct(':');
                t.field_names.push_back(field);
                t.children.push_back(type());
                if (accept_word("COMMENT")) string_literal("a comment string after COMMENT");
            } while (accept_punct(','));
            expect_punct('>', "',' or '>' in STRUCT<...>");
        } else {
            throw Fail{at, "unknown column type '" + detail::printable(text(prev())) + "'"};
        }
        return t;
    }

    // ---- clauses after the column list
    std::vector<std::pair<std::string, std::string>> properties(std::string_view clause) {
        std::vector<std::pair<std::string, std::string>> out;
        expect_punct('(', "'(' after " + std::string(clause));
        do {
            std::string k = string_literal("a property name string");
            expect_punct('=', "'=' after the property name");
            std::string v = string_literal("a property value string");
            out.emplace_back(std::move(k), std::move(v));
        } while (accept_punct(','));
        expect_punct(')', "',' or ')' in " + std::string(clause));
        return out;
    }

    std::vector<std::string> column_names(const TableDef& d, std::string_view clause) {
        std::vector<std::string> out;
        expect_punct('(', "'(' after " + std::string(clause));
        do {
            const std::size_t at = cur_begin();
            std::string name = identifier("a column name");
            if (!has_column(d, name))
                throw Fail{at, std::string(clause) + " names column '" + name + "', which the table does not have"};
            out.push_back(std::move(name));
        } while (accept_punct(','));
        expect_punct(')', "',' or ')' after the " + std::string(clause) + " columns");
        return out;
    }

    static bool has_column(const TableDef& d, std::string_view name) {
        auto same = [&](const Column& c) { return iequals(c.name, name); };
        return std::any_of(d.columns.begin(), d.columns.end(), same) ||
               std::any_of(d.partitions.begin(), d.partitions.end(), same);
    }

    void clustering(TableDef& d) {
        const std::size_t at = cur_begin();
        if (!d.clustering.empty()) throw Fail{at, "the table has two CLUSTERED BY clauses"};
        Clustering c;
        if (accept_word("RANGE")) c.range = true;
        expect_word("CLUSTERED", "CLUSTERED after RANGE");
        expect_word("BY", "BY after CLUSTERED");
        c.columns = column_names(d, "CLUSTERED BY");
        if (accept_word("SORTED")) {
            expect_word("BY", "BY after SORTED");
            expect_punct('(', "'(' after SORTED BY");
            do {
                const std::size_t cat = cur_begin();
                std::string name = identifier("a column name");
                if (!has_column(d, name))
                    throw Fail{cat, "SORTED BY names column '" + name + "', which the table does not have"};
                bool desc = false;
                if (accept_word("DESC")) desc = true;
                else accept_word("ASC");
                c.sorted_by.emplace_back(std::move(name), desc);
            } while (accept_punct(','));
            expect_punct(')', "',' or ')' after the SORTED BY columns");
        }
        if (accept_word("INTO")) {
            const std::size_t nat = cur_begin();
            const std::int64_t n = integer("a number of buckets after INTO");
            if (n < 1) throw Fail{nat, "the number of buckets must be at least 1"};
            expect_word("BUCKETS", "BUCKETS after the number of buckets");
            c.buckets = n;
        } else if (!c.range) {
            expected("INTO n BUCKETS after CLUSTERED BY (...)");
        }
        d.clustering = std::move(c);
    }

    // ROW FORMAT DELIMITED [FIELDS TERMINATED BY 'c' [ESCAPED BY 'c']] [COLLECTION ITEMS TERMINATED BY 'c']
    // [MAP KEYS TERMINATED BY 'c'] [LINES TERMINATED BY 'c'] [NULL DEFINED AS 'c'] | ROW FORMAT SERDE 'x'
    void row_format(Storage& s) {
        const std::size_t at = cur_begin();
        advance();  // ROW
        expect_word("FORMAT", "FORMAT after ROW");
        if (s.delimited || !s.serde.empty()) throw Fail{at, "the table has two ROW FORMAT clauses"};
        if (accept_word("SERDE")) {
            s.serde = string_literal("the SerDe class as a string after ROW FORMAT SERDE");
            if (s.serde.empty()) throw Fail{prev().begin, "the SerDe class is empty"};
            if (at_word("WITH")) serde_properties(s);
            return;
        }
        expect_word("DELIMITED", "DELIMITED or SERDE after ROW FORMAT");
        s.delimited = true;
        auto add = [&](const char* clause) {
            s.delimiters.emplace_back(clause, string_literal(std::string("a string after ") + clause));
        };
        for (;;) {
            if (accept_word("FIELDS")) {
                expect_word("TERMINATED", "TERMINATED after FIELDS");
                expect_word("BY", "BY after TERMINATED");
                add("FIELDS TERMINATED BY");
                if (accept_word("ESCAPED")) {
                    expect_word("BY", "BY after ESCAPED");
                    add("ESCAPED BY");
                }
            } else if (accept_word("COLLECTION")) {
                expect_word("ITEMS", "ITEMS after COLLECTION");
                expect_word("TERMINATED", "TERMINATED after COLLECTION ITEMS");
                expect_word("BY", "BY after TERMINATED");
                add("COLLECTION ITEMS TERMINATED BY");
            } else if (at_word("MAP") && at_word_ahead(1, "KEYS")) {
                advance();
                advance();
                expect_word("TERMINATED", "TERMINATED after MAP KEYS");
                expect_word("BY", "BY after TERMINATED");
                add("MAP KEYS TERMINATED BY");
            } else if (accept_word("LINES")) {
                expect_word("TERMINATED", "TERMINATED after LINES");
                expect_word("BY", "BY after TERMINATED");
                add("LINES TERMINATED BY");
            } else if (at_word("NULL") && at_word_ahead(1, "DEFINED")) {
                advance();
                advance();
                expect_word("AS", "AS after NULL DEFINED");
                add("NULL DEFINED AS");
            } else {
                return;
            }
        }
    }

    void serde_properties(Storage& s) {
        const std::size_t at = cur_begin();
        advance();  // WITH
        expect_word("SERDEPROPERTIES", "SERDEPROPERTIES after WITH");
        if (!s.serde_properties.empty()) throw Fail{at, "the table has two WITH SERDEPROPERTIES clauses"};
        s.serde_properties = properties("WITH SERDEPROPERTIES");
    }

    void stored(Storage& s) {
        const std::size_t at = cur_begin();
        advance();  // STORED
        if (!s.stored_as.empty() || !s.input_format.empty() || !s.stored_by.empty())
            throw Fail{at, "the table has two STORED clauses"};
        if (accept_word("BY")) {
            s.stored_by = string_literal("the storage handler class as a string after STORED BY");
            if (s.stored_by.empty()) throw Fail{prev().begin, "the storage handler class is empty"};
            return;
        }
        expect_word("AS", "AS or BY after STORED");
        if (accept_word("INPUTFORMAT")) {
            s.input_format = string_literal("the input format class as a string after INPUTFORMAT");
            expect_word("OUTPUTFORMAT", "OUTPUTFORMAT after the input format");
            s.output_format = string_literal("the output format class as a string after OUTPUTFORMAT");
            if (s.input_format.empty() || s.output_format.empty()) throw Fail{prev().begin, "a format class is empty"};
            return;
        }
        // A file format is a bare name (ORC, PARQUET, TEXTFILE...); the renderer writes it back as one.
        if (eof() || cur().kind != TokenKind::word) expected("a file format after STORED AS");
        s.stored_as = upper(text(cur()));
        advance();
    }

    void clauses(TableDef& d) {
        while (!eof() && !at_punct(';')) {
            if (accept_word("COMMENT")) {
                if (d.comment) throw Fail{prev().begin, "the table has two COMMENT clauses"};
                d.comment = string_literal("a comment string after COMMENT");
            } else if (at_word("PARTITIONED")) {
                advance();
                expect_word("BY", "BY after PARTITIONED");
                expect_punct('(', "'(' after PARTITIONED BY");
                const std::size_t list_at = cur_begin();
                if (!d.partitions.empty()) throw Fail{list_at, "the table has two PARTITIONED BY clauses"};
                d.partitions = column_list("a partition column name");
                if (d.partitions.size() > kMaxPartitionLevels)
                    throw Fail{list_at, "more than " + std::to_string(kMaxPartitionLevels) + " partition levels (found " +
                                            std::to_string(d.partitions.size()) + ")"};
                for (const Column& p : d.partitions)
                    for (const Column& c : d.columns)
                        if (iequals(p.name, c.name))
                            throw Fail{list_at, "partition column '" + p.name + "' is also a table column"};
            } else if (at_word("CLUSTERED") || at_word("RANGE")) {
                clustering(d);
            } else if (accept_word("TBLPROPERTIES")) {
                if (!d.tblproperties.empty()) throw Fail{prev().begin, "the table has two TBLPROPERTIES clauses"};
                d.tblproperties = properties("TBLPROPERTIES");
            } else if (accept_word("LOCATION")) {
                if (d.location) throw Fail{prev().begin, "the table has two LOCATION clauses"};
                d.location = string_literal("a location string after LOCATION");
            } else if (accept_word("LIFECYCLE")) {
                const std::size_t at = cur_begin();
                std::int64_t days = integer("a number of days after LIFECYCLE");
                if (days < 1) throw Fail{at, "LIFECYCLE must be at least 1 day"};
                d.lifecycle = days;
            } else if (at_word("ROW")) {
                row_format(d.storage);
            } else if (at_word("STORED")) {
                stored(d.storage);
            } else if (at_word("WITH")) {
                serde_properties(d.storage);
            } else if (accept_word("USING")) {
                if (d.storage.using_resources) throw Fail{prev().begin, "the table has two USING clauses"};
                d.storage.using_resources = string_literal("the resources as a string after USING, e.g. 'handler.jar'");
            } else {
                throw Fail{cur().begin, "unexpected " + found() +
                                            " after the column list (expected COMMENT, PARTITIONED BY, CLUSTERED BY, "
                                            "TBLPROPERTIES, STORED, LOCATION, LIFECYCLE or ';')"};
            }
        }
        if (!d.storage.serde_properties.empty() && d.storage.serde.empty() && d.storage.stored_by.empty())
            throw Fail{in_.size(), "WITH SERDEPROPERTIES needs ROW FORMAT SERDE or STORED BY"};
    }
};

}  // namespace

bool parse_create_table(std::string_view ddl, TableDef& out, DdlError& error, DdlHead* head) {
    if (head) *head = DdlHead{};
    return detail::run_parse(ddl, error, [&] {
        Parser p(ddl);
        TableDef d;
        p.parse_table(d, head);
        out = std::move(d);
    });
}

bool parse_create_function(std::string_view ddl, FunctionDef& out, DdlError& error) {
    return detail::run_parse(ddl, error, [&] {
        Parser p(ddl);
        FunctionDef f;
        p.parse_function(f);
        out = std::move(f);
    });
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
