// What `ferry serve` is told on its command line.
#pragma once

#include <cstdint>
#include <string>

namespace ferry::host::web {

struct ServeOptions {
    std::string host = "127.0.0.1";
    unsigned short port = 8080;       // 0: any free port (printed on start)
    std::string catalog_uri;          // resolved: never empty once the server starts
    std::string users_file;           // required: no anonymous access
    std::string data_dir;             // uploads and the TOML of web-made tasks live here
    std::string engines_file;         // optional: the destination's engine instances
    std::uint64_t max_upload = 30ull << 20;  // the product's 30 MB
    bool secure_cookies = false;      // behind a TLS-terminating proxy
    unsigned threads = 8;
};

}  // namespace ferry::host::web
