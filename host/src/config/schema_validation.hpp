// Validates one TOML table against a plugin's declared schema before the plugin sees it.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "config/toml_tree.hpp"
#include "ferry/sdk/config.hpp"
#include "ferry/sdk/diagnostic.hpp"

namespace ferry::host {

// `context` names the table for messages, e.g. "[source] (plugin local)". Keys in `host_keys` belong
// to the host (e.g. "plugin", "max_size") and are skipped but listed among the allowed keys.
// Returns false after adding errors: unknown keys (listing the allowed ones), missing required keys,
// wrong types, bad sizes.
// With `enforce_required` false, missing required keys are not errors (an engine instance that
// nothing is committed to needs no connection settings).
bool validate_table(const TomlValue& table, const std::vector<sdk::ConfigKey>& schema,
                    const std::set<std::string>& host_keys, const std::string& context, sdk::Config& out,
                    sdk::Diagnostics& diags, bool enforce_required = true);

// Builds a Config from plain key/value text (command-line use, e.g. `ferry check PATH` makes
// {path = PATH}), validating the same way.
bool config_from_pairs(const std::vector<std::pair<std::string, std::string>>& pairs,
                       const std::vector<sdk::ConfigKey>& schema, const std::string& context, sdk::Config& out,
                       sdk::Diagnostics& diags);

}  // namespace ferry::host
