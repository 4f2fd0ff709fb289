#include "config/toml_tree.hpp"

#include <fstream>
#include <sstream>

#define TOML_EXCEPTIONS 1
#include <toml++/toml.h>

namespace ferry::host {

const char* TomlValue::type_name(Type t) {
    switch (t) {
        case Type::string: return "string";
        case Type::integer: return "integer";
        case Type::floating: return "float";
        case Type::boolean: return "boolean";
        case Type::datetime: return "date-time";
        case Type::array: return "array";
        case Type::table: return "table";
    }
    return "value";
}

const TomlValue* TomlValue::get(const std::string& key) const {
    for (const auto& [k, v] : entries)
        if (k == key) return &v;
    return nullptr;
}

namespace {

std::string where_of(const toml::source_region& src, const std::string& file) {
    std::ostringstream out;
    out << file << ":" << src.begin.line << ":" << src.begin.column;
    return out.str();
}

TomlValue convert(const toml::node& node, const std::string& file) {
    TomlValue v;
    v.where = where_of(node.source(), file);
    if (auto t = node.as_table()) {
        v.type = TomlValue::Type::table;
        for (const auto& [k, child] : *t) {
            TomlValue c = convert(child, file);
            // A key's own position is more useful than the value's for "unknown key" messages.
            if (!c.is_table() || c.entries.empty()) c.where = where_of(k.source(), file);
            v.entries.push_back(TomlEntry{std::string(k.str()), std::move(c)});
        }
    } else if (auto a = node.as_array()) {
        v.type = TomlValue::Type::array;
        for (const auto& child : *a) v.items.push_back(convert(child, file));
    } else if (auto s = node.as_string()) {
        v.type = TomlValue::Type::string;
        v.text = s->get();
    } else if (auto i = node.as_integer()) {
        v.type = TomlValue::Type::integer;
        v.integer = i->get();
        v.text = std::to_string(v.integer);
    } else if (auto f = node.as_floating_point()) {
        v.type = TomlValue::Type::floating;
        v.floating = f->get();
        std::ostringstream out;
        out << v.floating;
        v.text = out.str();
    } else if (auto b = node.as_boolean()) {
        v.type = TomlValue::Type::boolean;
        v.boolean = b->get();
        v.text = v.boolean ? "true" : "false";
    } else {
        v.type = TomlValue::Type::datetime;
        std::ostringstream out;
        node.visit([&](auto&& n) { out << n; });
        v.text = out.str();
    }
    return v;
}

}  // namespace

bool parse_toml_text(const std::string& text, const std::string& source_name, TomlValue& out,
                     sdk::Diagnostics& diags) {
    try {
        toml::table tbl = toml::parse(text, source_name);
        out = convert(tbl, source_name);
        out.where = source_name + ":1:1";
        return true;
    } catch (const toml::parse_error& e) {
        diags.error("FERRY-CONFIG-SYNTAX", "the file is not valid TOML: " + std::string(e.description()),
                    "fix the syntax at the place shown", where_of(e.source(), source_name));
        return false;
    }
}

bool parse_toml_file(const std::string& path, TomlValue& out, sdk::Diagnostics& diags) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        diags.error("FERRY-CONFIG-READ", "cannot read the config file " + path,
                    "check that the file exists and is readable", path);
        return false;
    }
    std::ostringstream buf;
    buf << in.rdbuf();
    return parse_toml_text(buf.str(), path, out, diags);
}

}  // namespace ferry::host
