// The objects a package holds. Each object is its own FlowSpec document (`document`): the whole
// of what the package wrote for it, references resolved in place, in canonical JSON (see
// flowspec_parser.hpp). The typed fields beside it are views of that document that check, preview
// and plan read; they are never written back. Large bytes (code files, resource files, documents
// during an import) are not held here: a ContentRef says where they are (inline text, or a copy in
// the reader's private spool file).
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "util/object_spool.hpp"

namespace ferry::host {

struct ContentRef {
    bool present = false;       // false: no code (e.g. a VIRTUAL node) or a missing file
    std::string inline_text;    // text held here (code written inside the FlowSpec document, ...)
    bool is_inline = false;
    std::string entry_path;     // package entry holding the bytes, when not inline
    std::string spool_path;     // the private spool file holding a copy, when the reader kept content
    std::uint64_t offset = 0;   // where the copy starts in the spool file
    std::uint64_t size = 0;
};

inline constexpr std::size_t kNoContainer = std::numeric_limits<std::size_t>::max();

struct Dependency {
    std::string target;  // a node id, a node output, or a root output like "dw_scheduler_pre_root"
    std::string type;    // Normal, CrossCycleDependsOnSelf, ...
};

// What every object read from a package has.
struct PackageObject {
    std::string id;
    std::string name;
    std::string owner;
    std::string source_path;  // the package entry it was read from
    std::string folder;       // its place in the package layout below DataStudio/ ("业务流程/sales/MaxCompute/数据开发")
    std::string doc_kind;     // the FlowSpec kind of the document it came from (CycleWorkflow, ManualNode...)
    ContentRef document;      // its canonical FlowSpec document (kept when the reader keeps content)
};

struct Node : PackageObject {
    std::string workflow;
    std::string command;          // script.runtime.command
    std::string command_type_id;  // script.runtime.commandTypeId, when given
    std::string engine_label;     // script.runtime.engine, as written
    std::string language;
    std::string script_path;
    std::string datasource_name;  // the source engine instance
    std::string datasource_type;
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
    std::vector<std::string> parameters;  // "name=value" (or the name alone when it has no value)
    ContentRef code;
    // An inner node lives inside its container's document (a do-while, for-each, combined or
    // sub-flow node, or a workflow): it is not an object of its own. `pointer` is where it sits in
    // that document (a JSON pointer), `container` the container's index in PackageModel::nodes or
    // ::workflows (`in_workflow` says which).
    bool inner = false;
    bool in_workflow = false;
    std::size_t container = kNoContainer;
    std::string pointer;
    std::size_t inner_count = 0;  // nodes inside this one (all levels)

    bool dry_run() const { return recurrence == "Skip" || recurrence == "SKIP"; }
};

// FlowSpec `spec.workflows[]`: a workflow with its own trigger, parameters, strategy and inner nodes.
struct Workflow : PackageObject {
    std::string trigger_type;
    std::string cron;
    std::vector<std::string> parameters;
    std::vector<Dependency> depends;  // the workflow's own dependencies (the document's flow)
    std::size_t node_count = 0;
};

struct Resource : PackageObject {
    std::string type;             // python | jar | archive | file (or ODPS_* as written)
    std::string datasource_name;
    std::string datasource_type;
    std::string resource_group;
    std::string file_path;        // where the file lived in the source (storage path)
    ContentRef content;
};

struct Table : PackageObject {
    std::string guid;
    std::string engine_type;      // calcEngine.type, e.g. MaxCompute
    std::string project;          // calcEngine.project (or .database): the source project
    std::string schema;
    std::string ddl;
};

struct Function : PackageObject {
    std::string type;
    std::string class_name;
    std::string datasource_name;
    std::string datasource_type;
    std::vector<std::string> resources;  // resource names
    std::string embedded_code;
};

struct DataSource : PackageObject {
    std::string type;
    std::string sub_type;
    std::string environment;      // PRD | DEV, from the layout
    std::string config;           // may hold secrets: never printed
};

// FlowSpec `spec.components[]`: a SQL component with its inputs and outputs.
struct Component : PackageObject {
    std::string command;
    ContentRef code;
};

// FlowSpec `spec.dqcRules[]`: a data-quality rule on a table, attached to a scheduler node.
struct QualityRule : PackageObject {
    std::string table;
    std::string scheduler_node;   // the node (id or output) the rule runs with
};

// A DataService document: carried whole.
struct Service : PackageObject {};

// A content reference in the spools' binary form (the plan's spool writes them too).
void write_content_ref(SpoolWriter& w, const ContentRef& c);
void read_content_ref(SpoolReader& r, ContentRef& c);

// How each kind is written to and read from its spool (package/model_codec.cpp): every field, so
// what is read back equals what was put in.
#define FERRY_MODEL_TYPES(X) \
    X(Node) X(Workflow) X(Resource) X(Table) X(Function) X(DataSource) X(Component) X(QualityRule) X(Service)
#define FERRY_MODEL_CODEC(T)                       \
    void encode(const T& value, std::string& out); \
    void decode(std::string_view in, T& value);    \
    void decode_fields(std::string_view in, T& value, std::initializer_list<const void*> wanted); \
    void encode_fields(std::string_view in, const T& value, std::initializer_list<const void*> replaced, std::string& out);
FERRY_MODEL_TYPES(FERRY_MODEL_CODEC)
#undef FERRY_MODEL_CODEC

// Inner nodes are tagged, so counting objects reads nothing back.
template <>
inline std::uint8_t spool_tag<Node>(const Node& n) {
    return n.inner ? 1 : 0;
}

struct PackageInfo {
    std::string location;         // path or address as shown to users
    std::string source_plugin;
    std::uint64_t size = 0;
    std::string sha256;
    std::string format;           // spec | flow | flowspec-archive | flowspec-json
    std::uint64_t entries = 0;
    std::uint64_t uncompressed = 0;
};

// The objects live in spools on disk (util/object_spool.hpp), not in memory: reading an object
// decodes a copy, and a change is written back with set(). What the model holds in memory is a
// slot per object, however large the package.
struct PackageModel {
    PackageInfo info;
    ObjectList<Node> nodes;          // objects (inner == false) and the inner nodes of containers
    ObjectList<Workflow> workflows;  // FlowSpec 1.2 workflows (objects)
    ObjectList<Resource> resources;
    ObjectList<Table> tables;
    ObjectList<Function> functions;
    ObjectList<DataSource> datasources;
    ObjectList<Component> components;
    ObjectList<QualityRule> quality_rules;
    ObjectList<Service> services;
    std::vector<std::string> workflow_names;  // every workflow a node belongs to, by name, in order

    std::size_t top_nodes() const { return nodes.size() - nodes.count_tag(1); }
    std::size_t object_count() const {
        return top_nodes() + workflows.size() + resources.size() + tables.size() + functions.size() +
               datasources.size() + components.size() + quality_rules.size() + services.size();
    }
};

}  // namespace ferry::host
