#include <gtest/gtest.h>

#include "ferry/engine/ddl.hpp"

using namespace ferry::engine;

namespace {

TEST(DdlParser, FullMaxComputeTable) {
    const char* ddl = R"(-- exported by DataWorks
CREATE TABLE IF NOT EXISTS sales_dev.ods.`orders` (
  id BIGINT NOT NULL COMMENT 'order id',
  amount DECIMAL(10,2),
  raw DECIMAL,
  code VARCHAR(32) COMMENT 'it\'s a code',
  flag CHAR(1),
  tags ARRAY<STRING>,
  attrs MAP<STRING, ARRAY<INT>>,
  addr STRUCT<city:STRING, geo:STRUCT<lat:DOUBLE, lon:DOUBLE>, zip:VARCHAR(10) COMMENT 'z'>
) COMMENT 'orders, daily'
PARTITIONED BY (ds STRING COMMENT 'day', region STRING)
CLUSTERED BY (id) SORTED BY (id) INTO 16 BUCKETS
TBLPROPERTIES ('transactional'='true')
LIFECYCLE 30;
)";
    TableDef t;
    DdlError e;
    ASSERT_TRUE(parse_create_table(ddl, t, e)) << e.text();
    EXPECT_TRUE(t.if_not_exists);
    EXPECT_EQ(t.project, "sales_dev");
    EXPECT_EQ(t.schema, "ods");
    EXPECT_EQ(t.name, "orders");
    ASSERT_EQ(t.columns.size(), 8u);
    EXPECT_EQ(t.columns[0].name, "id");
    EXPECT_TRUE(t.columns[0].not_null);
    EXPECT_EQ(*t.columns[0].comment, "order id");
    EXPECT_EQ(t.columns[0].line, 3u);
    EXPECT_EQ(t.columns[0].column, 3u);
    EXPECT_EQ(t.columns[1].type.text(), "DECIMAL(10,2)");
    EXPECT_TRUE(t.columns[2].type.bare_decimal);
    EXPECT_EQ(t.columns[2].type.precision, 38);
    EXPECT_EQ(t.columns[2].type.scale, 18);
    EXPECT_EQ(*t.columns[3].comment, "it's a code");
    EXPECT_EQ(t.columns[3].type.text(), "VARCHAR(32)");
    EXPECT_EQ(t.columns[6].type.text(), "MAP<STRING,ARRAY<INT>>");
    EXPECT_EQ(t.columns[7].type.text(), "STRUCT<city:STRING,geo:STRUCT<lat:DOUBLE,lon:DOUBLE>,zip:VARCHAR(10)>");
    EXPECT_EQ(*t.comment, "orders, daily");
    ASSERT_EQ(t.partitions.size(), 2u);
    EXPECT_EQ(t.partitions[0].name, "ds");
    EXPECT_FALSE(t.clustering.range);
    EXPECT_EQ(t.clustering.columns, (std::vector<std::string>{"id"}));
    EXPECT_EQ(t.clustering.sorted_by, (std::vector<std::pair<std::string, bool>>{{"id", false}}));
    EXPECT_EQ(*t.clustering.buckets, 16);
    ASSERT_EQ(t.tblproperties.size(), 1u);
    EXPECT_EQ(t.tblproperties[0].first, "transactional");
    EXPECT_EQ(*t.lifecycle, 30);
}

TEST(DdlParser, HeadIsKeptWhenTheRestFails) {
    TableDef t;
    DdlError e;
    DdlHead head;
    ASSERT_FALSE(parse_create_table("CREATE TABLE p.`Orders` (a STRNG)", t, e, &head));
    EXPECT_TRUE(head.parsed);
    EXPECT_EQ(head.parts, (std::vector<std::string>{"p", "Orders"}));
    EXPECT_EQ(head.offset, 13u);
    ASSERT_FALSE(parse_create_table("DROP TABLE canary", t, e, &head));
    EXPECT_FALSE(head.parsed);
}

