#include "server/settings_toml.hpp"

#include <filesystem>
#include <sstream>

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include "ferry/cloud/redact.hpp"

namespace ferry::host::web {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kCode = "FERRY-WEB-SETTINGS";

// Keys of plugin tables that name files (as task_config.cpp resolves them).
bool is_path_key(const std::string& k) { return k == "path" || k == "ca_file" || k == "credentials_file"; }

std::string dump(const toml::table& t) {
    std::ostringstream out;
    out << toml::toml_formatter(t, toml::toml_formatter::default_flags & ~toml::format_flags::indentation);
    return out.str();
}

// A JSON scalar as a TOML value; false for objects, arrays of non-strings, null.
bool put_scalar(toml::table& t, const std::string& key, const json& v) {
    if (v.is_string()) t.insert_or_assign(key, v.get<std::string>());
    else if (v.is_boolean()) t.insert_or_assign(key, v.get<bool>());
    else if (v.is_number_integer()) t.insert_or_assign(key, v.get<std::int64_t>());
    else if (v.is_number_float()) t.insert_or_assign(key, v.get<double>());
    else return false;
    return true;
}

bool string_map(const json& settings, const char* key, toml::table& mapping, sdk::Diagnostics& diags) {
    if (!settings.contains(key)) return true;
    const json& m = settings[key];
    if (!m.is_object()) {
        diags.error(kCode, std::string("'") + key + "' must be an object of source -> destination names", "", key);
        return false;
    }
    toml::table out;
    for (const auto& [from, to] : m.items()) {
        if (!to.is_string()) {
            diags.error(kCode, std::string("'") + key + "." + from + "' must be a string", "", key);
            return false;
        }
        if (from.empty() || to.get<std::string>().empty()) continue;  // an empty row of the form
        out.insert_or_assign(from, to.get<std::string>());
    }
    if (out.empty()) mapping.erase(key);
    else mapping.insert_or_assign(key, std::move(out));
    return true;
}

bool engines_from_json(const json& list, toml::array& out, sdk::Diagnostics& diags) {
    if (!list.is_array()) {
        diags.error(kCode, "'engines' must be a list of {name, type, ...plugin keys}", "", "engines");
        return false;
    }
    for (const auto& e : list) {
        if (!e.is_object()) {
            diags.error(kCode, "each engine instance must be an object", "", "engines");
            return false;
        }
        toml::table t;
        for (const auto& [k, v] : e.items())
            if (!put_scalar(t, k, v)) {
                diags.error(kCode, "engine instance key '" + k + "' must be a string, number or boolean", "", "engines");
                return false;
            }
        out.push_back(std::move(t));
    }
    return true;
}

// The destination plugins loaded, for messages: "catalog, dataworks".
std::string destination_names(const PluginRegistry& registry) {
    std::string out;
    for (const auto& p : registry.plugins())
        if (p.kind == sdk::PluginKind::destination) out += (out.empty() ? "" : ", ") + p.name;
    return out.empty() ? "(none)" : out;
}

bool unknown_destination(const PluginRegistry& registry, const std::string& name, sdk::Diagnostics& diags) {
    diags.error(kCode, "unknown destination '" + name + "'; the destinations are " + destination_names(registry), "",
                "destination");
    return false;
}

bool in_schema(const PluginInfo& plugin, const std::string& key) {
    for (const auto& k : plugin.schema)
        if (key == k.name) return true;
    return false;
}

// [workspace] destination and the destination's own table, [workspace.<destination>], whose keys
// are the plugin's schema: a new destination plugin needs no change here.
bool write_destination(const json& settings, const PluginRegistry& registry, toml::table& ws, sdk::Diagnostics& diags) {
    std::string current = ws["destination"].value_or(std::string("catalog"));
    // "catalog" is also [workspace]'s catalog URI, a string: only a table is a destination's settings.
    auto drop_table = [&](const std::string& name) {
        if (ws[name].is_table()) ws.erase(name);
    };
    if (settings.contains("destination")) {
        const json& d = settings["destination"];
        if (!d.is_string()) {
            diags.error(kCode, "'destination' must be a string, one of " + destination_names(registry), "",
                        "destination");
            return false;
        }
        const std::string name = d.get<std::string>();
        if (!registry.find(sdk::PluginKind::destination, name)) return unknown_destination(registry, name, diags);
        if (name != current) drop_table(current);  // its keys belong to the other destination
        current = name;
        if (name == "catalog") ws.erase("destination");  // the default
        else ws.insert_or_assign("destination", name);
    }
    if (!settings.contains("destination_settings")) return true;
    const json& given = settings["destination_settings"];
    if (!given.is_object()) {
        diags.error(kCode, "'destination_settings' must be an object of the destination's keys", "",
                    "destination_settings");
        return false;
    }
    const PluginInfo* plugin = registry.find(sdk::PluginKind::destination, current);
    if (!plugin) return unknown_destination(registry, current, diags);
    toml::table table;
    for (const auto& [key, value] : given.items()) {
        const bool filled = !value.is_null() && !(value.is_string() && value.get<std::string>().empty());
        if (plugin->schema.empty() && filled) {
            diags.error(kCode, "destination '" + current + "' takes no settings, not '" + key + "'", "",
                        "destination_settings");
            return false;
        }
        // A key named like a secret, given a value, is left to the task file's rule
        // (FERRY-CONFIG-SECRET), which says where a secret goes instead and never repeats it.
        const bool secret = cloud::secret_field(key) && value.is_string() && filled;
        if (!in_schema(*plugin, key) && !secret) {
            std::string keys;
            for (const auto& k : plugin->schema) keys += (keys.empty() ? "" : ", ") + std::string(k.name);
            diags.error(kCode,
                        "unknown destination_settings key '" + key + "' for destination '" + current +
                            "'; its keys are " + keys,
                        "", "destination_settings");
            return false;
        }
        if (!filled) continue;  // a field the form left empty: the default applies
        if (value.is_array()) {
            toml::array list;
            for (const auto& item : value) {
                if (!item.is_string()) {
                    diags.error(kCode, "destination_settings." + key + " must be a list of strings", "",
                                "destination_settings");
                    return false;
                }
                list.push_back(item.get<std::string>());
            }
            table.insert_or_assign(key, std::move(list));
        } else if (!put_scalar(table, key, value)) {
            diags.error(kCode, "destination_settings." + key + " must be a string, number, boolean or list of strings",
                        "", "destination_settings");
            return false;
        }
    }
    if (table.empty()) drop_table(current);
    else ws.insert_or_assign(current, std::move(table));
    return true;
}

}  // namespace

