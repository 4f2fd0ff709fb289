// `ferry serve`: sign-in, roles and CSRF rules, the page's assets and the routes of the REST API
// (docs/web.md), behind the event-driven transport of http_front.
#pragma once

#include <memory>

#include "ferry/sdk/diagnostic.hpp"
#include "plugin/plugin_registry.hpp"
#include "server/serve_options.hpp"
#include "server/settings_toml.hpp"

namespace ferry::host::web {

class WebServer {
  public:
    WebServer(const PluginRegistry& registry, ServeOptions options, std::unique_ptr<EnginesFile> engines);
    ~WebServer();

    // Loads the users, prepares the data dir and catalog, binds and starts serving.
    bool start(sdk::Diagnostics& diags);
    unsigned short port() const;
    // Stops accepting, finishes open requests, waits for running imports and exports.
    void stop();

    struct Impl;  // opaque: defined in web_server.cpp only

  private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace ferry::host::web
