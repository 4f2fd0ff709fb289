// The REST API's task operations, on top of task_service (the same calls the CLI makes). Each call
// opens its own catalog connection: Poco serves requests on a pool of threads and a Catalog is
// one connection for one thread.
#pragma once

#include <istream>
#include <memory>
#include <string>

#include "server/api_result.hpp"
#include "server/import_jobs.hpp"
#include "server/serve_options.hpp"
#include "server/settings_toml.hpp"
#include "server/users.hpp"

namespace ferry::host::web {

class TaskApi {
  public:
    TaskApi(const PluginRegistry& registry, const ServeOptions& options, std::unique_ptr<EnginesFile> engines);
    ~TaskApi();

    // Checks the catalog, the data dir and the engines file before the server listens.
    bool prepare(sdk::Diagnostics& diags);

    ApiResult list(const User& user);
    ApiResult create(const User& user, std::istream& body, const std::string& content_type,
                     std::int64_t content_length);
    ApiResult get(const User& user, const std::string& name);
    ApiResult put_settings(const User& user, const std::string& name, const std::string& body);
    ApiResult check(const std::string& name);
    ApiResult preview(const std::string& name);
    ApiResult plan(const std::string& name);
    ApiResult import(const User& user, const std::string& name);
    ApiResult reimport(const User& user, const std::string& name);
    ApiResult remove(const std::string& name);
    ApiResult report(const std::string& name, bool html);
    ApiResult progress(const std::string& name);
    ApiResult engines();
    // The destination plugins loaded, each with its settings' schema (the settings page's fields).
    ApiResult destinations();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ferry::host::web
