#include "ferry/engine/type_mapping.hpp"

#include "ferry/engine/quoting.hpp"

namespace ferry::engine {

namespace {

using K = DataType::Kind;

MappedType ok(std::string sql) { return {true, std::move(sql), false, {}}; }
MappedType lossy(std::string sql, std::string note) { return {true, std::move(sql), true, std::move(note)}; }
MappedType unsupported(std::string note) { return {false, {}, false, std::move(note)}; }

std::string decimal(const DataType& t, const char* name) {
    return std::string(name) + "(" + std::to_string(t.precision) + "," + std::to_string(t.scale) + ")";
}

bool primitive(const DataType& t) { return !t.is_complex(); }

MappedType postgres_scalar(const DataType& t, bool hologres) {
    switch (t.kind) {
        case K::tinyint:
            return ok("int2");
        case K::smallint: return ok("int2");
        case K::int_: return ok("int4");
        case K::bigint: return ok("int8");
        case K::float_: return ok("float4");
        case K::double_: return ok("float8");
        case K::decimal: return ok(decimal(t, "numeric"));
        case K::varchar: return ok("varchar(" + std::to_string(t.length) + ")");
        case K::char_: return ok("char(" + std::to_string(t.length) + ")");
        case K::string: return ok("text");
        case K::binary: return ok("bytea");
        case K::date: return ok("date");
        case K::datetime: return ok("timestamptz");
        case K::timestamp: return lossy("timestamptz", "MaxCompute TIMESTAMP keeps nanoseconds; timestamptz keeps microseconds");
        case K::timestamp_ntz: return lossy("timestamp", "nanoseconds become microseconds");
        case K::boolean: return ok("bool");
        case K::json: return hologres ? ok("json") : ok("jsonb");
        default: break;
    }
    return unsupported("not a scalar type");
}

MappedType to_postgres(const DataType& t, bool hologres) {
    if (primitive(t)) return postgres_scalar(t, hologres);
    if (t.kind == K::array && primitive(t.children[0])) {
        const DataType& e = t.children[0];
        if (hologres) {
            // Hologres arrays: int4[], int8[], float4[], float8[], boolean[], text[] only.
            switch (e.kind) {
                case K::int_: return ok("int4[]");
                case K::bigint: return ok("int8[]");
                case K::float_: return ok("float4[]");
                case K::double_: return ok("float8[]");
                case K::boolean: return ok("bool[]");
                case K::string: return ok("text[]");
                case K::varchar:
                case K::char_: return lossy("text[]", "the element length limit is dropped");
                default:
                    return unsupported("Hologres arrays hold int4, int8, float4, float8, boolean or text, not " + e.text());
            }
        }
        if (e.kind == K::tinyint || e.kind == K::smallint)
            return lossy("jsonb", "ARRAY<" + e.text() + "> is stored as a JSON array (protocols.md mapping)");
        MappedType inner = postgres_scalar(e, false);
        inner.sql += "[]";
        return inner;
    }
    if (hologres) return unsupported("Hologres has no column type for " + t.text());
    return lossy("jsonb", t.text() + " is stored as JSON: field types are not enforced");
}

MappedType to_mysql(const DataType& t) {
    switch (t.kind) {
        case K::tinyint: return ok("TINYINT");
        case K::smallint: return ok("SMALLINT");
        case K::int_: return ok("INT");
        case K::bigint: return ok("BIGINT");
        case K::float_: return ok("FLOAT");
        case K::double_: return ok("DOUBLE");
        case K::decimal: return ok(decimal(t, "DECIMAL"));
        case K::varchar:
            // utf8mb4 rows are limited to 65535 bytes: long VARCHARs go to TEXT types.
            if (t.length <= 16383) return ok("VARCHAR(" + std::to_string(t.length) + ")");
            return lossy("MEDIUMTEXT", "VARCHAR(" + std::to_string(t.length) + ") exceeds MySQL's utf8mb4 VARCHAR; the length limit is dropped");
        case K::char_: return ok("CHAR(" + std::to_string(t.length) + ")");
        case K::string: return ok("LONGTEXT");
        case K::binary: return ok("LONGBLOB");
        case K::date: return ok("DATE");
        case K::datetime: return ok("DATETIME(3)");
        case K::timestamp: return lossy("DATETIME(6)", "nanoseconds become microseconds, and the value is stored without a time zone");
        case K::timestamp_ntz: return lossy("DATETIME(6)", "nanoseconds become microseconds");
        case K::boolean: return ok("BOOLEAN");
        case K::json: return ok("JSON");
        case K::array:
        case K::map:
        case K::struct_: return lossy("JSON", t.text() + " is stored as JSON: element types are not enforced");
    }
    return unsupported("unknown type");
}

MappedType to_sqlite(const DataType& t) {
    switch (t.kind) {
        case K::tinyint:
        case K::smallint:
        case K::int_:
        case K::bigint: return ok("INTEGER");
        case K::float_:
        case K::double_: return ok("REAL");
        // TEXT keeps decimals exact; REAL or NUMERIC affinity would round them.
        case K::decimal: return ok("TEXT");
        // Never STRING: SQLite gives it NUMERIC affinity and '0123' becomes 123.
        case K::varchar:
        case K::char_: return lossy("TEXT", "SQLite does not enforce the length of " + t.text());
        case K::string: return ok("TEXT");
        case K::binary: return ok("BLOB");
        case K::boolean: return ok("INTEGER");
        case K::date:
        case K::datetime:
        case K::timestamp:
        case K::timestamp_ntz: return ok("TEXT");
        case K::json: return ok("TEXT");
        case K::array:
        case K::map:
        case K::struct_: return lossy("TEXT", t.text() + " is stored as JSON text");
    }
    return unsupported("unknown type");
}

// Hive, or MaxCompute itself: complex types are written again from their parts, STRUCT field
// names quoted (a field name is a name of the package, never spliced).
MappedType to_hive_family(const DataType& t, bool hive) {
    switch (t.kind) {
        case K::datetime:
            if (hive) return ok("TIMESTAMP");  // Hive has no DATETIME; TIMESTAMP holds it whole
            break;
        case K::timestamp_ntz:
            if (hive) return ok("TIMESTAMP");
            break;
        case K::json:
            if (hive) return lossy("STRING", "Hive has no JSON type");
            break;
        case K::array: {
            MappedType e = to_hive_family(t.children[0], hive);
            return {e.supported, "ARRAY<" + e.sql + ">", e.lossy, e.note};
        }
        case K::map: {
            MappedType k = to_hive_family(t.children[0], hive), v = to_hive_family(t.children[1], hive);
            return {k.supported && v.supported, "MAP<" + k.sql + "," + v.sql + ">", k.lossy || v.lossy,
                    !k.supported ? k.note : !v.supported ? v.note : k.note.empty() ? v.note : k.note};
        }
        case K::struct_: {
            MappedType out = ok("STRUCT<");
            for (std::size_t i = 0; i < t.children.size(); ++i) {
                Quoted field = quote_identifier(t.field_names[i], hive ? Dialect::hive : Dialect::maxcompute);
                if (!field.ok) return unsupported("STRUCT field name '" + t.field_names[i] + "' cannot be written: " + field.reason);
                MappedType f = to_hive_family(t.children[i], hive);
                if (i) out.sql += ",";
                out.sql += field.text + ":" + f.sql;
                if (!f.supported) return f;
                if (f.lossy) {
                    out.lossy = true;
                    out.note = f.note;
                }
            }
            out.sql += ">";
            return out;
        }
        default: break;
    }
    return ok(t.text());
}

}  // namespace

MappedType map_type(const DataType& type, Dialect target) {
    switch (target) {
        case Dialect::postgresql: return to_postgres(type, false);
        case Dialect::hologres: return to_postgres(type, true);
        case Dialect::mysql: return to_mysql(type);
        case Dialect::sqlite: return to_sqlite(type);
        case Dialect::hive: return to_hive_family(type, true);
        case Dialect::maxcompute: return to_hive_family(type, false);
    }
    return unsupported("unknown dialect");
}

}  // namespace ferry::engine
