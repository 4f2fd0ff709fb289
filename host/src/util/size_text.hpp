// Sizes as users write them: "30MB", "2GB", "512KB", "1.5GB" or plain bytes. Units are binary
// (1MB = 1024*1024 bytes), as the product's "30 MB" limit is generally understood.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace ferry::host {

std::optional<std::uint64_t> parse_size(const std::string& text);
std::string format_size(std::uint64_t bytes);  // "30.0 MB", "512 B"

}  // namespace ferry::host
