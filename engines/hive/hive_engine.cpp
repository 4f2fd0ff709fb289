#include "hive_engine.hpp"

#include "ferry/engine/codes.hpp"
#include "ferry/engine/commands.hpp"
#include "ferry/engine/ddl.hpp"
#include "ferry/engine/ddl_guard.hpp"
#include "ferry/engine/quoting.hpp"
#include "ferry/engine/table_renderer.hpp"

namespace ferry::engines::hive {

namespace codes = engine::codes;
using engine::Dialect;

HiveEngine::HiveEngine(std::string kind, std::string instance, HiveSettings settings)
    : kind_(std::move(kind)), instance_(std::move(instance)), settings_(std::move(settings)) {}

std::string HiveEngine::label() const {
    return kind_ + " instance '" + instance_ + "'" + (settings_.cluster_id.empty() ? "" : " (cluster " + settings_.cluster_id + ")");
}

sdk::RewriteResponse HiveEngine::rewrite(const sdk::RewriteRequest& request) {
    return engine::rewrite_code(request, Dialect::hive);
}

sdk::TableResponse HiveEngine::render_table(const sdk::TableRequest& req) {
    sdk::TableResponse res;
    const auto source = engine::parse_dialect(req.source_dialect.empty() ? "hive" : req.source_dialect);
    if (!source || (*source != Dialect::hive && *source != Dialect::maxcompute)) {
        res.diagnostics.error(codes::kDialect, "cannot render " + req.source_dialect + " DDL of table '" + req.name +
                                                   "' for Hive", "only Hive and MaxCompute DDL are rendered for " + kind_);
        return res;
    }
    // Hive or MaxCompute DDL alike: rendered from what was read, under the table's own name in
    // this instance's database (a database the DDL names is not used).
    engine::ParsedTableDdl parsed;
    const engine::DdlVerdict verdict = engine::read_table_ddl(req.ddl, *source, {req.name, std::nullopt}, &parsed);
    if (!verdict.ok()) {
        engine::report_ddl_verdict(verdict, req.name, res.diagnostics);
        return res;
    }
    engine::RenderTarget target{Dialect::hive, settings_.database, engine::destination_table_name(req.name), req.overwrite,
                                settings_.create_database};
    engine::RenderedStatements r = engine::render_table(parsed.table, target);
    res.statements = std::move(r.statements);
    res.diagnostics = std::move(r.diagnostics);
    return res;
}

sdk::FunctionResponse HiveEngine::render_function(const sdk::FunctionRequest& req) {
    sdk::FunctionResponse res;
    const auto source = engine::parse_dialect(req.source_dialect.empty() ? "hive" : req.source_dialect);
    if (!source || *source != Dialect::hive) {
        // MaxCompute UDFs extend com.aliyun.odps.udf classes (or are MaxCompute Python UDFs): Hive cannot load them.
        res.diagnostics.error(codes::kFunctionUnsupported,
                              "function '" + req.name + "' (class " + req.class_name + ") is a " + req.source_dialect +
                                  " UDF: Hive cannot run it",
                              "port it to a Hive UDF (org.apache.hadoop.hive.ql.exec.UDF or GenericUDF) first");
        return res;
    }
    engine::Quoted db = engine::quote_identifier(settings_.database, Dialect::hive);
    // The whole name, quoted: a dotted name is refused (Hive names hold no '.'), never split.
    engine::Quoted f = engine::quote_identifier(req.name, Dialect::hive);
    if (!db.ok || !f.ok) {
        res.diagnostics.error(codes::kIdentifier, "function '" + req.name + "' cannot be named on Hive", db.ok ? f.reason : db.reason);
        return res;
    }
    std::string using_clause;
    for (const auto& r : req.resources) {
        const bool is_jar = r.size() > 4 && r.compare(r.size() - 4, 4, ".jar") == 0;
        const bool is_archive = r.size() > 4 && (r.compare(r.size() - 4, 4, ".zip") == 0 || r.compare(r.size() - 4, 4, ".tgz") == 0 ||
                                                 (r.size() > 7 && r.compare(r.size() - 7, 7, ".tar.gz") == 0));
        using_clause += std::string(using_clause.empty() ? " USING " : ", ") + (is_jar ? "JAR " : is_archive ? "ARCHIVE " : "FILE ") +
                        engine::quote_string(r, Dialect::hive);
    }
    const std::string name = db.text + "." + f.text;
    if (req.overwrite) res.statements.push_back("DROP FUNCTION IF EXISTS " + name);
    res.statements.push_back("CREATE FUNCTION " + name + " AS " + engine::quote_string(req.class_name, Dialect::hive) + using_clause);
    if (!req.resources.empty())
        res.diagnostics.info(codes::kCrossEngineReview, "function '" + req.name +
                                                            "' names its resources as the package does; HiveServer2 must reach them "
                                                            "(an hdfs:// or oss:// path)");
    return res;
}

sdk::ExistsResponse HiveEngine::exists(const sdk::ExistsRequest& req) {
    sdk::ExistsResponse res;
    res.diagnostics.warning(codes::kExistsUnknown,
                            "cannot ask " + label() + " whether " + sdk::to_string(req.kind) + " '" + req.name +
                                "' exists: ferry does not connect to HiveServer2; assumed absent",
                            "the rendered statements use IF NOT EXISTS unless on_conflict = overwrite");
    return res;
}

sdk::ApplyResponse HiveEngine::apply(const sdk::ApplyRequest& req) {
    sdk::ApplyResponse res;
    std::string statements;
    for (const auto& s : req.statements) statements += s + ";\n";
    res.diagnostics.error(codes::kNotExecuted,
                          std::to_string(req.statements.size()) + " statement(s) for " + sdk::to_string(req.kind) + " '" +
                              req.name + "' were rendered but not executed on " + label() +
                              ": ferry cannot reach HiveServer2",
                          statements.empty() ? "nothing to run" : "run them with beeline or the EMR console:\n" + statements);
    return res;
}

std::unique_ptr<HiveEngine> make_engine(const char* kind, const sdk::CreateContext& ctx, sdk::Diagnostics& diags) {
    const sdk::Config& cfg = *ctx.config;
    HiveSettings s;
    s.database = cfg.string("database");
    s.cluster_id = cfg.string("cluster_id");
    s.create_database = cfg.boolean("create_database", false);
    engine::Quoted q = engine::quote_identifier(s.database, Dialect::hive);
    if (!q.ok) {
        diags.error(codes::kConfig, engine::ascii_lower(kind) + ": 'database' is not a Hive database name: " + q.reason, "",
                    cfg.where_of("database"));
        return nullptr;
    }
    return std::make_unique<HiveEngine>(kind, ctx.instance_name, std::move(s));
}

}  // namespace ferry::engines::hive
