// The JSON a package's check and preview show, built in one place for `ferry check/preview --json`
// and the web console's check and preview.
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "package/model.hpp"

namespace ferry::host {

// {"path","source","size","sha256","format","entries","uncompressed"}
nlohmann::json package_json(const PackageModel& model);
// {"nodes": N, "resources": N, "tables": N, "functions": N, "datasources": N}
nlohmann::json object_counts_json(const PackageModel& model);
// Adds "nodes", "resources", "tables", "functions" and "datasources" arrays to `doc`; a node's
// "engine" is what `engine_of` says. Data sources never show their connection settings.
void add_preview_objects(nlohmann::json& doc, const PackageModel& model,
                         const std::function<std::string(const Node&)>& engine_of);

}  // namespace ferry::host
