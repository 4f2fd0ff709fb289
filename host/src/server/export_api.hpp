// The REST API's export operations (/api/exports): the Export Tasks page. Exports run through
// run_export, the call `ferry export` makes, on background threads (export_jobs.hpp); the web
// writes each package to DATA/exports/<task>.zip, never to a path a client chose. Export tasks
// the CLI made are listed too, and their zips downloaded while they are still what was exported.
#pragma once

#include <memory>
#include <string>

#include "plugin/plugin_registry.hpp"
#include "server/api_result.hpp"
#include "server/serve_options.hpp"
#include "server/users.hpp"

namespace ferry::host::web {

class ExportApi {
  public:
    ExportApi(const PluginRegistry& registry, const ServeOptions& options);
    ~ExportApi();  // waits for running exports

    // Makes DATA/exports (0700) and removes the partial zips of a server that stopped mid-export.
    bool prepare(sdk::Diagnostics& diags);

    ApiResult list(const User& user);
    ApiResult get(const User& user, const std::string& name);
    // The JSON body {workspace, mode, since, objects, name}; 202 once the export is under way.
    ApiResult create(const User& user, const std::string& body);
    ApiResult remove(const std::string& name);
    // The task's zip as a file body (ApiResult::file), checked against what the task recorded.
    ApiResult package(const std::string& name);

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ferry::host::web