bool load_engines_file(const std::string& path, EnginesFile& out, sdk::Diagnostics& diags) {
    toml::table doc;
    try {
        doc = toml::parse_file(path);
    } catch (const toml::parse_error& e) {
        const auto& s = e.source();
        diags.error("FERRY-CONFIG-SYNTAX", std::string(e.description()), "",
                    path + ":" + std::to_string(s.begin.line) + ":" + std::to_string(s.begin.column));
        return false;
    }
    out.path = fs::absolute(path).lexically_normal().string();
    const fs::path dir = fs::path(out.path).parent_path();
    for (const auto& [k, v] : doc)
        if (k.str() != "workspace")
            diags.error("FERRY-CONFIG-UNKNOWN-KEY", "unknown key '" + std::string(k.str()) + "' in the engines file",
                        "allowed: [workspace] name and [[workspace.engines]]", path);
    const toml::table* ws = doc["workspace"].as_table();
    if (!ws) {
        diags.error("FERRY-CONFIG-MISSING-KEY", "the engines file has no [[workspace.engines]]",
                    "list the destination's instances: [[workspace.engines]] name = \"...\" type = \"sqlite\" ...", path);
        return false;
    }
    for (const auto& [k, v] : *ws)
        if (k.str() != "name" && k.str() != "engines")
            diags.error("FERRY-CONFIG-UNKNOWN-KEY", "unknown key '" + std::string(k.str()) + "' in [workspace]",
                        "allowed keys: name, engines", path);
    out.workspace = (*ws)["name"].value_or(std::string{});
    toml::array* engines = doc["workspace"]["engines"].as_array();
    if (!engines || engines->empty()) {
        diags.error("FERRY-CONFIG-MISSING-KEY", "the engines file has no [[workspace.engines]]",
                    "list the destination's instances: [[workspace.engines]] name = \"...\" type = \"sqlite\" ...", path);
        return false;
    }
    for (auto& node : *engines) {
        auto* t = node.as_table();
        if (!t) continue;
        for (auto& [k, v] : *t)
            if (is_path_key(std::string(k.str())) && v.is_string()) {
                const std::string p = v.as_string()->get();
                if (!p.empty() && !fs::path(p).is_absolute()) *v.as_string() = (dir / p).lexically_normal().string();
            }
    }
    toml::table only;
    only.insert("workspace", toml::table{{"engines", *engines}});
    out.engines_toml = dump(only);
    return !diags.has_errors();
}

