#include "ferry/engine/sql_engine.hpp"

#include "ferry/engine/codes.hpp"
#include "ferry/engine/commands.hpp"
#include "ferry/engine/ddl.hpp"
#include "ferry/engine/ddl_guard.hpp"
#include "ferry/engine/quoting.hpp"
#include "ferry/engine/table_renderer.hpp"

namespace ferry::engine {

std::string SqlEngine::dialect() const { return to_string(opt_.dialect); }

std::string SqlEngine::table_name(const std::string& package_name) { return destination_table_name(package_name); }

std::string SqlEngine::scrub(std::string message) const {
    // One line: client libraries end lines with hints ("\n\tIs the server running ...").
    std::string flat;
    for (std::size_t i = 0; i < message.size(); ++i) {
        if (message[i] == '\n') {
            while (i + 1 < message.size() && (message[i + 1] == '\t' || message[i + 1] == ' ')) ++i;
            if (i + 1 < message.size()) flat += "; ";
        } else {
            flat.push_back(message[i]);
        }
    }
    message = std::move(flat);
    const std::string s = secret();
    if (s.empty()) return message;
    for (std::size_t at = message.find(s); at != std::string::npos; at = message.find(s, at + 8))
        message.replace(at, s.size(), "********");
    return message;
}

sdk::RewriteResponse SqlEngine::rewrite(const sdk::RewriteRequest& request) {
    return rewrite_code(request, opt_.dialect);
}

sdk::TableResponse SqlEngine::render_table(const sdk::TableRequest& req) {
    sdk::TableResponse res;
    const auto source = parse_dialect(req.source_dialect.empty() ? "maxcompute" : req.source_dialect);
    if (!source) {
        res.diagnostics.error(codes::kDialect, "unknown source dialect '" + req.source_dialect + "' for table '" + req.name + "'");
        return res;
    }
    auto pg_family = [](Dialect d) { return d == Dialect::postgresql || d == Dialect::hologres; };
    const bool translated = *source == Dialect::maxcompute || *source == Dialect::hive;
    const bool same_kind = *source == opt_.dialect || (pg_family(*source) && pg_family(opt_.dialect));
    if (!translated && !same_kind) {
        res.diagnostics.error(codes::kDialect, "cannot render " + std::string(to_string(*source)) + " DDL of table '" +
                                                   req.name + "' for " + to_string(opt_.dialect),
                              "only MaxCompute and Hive DDL are translated between engines");
        return res;
    }
    // Same dialect or not, the DDL is read and the statements are rendered from what was read:
    // one CREATE TABLE of this table, under its own name, in this engine's schema.
    ParsedTableDdl parsed;
    const DdlVerdict verdict = read_table_ddl(req.ddl, *source, OwnTable{req.name, std::nullopt}, &parsed);
    if (!verdict.ok()) {
        report_ddl_verdict(verdict, req.name, res.diagnostics);
        return res;
    }
    RenderTarget target;
    target.dialect = opt_.dialect;
    target.schema = opt_.schema;
    target.create_schema = opt_.create_schema;
    target.table = table_name(req.name);
    target.overwrite = req.overwrite;
    RenderedStatements r = translated ? engine::render_table(parsed.table, target) : render_sql_table(parsed.sql, target);
    res.statements = std::move(r.statements);
    res.diagnostics = std::move(r.diagnostics);
    return res;
}

sdk::FunctionResponse SqlEngine::render_function(const sdk::FunctionRequest& req) {
    sdk::FunctionResponse res;
    std::string resources;
    for (const auto& r : req.resources) resources += (resources.empty() ? "" : ", ") + r;
    const auto source = parse_dialect(req.source_dialect.empty() ? "maxcompute" : req.source_dialect);
    if (source && (*source == Dialect::maxcompute || *source == Dialect::hive)) {
        res.diagnostics.error(codes::kFunctionUnsupported,
                              "function '" + req.name + "' (class " + req.class_name +
                                  (resources.empty() ? "" : ", resources " + resources) + ") is a " +
                                  to_string(*source) + " UDF: " + to_string(opt_.dialect) +
                                  " cannot run Java or Python UDF classes",
                              "rewrite it as a " + std::string(to_string(opt_.dialect)) +
                                  " function, or keep functions off this instance");
        return res;
    }
    // A function written for this database needs its definition, which FunctionRequest does not carry.
    res.diagnostics.error(codes::kFunctionUnsupported,
                          "function '" + req.name + "' cannot be created on " + to_string(opt_.dialect) +
                              ": the package gives a class name, not a function body",
                          "create it by hand; ferry only creates functions from MaxCompute/Hive classes on engines that run them");
    return res;
}

SqlConnection* SqlEngine::connection(sdk::Diagnostics& diags) {
    if (conn_) return conn_.get();
    if (!connect_failed_) {
        std::string error;
        conn_ = connect(error);
        if (conn_) return conn_.get();
        connect_failed_ = true;
        connect_error_ = scrub(error);
    }
    diags.error(codes::kConnect, "cannot connect to " + opt_.label + ": " + connect_error_,
                "check that the engine is up and the login is right, then re-import");
    return nullptr;
}

sdk::ExistsResponse SqlEngine::exists(const sdk::ExistsRequest& req) {
    sdk::ExistsResponse res;
    std::string sql;
    std::vector<std::string> params;
    if (req.kind == sdk::ObjectKind::table) {
        table_exists_query(table_name(req.name), sql, params);
    } else if (req.kind == sdk::ObjectKind::function) {
        function_exists_query(ascii_lower(req.name), sql, params);
    } else {
        res.diagnostics.info(codes::kKindUnsupported,
                             std::string(sdk::to_string(req.kind)) + " '" + req.name + "' does not live on " + opt_.label);
        return res;
    }
    if (sql.empty()) {
        res.diagnostics.info(codes::kKindUnsupported,
                             std::string(sdk::to_string(req.kind)) + "s do not live on " + opt_.label);
        return res;
    }
    SqlConnection* c = connection(res.diagnostics);
    if (!c) return res;
    std::string error;
    if (!c->has_rows(sql, params, res.exists, error))
        res.diagnostics.error(codes::kQuery, "cannot ask " + opt_.label + " whether " + sdk::to_string(req.kind) + " '" +
                                                 req.name + "' exists: " + scrub(error));
    return res;
}

sdk::ApplyResponse SqlEngine::apply(const sdk::ApplyRequest& req) {
    sdk::ApplyResponse res;
    if (req.kind != sdk::ObjectKind::table && req.kind != sdk::ObjectKind::function) {
        res.diagnostics.error(codes::kKindUnsupported, std::string(sdk::to_string(req.kind)) + " '" + req.name +
                                                           "' cannot be committed to " + opt_.label,
                              req.kind == sdk::ObjectKind::resource ? "resources only land on engines that run them"
                                                                    : "");
        return res;
    }
    if (req.statements.empty()) {
        res.applied = true;
        return res;
    }
    SqlConnection* c = connection(res.diagnostics);
    if (!c) return res;
    std::string error;
    const bool tx = opt_.transactional_ddl && req.statements.size() > 1;
    if (tx && !c->execute("BEGIN", error)) {
        res.diagnostics.error(codes::kExecute, opt_.label + ": cannot begin a transaction: " + scrub(error));
        return res;
    }
    for (std::size_t i = 0; i < req.statements.size(); ++i) {
        if (c->execute(req.statements[i], error)) continue;
        std::string rollback_error;
        if (tx) c->execute("ROLLBACK", rollback_error);
        std::string detail = tx ? "nothing of it was kept (the transaction was rolled back)"
                         : i == 0 ? ""
                                  : "the " + std::to_string(i) + " statement(s) before it stay applied: " + opt_.label +
                                        " commits DDL at once";
        res.diagnostics.error(codes::kExecute,
                              std::string(sdk::to_string(req.kind)) + " '" + req.name + "': statement " +
                                  std::to_string(i + 1) + " of " + std::to_string(req.statements.size()) +
                                  " failed on " + opt_.label + ": " + scrub(error),
                              detail);
        return res;
    }
    if (tx && !c->execute("COMMIT", error)) {
        res.diagnostics.error(codes::kExecute, opt_.label + ": commit failed: " + scrub(error));
        return res;
    }
    res.applied = true;
    return res;
}

}  // namespace ferry::engine
