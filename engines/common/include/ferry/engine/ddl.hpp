// MaxCompute / Hive DDL as data: what the parser produces and the renderers consume. Nothing here
// is raw text of the package: every clause a renderer writes comes from these fields.
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

// CLUSTERED BY / RANGE CLUSTERED BY (cols) [SORTED BY (col [ASC|DESC], ...)] [INTO n BUCKETS]
struct Clustering {
    bool range = false;
    std::vector<std::string> columns;
    std::vector<std::pair<std::string, bool>> sorted_by;  // column, descending
    std::optional<std::int64_t> buckets;
    bool empty() const { return columns.empty(); }
};

// ROW FORMAT / STORED AS / STORED BY / WITH SERDEPROPERTIES / USING, each clause parsed into its
// parts so a renderer writes it again from data (names checked, strings quoted), never as text.
struct Storage {
    // ROW FORMAT DELIMITED: canonical clause ("FIELDS TERMINATED BY", "ESCAPED BY", "COLLECTION ITEMS
    // TERMINATED BY", "MAP KEYS TERMINATED BY", "LINES TERMINATED BY", "NULL DEFINED AS") and its string
    bool delimited = false;
    std::vector<std::pair<std::string, std::string>> delimiters;
    std::string serde;                  // ROW FORMAT SERDE 'class'
    std::vector<std::pair<std::string, std::string>> serde_properties;  // WITH SERDEPROPERTIES ('k'='v', ...)
    std::string stored_as;              // STORED AS <file format>, a plain name (ORC, PARQUET, ...)
    std::string input_format, output_format;  // STORED AS INPUTFORMAT 'x' OUTPUTFORMAT 'y'
    std::string stored_by;              // STORED BY 'handler class'
    std::optional<std::string> using_resources;  // MaxCompute external tables: USING 'a.jar,b.jar'
    bool empty() const {
        return !delimited && serde.empty() && serde_properties.empty() && stored_as.empty() && input_format.empty() &&
               stored_by.empty() && !using_resources;
    }
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
    Clustering clustering;
    std::vector<std::pair<std::string, std::string>> tblproperties;
    Storage storage;
    std::optional<std::string> location;
    std::optional<std::int64_t> lifecycle;
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
    // The text is well formed but holds something ferry does not render (REFERENCES, CHECK,
    // INHERITS, a DEFAULT that calls a function...): FERRY-ENGINE-DDL-UNSUPPORTED, not a syntax error.
    bool unsupported = false;
    // "ddl:LINE:COL", the `where` of a diagnostic
    std::string where() const { return "ddl:" + std::to_string(line) + ":" + std::to_string(column); }
    std::string text() const { return std::to_string(line) + ":" + std::to_string(column) + ": " + message; }
};

// What a parser read of `CREATE ... TABLE [IF NOT EXISTS] name` before anything else, kept when the
// rest fails: the name a DDL would create is checked against the table's own name either way.
struct DdlHead {
    bool parsed = false;
    std::vector<std::string> parts;  // the name as written, unquoted: {"proj", "schema", "t"}
    std::size_t offset = 0;          // byte offset of the name in the DDL
};

// CREATE [OR REPLACE | EXTERNAL] TABLE [IF NOT EXISTS] [proj.[schema.]]tbl (...) ... [LIFECYCLE n] [;]
bool parse_create_table(std::string_view ddl, TableDef& out, DdlError& error, DdlHead* head = nullptr);
// CREATE FUNCTION [proj.]f AS 'pkg.Class' USING 'a.jar,b.py' [;]
bool parse_create_function(std::string_view ddl, FunctionDef& out, DdlError& error);

}  // namespace ferry::engine