TEST(DdlParser, ModifiersAndHiveStorage) {
    TableDef t;
    DdlError e;
    ASSERT_TRUE(parse_create_table("create or replace table t (a int)", t, e)) << e.text();
    EXPECT_TRUE(t.or_replace);
    ASSERT_TRUE(parse_create_table(
        "CREATE EXTERNAL TABLE db.logs (line STRING) PARTITIONED BY (dt STRING) ROW FORMAT DELIMITED FIELDS TERMINATED BY '\\t' "
        "STORED AS TEXTFILE LOCATION 'oss://bucket/logs/'",
        t, e))
        << e.text();
    EXPECT_TRUE(t.external);
    EXPECT_EQ(t.project, "db");
    EXPECT_TRUE(t.storage.delimited);
    EXPECT_EQ(t.storage.delimiters, (std::vector<std::pair<std::string, std::string>>{{"FIELDS TERMINATED BY", "\t"}}));
    EXPECT_EQ(t.storage.stored_as, "TEXTFILE");
    EXPECT_EQ(*t.location, "oss://bucket/logs/");
}

// Storage and clustering clauses are read into parts, so a renderer never copies their text.
TEST(DdlParser, StorageClausesAreData) {
    TableDef t;
    DdlError e;
    ASSERT_TRUE(parse_create_table(
        "CREATE EXTERNAL TABLE t (a STRING, b BIGINT) RANGE CLUSTERED BY (b) SORTED BY (b DESC, a)\n"
        "ROW FORMAT SERDE 'org.apache.SerDe' WITH SERDEPROPERTIES ('separatorChar'=',')\n"
        "STORED AS INPUTFORMAT 'in.Fmt' OUTPUTFORMAT 'out.Fmt' LOCATION 'oss://b/' USING 'handler.jar'",
        t, e))
        << e.text();
    EXPECT_TRUE(t.clustering.range);
    EXPECT_FALSE(t.clustering.buckets);
    EXPECT_EQ(t.clustering.sorted_by, (std::vector<std::pair<std::string, bool>>{{"b", true}, {"a", false}}));
    EXPECT_EQ(t.storage.serde, "org.apache.SerDe");
    EXPECT_EQ(t.storage.serde_properties, (std::vector<std::pair<std::string, std::string>>{{"separatorChar", ","}}));
    EXPECT_EQ(t.storage.input_format, "in.Fmt");
    EXPECT_EQ(t.storage.output_format, "out.Fmt");
    EXPECT_EQ(*t.storage.using_resources, "handler.jar");
    ASSERT_TRUE(parse_create_table("CREATE TABLE t (a STRING) STORED BY 'com.aliyun.odps.CsvStorageHandler' "
                                   "WITH SERDEPROPERTIES ('odps.text.option.delimiter'='|')",
                                   t, e))
        << e.text();
    EXPECT_EQ(t.storage.stored_by, "com.aliyun.odps.CsvStorageHandler");
    ASSERT_EQ(t.storage.serde_properties.size(), 1u);
}

struct BadDdl {
    const char* name;
    const char* ddl;
    const char* error;  // "LINE:COL: message"
};

class DdlErrorTest : public testing::TestWithParam<BadDdl> {};

