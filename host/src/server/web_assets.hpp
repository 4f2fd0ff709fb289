// The page's files, built into the binary by cmake/embed_web_assets.cmake (no CDN, nothing to install).
#pragma once

#include <cstddef>
#include <string>

namespace ferry::host::web {

struct WebAsset {
    const char* path;          // "/app.js"
    const char* content_type;
    const unsigned char* data;
    std::size_t size;
};

const WebAsset* find_web_asset(const std::string& path);

}  // namespace ferry::host::web
