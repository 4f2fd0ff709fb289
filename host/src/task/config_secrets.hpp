// Secrets never land in the catalog (a task's settings are stored whole, and shown by `ferry task
// show`, the report, the REST API and the page). A task file that writes a secret out — a password
// in a DSN or URI, `user:password@` in an address, a key named like a password with a literal
// value — is refused before anything is written: secrets come from environment variables or
// files, named by `*_env` / `*_file` keys. A presigned address is the one secret a task may carry
// (it is how packages are shared): its signature and token values are redacted in the stored copy,
// and the real ones are read again from the task file when the task runs later.
#pragma once

#include <cstddef>
#include <string>

#include "config/toml_tree.hpp"
#include "ferry/sdk/diagnostic.hpp"

namespace ferry::host {

inline constexpr const char* kConfigSecret = "FERRY-CONFIG-SECRET";
inline constexpr const char* kRedacted = "REDACTED";

// Adds a kConfigSecret error for every secret written out in the document.
void refuse_written_secrets(const TomlValue& doc, sdk::Diagnostics& diags);

// The task file's text with every presigned signature and token value replaced by kRedacted;
// `redactions` counts them.
std::string redact_settings_text(const std::string& text, const TomlValue& doc, std::size_t& redactions);

// Whether a stored settings text had values redacted (a source address holding kRedacted where a
// signature or token was).
bool settings_were_redacted(const TomlValue& doc);

}  // namespace ferry::host
