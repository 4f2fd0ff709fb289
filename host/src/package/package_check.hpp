// What makes a read package unsound beyond its bytes: names the destination would refuse,
// duplicates, dependencies on nothing, command types nobody knows, no objects at all.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "ferry/sdk/diagnostic.hpp"
#include "package/model.hpp"

namespace ferry::host {

// Commands the host itself knows (general nodes, controllers, data integration): they need no
// engine plugin.
bool is_general_command(const std::string& command);

// The checks of nodes' names and ids (names the destination would refuse; two top-level nodes of
// one name; two nodes of one name inside one container; one id used twice), fed one node at a time
// in the model's order. The package reader feeds it as it adds each node, on its parser thread
// while the walker still reads, and hangs it on the model (PackageModel::node_name_checks):
// reading every node back for it after the read was the longest part of a check's last stretch.
// check_package uses it, or feeds one itself from the model; what it finds is worded there.
class NodeNameChecks {
  public:
    NodeNameChecks();
    ~NodeNameChecks();
    NodeNameChecks(const NodeNameChecks&) = delete;
    NodeNameChecks& operator=(const NodeNameChecks&) = delete;

    // The node at `index` of the model's nodes (its name, id, pointer, container, inner flag);
    // indices come in order from 0.
    void note(const Node& node, std::size_t index);
    // How many nodes were noted: all of the model's, or the checks are not the model's.
    std::size_t noted() const;

    struct State;  // package_check.cpp
    State& state() { return *state_; }

  private:
    std::unique_ptr<State> state_;
};

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