bool write_task_toml(const std::string& base_toml, const json& settings, const EnginesFile* engines,
                     const PluginRegistry& registry, std::string& out, sdk::Diagnostics& diags) {
    if (!settings.is_object()) {
        diags.error(kCode, "the settings must be a JSON object", "", "");
        return false;
    }
    // A key this form does not know would be dropped without a word: refuse it, naming it.
    static const char* const kKnown[] = {"name",     "remarks",        "source",          "workspace",
                                         "importer", "engines",        "engine_mapping",  "resource_groups",
                                         "workspaces", "owners",       "dry_run",         "commit",
                                         "destination", "destination_settings"};
    for (const auto& [key, value] : settings.items()) {
        bool known = false;
        for (const char* k : kKnown) known = known || key == k;
        if (!known) {
            std::string list;
            for (const char* k : kKnown) list += (list.empty() ? "" : ", ") + std::string(k);
            diags.error(kCode, "unknown settings key '" + key + "'", "the settings keys are: " + list, key);
            return false;
        }
    }
    toml::table base;
    if (!base_toml.empty()) {
        try {
            base = toml::parse(base_toml);
        } catch (const toml::parse_error& e) {
            diags.error(kCode, std::string("the stored settings do not parse: ") + std::string(e.description()), "", "");
            return false;
        }
    }
    toml::table doc;
    // [task]
    toml::table task;
    if (auto* t = base["task"].as_table()) task = *t;
    if (settings.contains("name") && settings["name"].is_string()) task.insert_or_assign("name", settings["name"].get<std::string>());
    if (settings.contains("remarks")) {
        if (!settings["remarks"].is_string()) {
            diags.error(kCode, "'remarks' must be a string", "", "remarks");
            return false;
        }
        task.insert_or_assign("remarks", settings["remarks"].get<std::string>());
    }
    doc.insert("task", std::move(task));

    // [source]: set once when the task is made, then kept.
    if (auto* s = base["source"].as_table()) doc.insert("source", *s);
    if (settings.contains("source")) {
        toml::table source;
        for (const auto& [k, v] : settings["source"].items())
            if (!put_scalar(source, k, v)) {
                diags.error(kCode, "source key '" + k + "' must be a string, number or boolean", "", "source");
                return false;
            }
        doc.insert_or_assign("source", std::move(source));
    }

    // [workspace]
    toml::table ws;
    if (auto* w = base["workspace"].as_table()) ws = *w;
    for (const char* key : {"workspace", "importer"}) {
        if (!settings.contains(key)) continue;
        if (!settings[key].is_string()) {
            diags.error(kCode, std::string("'") + key + "' must be a string", "", key);
            return false;
        }
        const std::string v = settings[key].get<std::string>();
        const char* toml_key = std::string(key) == "workspace" ? "name" : "importer";
        if (v.empty()) ws.erase(toml_key);
        else ws.insert_or_assign(toml_key, v);
    }
    if (engines) {
        if (settings.contains("engines")) {
            diags.error("FERRY-WEB-ENGINES-FIXED", "this server's engine instances come from its engines file",
                        "map to them in engine_mapping; change " + engines->path + " to add instances", "engines");
            return false;
        }
        toml::table e = toml::parse(engines->engines_toml);
        ws.insert_or_assign("engines", *e["workspace"]["engines"].as_array());
    } else if (settings.contains("engines")) {
        toml::array list;
        if (!engines_from_json(settings["engines"], list, diags)) return false;
        if (list.empty()) ws.erase("engines");
        else ws.insert_or_assign("engines", std::move(list));
    }
    if (!write_destination(settings, registry, ws, diags)) return false;
    doc.insert("workspace", std::move(ws));

    // [mapping.*]
    toml::table mapping;
    if (auto* m = base["mapping"].as_table()) mapping = *m;
    if (settings.contains("engine_mapping")) {
        const json& list = settings["engine_mapping"];
        if (!list.is_array()) {
            diags.error(kCode, "'engine_mapping' must be a list of {source, instance, cross_engine}", "", "engine_mapping");
            return false;
        }
        toml::table map;
        for (const auto& m : list) {
            if (!m.is_object() || !m.contains("source") || !m["source"].is_string() ||
                (m.contains("instance") && !m["instance"].is_string()) ||
                (m.contains("cross_engine") && !m["cross_engine"].is_boolean())) {
                diags.error(kCode, "each engine_mapping entry is {source: string, instance: string, cross_engine: bool}",
                            "", "engine_mapping");
                return false;
            }
            const std::string instance = m.value("instance", std::string{});
            if (instance.empty()) continue;  // not mapped yet: the plan says what is missing
            if (m.value("cross_engine", false))
                map.insert_or_assign(m["source"].get<std::string>(),
                                     toml::table{{"instance", instance}, {"cross_engine", true}});
            else map.insert_or_assign(m["source"].get<std::string>(), instance);
        }
        if (map.empty()) mapping.erase("engines");
        else mapping.insert_or_assign("engines", std::move(map));
    }
    if (!string_map(settings, "resource_groups", mapping, diags) || !string_map(settings, "workspaces", mapping, diags) ||
        !string_map(settings, "owners", mapping, diags))
        return false;
    if (!mapping.empty()) doc.insert("mapping", std::move(mapping));

    // [dry_run]
    toml::array dry;
    if (auto* d = base["dry_run"]["nodes"].as_array()) dry = *d;
    if (settings.contains("dry_run")) {
        if (!settings["dry_run"].is_array()) {
            diags.error(kCode, "'dry_run' must be a list of node names or globs", "", "dry_run");
            return false;
        }
        dry.clear();
        for (const auto& n : settings["dry_run"])
            if (n.is_string() && !n.get<std::string>().empty()) dry.push_back(n.get<std::string>());
    }
    if (!dry.empty()) doc.insert("dry_run", toml::table{{"nodes", std::move(dry)}});

    // [commit]
    toml::table commit;
    if (auto* c = base["commit"].as_table()) commit = *c;
    if (settings.contains("commit")) {
        const json& c = settings["commit"];
        if (!c.is_object()) {
            diags.error(kCode, "'commit' must be an object", "", "commit");
            return false;
        }
        for (const auto& [k, v] : c.items())
            if (!put_scalar(commit, k, v)) {
                diags.error(kCode, "commit." + k + " must be a boolean or a string", "", "commit");
                return false;
            }
    }
    if (!commit.empty()) doc.insert("commit", std::move(commit));

    out = "# Written by ferry serve; `ferry task show` prints it, `ferry import` runs it.\n" + dump(doc);
    return true;
}

}  // namespace ferry::host::web
