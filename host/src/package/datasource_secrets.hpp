// A data source's `config` (a JSON object, usually written as a string) may hold its password or
// keys. Secrets never land in the catalog, so ferry carries a data source without them: check warns
// (FERRY-PKG-DATASOURCE-SECRET, naming the keys, never the values), and the plan removes them from
// the stored document, each removal a listed change. Its connection secrets are set again in the
// destination.
#pragma once

#include <string>
#include <vector>

namespace ferry::host {

// The JSON paths ("/password", "/auth/accessKeySecret") of the secret-valued fields of a data
// source's config text, in document order. A config that is not JSON but mentions a password or
// secret is one secret as a whole: {""}.
std::vector<std::string> config_secret_paths(const std::string& config);

// The config without those fields (compact JSON when anything was removed; "" when the whole
// config was the secret); `config` itself when it holds none.
std::string config_without_secrets(const std::string& config);

}  // namespace ferry::host
