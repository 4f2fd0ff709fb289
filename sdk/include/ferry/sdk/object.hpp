// The objects that move between workspaces, as plugins see them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ferry::sdk {

// Every top-level entry of a FlowSpec document's object lists is one object: a node (with the
// inner nodes of a do-while, for-each, combined or sub-flow inside it), a workflow (FlowSpec
// `spec.workflows[]`, with its inner nodes), a file resource, a table, a function, a data source,
// a component, a data-quality rule (`spec.dqcRules[]`), a data-service document.
enum class ObjectKind : std::uint32_t {
    node = 1,
    resource = 2,
    table = 3,
    function = 4,
    datasource = 5,
    workflow = 6,
    component = 7,
    quality = 8,
    service = 9
};

inline constexpr ObjectKind kAllObjectKinds[] = {ObjectKind::resource, ObjectKind::function,  ObjectKind::table,
                                                 ObjectKind::component, ObjectKind::node,     ObjectKind::workflow,
                                                 ObjectKind::quality,  ObjectKind::service,   ObjectKind::datasource};

inline const char* to_string(ObjectKind k) {
    switch (k) {
        case ObjectKind::node: return "node";
        case ObjectKind::resource: return "resource";
        case ObjectKind::table: return "table";
        case ObjectKind::function: return "function";
        case ObjectKind::datasource: return "datasource";
        case ObjectKind::workflow: return "workflow";
        case ObjectKind::component: return "component";
        case ObjectKind::quality: return "quality";
        case ObjectKind::service: return "service";
    }
    return "unknown";
}

// What the plan decided for one object.
enum class Action : std::uint32_t { create = 1, update = 2, unchanged = 3, conflict = 4, fail = 5 };

inline const char* to_string(Action a) {
    switch (a) {
        case Action::create: return "create";
        case Action::update: return "update";
        case Action::unchanged: return "unchanged";
        case Action::conflict: return "conflict";
        case Action::fail: return "fail";
    }
    return "fail";
}

// One object as it will be stored in the destination workspace.
//
// `document` is the object's whole FlowSpec, as the package wrote it with the task's mappings
// applied: `{"version", "kind", "metadata", "spec": {<the package document's own fields>,
// "<list>": [<this object, references resolved in place>], "flow": [<its edges>]}}` as canonical
// JSON (sorted keys). Everything ferry does not interpret is carried in it verbatim. `content` is
// what does not belong in JSON text: a node's code (any encoding), a resource's bytes. The other
// fields are views of the document kept beside it for listing and planning.
struct ObjectRecord {
    ObjectKind kind = ObjectKind::node;
    std::string name;
    std::string owner;
    std::string resource_group;
    std::string engine_instance;  // destination engine instance name; empty for general nodes
    bool dry_run = false;
    std::string path;             // the object's folder in the package layout ("业务流程/sales/MaxCompute/数据开发")
    std::string content;
    std::string document;         // canonical FlowSpec JSON of this one object
    std::string sha256;           // of the stored form: every field above
    std::int64_t version = 0;     // set by the catalog: this object's own counter
    std::int64_t revision = 0;    // set by the catalog: the workspace's change counter when it was written
    // Remote destinations: the object's id there and the remote's change marker as it stood right
    // after ferry wrote it (a later difference means someone changed it there). Not fingerprinted.
    std::string remote_id;
    std::string remote_version;
};

}  // namespace ferry::sdk
