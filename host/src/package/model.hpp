// The objects a package holds, as read from its FlowSpec documents and layout. Large bytes (code
// files, resource files) are not held here: a ContentRef says where they are (inline text for
// code written inside JSON, else a package entry that may have been spooled to a private file).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ferry::host {

struct ContentRef {
    bool present = false;       // false: no code (e.g. a VIRTUAL node) or a missing file
    std::string inline_text;    // code written inside the FlowSpec document
    bool is_inline = false;
    std::string entry_path;     // package entry holding the bytes, when not inline
    std::string spool_path;     // the private spool file holding a copy, when the reader kept content
    std::uint64_t offset = 0;   // where the copy starts in the spool file
    std::uint64_t size = 0;
};

struct Dependency {
    std::string target;  // a node id, a node output, or a root output like "dw_scheduler_pre_root"
    std::string type;    // Normal, CrossCycleDependsOnSelf, ...
};

struct Node {
    std::string id;
    std::string name;
    std::string workflow;
    std::string command;          // script.runtime.command
    std::string engine_label;     // script.runtime.engine, as written
    std::string language;
    std::string script_path;
    std::string datasource_name;  // the source engine instance
    std::string datasource_type;
    std::string owner;
    std::string description;
    std::string resource_group;
    std::string resource_group_id;
    std::string trigger_type;
    std::string cron;
    std::string start_time;
    std::string end_time;
    std::string timezone;
    std::string recurrence;       // Normal | Pause | Skip ("Skip" = dry-run / empty run)
    std::string instance_mode;
    std::string rerun_mode;
    std::int64_t rerun_times = 0;
    std::int64_t rerun_interval = 0;
    std::int64_t priority = 0;
    std::int64_t timeout = 0;
    std::vector<std::string> inputs;   // input node outputs and tables
    std::vector<std::string> outputs;  // output node outputs and tables
    std::vector<Dependency> depends;
    std::vector<std::string> parameters;
    ContentRef code;
    std::string source_path;      // the package entry the node was read from

    bool dry_run() const { return recurrence == "Skip" || recurrence == "SKIP"; }
};

struct Resource {
    std::string id;
    std::string name;
    std::string type;             // python | jar | archive | file (or ODPS_* as written)
    std::string datasource_name;
    std::string datasource_type;
    std::string resource_group;
    std::string owner;
    std::string file_path;        // where the file lived in the source (storage path)
    ContentRef content;
    std::string source_path;
};

struct Table {
    std::string id;
    std::string name;
    std::string guid;
    std::string engine_type;      // calcEngine.type, e.g. MaxCompute
    std::string project;          // calcEngine.project: the source engine instance
    std::string schema;
    std::string ddl;
    std::string owner;
    std::string source_path;
};

struct Function {
    std::string id;
    std::string name;
    std::string type;
    std::string class_name;
    std::string datasource_name;
    std::string datasource_type;
    std::vector<std::string> resources;  // resource names
    std::string embedded_code;
    std::string owner;
    std::string source_path;
};

struct DataSource {
    std::string id;
    std::string name;
    std::string type;
    std::string sub_type;
    std::string environment;      // PRD | DEV, from the layout
    std::string config;           // may hold secrets: never printed
    std::string source_path;
};

struct PackageInfo {
    std::string location;         // path or address as shown to users
    std::string source_plugin;
    std::uint64_t size = 0;
    std::string sha256;
    std::string format;           // spec | flow | flowspec-archive | flowspec-json
    std::uint64_t entries = 0;
    std::uint64_t uncompressed = 0;
};

struct PackageModel {
    PackageInfo info;
    std::vector<Node> nodes;
    std::vector<Resource> resources;
    std::vector<Table> tables;
    std::vector<Function> functions;
    std::vector<DataSource> datasources;
    std::vector<std::string> workflows;

    std::size_t object_count() const {
        return nodes.size() + resources.size() + tables.size() + functions.size() + datasources.size();
    }
};

}  // namespace ferry::host
