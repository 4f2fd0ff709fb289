// Destination "dataworks": a DataWorks workspace (new Data Studio), through the OpenAPI
// 2024-05-18. Nodes, workflows (with their inner nodes), resources, functions and data sources
// land there; tables go to their engine as with every destination; DataWorks' API has no call for
// components, quality rules or data services, so those fail by name. Credentials come from the
// environment (the variables Alibaba Cloud's own tools read), never from the task file.
#include <cstdlib>
#include <memory>

#include "ferry/cloud/credentials.hpp"
#include "ferry/cloud/http_request.hpp"
#include "ferry/committer/land.hpp"
#include "ferry/sdk/destination.hpp"
#include "remote_committer.hpp"
#include "remote_kinds.hpp"

namespace {

using namespace ferry;

const sdk::ConfigKey kSchema[] = {
    {"endpoint", sdk::ValueType::string, true, nullptr,
     "the DataWorks OpenAPI endpoint of the workspace's region, e.g. https://dataworks.cn-shanghai.aliyuncs.com"},
    {"project_id", sdk::ValueType::integer, true, nullptr, "the workspace's id (DataWorks console: workspace details)"},
    {"access_key_id_env", sdk::ValueType::string, false, "ALIBABA_CLOUD_ACCESS_KEY_ID",
     "the environment variable holding the AccessKey id"},
    {"access_key_secret_env", sdk::ValueType::string, false, "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
     "the environment variable holding the AccessKey secret"},
    {"security_token_env", sdk::ValueType::string, false, "ALIBABA_CLOUD_SECURITY_TOKEN",
     "the environment variable holding an STS token (read when set)"},
    {"ca_file", sdk::ValueType::string, false, nullptr, "PEM file of CAs to trust instead of the system's"},
    {"timeout_seconds", sdk::ValueType::integer, false, "30", "connect, send and each receive"},
    {"retries", sdk::ValueType::integer, false, "4", "further attempts after throttling, 5xx or a dropped connection"},
    {"scene", sdk::ValueType::string, false, "DATAWORKS_PROJECT", "CreateNode's Scene for standalone nodes"},
    {"job_timeout_seconds", sdk::ValueType::integer, false, "600", "how long a workflow import may take"},
    {"deploy_timeout_seconds", sdk::ValueType::integer, false, "900", "how long one deployment may take"},
    {"resource_staging", sdk::ValueType::string, false, nullptr,
     "oss://BUCKET/PREFIX where resource files are staged for DataWorks to fetch"},
    {"staging_endpoint", sdk::ValueType::string, false, nullptr, "the staging bucket's OSS endpoint"},
    {"staging_path_style", sdk::ValueType::boolean, false, "false", "path-style addresses (loopback test servers only)"},
    {"staging_link_minutes", sdk::ValueType::integer, false, "60", "how long the staged file's download link lives"},
};

const char* const kOwns[] = {"kind:node",     "kind:workflow",   "kind:resource", "kind:function",
                             "kind:table",    "kind:datasource"};

class DataWorksDestination : public sdk::Destination {
  public:
    explicit DataWorksDestination(std::unique_ptr<dataworks::Remote> remote) : remote_(std::move(remote)) {
        for (auto kind : {sdk::ObjectKind::node, sdk::ObjectKind::workflow, sdk::ObjectKind::resource,
                          sdk::ObjectKind::function, sdk::ObjectKind::datasource})
            committers_.emplace(kind, std::make_unique<dataworks::RemoteCommitter>(*remote_, kind));
    }

    std::string describe() const override { return remote_->describe; }

    bool holds(sdk::ObjectKind kind) const override { return committers_.count(kind) != 0; }

    bool list(sdk::ObjectKind kind, sdk::RemoteListing& out, sdk::Diagnostics& diags) override {
        auto add = [&](const sdk::RemoteObject& o) { out.add(o); };
        if (kind == sdk::ObjectKind::datasource) return dataworks::list_datasources(remote_->api, "", add, diags);
        const dataworks::KindApi* k = dataworks::kind_api(kind);
        if (!k) return true;
        if (kind != sdk::ObjectKind::node) return dataworks::list_remote(remote_->api, *k, "", add, diags);
        // ListNodes lists the inner nodes of workflows too; ferry's nodes are the standalone ones.
        std::vector<std::string> workflow_paths;
        if (!dataworks::list_remote(remote_->api, *dataworks::kind_api(sdk::ObjectKind::workflow), "",
                                    [&](const sdk::RemoteObject& w) {
                                        if (!w.path.empty()) workflow_paths.push_back(w.path + "/");
                                    },
                                    diags))
            return false;
        return dataworks::list_remote(remote_->api, *k, "", [&](const sdk::RemoteObject& n) {
            for (const auto& p : workflow_paths)
                if (n.path.rfind(p, 0) == 0) return;
            out.add(n);
        }, diags);
    }

