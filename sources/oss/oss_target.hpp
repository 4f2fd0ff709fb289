// Turns an "oss" source config into what to fetch and how to sign it.
#pragma once

#include <optional>

#include "ferry/sdk/config.hpp"
#include "ferry/sdk/diagnostic.hpp"
#include "ferry/source/http_fetch.hpp"

namespace ferry::source::oss {

// Fetch options ready for open_http, or nullopt after adding errors (FERRY-SRC-CONFIG,
// FERRY-CLOUD-CREDENTIALS) to `diags`. Credentials are read now, so `ferry check` reports them.
std::optional<FetchOptions> make_target(const sdk::Config& config, sdk::Diagnostics& diags);

}  // namespace ferry::source::oss
