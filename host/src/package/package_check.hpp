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

// `command_known` says whether an engine plugin owns a command type.
void check_package(const PackageModel& model, const std::function<bool(const std::string&)>& command_known,
                   sdk::Diagnostics& diags);

}  // namespace ferry::host
