#include "maxcompute_engine.hpp"

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "ferry/cloud/service_error.hpp"
#include "ferry/engine/codes.hpp"
#include "ferry/engine/commands.hpp"
#include "ferry/engine/ddl.hpp"
#include "ferry/engine/ddl_guard.hpp"
#include "ferry/engine/quoting.hpp"
#include "ferry/engine/table_renderer.hpp"

namespace ferry::engines::maxcompute {

namespace codes = engine::codes;
using engine::Dialect;

std::string sql_task_xml(const std::string& sql) {
    std::string cdata;
    std::size_t from = 0;
    for (std::size_t at = sql.find("]]>"); at != std::string::npos; at = sql.find("]]>", from)) {
        cdata += sql.substr(from, at - from) + "]]]]><![CDATA[>";
        from = at + 3;
    }
    cdata += sql.substr(from);
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<Instance><Job><Priority>9</Priority><Tasks><SQL><Name>AnonymousSQLTask</Name><Config><Property>"
           "<Name>settings</Name><Value>{\"odps.sql.type.system.odps2\": \"true\"}</Value></Property></Config>"
           "<Query><![CDATA[" +
           cdata + "]]></Query></SQL></Tasks><DAG><RunMode>Sequence</RunMode></DAG></Job></Instance>";
}

MaxComputeEngine::MaxComputeEngine(std::string instance, Settings settings, sdk::HostServices* host)
    : instance_(std::move(instance)), settings_(std::move(settings)), host_(host) {}

sdk::RewriteResponse MaxComputeEngine::rewrite(const sdk::RewriteRequest& request) {
    return engine::rewrite_code(request, Dialect::maxcompute);
}

sdk::TableResponse MaxComputeEngine::render_table(const sdk::TableRequest& req) {
    sdk::TableResponse res;
    const auto source = engine::parse_dialect(req.source_dialect.empty() ? "maxcompute" : req.source_dialect);
    if (!source || (*source != Dialect::maxcompute && *source != Dialect::hive)) {
        res.diagnostics.error(codes::kDialect,
                              "cannot render " + req.source_dialect + " DDL of table '" + req.name + "' for MaxCompute",
                              "only MaxCompute and Hive DDL are created on MaxCompute");
        return res;
    }
    // Rendered from what was read, under the table's own name in this instance's project: a
    // project or schema the DDL names is not used.
    engine::ParsedTableDdl parsed;
    const engine::DdlVerdict verdict = engine::read_table_ddl(req.ddl, *source, {req.name, std::nullopt}, &parsed);
    if (!verdict.ok()) {
        engine::report_ddl_verdict(verdict, req.name, res.diagnostics);
        return res;
    }
    engine::RenderTarget target{Dialect::maxcompute, settings_.project, engine::destination_table_name(req.name),
                                req.overwrite, false};
    engine::RenderedStatements r = engine::render_table(parsed.table, target);
    res.statements = std::move(r.statements);
    res.diagnostics = std::move(r.diagnostics);
    if (res.diagnostics.has_errors()) return res;
    if (!parsed.table.schema.empty() && engine::ascii_lower(parsed.table.schema) != "default")
        res.diagnostics.info(codes::kClauseDropped, "table '" + req.name + "': the DDL's schema '" + parsed.table.schema +
                                                        "' is not used; the table goes to project " + settings_.project);
    if (*source == Dialect::hive)
        res.diagnostics.info(codes::kCrossEngineReview,
                             "table '" + req.name + "' is Hive DDL: rendered for MaxCompute (which reads Hive's syntax)");
    return res;
}

sdk::FunctionResponse MaxComputeEngine::render_function(const sdk::FunctionRequest& req) {
    sdk::FunctionResponse res;
    const auto source = engine::parse_dialect(req.source_dialect.empty() ? "maxcompute" : req.source_dialect);
    if (!source || (*source != Dialect::maxcompute && *source != Dialect::hive)) {
        res.diagnostics.error(codes::kFunctionUnsupported,
                              "function '" + req.name + "' comes from " + req.source_dialect + " and cannot run on MaxCompute",
                              "MaxCompute runs Java and Python UDF classes only");
        return res;
    }
    // The whole name, quoted: a dotted name is refused here (MaxCompute names hold no '.'), never split.
    engine::Quoted name = engine::quote_identifier(req.name, Dialect::maxcompute);
    if (!name.ok) {
        res.diagnostics.error(codes::kIdentifier, "function name '" + req.name + "' cannot be used on MaxCompute", name.reason);
        return res;
    }
    if (req.class_name.empty()) {
        res.diagnostics.error(codes::kFunctionUnsupported, "function '" + req.name + "' has no class name");
        return res;
    }
    std::string resources;
    for (const auto& r : req.resources) {
        if (r.find(',') != std::string::npos || r.empty()) {
            res.diagnostics.error(codes::kFunctionUnsupported,
                                  "function '" + req.name + "': resource name '" + r + "' cannot be listed in USING");
            return res;
        }
        resources += (resources.empty() ? "" : ",") + r;
    }
    if (req.overwrite) res.statements.push_back("DROP FUNCTION IF EXISTS " + name.text);
    std::string create = std::string("CREATE FUNCTION ") + (req.overwrite ? "" : "IF NOT EXISTS ") + name.text + " AS " +
                         engine::quote_string(req.class_name, Dialect::maxcompute);
    if (!resources.empty()) create += " USING " + engine::quote_string(resources, Dialect::maxcompute);
    res.statements.push_back(std::move(create));
    if (*source == Dialect::hive)
        res.diagnostics.warning(codes::kCrossEngineReview,
                                "function '" + req.name + "' is a Hive UDF: it runs on MaxCompute only in Hive-compatible mode",
                                "review it, and upload its resources to the project");
    return res;
}

// The client is made on first use: an instance whose objects only go to the catalog needs neither
// the network nor the credentials.
const RestClient* MaxComputeEngine::client(sdk::Diagnostics& diags) {
    if (client_) return client_.get();
    auto credentials = cloud::load_credentials(
        {settings_.access_key_id_env, settings_.access_key_secret_env, settings_.sts_token_env, "", settings_.where},
        diags);
    std::string reason;
    auto endpoint = parse_rest_endpoint(settings_.endpoint, reason);  // checked when the instance was made
    if (!credentials || !endpoint) return nullptr;
    cloud::TransportOptions transport{settings_.ca_file, std::chrono::seconds(settings_.http_timeout_s)};
    cloud::RetryPolicy retry;
    retry.retries = settings_.http_retries;
    retry.host = host_;
    client_ = std::make_unique<RestClient>(std::move(*endpoint), std::move(*credentials), std::move(transport),
                                           std::move(retry));
    return client_.get();
}

namespace {
std::string project_path(const std::string& project) { return "/projects/" + project; }
// Resource names carry extensions ("udf.jar"): only a folder prefix is dropped, never a dotted part.
std::string resource_name(const std::string& name) { return name.substr(name.rfind('/') + 1); }

// A resource name is a segment of the REST path: "." and ".." would name another path.
bool usable_resource_name(const std::string& name) { return !name.empty() && name != "." && name != ".."; }
}  // namespace

int MaxComputeEngine::probe(const std::string& method, const std::string& resource, const std::string& what,
                            sdk::Diagnostics& diags) {
    const RestClient* c = client(diags);
    if (!c) return -1;
    cloud::HttpResponse r;
    std::string error;
    if (!c->send(method, resource, {}, {}, "", r, error)) {
        diags.error(codes::kConnect, "cannot reach " + label() + " at " + c->endpoint() + ": " + error,
                    "check the endpoint and the network, then re-import");
        return -1;
    }
    if (r.status == 200) return 1;
    if (r.status == 404) return 0;
    diags.error(codes::kRemoteError, "cannot ask " + label() + " about " + what + ": " + parse_error(r).text(r.status));
    return -1;
}

sdk::ExistsResponse MaxComputeEngine::exists(const sdk::ExistsRequest& req) {
    sdk::ExistsResponse res;
    const std::string& name = req.name;
    const std::string base = project_path(settings_.project);
    // Names go into the REST path: one MaxCompute would refuse in DDL (a '/', a '.', "..") could
    // ask about another path, another project even. Checked by the rule render_table and
    // render_function quote by, before anything is sent.
    const bool identifier = req.kind == sdk::ObjectKind::table || req.kind == sdk::ObjectKind::function;
    if (identifier) {
        if (const engine::Quoted q = engine::quote_identifier(name, Dialect::maxcompute); !q.ok) {
            res.diagnostics.error(codes::kIdentifier,
                                  std::string(sdk::to_string(req.kind)) + " name '" + name + "' cannot be used on MaxCompute",
                                  q.reason);
            return res;
        }
    } else if (req.kind == sdk::ObjectKind::resource && !usable_resource_name(resource_name(name))) {
        res.diagnostics.error(codes::kIdentifier, "resource name '" + name + "' cannot be used on MaxCompute");
        return res;
    }
    int found = -1;
    switch (req.kind) {
        case sdk::ObjectKind::table:
            found = probe("GET", base + "/tables/" + engine::ascii_lower(name), "table '" + req.name + "'", res.diagnostics);
            break;
        case sdk::ObjectKind::function:
            found = probe("GET", base + "/registration/functions/" + name, "function '" + req.name + "'", res.diagnostics);
            break;
        case sdk::ObjectKind::resource:
            found = probe("HEAD", base + "/resources/" + resource_name(req.name), "resource '" + req.name + "'",
                          res.diagnostics);
            break;
        default:
            res.diagnostics.info(codes::kKindUnsupported,
                                 std::string(sdk::to_string(req.kind)) + "s do not live on " + label());
            return res;
    }
    res.exists = found == 1;
    return res;
}

bool MaxComputeEngine::run_sql(const std::string& sql, const std::string& what, sdk::Diagnostics& diags) {
    const RestClient* c = client(diags);
    if (!c) return false;
    const std::string base = project_path(settings_.project) + "/instances";
    cloud::HttpResponse r;
    std::string error;
    auto unreachable = [&] {
        diags.error(codes::kConnect, what + ": cannot reach " + label() + " at " + c->endpoint() + ": " + error,
                    "check the endpoint and the network, then re-import");
        return false;
    };
    if (!c->send("POST", base, {}, {{"Content-Type", "application/xml"}}, sql_task_xml(sql), r, error)) return unreachable();
    if (r.status != 201 && r.status != 200) {
        diags.error(codes::kRemoteError, what + ": " + label() + " refused the SQL instance: " + parse_error(r).text(r.status));
        return false;
    }
    const std::string location = r.header("Location") ? *r.header("Location") : std::string();
    const std::string id = location.substr(location.rfind('/') + 1);
    if (id.empty()) {
        diags.error(codes::kRemoteError, what + ": " + label() + " created a SQL instance without a Location header");
        return false;
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(settings_.sql_timeout_s);
    for (;;) {
        if (!c->send("GET", base + "/" + id, {}, {}, "", r, error)) return unreachable();
        if (r.status != 200) {
            diags.error(codes::kRemoteError, what + ": polling instance " + id + ": " + parse_error(r).text(r.status));
            return false;
        }
        if (cloud::xml_text(r.body, "/Instance/Status") == "Terminated") break;
        if (std::chrono::steady_clock::now() >= deadline) {
            cloud::HttpResponse ignored;
            c->send("PUT", base + "/" + id, {}, {{"Content-Type", "application/xml"}},
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Instance><Status>Terminated</Status></Instance>", ignored,
                    error);
            diags.error(codes::kTimeout, what + ": SQL instance " + id + " ran longer than " +
                                             std::to_string(settings_.sql_timeout_s) + " s and was stopped",
                        "raise sql_timeout_s if the project is busy, then re-import");
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(settings_.poll_interval_ms));
    }
    if (!c->send("GET", base + "/" + id, {{"taskstatus", std::nullopt}}, {}, "", r, error)) return unreachable();
    const std::string status = cloud::xml_text(r.body, "/Instance/Tasks/Task/Status");
    if (status == "Success") return true;
    std::string result;
    if (c->send("GET", base + "/" + id, {{"result", std::nullopt}}, {}, "", r, error)) result = cloud::xml_text(r.body, "/Instance/Tasks/Task/Result");
    diags.error(codes::kSqlFailed,
                what + ": SQL instance " + id + " ended " + (status.empty() ? "without a task status" : status) +
                    " on " + label() + (result.empty() ? "" : ": " + result));
    return false;
}

bool MaxComputeEngine::upload_resource(const sdk::ApplyRequest& req, sdk::Diagnostics& diags) {
    const std::string name = resource_name(req.name);
    static constexpr const char* kTypes[] = {"file", "jar", "py", "archive"};
    bool known = false;
    for (const char* t : kTypes) known = known || req.resource_type == t;
    if (!known) {
        diags.error(codes::kResourceUnsupported, "resource '" + req.name + "' has type '" + req.resource_type +
                                                     "'; MaxCompute takes file, jar, py or archive");
        return false;
    }
    if (!usable_resource_name(name)) {
        diags.error(codes::kIdentifier, "resource name '" + req.name + "' cannot be used on MaxCompute");
        return false;
    }
    std::ifstream in(req.resource_path, std::ios::binary);
    if (!in) {
        diags.error(codes::kResourceUnsupported, "resource '" + req.name + "': cannot read " + req.resource_path);
        return false;
    }
    std::ostringstream bytes;
    bytes << in.rdbuf();
    const int found = probe("HEAD", project_path(settings_.project) + "/resources/" + name, "resource '" + name + "'", diags);
    if (found < 0) return false;
    const RestClient* c = client(diags);
    const std::string path = project_path(settings_.project) + "/resources" + (found ? "/" + name : "");
    cloud::HttpResponse r;
    std::string error;
    if (!c->send(found ? "PUT" : "POST", path, {},
                 {{"Content-Type", "application/octet-stream"},
                  {"Content-Disposition", "attachment;filename=" + name},
                  {"x-odps-resource-type", req.resource_type},
                  {"x-odps-resource-name", name}},
                 bytes.str(), r, error)) {
        diags.error(codes::kConnect, "resource '" + name + "': cannot reach " + label() + ": " + error);
        return false;
    }
    if (r.status != 200 && r.status != 201) {
        diags.error(codes::kRemoteError, "resource '" + name + "': " + label() + " refused the upload: " + parse_error(r).text(r.status));
        return false;
    }
    return true;
}

sdk::ApplyResponse MaxComputeEngine::apply(const sdk::ApplyRequest& req) {
    sdk::ApplyResponse res;
    if (req.kind == sdk::ObjectKind::resource) {
        res.applied = upload_resource(req, res.diagnostics);
        return res;
    }
    if (req.kind != sdk::ObjectKind::table && req.kind != sdk::ObjectKind::function) {
        res.diagnostics.error(codes::kKindUnsupported,
                              std::string(sdk::to_string(req.kind)) + " '" + req.name + "' cannot be committed to " + label());
        return res;
    }
    for (std::size_t i = 0; i < req.statements.size(); ++i) {
        const std::string what = std::string(sdk::to_string(req.kind)) + " '" + req.name + "' statement " +
                                 std::to_string(i + 1) + " of " + std::to_string(req.statements.size());
        if (!run_sql(req.statements[i], what, res.diagnostics)) {
            if (i > 0 && !res.diagnostics.items().empty())
                res.diagnostics.items().back().detail =
                    "the " + std::to_string(i) + " statement(s) before it stay applied: MaxCompute DDL is not transactional";
            return res;
        }
    }
    res.applied = true;
    return res;
}

std::unique_ptr<MaxComputeEngine> make_engine(const sdk::CreateContext& ctx, sdk::Diagnostics& diags) {
    const sdk::Config& cfg = *ctx.config;
    Settings s;
    s.project = cfg.string("project");
    s.endpoint = cfg.string("endpoint");
    s.access_key_id_env = cfg.string("access_key_id_env");
    s.access_key_secret_env = cfg.string("access_key_secret_env");
    s.sts_token_env = cfg.string("sts_token_env");
    s.sql_timeout_s = static_cast<int>(cfg.integer("sql_timeout_s", 600));
    s.poll_interval_ms = static_cast<int>(cfg.integer("poll_interval_ms", 500));
    s.http_timeout_s = static_cast<int>(cfg.integer("http_timeout_s", 30));
    s.http_retries = static_cast<int>(cfg.integer("http_retries", 3));
    s.ca_file = cfg.string("ca_file");
    s.where = cfg.where;
    bool ok = true;
    auto fail = [&](const std::string& key, const std::string& summary, const std::string& detail = {}) {
        diags.error(codes::kConfig, "maxcompute: " + summary, detail, cfg.where_of(key));
        ok = false;
    };
    engine::Quoted q = engine::quote_identifier(s.project, Dialect::maxcompute);
    if (!q.ok) fail("project", "'project' is not a MaxCompute project name: " + q.reason);
    std::string reason;
    if (!parse_rest_endpoint(s.endpoint, reason))
        fail("endpoint", "'endpoint' is not usable: " + reason, "e.g. https://service.cn-hangzhou.maxcompute.aliyun.com/api");
    if (s.access_key_id_env.empty()) fail("access_key_id_env", "'access_key_id_env' is empty");
    if (s.access_key_secret_env.empty()) fail("access_key_secret_env", "'access_key_secret_env' is empty");
    if (s.sql_timeout_s < 1) fail("sql_timeout_s", "'sql_timeout_s' must be at least 1");
    if (s.poll_interval_ms < 10 || s.poll_interval_ms > 60000) fail("poll_interval_ms", "'poll_interval_ms' must be 10 to 60000");
    if (s.http_timeout_s < 1) fail("http_timeout_s", "'http_timeout_s' must be at least 1");
    if (s.http_retries < 0 || s.http_retries > 20) fail("http_retries", "'http_retries' must be 0 to 20");
    if (!ok) return nullptr;
    return std::make_unique<MaxComputeEngine>(ctx.instance_name, std::move(s), ctx.host);
}

}  // namespace ferry::engines::maxcompute
