// Azkaban projects as flows of jobs, the way Azkaban itself loads them (azkaban-common's
// DirectoryFlowLoader for Flow 1.0, DirectoryYamlFlowLoader and NodeBean for Flow 2.0), before any
// FlowSpec is written:
//   - Flow 1.0: every `.job` file is a job named after its file (names are unique in a project);
//     `dependencies=a,b` are its edges; each job no other job depends on ends a flow named after it,
//     which holds that job and everything it depends on; `type=flow` with `flow.name=X` embeds the
//     flow that ends in X. A job's properties inherit the `.properties` files of its folder and the
//     folders above it (the nearer file wins; in one folder, the file later in name order).
//   - Flow 2.0: each `*.flow` file is a flow named after its file: `config` (inherited by every node),
//     `nodes` (each `name`, `type`, `config`, `dependsOn`, `condition`; `type: flow` nodes hold
//     `nodes` of their own) and an optional `trigger`.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ferry/sdk/diagnostic.hpp"
#include "properties_file.hpp"
#include "yaml_subset.hpp"

namespace ferry::reader::azkaban {

using json = nlohmann::ordered_json;

struct FlowNode {
    std::string name;
    std::string type;
    std::string where;      // the file (and line) it comes from
    std::string directory;  // the folder relative paths in its config are relative to
    Properties config;      // its own properties (a .job file's, a Flow 2.0 node's `config`)
    std::vector<std::shared_ptr<const Properties>> inherited;  // nearest first: folder .properties, enclosing configs
    std::vector<std::string> inherited_from;   // where each inherited set comes from
    std::vector<std::string> depends;
    std::vector<FlowNode> nodes;  // an embedded flow's
    json extra = json::object();  // Flow 2.0 keys beyond name/type/config/dependsOn/nodes, as written

    // The property as Azkaban resolves it: own, then inherited, nearest first.
    const std::string* lookup(const std::string& key) const;
};

struct Flow {
    std::string name;
    std::string where;
    std::string version;  // "1.0" or "2.0"
    std::vector<FlowNode> nodes;
    json azkaban = json::object();  // what the flow has beyond its nodes (2.0 config and trigger...)
    std::shared_ptr<const YamlNode> trigger;  // Flow 2.0's `trigger`, when given
};

// Flow 1.0 input: job files and properties files, by package path.
struct JobFile {
    std::string path;
    Properties props;
};

// A YAML value as JSON, for what FlowSpec has no field for.
json yaml_as_json(const YamlNode& n);

// How many jobs the flows of a 1.0 project may hold once each embedded flow is copied where it is
// embedded. Real projects hold thousands; the bound keeps a crafted one (each flow embedding the
// next twice) from doubling without end, and the reader's memory within a few hundred megabytes.
inline constexpr std::size_t kMaxExpandedJobs = 100000;

// `properties`: each folder's .properties files, by path. Over kMaxExpandedJobs: error
// FERRY-AZKABAN-EMBEDDED-FLOW, and the flows from there on are not read.
std::vector<Flow> flows_from_jobs(const std::vector<JobFile>& jobs,
                                  const std::map<std::string, std::shared_ptr<const Properties>>& properties,
                                  sdk::Diagnostics& diags);

// A Flow 2.0 file, parsed: false after an error diagnostic.
bool flow_from_yaml(const std::string& path, const YamlNode& doc, Flow& flow, sdk::Diagnostics& diags);

}  // namespace ferry::reader::azkaban
