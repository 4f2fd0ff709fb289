// A parsed PostgreSQL/Hologres, MySQL or SQLite table written again for a destination of the same
// kind: native types kept, every name quoted for the destination, every string re-quoted.
#include "ferry/engine/codes.hpp"
#include "ferry/engine/quoting.hpp"
#include "ferry/engine/table_renderer.hpp"
#include "target_names.hpp"

namespace ferry::engine {

namespace {

bool pg_family(Dialect d) { return d == Dialect::postgresql || d == Dialect::hologres; }

bool same_kind(Dialect source, Dialect target) {
    return source == target || (pg_family(source) && pg_family(target));
}

std::string where_of(const SqlColumn& c) { return "ddl:" + std::to_string(c.line) + ":" + std::to_string(c.column); }

}  // namespace

RenderedStatements render_sql_table(const SqlTableDef& def, const RenderTarget& target) {
    RenderedStatements out;
    sdk::Diagnostics& diags = out.diagnostics;
    const Dialect d = target.dialect;
    if (!same_kind(def.dialect, d)) {
        diags.error(codes::kDialect, std::string("cannot render ") + to_string(def.dialect) + " DDL of table '" + target.table +
                                         "' for " + to_string(d),
                    "only MaxCompute and Hive DDL are translated between engines");
        return out;
    }
    detail::TargetNames names = detail::quote_target_names(target, diags);
    if (!names.ok) return out;

    bool failed = false;
    auto quoted = [&](const std::string& name, const std::string& what, const std::string& where) {
        Quoted q = quote_identifier(name, d);
        if (!q.ok) {
            diags.error(codes::kIdentifier, what + " '" + name + "' of '" + target.table + "' cannot be used on " + to_string(d),
                        q.reason, where);
            failed = true;
        }
        return q.text;
    };

    std::string body;
    for (const SqlColumn& c : def.columns) {
        std::string s = quoted(c.name, "column name", where_of(c));
        if (c.type) s += " " + c.type->text(d);
        if (!c.collation.empty()) s += " COLLATE " + (pg_family(d) ? quoted(c.collation, "collation", where_of(c)) : c.collation);
        if (c.not_null) s += " NOT NULL";
        else if (c.null && d == Dialect::mysql) s += " NULL";
        if (c.default_value) s += " DEFAULT " + c.default_value->text(d);
        if (c.on_update) s += " ON UPDATE " + c.on_update->text(d);
        if (c.autoincrement && d == Dialect::mysql) s += " AUTO_INCREMENT";
        if (c.primary_key) {
            s += " PRIMARY KEY";
            if (c.descending) s += " DESC";
            if (c.autoincrement && d == Dialect::sqlite) s += " AUTOINCREMENT";
        }
        if (c.unique) s += " UNIQUE";
        if (c.comment) s += " COMMENT " + quote_string(*c.comment, d);
        body += (body.empty() ? "\n  " : ",\n  ") + s;
    }
    for (const SqlKey& k : def.keys) {
        std::string s = k.kind == SqlKey::Kind::primary ? "PRIMARY KEY"
                        : d == Dialect::mysql && k.kind == SqlKey::Kind::unique ? "UNIQUE KEY"
                        : k.kind == SqlKey::Kind::unique                         ? "UNIQUE"
                                                                                 : "KEY";
        if (!k.name.empty() && d == Dialect::mysql && k.kind != SqlKey::Kind::primary) s += " " + quoted(k.name, "index name", "");
        s += " (";
        for (std::size_t i = 0; i < k.parts.size(); ++i) {
            const SqlKeyPart& p = k.parts[i];
            s += (i ? ", " : "") + quoted(p.column, "column name", "");
            if (p.prefix) s += "(" + std::to_string(*p.prefix) + ")";
            if (p.descending) s += " DESC";
        }
        body += ",\n  " + s + ")";
    }
    if (failed) return out;

    std::string create = std::string("CREATE TABLE ") + (target.overwrite ? "" : "IF NOT EXISTS ") + names.table + " (" + body + "\n)";
    if (d == Dialect::mysql) {
        if (!def.engine.empty()) create += " ENGINE=" + def.engine;
        if (def.auto_increment) create += " AUTO_INCREMENT=" + std::to_string(*def.auto_increment);
        if (!def.charset.empty()) create += " DEFAULT CHARSET=" + def.charset;
        if (!def.collation.empty()) create += " COLLATE=" + def.collation;
        if (!def.row_format.empty()) create += " ROW_FORMAT=" + def.row_format;
        if (def.comment) create += " COMMENT=" + quote_string(*def.comment, d);
    }
    if (d == Dialect::sqlite && (def.without_rowid || def.strict))
        create += def.without_rowid && def.strict ? " WITHOUT ROWID, STRICT" : def.strict ? " STRICT" : " WITHOUT ROWID";

    detail::prologue(target, names, out.statements);
    out.statements.push_back(std::move(create));
    if (def.constraint_names_dropped)
        diags.info(codes::kClauseDropped, "constraint names of '" + def.name + "' were left out: " +
                                              (pg_family(d) ? "on PostgreSQL they would name indexes beside the table, "
                                                              "other objects of the schema; "
                                                            : "") +
                                              "the database names the constraints itself");
    return out;
}

}  // namespace ferry::engine
