// MaxCompute / Hive DDL as data: what the parser produces and the renderers consume.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ferry::engine {

struct DataType {
    enum class Kind {
        tinyint, smallint, int_, bigint, float_, double_, decimal, varchar, char_, string, binary,
        date, datetime, timestamp, timestamp_ntz, boolean, json, array, map, struct_
    };
    Kind kind = Kind::string;
    int length = 0;             // VARCHAR(n), CHAR(n)
    int precision = 0;          // DECIMAL(p,s); a bare DECIMAL is (38,18)
    int scale = 0;
    bool bare_decimal = false;  // written without (p,s)
    std::vector<DataType> children;         // ARRAY: element; MAP: key, value; STRUCT: fields
    std::vector<std::string> field_names;   // STRUCT field names, parallel to children

    bool is_complex() const { return kind == Kind::array || kind == Kind::map || kind == Kind::struct_; }
    // MaxCompute spelling, e.g. "ARRAY<STRUCT<a:INT,b:DECIMAL(10,2)>>".
    std::string text() const;
};

struct Column {
    std::string name;
    DataType type;
    std::optional<std::string> comment;
    bool not_null = false;
    std::uint32_t line = 0, column = 0;  // where the column's name is in the DDL
};

struct TableDef {
    bool or_replace = false;
    bool external = false;
    bool if_not_exists = false;
    std::string project;  // empty when unqualified
    std::string schema;   // only with proj.schema.tbl
    std::string name;
    std::vector<Column> columns;
    std::optional<std::string> comment;
    std::vector<Column> partitions;
    std::string clustered_by;                                // raw text from CLUSTERED/RANGE CLUSTERED on
    std::vector<std::pair<std::string, std::string>> tblproperties;
    std::string storage;                                     // raw ROW FORMAT / STORED ... / USING / WITH ...
    std::optional<std::string> location;
    std::optional<std::int64_t> lifecycle;

    // Byte offsets into the DDL so a same-dialect renderer can re-target the original text exactly.
    std::size_t statement_begin = 0;                // CREATE
    std::size_t modifiers_begin = 0, modifiers_end = 0;  // between CREATE and TABLE (OR REPLACE / EXTERNAL)
    std::size_t table_keyword_end = 0;              // just after TABLE
    std::size_t if_not_exists_begin = 0, if_not_exists_end = 0;  // empty range when absent
    std::size_t name_begin = 0, name_end = 0;       // the possibly qualified name
    std::size_t statement_end = 0;                  // before the terminating ';' or the end
};

struct FunctionDef {
    std::string project;
    std::string name;
    std::string class_name;
    std::vector<std::string> resources;  // USING 'a.jar,b.py' split on commas, trimmed
    bool or_replace = false;
    bool if_not_exists = false;
};

struct DdlError {
    std::uint32_t line = 0;
    std::uint32_t column = 0;
    std::string message;  // e.g. "expected ',' or ')' after a column, found 'x'"
    // "ddl:LINE:COL", the `where` of a diagnostic
    std::string where() const { return "ddl:" + std::to_string(line) + ":" + std::to_string(column); }
    std::string text() const { return std::to_string(line) + ":" + std::to_string(column) + ": " + message; }
};

// CREATE [OR REPLACE | EXTERNAL] TABLE [IF NOT EXISTS] [proj.[schema.]]tbl (...) ... [LIFECYCLE n] [;]
bool parse_create_table(std::string_view ddl, TableDef& out, DdlError& error);
// CREATE FUNCTION [proj.]f AS 'pkg.Class' USING 'a.jar,b.py' [;]
bool parse_create_function(std::string_view ddl, FunctionDef& out, DdlError& error);

}  // namespace ferry::engine
