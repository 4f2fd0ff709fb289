// Which engine type an object needs, and which instance of the package it names. Engine plugins
// declare what they own; where no loaded plugin claims a value the product's table decides, so a
// package still plans (and fails clearly) on a host without that engine's plugin.
#pragma once

#include <string>

#include "package/model.hpp"
#include "plugin/plugin_registry.hpp"

namespace ferry::host {

// Empty: a general node (no engine). "?" never returned; unknown commands route by datasource.
std::string engine_type_of(const PluginRegistry& reg, const Node& node);
std::string engine_type_of(const PluginRegistry& reg, const Table& table);
std::string engine_type_of(const PluginRegistry& reg, const Function& fn);
std::string engine_type_of(const PluginRegistry& reg, const Resource& res);

// The SQL dialect an engine type writes its DDL in.
std::string dialect_of(const std::string& engine_type);

// check_package (package/package_check.hpp) as the loaded plugins see the package: a command is
// known when an engine plugin owns it, and a table's DDL is read in its engine's dialect.
void check_package_with(const PluginRegistry& reg, const PackageModel& model, sdk::Diagnostics& diags);

}  // namespace ferry::host