    sdk::Committer* committer(sdk::ObjectKind kind) override {
        if (kind == sdk::ObjectKind::table) return &tables_;
        auto it = committers_.find(kind);
        return it == committers_.end() ? nullptr : it->second.get();
    }

  private:
    std::unique_ptr<dataworks::Remote> remote_;
    std::map<sdk::ObjectKind, std::unique_ptr<dataworks::RemoteCommitter>> committers_;
    // Tables are their engine's: created there when the commission rule says so, recorded by ferry.
    committer::Lander<committer::EngineStep::statements> tables_;
};

std::unique_ptr<sdk::Destination> make(const sdk::CreateContext& ctx, sdk::Diagnostics& diags) {
    const sdk::Config& c = *ctx.config;
    dataworks::ApiSettings s;
    s.endpoint_text = c.string("endpoint");
    std::string error;
    auto endpoint = cloud::parse_http_url(s.endpoint_text, error);
    if (!endpoint || endpoint->host.empty()) {
        diags.error("FERRY-DW-CONFIG", "endpoint '" + s.endpoint_text + "' is not an http(s) address" +
                                           (error.empty() ? "" : ": " + error),
                    "write the DataWorks OpenAPI endpoint, e.g. https://dataworks.cn-shanghai.aliyuncs.com",
                    c.where_of("endpoint"));
        return nullptr;
    }
    s.endpoint = *endpoint;
    s.endpoint.query.clear();
    s.project_id = std::to_string(c.integer("project_id"));
    if (c.integer("project_id") <= 0) {
        diags.error("FERRY-DW-CONFIG", "project_id must be the workspace's positive id, not " + c.string("project_id"),
                    "find it in the DataWorks console, workspace details", c.where_of("project_id"));
        return nullptr;
    }
    cloud::CredentialSource source;
    source.id_env = c.string("access_key_id_env");
    source.secret_env = c.string("access_key_secret_env");
    // The STS token is read when its variable is set: a long-term AccessKey has none.
    if (const char* token = std::getenv(c.string("security_token_env").c_str()); token && *token)
        source.token_env = c.string("security_token_env");
    source.where = c.where_of("access_key_id_env");
    auto creds = cloud::load_credentials(source, diags);
    if (!creds) return nullptr;
    if (creds->empty()) {
        diags.error("FERRY-DW-CREDENTIALS",
                    "no AccessKey for DataWorks: the environment variable " + source.id_env + " is not set",
                    "export " + source.id_env + " and " + source.secret_env +
                        " (and " + source.token_env + " for STS) in the environment ferry runs in",
                    c.where);
        return nullptr;
    }
    s.credentials = *creds;
    s.transport.ca_file = c.string("ca_file");
    s.transport.timeout = std::chrono::seconds(c.integer("timeout_seconds", 30));
    s.retries = static_cast<int>(c.integer("retries", 4));
    s.host = ctx.host;
    auto remote = std::make_unique<dataworks::Remote>(s);
    remote->scene = c.string("scene", "DATAWORKS_PROJECT");
    remote->job_timeout = std::chrono::seconds(c.integer("job_timeout_seconds", 600));
    remote->deploy.timeout = std::chrono::seconds(c.integer("deploy_timeout_seconds", 900));
    remote->describe = "DataWorks workspace " + s.project_id + " at " + s.endpoint_text;
    if (!remote->staging.configure(c, s.credentials, s.transport, diags)) return nullptr;
    return std::make_unique<DataWorksDestination>(std::move(remote));
}

}  // namespace

FERRY_PLUGIN(destination, "dataworks", "0.1.0",
             "a DataWorks workspace through the OpenAPI 2024-05-18: nodes, workflows, resources, functions, data "
             "sources; deploys when committed",
             kSchema, kOwns, make)
