// Engine plugins: one per compute-engine type (maxcompute, hologres, postgresql, sqlite, ...).
//
// The plugin is created once per destination engine instance, from that instance's table in the
// task config ([[workspace.engines]]). Creating it must not connect: an instance whose objects are
// only saved in the catalog needs no connection at all. exists() and apply() connect on first use.
//
// What the engine owns (node commands, datasource types, table and function types) is declared in
// the descriptor's `owns` list so the host can route objects before creating anything.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "ferry/sdk/diagnostic.hpp"
#include "ferry/sdk/object.hpp"
#include "ferry/sdk/plugin.hpp"

namespace ferry::sdk {

// Rewrites what names the source in a node's code, inputs and outputs.
struct RewriteRequest {
    std::string code;
    std::string command;  // the node's command type, e.g. ODPS_SQL
    // source name -> destination name (workspace/project names, mapped instance projects).
    // Replaced only as whole identifiers: `sales_dev.t` changes, `sales_dev_backup.t` does not.
    std::vector<std::pair<std::string, std::string>> names;
};
struct RewriteResponse {
    std::string code;
    std::size_t replacements = 0;
    Diagnostics diagnostics;
};

// Renders a table for this instance from the package's DDL.
struct TableRequest {
    std::string name;            // the table's name in the package
    std::string ddl;             // the package's DDL text
    std::string source_dialect;  // dialect of the engine the DDL was written for ("maxcompute", ...)
    bool overwrite = false;      // on_conflict = overwrite: replace an existing table
};
struct TableResponse {
    std::vector<std::string> statements;  // what apply() would run, in order
    Diagnostics diagnostics;              // parse errors carry "ddl:LINE:COL" in `where`; lossy columns are warnings
};

struct FunctionRequest {
    std::string name;
    std::string class_name;
    std::vector<std::string> resources;
    std::string source_dialect;
    bool overwrite = false;
};
struct FunctionResponse {
    std::vector<std::string> statements;
    Diagnostics diagnostics;
};

struct ExistsRequest {
    ObjectKind kind = ObjectKind::table;
    std::string name;
};
struct ExistsResponse {
    bool exists = false;
    Diagnostics diagnostics;  // an error: the instance could not be asked (down, login refused)
};

struct ApplyRequest {
    ObjectKind kind = ObjectKind::table;
    std::string name;
    std::vector<std::string> statements;  // from render_table / render_function
    std::string resource_path;            // resources: a local file holding the bytes
    std::string resource_type;            // resources: file | jar | py | archive
};
struct ApplyResponse {
    bool applied = false;
    Diagnostics diagnostics;  // the engine's own message, never a password
};

class FERRY_SDK_EXPORT Engine : public PluginObject {
  public:
    // The SQL dialect this engine speaks ("maxcompute", "postgresql", "mysql", "sqlite", "hive").
    virtual std::string dialect() const = 0;
    virtual RewriteResponse rewrite(const RewriteRequest& request) = 0;
    virtual TableResponse render_table(const TableRequest& request) = 0;
    virtual FunctionResponse render_function(const FunctionRequest& request) = 0;
    virtual ExistsResponse exists(const ExistsRequest& request) = 0;
    virtual ApplyResponse apply(const ApplyRequest& request) = 0;
};

}  // namespace ferry::sdk