TEST_P(DdlErrorTest, SaysWhereAndWhat) {
    TableDef t;
    DdlError e;
    ASSERT_FALSE(parse_create_table(GetParam().ddl, t, e));
    EXPECT_EQ(e.text(), GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DdlErrorTest,
    testing::Values(
        BadDdl{"not_create", "SELECT 1", "1:1: expected CREATE, found 'SELECT'"},
        BadDdl{"view", "CREATE VIEW v AS SELECT 1", "1:8: expected TABLE after CREATE, found 'VIEW'"},
        BadDdl{"no_name", "CREATE TABLE (a INT)", "1:14: expected a table name, found '('"},
        BadDdl{"no_columns", "CREATE TABLE t;", "1:15: expected '(' after the table name, found ';'"},
        BadDdl{"ctas", "CREATE TABLE t AS SELECT 1",
               "1:16: CREATE TABLE ... AS SELECT has no column list to render; write the columns out"},
        BadDdl{"unknown_type", "CREATE TABLE t (\n  a STRNG\n)", "2:5: unknown column type 'STRNG'"},
        BadDdl{"missing_comma", "CREATE TABLE t (a INT b INT)", "1:23: expected ',' or ')' after a column, found 'b'"},
        BadDdl{"eof_in_columns", "CREATE TABLE t (a INT,", "1:23: expected a column name, found end of input"},
        BadDdl{"decimal_precision", "CREATE TABLE t (a DECIMAL(40,2))", "1:27: DECIMAL precision must be 1 to 38, found 40"},
        BadDdl{"decimal_scale", "CREATE TABLE t (a DECIMAL(5,6))", "1:29: DECIMAL scale 6 is larger than its precision 5"},
        BadDdl{"varchar_no_length", "CREATE TABLE t (a VARCHAR)", "1:26: expected '(' and a length after VARCHAR, found ')'"},
        BadDdl{"array_not_closed", "CREATE TABLE t (a ARRAY<INT, b INT)", "1:28: expected '>' to close ARRAY<...>, found ','"},
        BadDdl{"map_complex_key", "CREATE TABLE t (a MAP<ARRAY<INT>,INT>)", "1:23: MAP keys must be a primitive type, found ARRAY<INT>"},
        BadDdl{"struct_sep", "CREATE TABLE t (a STRUCT<x:INT y:INT>)", "1:32: expected ',' or '>' in STRUCT<...>, found 'y'"},
        BadDdl{"duplicate_column", "CREATE TABLE t (a INT, A STRING)", "1:24: duplicate column 'A'"},
        BadDdl{"seven_partitions", "CREATE TABLE t (a INT) PARTITIONED BY (p1 STRING, p2 STRING, p3 STRING, p4 STRING, p5 STRING, p6 STRING, p7 STRING)",
               "1:40: more than 6 partition levels (found 7)"},
        BadDdl{"partition_is_column", "CREATE TABLE t (a INT) PARTITIONED BY (a STRING)",
               "1:40: partition column 'a' is also a table column"},
        BadDdl{"lifecycle_word", "CREATE TABLE t (a INT) LIFECYCLE forever",
               "1:34: expected a number of days after LIFECYCLE, found 'forever'"},
        BadDdl{"lifecycle_zero", "CREATE TABLE t (a INT) LIFECYCLE 0", "1:34: LIFECYCLE must be at least 1 day"},
        BadDdl{"unterminated_comment_string", "CREATE TABLE t (a INT COMMENT 'oops)", "1:31: unterminated string literal"},
        BadDdl{"unterminated_block_comment", "CREATE TABLE t (a INT) /* never closed", "1:24: unterminated comment"},
        BadDdl{"trailing", "CREATE TABLE t (a INT); DROP TABLE t", "1:25: unexpected 'DROP' after the end of the statement"},
        BadDdl{"unknown_clause", "CREATE TABLE t (a INT) ENGINE=InnoDB",
               "1:24: unexpected 'ENGINE' after the column list (expected COMMENT, PARTITIONED BY, CLUSTERED BY, "
               "TBLPROPERTIES, STORED, LOCATION, LIFECYCLE or ';')"},
        BadDdl{"four_part_name", "CREATE TABLE a.b.c.d (x INT)",
               "1:14: a table name has at most two qualifiers (project.schema.table)"},
        BadDdl{"utf8_column_position", "CREATE TABLE 订单 (金额 MONEY)", "1:21: unknown column type 'MONEY'"},
        BadDdl{"function_not_table", "CREATE FUNCTION f AS 'a.B'", "1:8: expected TABLE, found a CREATE FUNCTION statement"},
        BadDdl{"clustered_unknown_column", "CREATE TABLE t (a INT) CLUSTERED BY (b) INTO 4 BUCKETS",
               "1:38: CLUSTERED BY names column 'b', which the table does not have"},
        BadDdl{"clustered_no_buckets", "CREATE TABLE t (a INT) CLUSTERED BY (a)",
               "1:40: expected INTO n BUCKETS after CLUSTERED BY (...), found end of input"},
        BadDdl{"stored_as_string", "CREATE TABLE t (a INT) STORED AS 'ORC; DROP TABLE x'",
               "1:34: expected a file format after STORED AS, found ''ORC; DROP TABLE x''"},
        BadDdl{"serdeproperties_alone", "CREATE TABLE t (a INT) WITH SERDEPROPERTIES ('a'='b')",
               "1:54: WITH SERDEPROPERTIES needs ROW FORMAT SERDE or STORED BY"},
        BadDdl{"raw_row_format", "CREATE TABLE t (a INT) ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' ; DROP TABLE x",
               "1:72: unexpected 'DROP' after the end of the statement"},
        BadDdl{"nul_in_comment", "CREATE TABLE t (a INT COMMENT 'a\\0b')", "1:31: a string literal holds a NUL character"}),
    [](const testing::TestParamInfo<BadDdl>& i) { return std::string(i.param.name); });

TEST(FunctionParser, ClassAndResources) {
    FunctionDef f;
    DdlError e;
    ASSERT_TRUE(parse_create_function("CREATE FUNCTION proj.my_upper AS 'com.example.Upper' USING 'udf.jar, other_proj/resources/dep.py';", f, e))
        << e.text();
    EXPECT_EQ(f.project, "proj");
    EXPECT_EQ(f.name, "my_upper");
    EXPECT_EQ(f.class_name, "com.example.Upper");
    EXPECT_EQ(f.resources, (std::vector<std::string>{"udf.jar", "other_proj/resources/dep.py"}));
}

struct BadFunction {
    const char* name;
    const char* ddl;
    const char* error;
};
class FunctionErrorTest : public testing::TestWithParam<BadFunction> {};
TEST_P(FunctionErrorTest, SaysWhereAndWhat) {
    FunctionDef f;
    DdlError e;
    ASSERT_FALSE(parse_create_function(GetParam().ddl, f, e));
    EXPECT_EQ(e.text(), GetParam().error);
}
INSTANTIATE_TEST_SUITE_P(
    Cases, FunctionErrorTest,
    testing::Values(
        BadFunction{"no_as", "CREATE FUNCTION f 'x'", "1:19: expected AS after the function name, found ''x''"},
        BadFunction{"class_not_string", "CREATE FUNCTION f AS com.x.Y",
                    "1:22: expected the class name as a string, e.g. 'com.example.Upper', found 'com'"},
        BadFunction{"empty_resource", "CREATE FUNCTION f AS 'a.B' USING 'x.jar,,y.jar'", "1:34: the resource list has an empty entry"},
        BadFunction{"table", "CREATE TABLE t (a INT)", "1:8: expected FUNCTION, found a CREATE TABLE statement"}),
    [](const testing::TestParamInfo<BadFunction>& i) { return std::string(i.param.name); });

}  // namespace

namespace {

// Every truncation of a full DDL either parses or fails with a position inside the text: no crash,
// no position past the end (run under FERRY_SANITIZE too).
TEST(DdlParser, EveryPrefixFailsCleanly) {
    const std::string ddl =
        "CREATE TABLE IF NOT EXISTS p.s.`t` (\n  a DECIMAL(10,2) NOT NULL COMMENT 'x\\'y',\n  b MAP<STRING,STRUCT<c:ARRAY<INT>>>\n)"
        " COMMENT \"t\" PARTITIONED BY (ds STRING) CLUSTERED BY (a) INTO 4 BUCKETS TBLPROPERTIES ('k'='v') LIFECYCLE 3;";
    for (std::size_t n = 0; n < ddl.size(); ++n) {
        TableDef t;
        DdlError e;
        const std::string prefix = ddl.substr(0, n);
        if (parse_create_table(prefix, t, e)) continue;
        EXPECT_GE(e.line, 1u);
        EXPECT_LE(e.line, 5u) << prefix;
        EXPECT_FALSE(e.message.empty()) << prefix;
    }
    TableDef t;
    DdlError e;
    EXPECT_TRUE(parse_create_table(ddl, t, e)) << e.text();
}

}  // namespace
