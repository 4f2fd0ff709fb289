// The objects that move between workspaces, as plugins see them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ferry::sdk {

enum class ObjectKind : std::uint32_t { node = 1, resource = 2, table = 3, function = 4, datasource = 5 };

inline const char* to_string(ObjectKind k) {
    switch (k) {
        case ObjectKind::node: return "node";
        case ObjectKind::resource: return "resource";
        case ObjectKind::table: return "table";
        case ObjectKind::function: return "function";
        case ObjectKind::datasource: return "datasource";
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

// One object as it will be stored in the destination workspace. `content` is the node's code, the
// table's or function's DDL, or the resource's bytes; `attributes` is a JSON object with everything
// else the kind carries (schedule, inputs, outputs, class name...).
struct ObjectRecord {
    ObjectKind kind = ObjectKind::node;
    std::string name;
    std::string owner;
    std::string resource_group;
    std::string engine_instance;  // destination engine instance name; empty for general nodes
    bool dry_run = false;
    std::string content;
    std::string attributes;       // JSON object text
    std::string sha256;           // of the stored form: content + attributes + settings
    std::int64_t version = 0;     // set by the catalog
};

}  // namespace ferry::sdk
