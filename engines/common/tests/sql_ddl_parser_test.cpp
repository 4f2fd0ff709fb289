// CREATE TABLE of PostgreSQL, MySQL and SQLite read into data (issue 11 §1): what each dialect's
// grammar gives (types, NULL/NOT NULL, DEFAULT, keys, COMMENT, quoted names, case), and every
// construct ferry does not render refused by name with its position.
#include <gtest/gtest.h>

#include "ferry/engine/sql_ddl.hpp"

using namespace ferry::engine;

namespace {

SqlTableDef parse(const char* ddl, Dialect d) {
    SqlTableDef t;
    DdlError e;
    EXPECT_TRUE(parse_sql_create_table(ddl, d, t, e)) << e.text();
    return t;
}

std::vector<std::string> types(const SqlTableDef& t) {
    std::vector<std::string> out;
    for (const auto& c : t.columns) out.push_back(c.name + " " + (c.type ? c.type->text(t.dialect) : "-"));
    return out;
}

TEST(SqlDdlParser, PostgresTypes) {
    auto t = parse(
        "CREATE TABLE t (a smallint, b INTEGER, c bigint, d real, e double precision, f numeric(10,2), g character "
        "varying(20), h char(3), i text, j bytea, k boolean, l date, m timestamp(3) with time zone, n timestamp without "
        "time zone, o time, p jsonb, q uuid, r int4[], s text[][], u int ARRAY, v float(10), w float, x serial, "
        "y interval(2), z bit varying(5), aa decimal, ab timetz)",
        Dialect::postgresql);
    EXPECT_EQ(types(t), (std::vector<std::string>{
                            "a int2", "b int4", "c int8", "d float4", "e float8", "f numeric(10,2)", "g varchar(20)",
                            "h char(3)", "i text", "j bytea", "k bool", "l date", "m timestamptz(3)", "n timestamp",
                            "o time", "p jsonb", "q uuid", "r int4[]", "s text[][]", "u int4[]", "v float4", "w float8",
                            "x serial", "y interval(2)", "z varbit(5)", "aa numeric", "ab timetz"}));
}

TEST(SqlDdlParser, PostgresNamesFoldUnlessQuoted) {
    DdlHead head;
    SqlTableDef t;
    DdlError e;
    ASSERT_TRUE(parse_sql_create_table("CREATE TABLE IF NOT EXISTS Public.\"Orders\" (Id int, \"Name\" text, \"a\"\"b\" int)",
                                       Dialect::postgresql, t, e, &head))
        << e.text();
    EXPECT_TRUE(t.if_not_exists);
    EXPECT_EQ(t.qualifiers, (std::vector<std::string>{"public"}));
    EXPECT_EQ(t.name, "Orders");
    EXPECT_EQ(head.parts, (std::vector<std::string>{"public", "Orders"}));
    EXPECT_EQ(t.columns[0].name, "id");
    EXPECT_EQ(t.columns[1].name, "Name");
    EXPECT_EQ(t.columns[2].name, "a\"b");
}

TEST(SqlDdlParser, PostgresConstraintsAndDefaults) {
    auto t = parse(
        "CREATE TABLE t (\n"
        "  id bigint NOT NULL PRIMARY KEY,\n"
        "  name varchar(50) DEFAULT 'it''s' NOT NULL,\n"
        "  code text CONSTRAINT code_u UNIQUE COLLATE \"C\",\n"
        "  created timestamptz DEFAULT now(),\n"
        "  updated timestamp DEFAULT CURRENT_TIMESTAMP(3),\n"
        "  n numeric DEFAULT -1.5,\n"
        "  flag bool DEFAULT (TRUE),\n"
        "  state varchar(10) DEFAULT 'new'::character varying,\n"
        "  e text DEFAULT E'a\\'b',\n"
        "  CONSTRAINT uq UNIQUE (code, name)\n"
        ")",
        Dialect::postgresql);
    ASSERT_EQ(t.columns.size(), 9u);
    EXPECT_TRUE(t.columns[0].not_null);
    EXPECT_TRUE(t.columns[0].primary_key);
    EXPECT_EQ(t.columns[0].line, 2u);
    EXPECT_EQ(t.columns[0].column, 3u);
    EXPECT_EQ(t.columns[1].default_value->value, "it's");
    EXPECT_TRUE(t.columns[2].unique);
    EXPECT_EQ(t.columns[2].collation, "C");
    EXPECT_EQ(t.columns[3].default_value->text(Dialect::postgresql), "now()");
    EXPECT_EQ(t.columns[4].default_value->text(Dialect::postgresql), "CURRENT_TIMESTAMP(3)");
    EXPECT_EQ(t.columns[5].default_value->text(Dialect::postgresql), "-1.5");
    EXPECT_EQ(t.columns[6].default_value->text(Dialect::postgresql), "TRUE");
    EXPECT_EQ(t.columns[7].default_value->text(Dialect::postgresql), "'new'::varchar");
    EXPECT_EQ(t.columns[8].default_value->text(Dialect::postgresql), "'a''b'");
    ASSERT_EQ(t.keys.size(), 1u);
    EXPECT_EQ(t.keys[0].kind, SqlKey::Kind::unique);
    EXPECT_TRUE(t.keys[0].name.empty());
    EXPECT_TRUE(t.constraint_names_dropped);
}

TEST(SqlDdlParser, MysqlShowCreateTable) {
    auto t = parse(
        "CREATE TABLE `orders` (\n"
        "  `id` bigint(20) unsigned NOT NULL AUTO_INCREMENT COMMENT 'pk',\n"
        "  `name` varchar(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',\n"
        "  `state` enum('a','b''c') DEFAULT 'a',\n"
        "  `amount` decimal(10,2) DEFAULT NULL,\n"
        "  `created` datetime(3) NOT NULL DEFAULT current_timestamp(3) ON UPDATE current_timestamp(3), # MariaDB spelling\n"
        "  `note` text,\n"
        "  PRIMARY KEY (`id`),\n"
        "  UNIQUE KEY `uk_name` (`name`(10)),\n"
        "  KEY `idx_state` (`state`,`created` DESC)\n"
        ") ENGINE=InnoDB AUTO_INCREMENT=42 DEFAULT CHARSET=utf8mb4 COMMENT='orders\\'s'",
        Dialect::mysql);
    EXPECT_EQ(types(t), (std::vector<std::string>{"id BIGINT(20) UNSIGNED", "name VARCHAR(64) CHARACTER SET utf8mb4",
                                                  "state ENUM('a','b''c')", "amount DECIMAL(10,2)", "created DATETIME(3)",
                                                  "note TEXT"}));
    EXPECT_TRUE(t.columns[0].autoincrement);
    EXPECT_EQ(*t.columns[0].comment, "pk");
    EXPECT_EQ(t.columns[1].collation, "utf8mb4_bin");
    EXPECT_EQ(t.columns[3].default_value->kind, SqlDefault::Kind::null);
    EXPECT_EQ(t.columns[4].on_update->text(Dialect::mysql), "CURRENT_TIMESTAMP(3)");
    ASSERT_EQ(t.keys.size(), 3u);
    EXPECT_EQ(t.keys[1].name, "uk_name");
    EXPECT_EQ(*t.keys[1].parts[0].prefix, 10);
    EXPECT_TRUE(t.keys[2].parts[1].descending);
    EXPECT_EQ(t.engine, "InnoDB");
    EXPECT_EQ(*t.auto_increment, 42);
    EXPECT_EQ(t.charset, "utf8mb4");
    EXPECT_EQ(*t.comment, "orders's");
}

TEST(SqlDdlParser, SqliteTypesAreWords) {
    auto t = parse(
        "CREATE TABLE IF NOT EXISTS [main].t (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL COLLATE nocase "
        "DEFAULT 'x', raw, amount NUMERIC(10, 2), big UNSIGNED BIG INT, created TEXT DEFAULT CURRENT_TIMESTAMP, "
        "`q` VARCHAR(10) UNIQUE, [a;b] TEXT, CONSTRAINT u UNIQUE (name, raw DESC)) WITHOUT ROWID",
        Dialect::sqlite);
    EXPECT_EQ(t.qualifiers, (std::vector<std::string>{"main"}));
    EXPECT_EQ(types(t), (std::vector<std::string>{"id INTEGER", "name TEXT", "raw -", "amount NUMERIC(10,2)",
                                                  "big UNSIGNED BIG INT", "created TEXT", "q VARCHAR(10)", "a;b TEXT"}));
    EXPECT_TRUE(t.columns[0].autoincrement);
    EXPECT_EQ(t.columns[1].collation, "NOCASE");
    EXPECT_TRUE(t.without_rowid);
    EXPECT_TRUE(t.keys[0].parts[1].descending);
}

struct BadSql {
    const char* name;
    Dialect dialect;
    const char* ddl;
    const char* error;  // "LINE:COL: message"
    bool unsupported;   // well formed, not rendered (FERRY-ENGINE-DDL-UNSUPPORTED); else a syntax error
};

void PrintTo(const BadSql& c, std::ostream* os) { *os << c.name; }

class SqlDdlRefusal : public testing::TestWithParam<BadSql> {};

TEST_P(SqlDdlRefusal, SaysWhereAndWhat) {
    const BadSql& c = GetParam();
    SqlTableDef t;
    DdlError e;
    ASSERT_FALSE(parse_sql_create_table(c.ddl, c.dialect, t, e));
    EXPECT_EQ(e.text(), c.error);
    EXPECT_EQ(e.unsupported, c.unsupported);
}

constexpr Dialect PG = Dialect::postgresql, MY = Dialect::mysql, LITE = Dialect::sqlite;

INSTANTIATE_TEST_SUITE_P(
    Cases, SqlDdlRefusal,
    testing::Values(
        // PostgreSQL
        BadSql{"pg_references", PG, "CREATE TABLE t (a int REFERENCES canary (id))",
               "1:23: REFERENCES is not rendered: a foreign key names another table", true},
        BadSql{"pg_foreign_key", PG, "CREATE TABLE t (a int, FOREIGN KEY (a) REFERENCES canary (id))",
               "1:24: FOREIGN KEY is not rendered: a foreign key names another table", true},
        BadSql{"pg_check", PG, "CREATE TABLE t (a int, CONSTRAINT c CHECK (a > 0))",
               "1:37: CHECK is not rendered: ferry renders no expressions", true},
        BadSql{"pg_default_subquery", PG, "CREATE TABLE t (a int DEFAULT (SELECT max(id) FROM canary))",
               "1:31: DEFAULT holds a subquery: only literals, NULL, TRUE/FALSE and the current date or time are rendered", true},
        BadSql{"pg_default_function", PG, "CREATE TABLE t (a int DEFAULT nextval('canary_seq'::regclass))",
               "1:31: DEFAULT calls nextval(): only literals, NULL, TRUE/FALSE and the current date or time are rendered", true},
        BadSql{"pg_default_expression", PG, "CREATE TABLE t (a int DEFAULT 1 + 1)",
               "1:31: DEFAULT holds an expression: only literals, NULL, TRUE/FALSE and the current date or time are rendered", true},
        BadSql{"pg_default_concatenation", PG, "CREATE TABLE t (a text DEFAULT 'a' || pg_read_file('/etc/passwd'))",
               "1:32: DEFAULT holds an expression: only literals, NULL, TRUE/FALSE and the current date or time are rendered", true},
        BadSql{"pg_default_name", PG, "CREATE TABLE t (a text DEFAULT current_user)",
               "1:32: DEFAULT 'current_user' is not a literal: only literals, NULL, TRUE/FALSE and the current date or time "
               "are rendered",
               true},
        BadSql{"pg_dollar_quoted", PG, "CREATE TABLE t (a text DEFAULT $f$x$f$)",
               "1:32: a dollar-quoted string is not rendered: write the value as a '...' literal", true},
        BadSql{"pg_generated", PG, "CREATE TABLE t (a int, b int GENERATED ALWAYS AS (a * 2) STORED)",
               "1:30: generated columns are not rendered: ferry renders no expressions", true},
        BadSql{"pg_inherits", PG, "CREATE TABLE t (a int) INHERITS (canary)", "1:24: INHERITS is not rendered: it names another table",
               true},
        BadSql{"pg_partition_of", PG, "CREATE TABLE t PARTITION OF canary FOR VALUES IN (1)",
               "1:16: PARTITION OF is not rendered: it names another table", true},
        BadSql{"pg_partition_by", PG, "CREATE TABLE t (a int) PARTITION BY LIST (a)",
               "1:24: PARTITION after the column list is not rendered: ferry renders a table's columns and keys", true},
        BadSql{"pg_with_options", PG, "CREATE TABLE t (a int) WITH (fillfactor = 70)",
               "1:24: WITH after the column list is not rendered: ferry renders a table's columns and keys", true},
        BadSql{"pg_like", PG, "CREATE TABLE t (LIKE canary INCLUDING ALL)", "1:17: LIKE is not rendered: it names another table", true},
        BadSql{"pg_as_select", PG, "CREATE TABLE t AS SELECT * FROM canary",
               "1:16: CREATE TABLE ... AS SELECT has no column list to render; write the columns out", true},
        BadSql{"pg_temporary", PG, "CREATE TEMP TABLE t (a int)", "1:8: TEMPORARY tables are not rendered: they vanish with the session",
               true},
        BadSql{"pg_unlogged", PG, "CREATE UNLOGGED TABLE t (a int)", "1:8: UNLOGGED tables are not rendered", true},
        BadSql{"pg_collation", PG, "CREATE TABLE t (a text COLLATE \"de_DE\")",
               "1:32: COLLATE \"de_DE\" is not rendered: ferry renders PostgreSQL's built-in C, POSIX, default and ucs_basic", true},
        BadSql{"pg_user_type", PG, "CREATE TABLE t (a public.mood)", "1:19: unknown column type 'public.mood'", false},
        BadSql{"pg_unknown_type", PG, "CREATE TABLE t (a int, b whatever)", "1:26: unknown column type 'whatever'", false},
        BadSql{"pg_two_primary_keys", PG, "CREATE TABLE t (a int PRIMARY KEY, b int PRIMARY KEY)",
               "1:42: the table has two primary keys", false},
        BadSql{"pg_key_on_nothing", PG, "CREATE TABLE t (a int, PRIMARY KEY (b))",
               "1:37: the key names column 'b', which the table does not have", false},
        BadSql{"pg_numeric_scale", PG, "CREATE TABLE t (a numeric(5,6))", "1:19: numeric scale 6 is larger than its precision 5", false},
        BadSql{"pg_duplicate_column", PG, "CREATE TABLE t (a int, A text)", "1:24: duplicate column 'a'", false},
        BadSql{"pg_four_part_name", PG, "CREATE TABLE a.b.c.d (x int)",
               "1:14: a table name has at most two qualifiers (database.schema.table)", false},
        BadSql{"pg_nul", PG, "CREATE TABLE t (a text DEFAULT E'\\0')", "1:32: a string literal holds a NUL character", false},
        // MySQL / MariaDB
        BadSql{"mysql_executable_comment", MY, "CREATE TABLE t (a int) /*!50100 PARTITION BY HASH (a) */",
               "1:24: MySQL runs the text of a '/*!' comment: ferry refuses it", true},
        BadSql{"mysql_federated", MY, "CREATE TABLE t (a int) ENGINE=FEDERATED CONNECTION='mysql://u@h/db/canary'",
               "1:31: ENGINE=FEDERATED is not rendered: ferry renders InnoDB, MyISAM, Aria and MEMORY tables", true},
        BadSql{"mysql_data_directory", MY, "CREATE TABLE t (a int) DATA DIRECTORY = '/tmp'",
               "1:24: table option DATA is not rendered: ferry renders ENGINE, CHARSET, COLLATE, COMMENT, AUTO_INCREMENT "
               "and ROW_FORMAT",
               true},
        BadSql{"mysql_partition", MY, "CREATE TABLE t (a int) PARTITION BY HASH (a)", "1:24: PARTITION BY is not rendered", true},
        BadSql{"mysql_default_function", MY, "CREATE TABLE t (a char(36) DEFAULT (uuid()))",
               "1:36: DEFAULT calls uuid(): only literals, NULL, TRUE/FALSE and the current date or time are rendered", true},
        BadSql{"mysql_generated", MY, "CREATE TABLE t (a int, b int AS (a + 1))",
               "1:30: generated columns are not rendered: ferry renders no expressions", true},
        BadSql{"mysql_fulltext", MY, "CREATE TABLE t (a text, FULLTEXT KEY ft (a))", "1:25: FULLTEXT indexes are not rendered", true},
        BadSql{"mysql_foreign_key", MY, "CREATE TABLE t (a int, CONSTRAINT fk FOREIGN KEY (a) REFERENCES canary (id))",
               "1:38: FOREIGN KEY is not rendered: a foreign key names another table", true},
        BadSql{"mysql_like", MY, "CREATE TABLE t LIKE canary", "1:16: CREATE TABLE ... LIKE is not rendered: it names another table",
               true},
        BadSql{"mysql_unterminated_backtick", MY, "CREATE TABLE `t (a int)", "1:14: unterminated quoted identifier", false},
        BadSql{"mysql_dash_dash_without_space", MY, "CREATE TABLE t (a int) --x",
               "1:24: expected a table option or ';' after the column list, found '-'", false},
        BadSql{"mysql_charset_name", MY, "CREATE TABLE t (a text CHARACTER SET `x y`)", "1:38: 'x y' is not a character set name",
               false},
        BadSql{"mysql_second_statement", MY, "CREATE TABLE t (a int); DROP TABLE canary",
               "1:25: unexpected 'DROP' after the end of the statement", false},
        // SQLite
        BadSql{"sqlite_on_conflict", LITE, "CREATE TABLE t (a INTEGER NOT NULL ON CONFLICT REPLACE)",
               "1:36: ON CONFLICT is not rendered", true},
        BadSql{"sqlite_default_function", LITE, "CREATE TABLE t (a TEXT DEFAULT (datetime('now')))",
               "1:32: DEFAULT calls datetime(): only literals, NULL, TRUE/FALSE and the current date or time are rendered", true},
        BadSql{"sqlite_references", LITE, "CREATE TABLE t (a INTEGER REFERENCES canary)",
               "1:27: REFERENCES is not rendered: a foreign key names another table", true},
        BadSql{"sqlite_generated", LITE, "CREATE TABLE t (a INTEGER, b INTEGER AS (a * 2))",
               "1:38: generated columns are not rendered: ferry renders no expressions", true},
        BadSql{"sqlite_collation", LITE, "CREATE TABLE t (a TEXT COLLATE my_collation)",
               "1:32: COLLATE my_collation is not rendered: SQLite has BINARY, NOCASE and RTRIM", true},
        BadSql{"sqlite_temp", LITE, "CREATE TEMP TABLE t (a)", "1:8: TEMPORARY tables are not rendered: they vanish with the session",
               true},
        BadSql{"sqlite_unknown_option", LITE, "CREATE TABLE t (a) WITHOUT ROWID, VIRTUAL",
               "1:35: VIRTUAL after the column list is not rendered: ferry renders WITHOUT ROWID and STRICT", true},
        BadSql{"sqlite_unterminated_bracket", LITE, "CREATE TABLE [t (a)", "1:14: unterminated quoted identifier", false},
        BadSql{"sqlite_type_word", LITE, "CREATE TABLE t (a TEXT$)", "1:19: a SQLite type is plain words, found 'TEXT$'", false}),
    [](const testing::TestParamInfo<BadSql>& i) { return std::string(i.param.name); });

// Every truncation of a full DDL parses or fails with a position inside the text (run under
// FERRY_SANITIZE too).
TEST(SqlDdlParser, EveryPrefixFailsCleanly) {
    const std::pair<Dialect, std::string> full[] = {
        {PG, "CREATE TABLE IF NOT EXISTS s.\"t\" (a numeric(10,2) NOT NULL DEFAULT '1'::numeric, b text[] UNIQUE, "
             "CONSTRAINT k PRIMARY KEY (a));"},
        {MY, "CREATE TABLE `t` (`a` int(11) unsigned NOT NULL AUTO_INCREMENT COMMENT 'x', KEY `k` (`a`(3) DESC)) "
             "ENGINE=InnoDB COMMENT='c';"},
        {LITE, "CREATE TABLE [t] (a INTEGER PRIMARY KEY DESC AUTOINCREMENT, b DEFAULT (-1)) WITHOUT ROWID, STRICT;"},
    };
    for (const auto& [dialect, ddl] : full) {
        for (std::size_t n = 0; n < ddl.size(); ++n) {
            SqlTableDef t;
            DdlError e;
            const std::string prefix = ddl.substr(0, n);
            if (parse_sql_create_table(prefix, dialect, t, e)) continue;
            EXPECT_EQ(e.line, 1u) << prefix;
            EXPECT_LE(e.column, prefix.size() + 1) << prefix;
            EXPECT_FALSE(e.message.empty()) << prefix;
        }
        SqlTableDef t;
        DdlError e;
        EXPECT_TRUE(parse_sql_create_table(ddl, dialect, t, e)) << ddl << "\n" << e.text();
    }
}

}  // namespace
