// The MaxCompute engine: ODPS nodes, resources, tables and functions. Tables and functions are
// created by SQL instances run through the REST API and polled to the end; resources are uploaded.
#pragma once

#include <memory>
#include <string>

#include "ferry/sdk/config.hpp"
#include "ferry/sdk/engine.hpp"
#include "ferry/sdk/plugin.hpp"
#include "rest_client.hpp"

namespace ferry::engines::maxcompute {

inline constexpr const char* kOwns[] = {
    "command:ODPS_SQL",      "command:ODPS_SQL_SCRIPT", "command:PY_ODPS",        "command:PYODPS3",
    "command:ODPS_SPARK",    "command:ODPS_SPARK_SQL",  "command:ODPS_MR",        "command:ODPS_SHARK",
    "command:COMPONENT_SQL", "resource:ODPS_PYTHON",    "resource:ODPS_JAR",      "resource:ODPS_ARCHIVE",
    "resource:ODPS_FILE",    "table:ODPS_TABLE",        "table:MaxCompute",       "table:ODPS",
    "function:ODPS_FUNCTION", "datasource:odps"};

inline constexpr sdk::ConfigKey kSchema[] = {
    {"project", sdk::ValueType::string, true, nullptr, "destination MaxCompute project"},
    {"endpoint", sdk::ValueType::string, true, nullptr,
     "REST endpoint, e.g. https://service.cn-hangzhou.maxcompute.aliyun.com/api"},
    {"access_key_id_env", sdk::ValueType::string, true, nullptr, "environment variable holding the AccessKey ID"},
    {"access_key_secret_env", sdk::ValueType::string, true, nullptr, "environment variable holding the AccessKey secret"},
    {"sts_token_env", sdk::ValueType::string, false, nullptr, "environment variable holding an STS token, if any"},
    {"sql_timeout_s", sdk::ValueType::integer, false, "600", "how long one SQL instance may run"},
    {"poll_interval_ms", sdk::ValueType::integer, false, "500", "pause between two polls of a SQL instance"},
    {"http_timeout_s", sdk::ValueType::integer, false, "30", "seconds to wait for a connection, a response or more of it"},
    {"http_retries", sdk::ValueType::integer, false, "3",
     "further attempts after a 429, a 5xx or a dropped connection (0-20); a POST is never sent twice once it may have "
     "arrived"},
    {"ca_file", sdk::ValueType::string, false, nullptr,
     "PEM file of CA certificates trusted instead of the system's (HTTPS is always verified)"},
};

struct Settings {
    std::string project;
    std::string endpoint;
    std::string access_key_id_env;
    std::string access_key_secret_env;
    std::string sts_token_env;
    int sql_timeout_s = 600;
    int poll_interval_ms = 500;
    int http_timeout_s = 30;
    int http_retries = 3;
    std::string ca_file;
    std::string where;  // the instance's config location, for diagnostics
};

class MaxComputeEngine : public sdk::Engine {
  public:
    MaxComputeEngine(std::string instance, Settings settings, sdk::HostServices* host);

    std::string dialect() const override { return "maxcompute"; }
    sdk::RewriteResponse rewrite(const sdk::RewriteRequest& request) override;
    sdk::TableResponse render_table(const sdk::TableRequest& request) override;
    sdk::FunctionResponse render_function(const sdk::FunctionRequest& request) override;
    sdk::ExistsResponse exists(const sdk::ExistsRequest& request) override;
    sdk::ApplyResponse apply(const sdk::ApplyRequest& request) override;

    // Runs one SQL statement as an instance and polls it to the end. False after adding an error.
    bool run_sql(const std::string& sql, const std::string& what, sdk::Diagnostics& diags);

  private:
    const RestClient* client(sdk::Diagnostics& diags);
    bool upload_resource(const sdk::ApplyRequest& request, sdk::Diagnostics& diags);
    // GET/HEAD a path: 1 found, 0 absent (404), -1 after adding an error.
    int probe(const std::string& method, const std::string& resource, const std::string& what, sdk::Diagnostics& diags);
    std::string label() const { return "MaxCompute project '" + settings_.project + "'"; }

    std::string instance_;
    Settings settings_;
    sdk::HostServices* host_;  // retry lines
    std::unique_ptr<RestClient> client_;
};

std::unique_ptr<MaxComputeEngine> make_engine(const sdk::CreateContext& ctx, sdk::Diagnostics& diags);

// The XML body of a SQL task, the query in CDATA (a "]]>" inside the SQL is split across sections).
std::string sql_task_xml(const std::string& sql);

}  // namespace ferry::engines::maxcompute
