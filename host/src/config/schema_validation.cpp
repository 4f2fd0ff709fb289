#include "config/schema_validation.hpp"

#include <stdexcept>

#include "util/size_text.hpp"

namespace ferry::host {

namespace {

std::string allowed_keys(const std::vector<sdk::ConfigKey>& schema, const std::set<std::string>& host_keys) {
    std::set<std::string> names(host_keys);
    for (const auto& k : schema) names.insert(k.name);
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out.empty() ? "(none)" : out;
}

// Converts a scalar given as text (a default or a command-line value) to the key's type.
bool from_text(const sdk::ConfigKey& key, const std::string& text, const std::string& where, sdk::ConfigValue& v,
               std::string& problem) {
    v.type = key.type;
    v.text = text;
    v.where = where;
    switch (key.type) {
        case sdk::ValueType::string: return true;
        case sdk::ValueType::integer:
            try {
                std::size_t used = 0;
                v.integer = std::stoll(text, &used);
                if (used != text.size()) throw std::invalid_argument(text);
                return true;
            } catch (...) {
                problem = "'" + text + "' is not an integer";
                return false;
            }
        case sdk::ValueType::boolean:
            if (text == "true" || text == "false") {
                v.boolean = text == "true";
                return true;
            }
            problem = "'" + text + "' is not true or false";
            return false;
        case sdk::ValueType::size: {
            auto bytes = parse_size(text);
            if (!bytes) {
                problem = "'" + text + "' is not a size (write it like 512KB, 30MB or 2GB)";
                return false;
            }
            v.integer = static_cast<std::int64_t>(*bytes);
            return true;
        }
        case sdk::ValueType::string_list:
            v.list = {text};
            return true;
    }
    return false;
}

bool from_toml(const sdk::ConfigKey& key, const TomlValue& t, sdk::ConfigValue& v, std::string& problem) {
    using T = TomlValue::Type;
    v.type = key.type;
    v.where = t.where;
    switch (key.type) {
        case sdk::ValueType::string:
            if (t.type != T::string) break;
            v.text = t.text;
            return true;
        case sdk::ValueType::integer:
            if (t.type != T::integer) break;
            v.integer = t.integer;
            v.text = t.text;
            return true;
        case sdk::ValueType::boolean:
            if (t.type != T::boolean) break;
            v.boolean = t.boolean;
            v.text = t.text;
            return true;
        case sdk::ValueType::size:
            if (t.type == T::integer && t.integer >= 0) {
                v.integer = t.integer;
                v.text = t.text;
                return true;
            }
            if (t.type == T::string) return from_text(key, t.text, t.where, v, problem);
            break;
        case sdk::ValueType::string_list:
            if (t.type == T::string) {
                v.list = {t.text};
                v.text = t.text;
                return true;
            }
            if (t.type != T::array) break;
            for (const auto& item : t.items) {
                if (item.type != T::string) {
                    problem = "every item must be a string";
                    return false;
                }
                v.list.push_back(item.text);
                v.text += (v.text.empty() ? "" : ",") + item.text;
            }
            return true;
    }
    problem = std::string("expected a ") + sdk::to_string(key.type) + ", found a " + TomlValue::type_name(t.type);
    return false;
}

void apply_defaults_and_required(const std::vector<sdk::ConfigKey>& schema, const std::string& context,
                                 const std::string& table_where, sdk::Config& out, sdk::Diagnostics& diags,
                                 bool enforce_required = true) {
    for (const auto& key : schema) {
        if (out.has(key.name)) continue;
        if (key.required && enforce_required) {
            diags.error("FERRY-CONFIG-MISSING-KEY", "missing required key '" + std::string(key.name) + "' in " + context,
                        std::string("add ") + key.name + " = ... (" + (key.description ? key.description : "") + ")",
                        table_where);
            continue;
        }
        if (key.default_value) {
            sdk::ConfigValue v;
            std::string problem;
            if (from_text(key, key.default_value, "default", v, problem)) out.values[key.name] = v;
        }
    }
}

}  // namespace

bool validate_table(const TomlValue& table, const std::vector<sdk::ConfigKey>& schema,
                    const std::set<std::string>& host_keys, const std::string& context, sdk::Config& out,
                    sdk::Diagnostics& diags, bool enforce_required) {
    const std::size_t errors_before = diags.items().size();
    out.where = table.where;
    for (const auto& [name, value] : table.entries) {
        if (host_keys.count(name)) continue;
        const sdk::ConfigKey* key = nullptr;
        for (const auto& k : schema)
            if (name == k.name) key = &k;
        if (!key) {
            diags.error("FERRY-CONFIG-UNKNOWN-KEY", "unknown key '" + name + "' in " + context,
                        "allowed keys: " + allowed_keys(schema, host_keys), value.where);
            continue;
        }
        sdk::ConfigValue v;
        std::string problem;
        if (!from_toml(*key, value, v, problem)) {
            diags.error("FERRY-CONFIG-TYPE", "bad value for '" + name + "' in " + context + ": " + problem,
                        key->description ? key->description : "", value.where);
            continue;
        }
        out.values[name] = std::move(v);
    }
    apply_defaults_and_required(schema, context, table.where, out, diags, enforce_required);
    for (std::size_t i = errors_before; i < diags.items().size(); ++i)
        if (diags.items()[i].severity == sdk::Severity::error) return false;
    return true;
}

bool config_from_pairs(const std::vector<std::pair<std::string, std::string>>& pairs,
                       const std::vector<sdk::ConfigKey>& schema, const std::string& context, sdk::Config& out,
                       sdk::Diagnostics& diags) {
    const std::size_t errors_before = diags.items().size();
    for (const auto& [name, text] : pairs) {
        const sdk::ConfigKey* key = nullptr;
        for (const auto& k : schema)
            if (name == k.name) key = &k;
        if (!key) {
            diags.error("FERRY-CONFIG-UNKNOWN-KEY", "unknown key '" + name + "' for " + context,
                        "allowed keys: " + allowed_keys(schema, {}), "command line");
            continue;
        }
        sdk::ConfigValue v;
        std::string problem;
        if (!from_text(*key, text, "command line", v, problem)) {
            diags.error("FERRY-CONFIG-TYPE", "bad value for '" + name + "' for " + context + ": " + problem, "",
                        "command line");
            continue;
        }
        out.values[name] = std::move(v);
    }
    apply_defaults_and_required(schema, context, "command line", out, diags);
    for (std::size_t i = errors_before; i < diags.items().size(); ++i)
        if (diags.items()[i].severity == sdk::Severity::error) return false;
    return true;
}

}  // namespace ferry::host
