#include "ferry/engine/table_renderer.hpp"

#include "ferry/engine/codes.hpp"
#include "ferry/engine/quoting.hpp"
#include "ferry/engine/type_mapping.hpp"

namespace ferry::engine {

namespace {

std::string where_of(const Column& c) { return "ddl:" + std::to_string(c.line) + ":" + std::to_string(c.column); }

struct Names {
    bool ok = true;
    std::string table;      // qualified and quoted
    std::string schema;     // quoted, may be empty
};

Names quote_names(const RenderTarget& t, sdk::Diagnostics& diags) {
    Names n;
    Quoted table = quote_identifier(t.table, t.dialect);
    if (!table.ok) {
        diags.error(codes::kIdentifier, "table name '" + t.table + "' cannot be used on " + to_string(t.dialect),
                    table.reason);
        n.ok = false;
        return n;
    }
    n.table = table.text;
    if (!t.schema.empty()) {
        Quoted schema = quote_identifier(t.schema, t.dialect);
        if (!schema.ok) {
            diags.error(codes::kIdentifier, "schema name '" + t.schema + "' cannot be used on " + to_string(t.dialect),
                        schema.reason);
            n.ok = false;
            return n;
        }
        n.schema = schema.text;
        n.table = schema.text + "." + table.text;
    }
    return n;
}

}  // namespace

std::string last_name_part(std::string_view name) {
    std::size_t dot = name.rfind('.');
    return std::string(dot == std::string_view::npos ? name : name.substr(dot + 1));
}

RenderedStatements render_table(const TableDef& def, const RenderTarget& target) {
    RenderedStatements out;
    sdk::Diagnostics& diags = out.diagnostics;
    const Dialect d = target.dialect;
    Names names = quote_names(target, diags);
    if (!names.ok) return out;

    // Partition columns become ordinary columns at the end, as protocols.md maps them.
    std::vector<const Column*> cols;
    for (const Column& c : def.columns) cols.push_back(&c);
    const bool hive = d == Dialect::hive;
    if (!hive) {
        for (const Column& c : def.partitions) cols.push_back(&c);
        if (!def.partitions.empty())
            diags.info(codes::kClauseDropped,
                       "partition columns of '" + def.name + "' become ordinary columns on " + to_string(d));
    }

    bool failed = false;
    auto column_sql = [&](const Column& c) -> std::string {
        const std::string name = ascii_lower(c.name);
        Quoted q = quote_identifier(name, d);
        if (!q.ok) {
            diags.error(codes::kIdentifier, "column name '" + c.name + "' cannot be used on " + to_string(d), q.reason,
                        where_of(c));
            failed = true;
            return {};
        }
        MappedType m = map_type(c.type, d);
        if (!m.supported) {
            diags.error(codes::kTypeUnsupported,
                        "column '" + c.name + "' of type " + c.type.text() + " has no type on " + to_string(d), m.note,
                        where_of(c));
            failed = true;
            return {};
        }
        if (m.lossy)
            diags.warning(codes::kTypeLossy,
                          "column '" + c.name + "' " + c.type.text() + " becomes " + m.sql + " on " + to_string(d),
                          m.note, where_of(c));
        std::string s = q.text + " " + m.sql;
        if (c.not_null) s += " NOT NULL";
        if (c.comment && (d == Dialect::mysql || hive)) s += " COMMENT " + quote_string(*c.comment, d);
        return s;
    };

    std::string body;
    for (const Column* c : cols) {
        std::string s = column_sql(*c);
        body += (body.empty() ? "\n  " : ",\n  ") + s;
    }
    std::string partitions;
    if (hive) {
        for (const Column& c : def.partitions) {
            std::string s = column_sql(c);
            partitions += (partitions.empty() ? "" : ", ") + s;
        }
    }
    if (failed) return out;

    auto& st = out.statements;
    if (target.create_schema && !names.schema.empty()) {
        if (d == Dialect::postgresql || d == Dialect::hologres) st.push_back("CREATE SCHEMA IF NOT EXISTS " + names.schema);
        if (d == Dialect::hive || d == Dialect::mysql) st.push_back("CREATE DATABASE IF NOT EXISTS " + names.schema);
    }
    if (target.overwrite) st.push_back("DROP TABLE IF EXISTS " + names.table);
    std::string create = (hive && def.external) ? "CREATE EXTERNAL TABLE " : "CREATE TABLE ";
    if (!target.overwrite) create += "IF NOT EXISTS ";
    create += names.table + " (" + body + "\n)";
    if (d == Dialect::mysql && def.comment) create += " COMMENT=" + quote_string(*def.comment, d);
    if (hive) {
        if (def.comment) create += "\nCOMMENT " + quote_string(*def.comment, d);
        if (!partitions.empty()) create += "\nPARTITIONED BY (" + partitions + ")";
        if (!def.clustered_by.empty()) create += "\n" + def.clustered_by;
        if (!def.storage.empty()) create += "\n" + def.storage;
        if (def.location) create += "\nLOCATION " + quote_string(*def.location, d);
        if (!def.tblproperties.empty()) {
            create += "\nTBLPROPERTIES (";
            for (std::size_t i = 0; i < def.tblproperties.size(); ++i) {
                if (i) create += ", ";
                create += quote_string(def.tblproperties[i].first, d) + "=" + quote_string(def.tblproperties[i].second, d);
            }
            create += ")";
        }
    }
    st.push_back(std::move(create));

    if (d == Dialect::postgresql || d == Dialect::hologres) {
        if (def.comment) st.push_back("COMMENT ON TABLE " + names.table + " IS " + quote_string(*def.comment, d));
        for (const Column* c : cols)
            if (c->comment)
                st.push_back("COMMENT ON COLUMN " + names.table + "." + quote_identifier(ascii_lower(c->name), d).text +
                             " IS " + quote_string(*c->comment, d));
    }

    if (def.lifecycle)
        diags.info(codes::kClauseDropped,
                   "LIFECYCLE " + std::to_string(*def.lifecycle) + " of '" + def.name + "' has no equivalent on " +
                       to_string(d) + "; old data is not expired there");
    if (!hive && (!def.clustered_by.empty() || !def.storage.empty() || def.location || !def.tblproperties.empty()))
        diags.info(codes::kClauseDropped, "storage clauses of '" + def.name + "' (CLUSTERED BY, STORED, LOCATION, "
                                          "TBLPROPERTIES) do not apply on " + to_string(d) + " and were left out");
    return out;
}

std::vector<std::string> retarget_table_text(std::string_view ddl, const TableDef& t, const std::string& qualified_name,
                                             bool overwrite) {
    std::vector<std::string> out;
    if (overwrite) out.push_back("DROP TABLE IF EXISTS " + qualified_name);
    std::string s = t.external ? "CREATE EXTERNAL TABLE " : "CREATE TABLE ";
    if (!overwrite) s += "IF NOT EXISTS ";
    s += qualified_name;
    s.append(ddl.substr(t.name_end, t.statement_end - t.name_end));
    out.push_back(std::move(s));
    return out;
}

}  // namespace ferry::engine
