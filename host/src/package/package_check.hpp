// What makes a read package unsound beyond its bytes: names the destination would refuse,
// duplicates, dependencies on nothing, command types nobody knows, no objects at all.
#pragma once

#include <functional>
#include <string>

#include "ferry/sdk/diagnostic.hpp"
#include "package/model.hpp"

namespace ferry::host {

// Commands the host itself knows (general nodes, controllers, data integration): they need no
// engine plugin.
bool is_general_command(const std::string& command);

// The SQL dialect a table's DDL is written in ("maxcompute", "postgresql", ...; empty when no engine
// reads it): task/engine_routing's dialect_of(engine_type_of(registry, table)).
using TableDialect = std::function<std::string(const Table&)>;

// `command_known` says whether an engine plugin owns a command type. `table_dialect` routes tables
// through the loaded plugins; without it, through the product's own table of engine types.
//
// Every table's DDL is read by the engines' parser (ferry/engine/ddl_guard.hpp), so a package whose
// DDL would run anything but a CREATE TABLE of that table is refused here, before any plan:
//   FERRY-PKG-DDL-STATEMENTS  error    more than one statement
//   FERRY-PKG-DDL-NAME        error    the DDL creates another table, under a qualifier that is not
//                                      the table's project or schema, or the table's name holds a '.'
//   FERRY-PKG-DDL-PARSE       error    not a CREATE TABLE, or text whose end cannot be found
//   FERRY-PKG-DDL-UNSUPPORTED warning  its own CREATE TABLE, which the engine will not render
// An empty DDL is not checked (nothing runs).
void check_package(const PackageModel& model, const std::function<bool(const std::string&)>& command_known,
                   sdk::Diagnostics& diags, const TableDialect& table_dialect = {});

}  // namespace ferry::host
