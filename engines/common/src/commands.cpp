#include "ferry/engine/commands.hpp"

#include <string>

#include "ferry/engine/codes.hpp"
#include "ferry/engine/identifier_rewriter.hpp"

namespace ferry::engine {

namespace {
bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
}  // namespace

std::optional<Dialect> command_dialect(std::string_view c) {
    if (starts_with(c, "ODPS_") || c == "PY_ODPS" || c == "PYODPS3" || c == "COMPONENT_SQL") return Dialect::maxcompute;
    if (starts_with(c, "EMR_") || starts_with(c, "CDH_")) return Dialect::hive;
    if (starts_with(c, "HOLOGRES_")) return Dialect::hologres;
    if (c == "POSTGRESQL" || c == "ADB_FOR_POSTGRESQL" || c == "ADB for PostgreSQL") return Dialect::postgresql;
    if (c == "MYSQL" || c == "ADB_FOR_MYSQL" || c == "ADB for MySQL") return Dialect::mysql;
    if (c == "SQLITE") return Dialect::sqlite;
    return std::nullopt;
}

bool is_sql_command(std::string_view c) {
    static constexpr std::string_view kSql[] = {
        "ODPS_SQL", "ODPS_SQL_SCRIPT", "ODPS_SPARK_SQL", "COMPONENT_SQL", "EMR_HIVE", "EMR_SPARK_SQL", "EMR_PRESTO",
        "EMR_IMPALA", "EMR_TRINO", "EMR_KYUUBI", "CDH_HIVE", "CDH_SPARK_SQL", "CDH_PRESTO", "CDH_IMPALA",
        "HOLOGRES_SQL", "HOLOGRES_DEVELOP", "POSTGRESQL", "ADB_FOR_POSTGRESQL", "ADB for PostgreSQL", "MYSQL",
        "ADB_FOR_MYSQL", "ADB for MySQL", "SQLITE"};
    for (std::string_view s : kSql)
        if (s == c) return true;
    return false;
}

sdk::RewriteResponse rewrite_code(const sdk::RewriteRequest& req, Dialect engine_dialect) {
    sdk::RewriteResponse res;
    const Dialect code_dialect = command_dialect(req.command).value_or(engine_dialect);
    IdentifierRewriter rewriter(req.names, code_dialect);
    if (is_sql_command(req.command) || req.command.empty()) {
        IdentifierRewriter::Result r = rewriter.rewrite(req.code);
        res.code = std::move(r.code);
        res.replacements = r.replacements;
    } else {
        IdentifierRewriter::Result r = rewriter.rewrite_anywhere(req.code);
        res.code = std::move(r.code);
        res.replacements = r.replacements;
        if (r.replacements > 0)
            res.diagnostics.warning(codes::kRewriteReview,
                                    std::to_string(r.replacements) + " name qualifier(s) replaced in " + req.command +
                                        " code, which is not SQL: replaced as whole identifiers, strings included",
                                    "review the node's code");
    }
    const bool same_family =
        code_dialect == engine_dialect ||
        ((code_dialect == Dialect::postgresql || code_dialect == Dialect::hologres) &&
         (engine_dialect == Dialect::postgresql || engine_dialect == Dialect::hologres));
    if (!same_family)
        res.diagnostics.warning(codes::kCrossEngineReview,
                                req.command + " code is " + to_string(code_dialect) + " and now runs on a " +
                                    to_string(engine_dialect) + " instance: it was kept as written",
                                "review the node's code before it runs");
    return res;
}

}  // namespace ferry::engine
