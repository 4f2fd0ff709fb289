// The cross-engine type mapping of protocols.md: a MaxCompute column type on PostgreSQL, Hologres,
// MySQL (MariaDB), SQLite or Hive. Lossy mappings say why, so the report can warn per column.
#pragma once

#include <string>

#include "ferry/engine/ddl.hpp"
#include "ferry/engine/dialect.hpp"

namespace ferry::engine {

struct MappedType {
    bool supported = true;  // false: no column type fits (e.g. MAP on Hologres); `note` says why
    std::string sql;        // the destination type, e.g. "numeric(10,2)", "jsonb", "TEXT"
    bool lossy = false;     // values or structure change on the way; `note` says how
    std::string note;
};

MappedType map_type(const DataType& type, Dialect target);

}  // namespace ferry::engine
