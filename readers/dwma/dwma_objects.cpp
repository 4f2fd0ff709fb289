#include "dwma_objects.hpp"

#include <cstdint>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

#include "code_escapes.hpp"

namespace ferry::reader::dwma {

namespace {

bool blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return {};
    const auto e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

bool has(const XmlElement& e, const std::string& key) { return e.attribute(key) != nullptr; }

bool is_integer(const std::string& s) {
    if (s.empty()) return false;
    std::size_t i = s[0] == '-' ? 1 : 0;
    if (i == s.size() || s.size() > 19) return false;
    for (; i < s.size(); ++i)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

// An integer attribute as a JSON number when it is one, else as written.
json number_or_text(const std::string& s) {
    if (is_integer(s)) return std::stoll(s);
    return s;
}

bool truthy(const std::string& s) { return s == "true" || s == "TRUE" || s == "True" || s == "1"; }

// A code-like child's text without MigrationX's escaping (code_escapes.hpp); kept as written, with a
// warning, when it cannot be undone.
std::string code_text(const XmlElement& e, const std::string& name, const Origin& origin, sdk::Diagnostics& diags) {
    const XmlElement* c = e.child(name);
    if (!c) {
        const std::string* a = e.attribute(name);
        if (!a) return {};
        std::string problem;
        if (auto v = unescape_code(*a, problem)) return *v;
        return *a;
    }
    std::string problem;
    if (auto v = unescape_code(c->text, problem)) return *v;
    diags.warning("FERRY-DWMA-ESCAPE",
                  "<" + name + "> of '" + attr(e, "name") + "' is not escaped as MigrationX writes it (" + problem +
                      "): kept as written",
                  "check the text in the imported object", origin.entry + ":" + std::to_string(c->line));
    return c->text;
}

// The element's attributes and children that no FlowSpec field took, for the "dwma" key.
json leftovers(const XmlElement& e, const std::set<std::string>& mapped) {
    json out = json::object();
    for (const auto& [k, v] : e.attributes)
        if (!mapped.count(k)) out[k] = v;
    XmlElement rest;
    for (const auto& c : e.children)
        if (!mapped.count(c.name)) rest.children.push_back(c);
    if (!rest.children.empty()) {
        json children = xml_as_json(rest);
        for (auto& [k, v] : children.items()) out[k] = v;
    }
    return out;
}

// Whether every attribute of the list items is one of `keys` (then FlowSpec holds them all).
bool only_attributes(const std::vector<const XmlElement*>& items, const std::set<std::string>& keys) {
    for (const auto* i : items) {
        if (!i->children.empty() || !blank(i->text)) return false;
        for (const auto& [k, v] : i->attributes)
            if (!keys.count(k)) return false;
    }
    return true;
}

// "1577808000000" (Jackson's default for java.util.Date) -> "2020-01-01 00:00:00" at UTC+8, the
// zone DataWorks exports in; "2020-01-01" -> "2020-01-01 00:00:00"; anything else as written.
std::string effect_date(const std::string& s, bool& converted) {
    converted = false;
    if (is_integer(s) && s.size() >= 10) {
        converted = true;
        std::int64_t secs = std::stoll(s) / 1000 + 8 * 3600;
        std::int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
        std::int64_t rem = secs - days * 86400;
        // Howard Hinnant's civil_from_days.
        days += 719468;
        const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
        const std::int64_t doe = days - era * 146097;
        const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        const std::int64_t mp = (5 * doy + 2) / 153;
        const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
        const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
        const std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
        char buf[96];
        std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lld %02lld:%02lld:%02lld", static_cast<long long>(y),
                      static_cast<long long>(m), static_cast<long long>(d), static_cast<long long>(rem / 3600),
                      static_cast<long long>(rem / 60 % 60), static_cast<long long>(rem % 60));
        return buf;
    }
    if (s.size() == 10 && s[4] == '-' && s[7] == '-') return s + " 00:00:00";
    return s;
}

// A node's Parameter ("a=1 b=$bizdate", or positional arguments for a shell) as FlowSpec script
// parameters, the way MigrationX's BasicNodeSpecHandler splits it: space-separated `name=value`
// pairs; a value that is not all pairs is one NoKvVariableExpression named "-".
json parameters_of(const std::string& raw) {
    json out = json::array();
    const std::string p = trim(raw);
    if (p.empty()) return out;
    std::vector<std::string> tokens;
    std::istringstream ss(p);
    for (std::string t; ss >> t;) tokens.push_back(t);
    bool pairs = true;
    for (const auto& t : tokens) {
        const auto eq = t.find('=');
        pairs = pairs && eq != std::string::npos && eq > 0 && t.find('=', eq + 1) == std::string::npos;
    }
    if (!pairs) {
        out.push_back({{"name", "-"}, {"scope", "NodeParameter"}, {"type", "NoKvVariableExpression"}, {"value", p}});
        return out;
    }
    for (const auto& t : tokens) {
        const auto eq = t.find('=');
        const std::string value = t.substr(eq + 1);
        out.push_back({{"name", t.substr(0, eq)},
                       {"scope", "NodeParameter"},
                       {"type", value.find('$') != std::string::npos ? "System" : "Constant"},
                       {"value", value}});
    }
    return out;
}

// NodeContext paramType: 1 constant, 2 a variable of an upstream node, 3 passed through.
const char* context_type(const std::string& t) {
    if (t == "2") return "NodeOutput";
    if (t == "3") return "PassThrough";
    return "Constant";
}

json context_variables(const std::vector<const XmlElement*>& items) {
    json out = json::array();
    for (const auto* c : items) {
        json v = {{"name", attr(*c, "paramName")}, {"scope", "NodeContext"}, {"type", context_type(attr(*c, "paramType"))}};
        if (has(*c, "paramValue")) v["value"] = attr(*c, "paramValue");
        if (has(*c, "description")) v["description"] = attr(*c, "description");
        out.push_back(std::move(v));
    }
    return out;
}

json node_outputs(const std::vector<const XmlElement*>& items) {
    json out = json::array();
    for (const auto* io : items) {
        json o = {{"data", attr(*io, "data")}, {"artifactType", "NodeOutput"}};
        if (has(*io, "refTableName")) o["refTableName"] = attr(*io, "refTableName");
        out.push_back(std::move(o));
    }
    return out;
}

// The engine a command's data source belongs to, as FlowSpec's lower-case datasource.type.
std::string datasource_type_of(const std::string& command) {
    auto starts = [&](const char* p) { return command.rfind(p, 0) == 0; };
    if (starts("ODPS_") || starts("PYODPS") || command == "PY_ODPS" || command == "COMPONENT_SQL") return "odps";
    if (starts("EMR_")) return "emr";
    if (starts("CDH_")) return "cdh";
    if (starts("HOLOGRES")) return "holo";
    if (command == "CLICK_SQL") return "clickhouse";
    return {};
}

// Which FlowSpec container holds a node's inner nodes, and the key of its edges there.
std::pair<const char*, const char*> container_of(const std::string& command) {
    if (command == "CONTROLLER_CYCLE") return {"do-while", "flow"};
    if (command == "CONTROLLER_TRAVERSE") return {"for-each", "flow"};
    if (command == "COMBINED_NODE") return {"combined", "dependencies"};
    return {"subflow", "dependencies"};
}

const std::set<std::string> kNodeMapped = {
    "name",      "type",           "cronExpress", "resourceGroup", "rerunMode", "startRightNow",
    "pauseSchedule", "connection", "taskRerunTime", "taskRerunInterval", "priority", "owner",
    "dependentType", "dependentDataNode", "globalUuid", "Code", "Parameter", "Description", "InnerNodes"};

}  // namespace

std::string attr(const XmlElement& e, const std::string& key) {
    const std::string* v = e.attribute(key);
    return v ? *v : std::string();
}

std::string stable_id(const std::string& key) {
    std::uint64_t h = 1469598103934665603ull;  // FNV-1a
    for (unsigned char c : key) {
        h ^= c;
        h *= 1099511628211ull;
    }
    // 19 digits, like the ids DataWorks and MigrationX write.
    return std::to_string(1000000000000000000ull + h % 8000000000000000000ull);
}

json xml_as_json(const XmlElement& e) {
    if (e.attributes.empty() && e.children.empty()) return e.text;
    json out = json::object();
    for (const auto& [k, v] : e.attributes) out[k] = v;
    std::map<std::string, int> count;
    for (const auto& c : e.children) ++count[c.name];
    for (const auto& c : e.children) {
        if (count[c.name] == 1) out[c.name] = xml_as_json(c);
        else out[c.name].push_back(xml_as_json(c));  // a repeated child: an array, in document order
    }
    if (!blank(e.text)) out["#text"] = e.text;
    return out;
}

std::string node_kind(const XmlElement& n, bool scheduled) {
    std::string use = attr(n, "useType");
    if (use.empty()) use = scheduled ? "SCHEDULED" : "MANUAL_WORKFLOW";
    if (use == "MANUAL" || use == "1") return "ManualNode";
    if (use == "MANUAL_WORKFLOW" || use == "2") return "ManualWorkflow";
    if (use == "AD_HOC" || use == "10") return "TemporaryWorkflow";
    if (use == "COMPONENT" || use == "30") return "Component";
    return "CycleWorkflow";
}

json node_entry(const XmlElement& n, const Origin& origin, bool scheduled, json& flow, sdk::Diagnostics& diags) {
    const std::string name = attr(n, "name");
    const std::string command = attr(n, "type");
    std::string id = attr(n, "globalUuid");
    if (id.empty()) id = stable_id("dwma:" + origin.id_scope + "/" + name);
    json node = {{"id", id}, {"name", name}};
    if (has(n, "owner")) node["owner"] = attr(n, "owner");
    if (n.child("Description")) node["description"] = code_text(n, "Description", origin, diags);

    std::string use = attr(n, "useType");
    if (use.empty()) use = scheduled ? "SCHEDULED" : "MANUAL_WORKFLOW";
    std::string recurrence = "Normal";
    if (has(n, "pauseSchedule")) recurrence = truthy(attr(n, "pauseSchedule")) ? "Pause" : "Normal";
    if (use == "SKIP" || use == "3") recurrence = "Skip";
    node["recurrence"] = recurrence;
    if (has(n, "priority")) node["priority"] = number_or_text(attr(n, "priority"));
    node["instanceMode"] = truthy(attr(n, "startRightNow")) ? "Immediately" : "T+1";
    const std::string rerun = attr(n, "rerunMode");
    if (rerun == "ALL_ALLOWED" || rerun == "1") node["rerunMode"] = "Allowed";
    else if (rerun == "FAILURE_ALLOWED" || rerun == "0") node["rerunMode"] = "FailureAllowed";
    else if (rerun == "ALL_DENIED" || rerun == "2") node["rerunMode"] = "Denied";
    if (has(n, "taskRerunTime")) node["rerunTimes"] = number_or_text(attr(n, "taskRerunTime"));
    if (has(n, "taskRerunInterval")) node["rerunInterval"] = number_or_text(attr(n, "taskRerunInterval"));
    // The kill timeout (hours) sits in extraConfig, a JSON object; extraConfig itself stays in "dwma".
    if (has(n, "extraConfig")) {
        const json extra = json::parse(attr(n, "extraConfig"), nullptr, false);
        if (extra.is_object() && extra.contains("alisaTaskKillTimeout") && extra["alisaTaskKillTimeout"].is_number())
            node["timeout"] = extra["alisaTaskKillTimeout"];
    }
    if (has(n, "connection")) {
        json ds = {{"name", attr(n, "connection")}};
        if (auto t = datasource_type_of(command); !t.empty()) ds["type"] = t;
        node["datasource"] = std::move(ds);
    }

    json script = {{"runtime", {{"command", command}}}};
    script["content"] = code_text(n, "Code", origin, diags);
    json params = parameters_of(code_text(n, "Parameter", origin, diags));
    if (!params.empty()) script["parameters"] = std::move(params);
    node["script"] = std::move(script);

    const bool scheduler = use == "SCHEDULED" || use == "0" || use == "SKIP" || use == "3";
    json trigger = {{"type", scheduler ? "Scheduler" : "Manual"}};
    bool converted_date = false;
    if (scheduler && has(n, "cronExpress")) trigger["cron"] = attr(n, "cronExpress");
    const bool cron_unused = !scheduler && has(n, "cronExpress");
    if (scheduler && has(n, "startEffectDate")) trigger["startTime"] = effect_date(attr(n, "startEffectDate"), converted_date);
    if (scheduler && has(n, "endEffectDate")) {
        bool c = false;
        trigger["endTime"] = effect_date(attr(n, "endEffectDate"), c);
        converted_date = converted_date || c;
    }
    if (converted_date) trigger["timezone"] = "Asia/Shanghai";
    node["trigger"] = std::move(trigger);
    if (has(n, "resourceGroup")) node["runtimeResource"] = {{"resourceGroup", attr(n, "resourceGroup")}};

    // Inputs and outputs: node outputs (the dependencies) and context variables.
    const auto ins = n.list("Inputs", "Input");
    const auto outs = n.list("Outputs", "Output");
    const auto in_ctx = n.list("InputContexts", "InputContext");
    const auto out_ctx = n.list("OutputContexts", "OutputContext");
    json inputs = json::object(), outputs = json::object();
    if (!ins.empty()) inputs["nodeOutputs"] = node_outputs(ins);
    if (!in_ctx.empty()) inputs["variables"] = context_variables(in_ctx);
    if (!outs.empty()) outputs["nodeOutputs"] = node_outputs(outs);
    if (!out_ctx.empty()) outputs["variables"] = context_variables(out_ctx);
    if (!inputs.empty()) node["inputs"] = std::move(inputs);
    if (!outputs.empty()) node["outputs"] = std::move(outputs);

    // Dependencies: each input is an upstream output; dependentType adds cross-cycle ones.
    json depends = json::array();
    for (const auto* io : ins) {
        json d = {{"type", "Normal"}, {"output", attr(*io, "data")}};
        if (has(*io, "refTableName")) d["refTableName"] = attr(*io, "refTableName");
        depends.push_back(std::move(d));
    }
    const std::string dep_type = attr(n, "dependentType");
    const bool user = dep_type == "1" || dep_type == "13", self = dep_type == "3" || dep_type == "13" || dep_type == "23",
               children = dep_type == "2" || dep_type == "23";
    if (user) {
        std::istringstream ss(attr(n, "dependentDataNode"));
        for (std::string o; std::getline(ss, o, ',');)
            if (!trim(o).empty()) depends.push_back({{"type", "CrossCycleDependsOnOtherNode"}, {"output", trim(o)}});
    }
    if (self) depends.push_back({{"type", "CrossCycleDependsOnSelf"}, {"nodeId", id}});
    if (children) depends.push_back({{"type", "CrossCycleDependsOnChildren"}, {"nodeId", id}});
    flow = depends.empty() ? json() : json{{"nodeId", id}, {"depends", std::move(depends)}};

    // Inner nodes (combined, do-while, for-each nodes) in the FlowSpec container of the node's type.
    const auto inner = n.list("InnerNodes", "Node");
    if (!inner.empty()) {
        const auto [key, edges_key] = container_of(command);
        json box = {{"nodes", json::array()}, {edges_key, json::array()}};
        for (const auto* c : inner) {
            json inner_flow;
            Origin o = origin;
            o.id_scope = origin.id_scope + "/" + name;
            box["nodes"].push_back(node_entry(*c, o, scheduled, inner_flow, diags));
            if (!inner_flow.is_null()) box[edges_key].push_back(std::move(inner_flow));
        }
        node[key] = std::move(box);
    }

    std::set<std::string> mapped = kNodeMapped;
    if (only_attributes(ins, {"data", "refTableName"})) mapped.insert("Inputs");
    if (only_attributes(outs, {"data", "refTableName"})) mapped.insert("Outputs");
    if (only_attributes(in_ctx, {"paramName", "paramType", "paramValue", "description"})) mapped.insert("InputContexts");
    if (only_attributes(out_ctx, {"paramName", "paramType", "paramValue", "description"})) mapped.insert("OutputContexts");
    json rest = leftovers(n, mapped);
    if (cron_unused) rest["cronExpress"] = attr(n, "cronExpress");  // a manual node runs on no cron
    if (!rest.empty()) node["dwma"] = std::move(rest);
    return node;
}

json resource_entry(const XmlElement& r, const Origin& origin, const std::string& file_path) {
    const std::string name = attr(r, "name");
    const std::string command = attr(r, "type");
    std::string type = "file";
    auto ends = [&](const std::string& s, const char* t) {
        const std::string tail(t);
        return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
    };
    if (ends(command, "JAR") || ends(name, ".jar")) type = "jar";
    else if (ends(command, "PYTHON") || ends(name, ".py")) type = "python";
    else if (ends(command, "ARCHIVE") || ends(name, ".zip") || ends(name, ".tar.gz") || ends(name, ".tgz") || ends(name, ".tar"))
        type = "archive";
    std::string id = attr(r, "globalUuid");
    if (id.empty()) id = stable_id("dwma:" + origin.id_scope + "/resource/" + name);
    json res = {{"id", id}, {"name", name}, {"type", type}};
    if (!command.empty()) res["script"] = {{"runtime", {{"command", command}}}};
    if (has(r, "connection")) res["datasource"] = {{"name", attr(r, "connection")}};
    res["file"] = {{"storage", {{"type", "local"}}}, {"path", file_path}};
    json rest = leftovers(r, {"name", "type", "connection", "globalUuid"});
    if (!rest.empty()) res["dwma"] = std::move(rest);
    return res;
}

json function_entry(const XmlElement& f, const Origin& origin, sdk::Diagnostics& diags) {
    const std::string name = attr(f, "name");
    std::string id = attr(f, "globalUuid");
    if (id.empty()) id = stable_id("dwma:" + origin.id_scope + "/function/" + name);
    json fn = {{"id", id}, {"name", name}};
    if (has(f, "functionType")) fn["type"] = attr(f, "functionType");
    if (has(f, "clazz")) fn["className"] = attr(f, "clazz");
    if (has(f, "type")) fn["script"] = {{"runtime", {{"command", attr(f, "type")}}}};
    if (has(f, "connection")) fn["datasource"] = {{"name", attr(f, "connection")}};
    if (has(f, "resource")) {
        json files = json::array();
        std::istringstream ss(attr(f, "resource"));
        for (std::string r; std::getline(ss, r, ',');)
            if (!trim(r).empty()) files.push_back({{"name", trim(r)}});
        fn["fileResources"] = std::move(files);
    }
    const std::pair<const char*, const char*> texts[] = {{"description", "usageDescription"},
                                                         {"arguments", "argumentDescription"},
                                                         {"returnValue", "returnValueDescription"},
                                                         {"example", "usageExample"}};
    for (const auto& [from, to] : texts)
        if (has(f, from)) fn[to] = code_text(f, from, origin, diags);
    json rest = leftovers(f, {"name", "functionType", "clazz", "type", "connection", "resource", "globalUuid",
                              "description", "arguments", "returnValue", "example"});
    if (has(f, "command")) rest["command"] = code_text(f, "command", origin, diags);
    if (!rest.empty()) fn["dwma"] = std::move(rest);
    return fn;
}

json table_entry(const XmlElement& t, const Origin& origin, sdk::Diagnostics& diags) {
    const std::string name = attr(t, "name");
    std::string id = attr(t, "globalUuid");
    if (id.empty()) id = stable_id("dwma:" + origin.id_scope + "/table/" + name);
    json table = {{"id", id}, {"name", name}};
    // tableGuid "odps.<project>.<table>" (or with a schema); appGuid "odps.<project>".
    std::string guid = attr(t, "tableGuid");
    if (!guid.empty()) table["guid"] = guid;
    if (guid.empty()) guid = attr(t, "appGuid");
    std::vector<std::string> parts;
    std::istringstream ss(guid);
    for (std::string p; std::getline(ss, p, '.');) parts.push_back(p);
    if (parts.size() >= 2) {
        const std::string& engine = parts[0];
        json ce = {{"type", engine == "odps" ? "MaxCompute" : engine == "holo" ? "Hologres" : engine == "emr" ? "EMR" : engine},
                   {"project", parts[1]}};
        if (parts.size() == 4) ce["schema"] = parts[2];
        table["calcEngine"] = std::move(ce);
    }
    const std::string ddl = code_text(t, "ddl", origin, diags);
    if (!ddl.empty()) table["ddl"] = ddl;
    if (has(t, "owner")) table["owner"] = attr(t, "owner");
    json rest = leftovers(t, {"name", "globalUuid", "ddl", "tableGuid", "owner"});
    if (!rest.empty()) table["dwma"] = std::move(rest);
    return table;
}

std::string datasource_environment(const XmlElement& d) {
    const std::string env = attr(d, "envType");
    return env == "PRD" || env == "PROD" || env == "1" ? "PRD" : "DEV";
}

json datasource_entry(const XmlElement& d, const Origin& origin) {
    const std::string name = attr(d, "name");
    std::string id = attr(d, "globalUuid");
    if (id.empty()) id = stable_id("dwma:" + origin.id_scope + "/datasource/" + name);
    json ds = {{"id", id}, {"name", name}, {"type", attr(d, "type")}};
    if (has(d, "subType")) ds["subType"] = attr(d, "subType");
    if (const XmlElement* c = d.child("Connection")) ds["config"] = c->text;
    if (has(d, "description")) ds["description"] = attr(d, "description");
    json rest = leftovers(d, {"name", "globalUuid", "type", "subType", "Connection", "description"});
    if (!rest.empty()) ds["dwma"] = std::move(rest);
    return ds;
}

json component_entry(const XmlElement& n, const Origin& origin, sdk::Diagnostics& diags) {
    json flow;
    json node = node_entry(n, origin, false, flow, diags);
    json c = {{"id", node["id"]}, {"name", node["name"]}};
    for (const char* k : {"owner", "description", "script", "inputs", "outputs", "dwma"})
        if (node.contains(k)) c[k] = node[k];
    // A component is not scheduled: the node fields it read from attributes stay under "dwma".
    for (const char* k : {"priority", "rerunMode", "rerunTimes", "rerunInterval", "timeout", "datasource", "runtimeResource"})
        if (node.contains(k)) c["dwma"][k] = node[k];
    if (flow.is_object()) c["dwma"]["flow"] = flow;
    return c;
}

}  // namespace ferry::reader::dwma
