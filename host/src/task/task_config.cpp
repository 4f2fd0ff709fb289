#include "task/task_config.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <fstream>
#include <set>
#include <sstream>

#include "config/schema_validation.hpp"
#include "config/toml_tree.hpp"
#include "task/config_secrets.hpp"
#include "util/size_text.hpp"
#include "util/utf8.hpp"

namespace ferry::host {
namespace fs = std::filesystem;

namespace {

using T = TomlValue::Type;

std::size_t count_errors(const sdk::Diagnostics& diags) {
    std::size_t n = 0;
    for (const auto& d : diags.items()) n += d.severity == sdk::Severity::error;
    return n;
}

// Keys of plugin tables whose values are file paths, resolved against the config's folder.
const std::set<std::string> kPathKeys = {"path", "ca_file", "credentials_file"};

std::string allowed(const std::set<std::string>& keys) {
    std::string out;
    for (const auto& k : keys) out += (out.empty() ? "" : ", ") + k;
    return out;
}

void unknown_keys(const TomlValue& table, const std::set<std::string>& keys, const std::string& context,
                  sdk::Diagnostics& diags) {
    for (const auto& [k, v] : table.entries)
        if (!keys.count(k))
            diags.error("FERRY-CONFIG-UNKNOWN-KEY", "unknown key '" + k + "' in " + context,
                        "allowed keys: " + allowed(keys), v.where);
}

bool get_string(const TomlValue& table, const std::string& key, std::string& out, const std::string& context,
                sdk::Diagnostics& diags, bool required = false) {
    const TomlValue* v = table.get(key);
    if (!v) {
        if (required)
            diags.error("FERRY-CONFIG-MISSING-KEY", "missing required key '" + key + "' in " + context,
                        "add " + key + " = \"...\"", table.where);
        return !required;
    }
    if (v->type != T::string) {
        diags.error("FERRY-CONFIG-TYPE",
                    "bad value for '" + key + "' in " + context + ": expected a string, found a " +
                        TomlValue::type_name(v->type),
                    "", v->where);
        return false;
    }
    out = v->text;
    return true;
}

void get_bool(const TomlValue& table, const std::string& key, bool& out, const std::string& context,
              sdk::Diagnostics& diags) {
    const TomlValue* v = table.get(key);
    if (!v) return;
    if (v->type != T::boolean) {
        diags.error("FERRY-CONFIG-TYPE",
                    "bad value for '" + key + "' in " + context + ": expected true or false, found a " +
                        TomlValue::type_name(v->type),
                    "", v->where);
        return;
    }
    out = v->boolean;
}

const TomlValue* get_table(const TomlValue& doc, const std::string& key, const std::string& context,
                           sdk::Diagnostics& diags) {
    const TomlValue* v = doc.get(key);
    if (v && v->type != T::table) {
        diags.error("FERRY-CONFIG-TYPE", "'" + key + "' in " + context + " must be a table", "", v->where);
        return nullptr;
    }
    return v;
}

void read_string_map(const TomlValue* table, const std::string& context, std::map<std::string, std::string>& out,
                     sdk::Diagnostics& diags) {
    if (!table) return;
    for (const auto& [k, v] : table->entries) {
        if (v.type != T::string) {
            diags.error("FERRY-CONFIG-TYPE", "bad value for '" + k + "' in " + context + ": expected a string",
                        "write it as \"" + k + "\" = \"destination\"", v.where);
            continue;
        }
        out[k] = v.text;
    }
}

// A workspace mapping's target is written into code (SQL, Shell, PyODPS) where the source's name
// stood, unquoted: a name only (letters, digits, '_', not starting with a digit: DataWorks'
// workspace names and MaxCompute's project names), so a mapping cannot add code or break it.
void check_workspace_targets(const TomlValue& table, sdk::Diagnostics& diags) {
    for (const auto& [k, v] : table.entries) {
        if (v.type != T::string) continue;  // said by read_string_map
        const std::string& t = v.text;
        // ASCII by hand: <cctype>'s classes follow the locale.
        const auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
        const auto digit = [](char c) { return c >= '0' && c <= '9'; };
        const bool name = !t.empty() && t.size() <= 128 && letter(t[0]) &&
                          std::all_of(t.begin(), t.end(), [&](char c) { return letter(c) || digit(c); });
        if (!name)
            diags.error("FERRY-TASK-MAPPING",
                        "workspace '" + k + "' is mapped to '" + t +
                            "', which is not a workspace name: it replaces the source's name in code as written",
                        "a workspace name holds up to 128 ASCII letters, digits and '_' and does not start with a digit",
                        v.where);
    }
}

std::string resolve(const std::string& dir, const std::string& p) {
    if (p.empty() || fs::path(p).is_absolute()) return p;
    return (fs::path(dir) / p).lexically_normal().string();
}

void resolve_paths(sdk::Config& config, const std::string& dir) {
    for (auto& [key, value] : config.values)
        if (kPathKeys.count(key) && value.type == sdk::ValueType::string) value.text = resolve(dir, value.text);
}

std::string read_whole(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream buf;
    buf << in.rdbuf();
    return buf.str();
}

}  // namespace

const EngineInstance* TaskConfig::engine(const std::string& n) const {
    for (const auto& e : engines)
        if (e.name == n) return &e;
    return nullptr;
}

const EngineMapping* TaskConfig::mapping_for(const std::string& source) const {
    for (const auto& m : engine_map)
        if (m.source == source) return &m;
    return nullptr;
}

bool TaskConfig::dry_run_matches(const std::string& node_name) const {
    for (const auto& pattern : dry_run)
        if (pattern == node_name || fnmatch(pattern.c_str(), node_name.c_str(), 0) == 0) return true;
    return false;
}

std::string task_name_problem(const std::string& name) {
    if (name.empty()) return "the name is empty";
    if (name.size() > 128) return "the name is longer than 128 characters";
    for (std::size_t i = 0; i < name.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(name[i]);
        if (!(std::isalnum(c) || c == '_' || c == '.'))
            return std::string("the name contains '") + static_cast<char>(c) + "' at position " + std::to_string(i + 1) +
                   "; task names hold only letters, digits, '_' and '.'";
    }
    return {};
}

std::string default_catalog_uri() {
    fs::path dir;
    if (const char* d = std::getenv("FERRY_DATA_DIR"); d && *d) dir = d;
    else if (const char* x = std::getenv("XDG_DATA_HOME"); x && *x) dir = fs::path(x) / "ferry";
    else if (const char* h = std::getenv("HOME"); h && *h) dir = fs::path(h) / ".local" / "share" / "ferry";
    else dir = "ferry-data";
    return "sqlite:" + (dir / "catalog.db").string();
}

std::string choose_catalog(const std::string& flag, const std::string& task_catalog) {
    if (!flag.empty()) return flag;
    if (!task_catalog.empty()) return task_catalog;
    if (const char* env = std::getenv("FERRY_CATALOG"); env && *env) return env;
    return default_catalog_uri();
}

bool load_task_config(const std::string& path, const PluginRegistry& registry, TaskConfig& out,
                      sdk::Diagnostics& diags) {
    if (!fs::is_regular_file(path)) {
        diags.error("FERRY-CONFIG-READ", "cannot read the task file " + path, "check the path", path);
        return false;
    }
    return parse_task_config(read_whole(path), fs::absolute(path).lexically_normal().string(), registry, out, diags);
}

namespace {

// [workspace] destination = "NAME" and its settings, [workspace.NAME], checked against the
// destination plugin's schema (credentials come from the environment, never from the file).
void read_destination(const TomlValue& ws, const PluginRegistry& registry, TaskConfig& out, sdk::Diagnostics& diags) {
    const TomlValue* name = ws.get("destination");
    const PluginInfo* plugin = registry.find(sdk::PluginKind::destination, out.destination);
    if (!plugin) {
        std::string known;
        for (const auto& p : registry.plugins())
            if (p.kind == sdk::PluginKind::destination) known += (known.empty() ? "" : ", ") + p.name;
        diags.error("FERRY-CONFIG-PLUGIN", "no destination plugin '" + out.destination + "' is loaded",
                    "destinations loaded: " + (known.empty() ? std::string("none") : known) +
                        "; run `ferry plugins` to see them",
                    name ? name->where : ws.where);
        return;
    }
    // A destination without settings reads none ("catalog", whose name is also the key of the
    // catalog's URI in [workspace]).
    if (plugin->schema.empty()) return;
    const TomlValue* settings = ws.get(out.destination);
    if (settings && settings->type != TomlValue::Type::table) {
        diags.error("FERRY-CONFIG-TYPE", "[workspace] " + out.destination + " must be a table ([workspace." +
                                             out.destination + "])",
                    "", settings->where);
        return;
    }
    static const TomlValue empty_table = [] {
        TomlValue t;
        t.type = TomlValue::Type::table;
        return t;
    }();
    validate_table(settings ? *settings : empty_table, plugin->schema, {},
                   "[workspace." + out.destination + "] (destination " + out.destination + ")", out.destination_config,
                   diags);
}

}  // namespace

bool parse_task_config(const std::string& text, const std::string& path, const PluginRegistry& registry,
                       TaskConfig& out, sdk::Diagnostics& diags) {
    const std::size_t errors_before = count_errors(diags);
    out = TaskConfig{};
    out.path = path;
    out.dir = fs::path(path).parent_path().string();
    TomlValue doc;
    if (!parse_toml_text(text, path, doc, diags)) return false;
    refuse_written_secrets(doc, diags);
    std::size_t redactions = 0;
    out.text = redact_settings_text(text, doc, redactions);
    out.redacted = redactions > 0 || settings_were_redacted(doc);
    unknown_keys(doc, {"task", "source", "workspace", "mapping", "dry_run", "commit"}, "the task file", diags);

    // [task]
    if (const TomlValue* task = get_table(doc, "task", "the task file", diags)) {
        unknown_keys(*task, {"name", "remarks"}, "[task]", diags);
        if (get_string(*task, "name", out.name, "[task]", diags, true) && !out.name.empty()) {
            const std::string problem = task_name_problem(out.name);
            if (!problem.empty())
                diags.error("FERRY-TASK-NAME", "bad task name '" + out.name + "': " + problem,
                            "rename the task, e.g. sales_dw.2026_11", task->get("name")->where);
        }
        if (get_string(*task, "remarks", out.remarks, "[task]", diags) &&
            out.remarks.find('\0') != std::string::npos)
            diags.error("FERRY-CONFIG-VALUE", "[task] remarks contain a NUL character",
                        "remarks are text: remove the \\u0000", task->get("remarks")->where);
    } else {
        diags.error("FERRY-CONFIG-MISSING-KEY", "the task file has no [task] table", "add [task] with name = \"...\"",
                    path + ":1:1");
    }

    // [source]
    if (const TomlValue* source = get_table(doc, "source", "the task file", diags)) {
        get_string(*source, "plugin", out.source_plugin, "[source]", diags);
        if (const TomlValue* ms = source->get("max_size")) {
            std::optional<std::uint64_t> bytes;
            if (ms->type == T::string) bytes = parse_size(ms->text);
            else if (ms->type == T::integer && ms->integer >= 0) bytes = static_cast<std::uint64_t>(ms->integer);
            if (!bytes)
                diags.error("FERRY-CONFIG-TYPE", "bad value for 'max_size' in [source]: write it like 30MB or 2GB", "",
                            ms->where);
            else out.max_size = *bytes;
        }
        const PluginInfo* plugin = registry.find(sdk::PluginKind::source, out.source_plugin);
        if (!plugin) {
            diags.error("FERRY-CONFIG-PLUGIN", "no source plugin '" + out.source_plugin + "' is loaded",
                        "run `ferry plugins` to see the sources; check --plugin-dir and FERRY_PLUGIN_PATH",
                        source->get("plugin") ? source->get("plugin")->where : source->where);
        } else if (validate_table(*source, plugin->schema, {"plugin", "max_size"},
                                  "[source] (plugin " + out.source_plugin + ")", out.source_config, diags)) {
            resolve_paths(out.source_config, out.dir);
        }
    } else {
        diags.error("FERRY-CONFIG-MISSING-KEY", "the task file has no [source] table",
                    "add [source] with plugin = \"local\" and path = \"package.zip\"", path + ":1:1");
    }

    // [commit] first: whether engines need their connection settings depends on it.
    if (const TomlValue* commit = get_table(doc, "commit", "the task file", diags)) {
        unknown_keys(*commit, {"resources", "tables", "functions", "nodes", "change_owner", "on_conflict"}, "[commit]",
                     diags);
        get_bool(*commit, "resources", out.commit.resources, "[commit]", diags);
        get_bool(*commit, "nodes", out.commit.nodes, "[commit]", diags);
        get_bool(*commit, "tables", out.commit.tables, "[commit]", diags);
        get_bool(*commit, "functions", out.commit.functions, "[commit]", diags);
        get_bool(*commit, "change_owner", out.commit.change_owner, "[commit]", diags);
        if (get_string(*commit, "on_conflict", out.commit.on_conflict, "[commit]", diags) &&
            out.commit.on_conflict != "skip" && out.commit.on_conflict != "overwrite")
            diags.error("FERRY-CONFIG-VALUE", "on_conflict must be \"skip\" or \"overwrite\", not '" +
                                                  out.commit.on_conflict + "'",
                        "skip: a same-name object is not committed (the product's rule); overwrite: it is replaced",
                        commit->get("on_conflict")->where);
    }

    // [workspace] and its engine instances
    if (const TomlValue* ws = get_table(doc, "workspace", "the task file", diags)) {
        get_string(*ws, "destination", out.destination, "[workspace]", diags);
        unknown_keys(*ws, {"name", "catalog", "importer", "engines", "destination", out.destination}, "[workspace]",
                     diags);
        read_destination(*ws, registry, out, diags);
        if (get_string(*ws, "name", out.workspace, "[workspace]", diags, true) && ws->get("name") &&
            out.workspace.empty())
            diags.error("FERRY-CONFIG-VALUE", "[workspace] name is empty", "name the destination workspace",
                        ws->get("name")->where);
        else if (printable(out.workspace) != out.workspace)
            diags.error("FERRY-CONFIG-VALUE",
                        "[workspace] name '" + printable(out.workspace) + "' holds control characters or bytes that "
                        "are not UTF-8",
                        "name the destination workspace in plain text", ws->get("name")->where);
        if (get_string(*ws, "catalog", out.catalog, "[workspace]", diags) && ws->get("catalog") && out.catalog.empty())
            diags.error("FERRY-CONFIG-VALUE", "[workspace] catalog is empty",
                        "remove the key to use --catalog, FERRY_CATALOG or the embedded catalog, or give a URI",
                        ws->get("catalog")->where);
        if (out.catalog.rfind("sqlite:", 0) == 0) out.catalog = "sqlite:" + resolve(out.dir, out.catalog.substr(7));
        get_string(*ws, "importer", out.importer, "[workspace]", diags);
        if (const TomlValue* engines = ws->get("engines")) {
            if (engines->type != T::array) {
                diags.error("FERRY-CONFIG-TYPE", "[workspace] engines must be an array of tables ([[workspace.engines]])",
                            "", engines->where);
            } else {
                for (const auto& e : engines->items) {
                    if (e.type != T::table) continue;
                    EngineInstance inst;
                    inst.where = e.where;
                    const bool named = get_string(e, "name", inst.name, "[[workspace.engines]]", diags, true);
                    get_string(e, "type", inst.type, "[[workspace.engines]] " + inst.name, diags, true);
                    if (!named || inst.type.empty()) continue;
                    if (out.engine(inst.name)) {
                        diags.error("FERRY-CONFIG-DUPLICATE", "two engine instances are named '" + inst.name + "'",
                                    "give each [[workspace.engines]] its own name", e.where);
                        continue;
                    }
                    const PluginInfo* plugin = registry.find(sdk::PluginKind::engine, inst.type);
                    if (!plugin) {
                        diags.error("FERRY-CONFIG-PLUGIN",
                                    "engine instance '" + inst.name + "' has type '" + inst.type +
                                        "', but no engine plugin of that name is loaded",
                                    "run `ferry plugins` to see the engines", e.get("type")->where);
                        continue;
                    }
                    if (validate_table(e, plugin->schema, {"name", "type"},
                                       "[[workspace.engines]] " + inst.name + " (plugin " + inst.type + ")",
                                       inst.config, diags, out.commit.any_engine_commit()))
                        resolve_paths(inst.config, out.dir);
                    inst.project = inst.config.string("project", inst.config.string("schema"));
                    out.engines.push_back(std::move(inst));
                }
            }
        }
    } else {
        diags.error("FERRY-CONFIG-MISSING-KEY", "the task file has no [workspace] table",
                    "add [workspace] with the destination's name", path + ":1:1");
    }

    // [mapping.*]
    if (const TomlValue* mapping = get_table(doc, "mapping", "the task file", diags)) {
        unknown_keys(*mapping, {"engines", "resource_groups", "workspaces", "owners"}, "[mapping]", diags);
        if (const TomlValue* engines = get_table(*mapping, "engines", "[mapping]", diags)) {
            for (const auto& [src, v] : engines->entries) {
                EngineMapping m;
                m.source = src;
                m.where = v.where;
                if (v.type == T::string) {
                    m.target = v.text;
                } else if (v.type == T::table) {
                    unknown_keys(v, {"instance", "cross_engine"}, "[mapping.engines] " + src, diags);
                    get_string(v, "instance", m.target, "[mapping.engines] " + src, diags, true);
                    get_bool(v, "cross_engine", m.cross_engine, "[mapping.engines] " + src, diags);
                } else {
                    diags.error("FERRY-CONFIG-TYPE",
                                "bad value for '" + src + "' in [mapping.engines]: expected an instance name",
                                "write " + src + " = \"instance\" or " + src +
                                    " = { instance = \"...\", cross_engine = true }",
                                v.where);
                    continue;
                }
                if (!m.target.empty() && !out.engine(m.target)) {
                    std::string names;
                    for (const auto& e : out.engines) names += (names.empty() ? "" : ", ") + e.name;
                    diags.error("FERRY-TASK-MAPPING",
                                "engine instance '" + src + "' is mapped to '" + m.target +
                                    "', which is not an engine instance of the destination",
                                "map it to one of [[workspace.engines]]: " + (names.empty() ? "(none declared)" : names),
                                v.where);
                }
                out.engine_map.push_back(std::move(m));
            }
        }
        read_string_map(get_table(*mapping, "resource_groups", "[mapping]", diags), "[mapping.resource_groups]",
                        out.resource_groups, diags);
        if (const TomlValue* workspaces = get_table(*mapping, "workspaces", "[mapping]", diags)) {
            read_string_map(workspaces, "[mapping.workspaces]", out.workspaces, diags);
            check_workspace_targets(*workspaces, diags);
        }
        read_string_map(get_table(*mapping, "owners", "[mapping]", diags), "[mapping.owners]", out.owners, diags);
    }

    // [dry_run]
    if (const TomlValue* dry = get_table(doc, "dry_run", "the task file", diags)) {
        unknown_keys(*dry, {"nodes"}, "[dry_run]", diags);
        if (const TomlValue* nodes = dry->get("nodes")) {
            if (nodes->type != T::array) {
                diags.error("FERRY-CONFIG-TYPE", "[dry_run] nodes must be a list of names or globs",
                            "nodes = [\"ods_*\", \"dwd_orders\"]", nodes->where);
            } else {
                for (const auto& n : nodes->items)
                    if (n.type == T::string) out.dry_run.push_back(n.text);
            }
        }
    }
    return count_errors(diags) == errors_before;
}

}  // namespace ferry::host
