// The Spec DataWorks takes for one object, written from ferry's stored FlowSpec document of it:
// the object alone in its list under the kind the call expects, its code inline (a node's
// `script.content`), its folder path, and the id DataWorks gave it when ferry updates it.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "ferry/sdk/object.hpp"
#include "remote_kinds.hpp"

namespace ferry::dataworks {

// Null (an error for the caller) when the stored document holds no object of the kind's list.
// `server` (may be null): the Spec DataWorks holds for this workflow now, whose inner node ids are
// reused by name so an update changes the inner nodes in place instead of replacing them.
nlohmann::json api_spec(const KindApi& kind, const sdk::ObjectRecord& object, const std::string& remote_id,
                        const nlohmann::json* server = nullptr);

// The folder path the object takes in DataWorks: its script's path, else its package folder and name.
std::string object_path(const nlohmann::json& object, const sdk::ObjectRecord& record);

// A data source's ConnectionProperties: its config (secrets already left out by the plan) for the
// production environment.
nlohmann::json connection_properties(const sdk::ObjectRecord& object);

}  // namespace ferry::dataworks
