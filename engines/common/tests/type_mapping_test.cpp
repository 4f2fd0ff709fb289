#include <gtest/gtest.h>

#include "ferry/engine/ddl.hpp"
#include "ferry/engine/type_mapping.hpp"

using namespace ferry::engine;

namespace {

DataType parse_type(const std::string& type) {
    TableDef t;
    DdlError e;
    EXPECT_TRUE(parse_create_table("CREATE TABLE t (c " + type + ")", t, e)) << e.text();
    return t.columns.empty() ? DataType{} : t.columns[0].type;
}

struct MapCase {
    const char* type;
    const char* postgresql;
    const char* hologres;
    const char* mysql;
    const char* sqlite;
    const char* lossy;  // dialects where the mapping is lossy: letters p h m s
};

class TypeMappingTest : public testing::TestWithParam<MapCase> {};

void check(const DataType& t, Dialect d, const char* expected, bool lossy) {
    MappedType m = map_type(t, d);
    if (std::string(expected) == "-") {
        EXPECT_FALSE(m.supported) << t.text() << " on " << to_string(d);
        EXPECT_FALSE(m.note.empty());
        return;
    }
    EXPECT_TRUE(m.supported) << t.text() << " on " << to_string(d) << ": " << m.note;
    EXPECT_EQ(m.sql, expected) << t.text() << " on " << to_string(d);
    EXPECT_EQ(m.lossy, lossy) << t.text() << " on " << to_string(d);
    if (m.lossy) {
        EXPECT_FALSE(m.note.empty());
    }
}

TEST_P(TypeMappingTest, FollowsTheProtocolTable) {
    const MapCase& c = GetParam();
    DataType t = parse_type(c.type);
    std::string lossy = c.lossy;
    check(t, Dialect::postgresql, c.postgresql, lossy.find('p') != std::string::npos);
    check(t, Dialect::hologres, c.hologres, lossy.find('h') != std::string::npos);
    check(t, Dialect::mysql, c.mysql, lossy.find('m') != std::string::npos);
    check(t, Dialect::sqlite, c.sqlite, lossy.find('s') != std::string::npos);
}

// "-" means no type fits (an error diagnostic for that column).
INSTANTIATE_TEST_SUITE_P(
    Cases, TypeMappingTest,
    testing::Values(
        MapCase{"TINYINT", "int2", "int2", "TINYINT", "INTEGER", ""},
        MapCase{"SMALLINT", "int2", "int2", "SMALLINT", "INTEGER", ""},
        MapCase{"INT", "int4", "int4", "INT", "INTEGER", ""},
        MapCase{"BIGINT", "int8", "int8", "BIGINT", "INTEGER", ""},
        MapCase{"FLOAT", "float4", "float4", "FLOAT", "REAL", ""},
        MapCase{"DOUBLE", "float8", "float8", "DOUBLE", "REAL", ""},
        MapCase{"DECIMAL(10,2)", "numeric(10,2)", "numeric(10,2)", "DECIMAL(10,2)", "TEXT", ""},
        MapCase{"DECIMAL", "numeric(38,18)", "numeric(38,18)", "DECIMAL(38,18)", "TEXT", ""},
        MapCase{"STRING", "text", "text", "LONGTEXT", "TEXT", ""},
        MapCase{"VARCHAR(20)", "varchar(20)", "varchar(20)", "VARCHAR(20)", "TEXT", "s"},
        MapCase{"VARCHAR(60000)", "varchar(60000)", "varchar(60000)", "MEDIUMTEXT", "TEXT", "ms"},
        MapCase{"CHAR(3)", "char(3)", "char(3)", "CHAR(3)", "TEXT", "s"},
        MapCase{"BOOLEAN", "bool", "bool", "BOOLEAN", "INTEGER", ""},
        MapCase{"DATE", "date", "date", "DATE", "TEXT", ""},
        MapCase{"DATETIME", "timestamptz", "timestamptz", "DATETIME(3)", "TEXT", ""},
        MapCase{"TIMESTAMP", "timestamptz", "timestamptz", "DATETIME(6)", "TEXT", "phm"},
        MapCase{"BINARY", "bytea", "bytea", "LONGBLOB", "BLOB", ""},
        MapCase{"ARRAY<BIGINT>", "int8[]", "int8[]", "JSON", "TEXT", "ms"},
        MapCase{"ARRAY<STRING>", "text[]", "text[]", "JSON", "TEXT", "ms"},
        MapCase{"ARRAY<DECIMAL(5,1)>", "numeric(5,1)[]", "-", "JSON", "TEXT", "ms"},
        MapCase{"ARRAY<TINYINT>", "jsonb", "-", "JSON", "TEXT", "pms"},
        MapCase{"ARRAY<SMALLINT>", "jsonb", "-", "JSON", "TEXT", "pms"},
        MapCase{"ARRAY<ARRAY<INT>>", "jsonb", "-", "JSON", "TEXT", "pms"},
        MapCase{"MAP<STRING,BIGINT>", "jsonb", "-", "JSON", "TEXT", "pms"},
        MapCase{"STRUCT<a:INT,b:STRING>", "jsonb", "-", "JSON", "TEXT", "pms"}),
    [](const testing::TestParamInfo<MapCase>& i) { return "case_" + std::to_string(i.index); });

TEST(TypeMapping, HiveKeepsComplexTypes) {
    EXPECT_EQ(map_type(parse_type("MAP<STRING,STRUCT<a:DATETIME>>"), Dialect::hive).sql, "MAP<STRING,STRUCT<`a`:TIMESTAMP>>");
    EXPECT_EQ(map_type(parse_type("DECIMAL(10,2)"), Dialect::hive).sql, "DECIMAL(10,2)");
}

}  // namespace
