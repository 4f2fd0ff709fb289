#include "ferry/engine/table_renderer.hpp"

#include "ferry/engine/codes.hpp"
#include "ferry/engine/quoting.hpp"
#include "ferry/engine/type_mapping.hpp"
#include "target_names.hpp"

namespace ferry::engine {

namespace detail {

TargetNames quote_target_names(const RenderTarget& t, sdk::Diagnostics& diags) {
    TargetNames n;
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

void prologue(const RenderTarget& target, const TargetNames& names, std::vector<std::string>& st) {
    const Dialect d = target.dialect;
    if (target.create_schema && !names.schema.empty()) {
        if (d == Dialect::postgresql || d == Dialect::hologres) st.push_back("CREATE SCHEMA IF NOT EXISTS " + names.schema);
        if (d == Dialect::hive || d == Dialect::mysql) st.push_back("CREATE DATABASE IF NOT EXISTS " + names.schema);
    }
    if (target.overwrite) st.push_back("DROP TABLE IF EXISTS " + names.table);
}

}  // namespace detail

namespace {

std::string where_of(const Column& c) { return "ddl:" + std::to_string(c.line) + ":" + std::to_string(c.column); }

bool hive_family(Dialect d) { return d == Dialect::hive || d == Dialect::maxcompute; }

std::string properties(const std::vector<std::pair<std::string, std::string>>& props, Dialect d) {
    std::string s = "(";
    for (std::size_t i = 0; i < props.size(); ++i)
        s += (i ? ", " : "") + quote_string(props[i].first, d) + "=" + quote_string(props[i].second, d);
    return s + ")";
}

// The clauses after the column list of a MaxCompute or Hive table, each written from its parts.
class HiveClauses {
  public:
    HiveClauses(const TableDef& def, Dialect d, sdk::Diagnostics& diags) : def_(def), d_(d), diags_(diags) {}

    bool ok() const { return ok_; }

    std::string name(const std::string& n) {
        Quoted q = quote_identifier(ascii_lower(n), d_);
        if (!q.ok) {
            diags_.error(codes::kIdentifier, "column name '" + n + "' of '" + def_.name + "' cannot be used on " + to_string(d_),
                         q.reason);
            ok_ = false;
        }
        return q.text;
    }

    std::string clustering() {
        const Clustering& c = def_.clustering;
        if (c.empty()) return {};
        if (c.range && d_ == Dialect::hive) {
            diags_.info(codes::kClauseDropped, "RANGE CLUSTERED BY of '" + def_.name + "' has no equivalent on hive and was left out");
            return {};
        }
        std::string s = c.range ? "RANGE CLUSTERED BY (" : "CLUSTERED BY (";
        for (std::size_t i = 0; i < c.columns.size(); ++i) s += (i ? ", " : "") + name(c.columns[i]);
        s += ")";
        if (!c.sorted_by.empty()) {
            s += " SORTED BY (";
            for (std::size_t i = 0; i < c.sorted_by.size(); ++i)
                s += (i ? ", " : "") + name(c.sorted_by[i].first) + (c.sorted_by[i].second ? " DESC" : " ASC");
            s += ")";
        }
        if (c.buckets) s += " INTO " + std::to_string(*c.buckets) + " BUCKETS";
        return s;
    }

    std::vector<std::string> storage() {
        const Storage& s = def_.storage;
        std::vector<std::string> out;
        if (s.delimited) {
            std::string r = "ROW FORMAT DELIMITED";
            for (const auto& [clause, value] : s.delimiters) r += " " + clause + " " + quote_string(value, d_);
            out.push_back(std::move(r));
        }
        if (!s.serde.empty()) {
            std::string r = "ROW FORMAT SERDE " + quote_string(s.serde, d_);
            if (!s.serde_properties.empty()) r += " WITH SERDEPROPERTIES " + properties(s.serde_properties, d_);
            out.push_back(std::move(r));
        }
        if (!s.stored_as.empty()) {
            if (!is_plain_identifier(s.stored_as)) {
                diags_.error(codes::kIdentifier, "file format '" + s.stored_as + "' of '" + def_.name + "' cannot be written on " +
                                                     to_string(d_),
                             "a file format is a plain name such as ORC or PARQUET");
                ok_ = false;
            }
            out.push_back("STORED AS " + s.stored_as);
        }
        if (!s.input_format.empty())
            out.push_back("STORED AS INPUTFORMAT " + quote_string(s.input_format, d_) + " OUTPUTFORMAT " +
                          quote_string(s.output_format, d_));
        if (!s.stored_by.empty()) {
            std::string r = "STORED BY " + quote_string(s.stored_by, d_);
            if (!s.serde_properties.empty() && s.serde.empty()) r += " WITH SERDEPROPERTIES " + properties(s.serde_properties, d_);
            out.push_back(std::move(r));
        }
        return out;
    }

  private:
    const TableDef& def_;
    Dialect d_;
    sdk::Diagnostics& diags_;
    bool ok_ = true;
};

}  // namespace

std::string destination_table_name(std::string_view package_name) { return ascii_lower(package_name); }

RenderedStatements render_table(const TableDef& def, const RenderTarget& target) {
    RenderedStatements out;
    sdk::Diagnostics& diags = out.diagnostics;
    const Dialect d = target.dialect;
    detail::TargetNames names = detail::quote_target_names(target, diags);
    if (!names.ok) return out;

    // Partition columns become ordinary columns at the end, as protocols.md maps them.
    std::vector<const Column*> cols;
    for (const Column& c : def.columns) cols.push_back(&c);
    const bool hive = hive_family(d);
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
    HiveClauses clauses(def, d, diags);
    std::string clustering;
    std::vector<std::string> storage;
    if (hive) {
        clustering = clauses.clustering();
        storage = clauses.storage();
    }
    if (failed || !clauses.ok()) return out;

    auto& st = out.statements;
    detail::prologue(target, names, st);
    std::string create = (hive && def.external) ? "CREATE EXTERNAL TABLE " : "CREATE TABLE ";
    if (!target.overwrite) create += "IF NOT EXISTS ";
    create += names.table + " (" + body + "\n)";
    if (d == Dialect::mysql && def.comment) create += " COMMENT=" + quote_string(*def.comment, d);
    if (hive) {
        if (def.comment) create += "\nCOMMENT " + quote_string(*def.comment, d);
        if (!partitions.empty()) create += "\nPARTITIONED BY (" + partitions + ")";
        if (!clustering.empty()) create += "\n" + clustering;
        for (const auto& s : storage) create += "\n" + s;
        if (def.location) create += "\nLOCATION " + quote_string(*def.location, d);
        if (def.storage.using_resources) {
            if (d == Dialect::maxcompute) create += "\nUSING " + quote_string(*def.storage.using_resources, d);
            else diags.info(codes::kClauseDropped, "USING of '" + def.name + "' (MaxCompute resources) has no equivalent on hive");
        }
        if (!def.tblproperties.empty()) create += "\nTBLPROPERTIES " + properties(def.tblproperties, d);
        if (def.lifecycle && d == Dialect::maxcompute) create += "\nLIFECYCLE " + std::to_string(*def.lifecycle);
    }
    st.push_back(std::move(create));

    if (d == Dialect::postgresql || d == Dialect::hologres) {
        if (def.comment) st.push_back("COMMENT ON TABLE " + names.table + " IS " + quote_string(*def.comment, d));
        for (const Column* c : cols)
            if (c->comment)
                st.push_back("COMMENT ON COLUMN " + names.table + "." + quote_identifier(ascii_lower(c->name), d).text +
                             " IS " + quote_string(*c->comment, d));
    }

    if (def.lifecycle && d != Dialect::maxcompute)
        diags.info(codes::kClauseDropped,
                   "LIFECYCLE " + std::to_string(*def.lifecycle) + " of '" + def.name + "' has no equivalent on " +
                       to_string(d) + "; old data is not expired there");
    if (!hive && (!def.clustering.empty() || !def.storage.empty() || def.location || !def.tblproperties.empty()))
        diags.info(codes::kClauseDropped, "storage clauses of '" + def.name + "' (CLUSTERED BY, STORED, LOCATION, "
                                          "TBLPROPERTIES) do not apply on " + to_string(d) + " and were left out");
    return out;
}

}  // namespace ferry::engine
