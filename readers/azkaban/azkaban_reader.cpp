#include "azkaban_reader.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>

#include "azkaban_flows.hpp"
#include "ferry/reader/quartz_cron.hpp"
#include "properties_file.hpp"
#include "yaml_subset.hpp"

namespace ferry::reader::azkaban {

namespace {

constexpr reader::CronCodes kCronCodes{"FERRY-AZKABAN-CRON",         "FERRY-AZKABAN-CRON-SECONDS",
                                       "FERRY-AZKABAN-CRON-YEAR",    "FERRY-AZKABAN-CRON-WEEKDAY",
                                       "FERRY-AZKABAN-CRON-SPECIAL", "FERRY-AZKABAN-CRON-UNSUPPORTED"};

constexpr std::size_t kHeldFile = 8u << 20;  // larger project files are streamed, not held

bool ends_with(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}
std::string basename_of(const std::string& p) { return p.substr(p.rfind('/') + 1); }
std::string segment(const std::string& name) {
    std::string s = name;
    for (char& c : s)
        if (c == '/' || c == '\\' || c == '\0') c = '_';
    if (s.empty() || s == "." || s == "..") s = "_";
    return s;
}
std::string flat(const std::string& path) {
    std::string s = path;
    std::replace(s.begin(), s.end(), '/', '_');
    return segment(s);
}
std::string dump(const json& doc) { return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n"; }

// Deterministic 19-digit ids, like the ones DataWorks and MigrationX write.
std::string stable_id(const std::string& key) {
    std::uint64_t h = 1469598103934665603ull;  // FNV-1a
    for (unsigned char c : key) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return std::to_string(1000000000000000000ull + h % 8000000000000000000ull);
}

// Whether the first meaningful line of a text starts like a JSON document (a FlowSpec `.flow`).
bool json_like(const std::string& head) {
    const auto i = head.find_first_not_of(" \t\r\n\xef\xbb\xbf");
    return i != std::string::npos && head[i] == '{';
}

// The EntryBytes of an entry whose first bytes were already read.
class Prefixed : public sdk::EntryBytes {
  public:
    Prefixed(const std::string& prefix, sdk::EntryBytes& rest) : prefix_(prefix), rest_(rest) {}
    std::ptrdiff_t read(char* buffer, std::size_t size) override {
        if (at_ < prefix_.size()) {
            const std::size_t n = std::min(size, prefix_.size() - at_);
            std::copy_n(prefix_.data() + at_, n, buffer);
            at_ += n;
            return static_cast<std::ptrdiff_t>(n);
        }
        return rest_.read(buffer, size);
    }

  private:
    const std::string& prefix_;
    sdk::EntryBytes& rest_;
    std::size_t at_ = 0;
};

// Azkaban's built-in parameters and what DataWorks has for them (its scheduled-time expressions).
std::string builtin_value(const std::string& name, const std::string& flow, const std::string& job, bool& known) {
    known = true;
    if (name == "azkaban.flow.start.year") return "$[yyyy]";
    if (name == "azkaban.flow.start.month") return "$[mm]";
    if (name == "azkaban.flow.start.day") return "$[dd]";
    if (name == "azkaban.flow.start.hour") return "$[hh24]";
    if (name == "azkaban.flow.start.minute") return "$[mi]";
    if (name == "azkaban.flow.start.second") return "$[ss]";
    if (name == "azkaban.flow.flowid") return flow;
    if (name == "azkaban.job.id") return job;
    known = false;
    return {};
}

// The ${name} references of a text, in order of first appearance.
std::vector<std::string> references(const std::string& text) {
    std::vector<std::string> out;
    for (std::size_t i = text.find("${"); i != std::string::npos; i = text.find("${", i + 2)) {
        const auto end = text.find('}', i + 2);
        if (end == std::string::npos) break;
        const std::string name = text.substr(i + 2, end - i - 2);
        if (!name.empty() && name.find_first_of(" \t\n${") == std::string::npos &&
            std::find(out.begin(), out.end(), name) == out.end())
            out.push_back(name);
    }
    return out;
}

// A value with the ${...} it uses replaced, as Azkaban resolves properties before a job runs;
// what nothing defines stays as written and is collected in `undefined`.
std::string resolve(const FlowNode& n, const std::string& flow, const std::string& value, int depth,
                    std::set<std::string>& undefined) {
    if (depth > 16) return value;
    std::string out;
    std::size_t i = 0;
    for (;;) {
        const auto s = value.find("${", i);
        const auto e = s == std::string::npos ? std::string::npos : value.find('}', s + 2);
        if (e == std::string::npos) {
            out += value.substr(i);
            return out;
        }
        out += value.substr(i, s - i);
        const std::string name = value.substr(s + 2, e - s - 2);
        bool known = false;
        const std::string builtin = builtin_value(name, flow, n.name, known);
        if (const std::string* v = n.lookup(name)) {
            out += resolve(n, flow, *v, depth + 1, undefined);
        } else if (known) {
            out += builtin;
        } else {
            undefined.insert(name);
            out += value.substr(s, e - s + 1);
        }
        i = e + 1;
    }
}

struct Emitter {
    const std::map<std::string, std::string>& resource_names;  // project path -> resource name
    const std::map<std::string, const std::string*>& held;     // project path -> bytes
    sdk::Diagnostics& diags;
    std::string flow;

    const std::string* project_file(const FlowNode& n, const std::string& rel) const {
        for (const std::string& p : {n.directory.empty() ? rel : n.directory + "/" + rel, rel}) {
            auto it = held.find(p);
            if (it != held.end()) return it->second;
        }
        return nullptr;
    }

    // Settings Azkaban applies to a job that no FlowSpec field holds: its environment, the user it
    // runs as, its working folder, who is mailed. Kept under "azkaban" (the job's own properties,
    // and the files it inherits in the flow's propertiesFiles or config), and said: for a job's own
    // keys by job, for an inherited file once per flow, where it is.
    static bool not_carried_key(const std::string& k) {
        return k.rfind("env.", 0) == 0 || k == "user.to.proxy" || k == "working.dir" || k == "failure.emails" ||
               k == "success.emails" || k == "notify.emails";
    }
    static std::string not_carried_keys(const Properties& p) {
        std::string list;
        for (const auto& [k, v] : p.entries)
            if (not_carried_key(k)) list += (list.empty() ? "" : ", ") + k;
        return list;
    }
    void not_carried(const FlowNode& n) {
        static const char* const kHint =
            "set environment variables in the node's code, the account on its resource group, and alerts in DataWorks";
        if (const std::string own = not_carried_keys(n.config); !own.empty())
            diags.warning("FERRY-AZKABAN-NOT-CARRIED",
                          "job '" + n.name + "' sets " + own + ", which a DataWorks node has no field for: kept under "
                          "\"azkaban\" only",
                          kHint, n.where);
        for (std::size_t i = 0; i < n.inherited.size(); ++i) {
            if (!said_inherited.insert(n.inherited[i].get()).second) continue;
            if (const std::string keys = not_carried_keys(*n.inherited[i]); !keys.empty())
                diags.warning("FERRY-AZKABAN-NOT-CARRIED",
                              "flow '" + flow + "': the jobs that inherit " +
                                  (i < n.inherited_from.size() ? n.inherited_from[i] : std::string("a config")) +
                                  " run with " + keys + ", which a DataWorks node has no field for: kept under "
                                  "\"azkaban\" only",
                              kHint, i < n.inherited_from.size() ? n.inherited_from[i] : n.where);
        }
    }
    std::set<const Properties*> said_inherited;

    // A job's command lines: command, command.1, command.2... as Azkaban's ProcessJob runs them
    // (it stops at the first missing number).
    std::string commands(const FlowNode& n, json& azk) {
        std::vector<std::string> lines;
        if (const std::string* c = n.lookup("command")) lines.push_back(*c);
        int last = 0;
        while (const std::string* c = n.lookup("command." + std::to_string(last + 1))) {
            lines.push_back(*c);
            ++last;
        }
        std::vector<std::string> skipped;
        for (const auto& [k, v] : n.config.entries)
            if (k.rfind("command.", 0) == 0 && k.size() > 8 && k.find_first_not_of("0123456789", 8) == std::string::npos &&
                std::stoll(k.substr(8).substr(0, 9)) > last)
                skipped.push_back(k);
        if (!skipped.empty()) {
            std::string list;
            for (const auto& k : skipped) list += (list.empty() ? "" : ", ") + k;
            diags.warning("FERRY-AZKABAN-COMMAND-GAP",
                          "job '" + n.name + "': " + list + " follow" + (skipped.size() == 1 ? "s" : "") + " a missing command." +
                              std::to_string(last + 1) + ": Azkaban never runs " + (skipped.size() == 1 ? "it" : "them"),
                          "they are kept under \"azkaban\" only; renumber them if they should run", n.where);
            azk["notRun"] = skipped;
        }
        if (lines.empty())
            diags.warning("FERRY-AZKABAN-NO-COMMAND", "job '" + n.name + "' has type command but no command",
                          "it imports as an empty shell node", n.where);
        std::string code;
        for (std::size_t i = 0; i < lines.size(); ++i) code += (i ? "\n" : "") + lines[i];
        return code;
    }

    // A hive job's queries: hive.query, hive.query.01..., else the file hive.script or hive.query.file.
    std::string hive(const FlowNode& n) {
        std::vector<std::pair<long long, std::string>> numbered;
        for (const auto& [k, v] : n.config.entries)
            if (k.rfind("hive.query.", 0) == 0 && k.size() > 11 && k.find_first_not_of("0123456789", 11) == std::string::npos)
                numbered.emplace_back(std::stoll(k.substr(11).substr(0, 9)), v);
        std::sort(numbered.begin(), numbered.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        std::vector<std::string> queries;
        if (const std::string* q = n.lookup("hive.query")) queries.push_back(*q);
        for (const auto& [i, q] : numbered) queries.push_back(q);
        if (!queries.empty()) {
            std::string code;
            for (std::size_t i = 0; i < queries.size(); ++i) code += (i ? "\n" : "") + queries[i];
            return code;
        }
        for (const char* key : {"hive.script", "hive.query.file"})
            if (const std::string* file = n.lookup(key)) {
                if (const std::string* bytes = project_file(n, *file)) return *bytes;
                diags.warning("FERRY-AZKABAN-SCRIPT-MISSING",
                              "job '" + n.name + "' runs " + key + "=" + *file + ", which is not in the project",
                              "it imports with no code; add the file to the package", n.where);
                return {};
            }
        diags.warning("FERRY-AZKABAN-NO-COMMAND", "job '" + n.name + "' has type hive but no hive.query or hive.script",
                      "it imports as an empty Hive node", n.where);
        return {};
    }

    json parameters(const FlowNode& n, const std::string& code) {
        json params = json::array();
        for (const auto& name : references(code)) {
            std::string value;
            std::set<std::string> undefined;
            if (const std::string* v = n.lookup(name)) {
                value = resolve(n, flow, *v, 0, undefined);
            } else if (name.find(':') != std::string::npos) {
                diags.warning("FERRY-AZKABAN-PARAMETER",
                              "job '" + n.name + "' uses ${" + name + "}, an output of another job at run time",
                              "DataWorks passes values between nodes through context parameters; set one up", n.where);
                continue;
            } else {
                bool known = false;
                value = builtin_value(name, flow, n.name, known);
                if (!known) undefined.insert(name);
            }
            for (const auto& u : undefined)
                diags.warning("FERRY-AZKABAN-PARAMETER",
                              "job '" + n.name + "' uses ${" + u + "}, which no job, .properties file or flow config defines" +
                                  (u.rfind("azkaban.", 0) == 0 ? " and DataWorks has no equivalent for" : ""),
                              "give the parameter a value in the imported node", n.where);
            params.push_back({{"name", name},
                              {"scope", "NodeParameter"},
                              {"type", value.find('$') != std::string::npos ? "System" : "Constant"},
                              {"value", value}});
        }
        return params;
    }

    json node(const FlowNode& n, const std::string& scope) {
        json azk = {{"type", n.type}, {"file", n.where}};
        json own = json::object();
        for (const auto& [k, v] : n.config.entries) own[k] = v;
        azk["properties"] = std::move(own);
        if (!n.inherited_from.empty()) azk["inherits"] = n.inherited_from;
        for (const auto& [k, v] : n.extra.items()) azk[k] = v;

        std::string command, code;
        if (n.type == "command") {
            command = "DIDE_SHELL";
            code = commands(n, azk);
        } else if (n.type == "hive") {
            command = "EMR_HIVE";
            code = hive(n);
        } else if (n.type == "noop") {
            command = "VIRTUAL";
        } else if (n.type == "flow") {
            command = "VIRTUAL_WORKFLOW";
        } else {
            command = "VIRTUAL";
            std::string what = n.type.empty() ? "has no type" : "has type " + n.type + ", which has no DataWorks node";
            if (n.type == "java" || n.type == "javaprocess")
                what = "has type " + n.type + " (runs the Java class " +
                       (n.lookup("java.class") ? *n.lookup("java.class") : std::string("named by java.class")) +
                       "), which has no DataWorks node";
            diags.warning("FERRY-AZKABAN-JOB-TYPE",
                          "job '" + n.name + "' " + what + ": it imports as a VIRTUAL node that does nothing, its "
                                                           "properties kept under \"azkaban\"",
                          "rebuild it as a DataWorks node (a shell node running the same program, for instance)", n.where);
        }
        const std::string* condition = n.config.get("condition");
        if (!condition && n.extra.contains("condition") && n.extra["condition"].is_string())
            condition = &n.extra["condition"].get_ref<const std::string&>();
        if (condition)
            diags.warning("FERRY-AZKABAN-CONDITION",
                          "job '" + n.name + "' runs on the condition '" + *condition +
                              "': it imports as running after all its upstream jobs succeed",
                          "rebuild the condition with a DataWorks branch node if it matters", n.where);

        const std::string id = stable_id("azkaban:" + scope + "/" + n.name);
        json script = {{"runtime", {{"command", command}}}, {"content", code}};
        json params = parameters(n, code);
        if (!params.empty()) script["parameters"] = std::move(params);
        json out = {{"id", id}, {"name", n.name}, {"script", std::move(script)}};
        for (const auto& [key, field] : {std::pair<const char*, const char*>{"retries", "rerunTimes"}, {"retry.backoff", "rerunInterval"}})
            if (const std::string* v = n.lookup(key); v && !v->empty()) {
                // FlowSpec holds these as 32-bit integers: nine digits always fit.
                if (v->size() < 10 && v->find_first_not_of("0123456789") == std::string::npos)
                    out[field] = std::stoll(*v);
                else
                    diags.warning("FERRY-AZKABAN-VALUE",
                                  "job '" + n.name + "': " + key + "=" + *v +
                                      " is not a whole number from 0 to 999999999: the node's " + field + " is not set",
                                  "give it a number in Azkaban, or set the node's reruns in DataWorks", n.where);
            }
        not_carried(n);
        // Project files the code names (a script it runs): the resources it uses.
        json files = json::array();
        std::set<std::string> seen;
        std::string token;
        for (std::size_t i = 0; i <= code.size(); ++i) {
            const char c = i < code.size() ? code[i] : ' ';
            if (c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '"' || c == '\'' || c == '=' || c == '`') {
                std::string t = token.rfind("./", 0) == 0 ? token.substr(2) : token;
                for (const std::string& p : {n.directory.empty() ? t : n.directory + "/" + t, t})
                    if (auto it = resource_names.find(p); !t.empty() && it != resource_names.end() && seen.insert(it->second).second)
                        files.push_back({{"name", it->second}});
                token.clear();
            } else {
                token += c;
            }
        }
        if (!files.empty()) out["fileResources"] = std::move(files);
        if (n.type == "flow") {
            json deps;
            json inner = nodes(n.nodes, scope + "/" + n.name, deps);
            out["subflow"] = {{"nodes", std::move(inner)}, {"dependencies", std::move(deps)}};
        }
        out["azkaban"] = std::move(azk);
        return out;
    }

    json nodes(const std::vector<FlowNode>& list, const std::string& scope, json& deps) {
        json out = json::array();
        deps = json::array();
        std::map<std::string, std::string> ids;
        for (const auto& n : list) ids[n.name] = stable_id("azkaban:" + scope + "/" + n.name);
        for (const auto& n : list) {
            out.push_back(node(n, scope));
            json depends = json::array();
            for (const auto& d : n.depends)
                if (ids.count(d)) depends.push_back({{"nodeId", ids[d]}, {"type", "Normal"}});
            if (!depends.empty()) deps.push_back({{"nodeId", ids[n.name]}, {"depends", std::move(depends)}});
        }
        return out;
    }
};

}  // namespace

sdk::Recognition AzkabanReader::recognize(const std::vector<sdk::EntryPeek>& first) {
    sdk::Recognition r;
    r.format = "azkaban";
    std::string other;
    for (const auto& e : first) {
        const std::string base = basename_of(e.path);
        if (ends_with(base, ".project") && e.head.find("azkaban-flow-version") != std::string::npos) {
            r.confidence = 100;
        } else if (ends_with(base, ".job") && e.head.find("type") != std::string::npos) {
            r.confidence = std::max(r.confidence, 90);
        } else if (ends_with(base, ".flow") && !json_like(e.head) && e.head.find("nodes:") != std::string::npos) {
            r.confidence = std::max(r.confidence, 90);
        } else if (ends_with(base, ".py") && other.empty() &&
                   (e.head.find("from airflow") != std::string::npos || e.head.find("import airflow") != std::string::npos) &&
                   e.head.find("DAG") != std::string::npos) {
            other = "this is an Airflow DAG folder (" + e.path +
                    " imports airflow and makes a DAG), which ferry does not read yet";
        } else if (other.empty() && ((base == "workflow.xml" && e.head.find("<workflow-app") != std::string::npos) ||
                                     (base == "coordinator.xml" && e.head.find("<coordinator-app") != std::string::npos) ||
                                     (base == "bundle.xml" && e.head.find("<bundle-app") != std::string::npos))) {
            other = "this is an Apache Oozie application (" + e.path + "), which ferry does not read yet";
        }
    }
    if (r.confidence == 0) r.unsupported = other;
    return r;
}

void AzkabanReader::read_entry(const std::string& path, sdk::EntryBytes& bytes, sdk::ReaderOutput& out,
                               sdk::Diagnostics& diags) {
    const std::string base = basename_of(path);
    if (path.rfind("__MACOSX/", 0) == 0 || path.find("/__MACOSX/") != std::string::npos || base == ".DS_Store") return;
    std::vector<Text>* into = nullptr;
    if (ends_with(base, ".job")) into = &jobs_;
    else if (ends_with(base, ".properties")) into = &properties_;
    else if (ends_with(base, ".flow")) into = &flows_;
    else if (ends_with(base, ".project")) into = &projects_;
    if (into) {
        Text t{path, {}};
        if (!bytes.read_all(t.text, std::size_t(64) << 20))
            diags.error("FERRY-AZKABAN-READ", "cannot read " + path + " whole (over 64 MiB, or the package stopped)",
                        "an Azkaban job, flow or properties file is read whole", path);
        else into->push_back(std::move(t));
        return;
    }
    // Any other file is a resource. Small ones are held (a hive job may run one as its script, and
    // names are chosen once every file is known); large ones are written as they stream.
    Other o{path, {}, {}};
    char buf[1 << 16];
    for (;;) {
        const std::ptrdiff_t n = bytes.read(buf, sizeof buf);
        if (n < 0) return;
        if (n == 0) break;
        o.bytes.append(buf, static_cast<std::size_t>(n));
        if (o.bytes.size() > kHeldFile) {
            o.written = "DataStudio/Resource/" + flat(path);
            Prefixed rest(o.bytes, bytes);
            out.file_from(o.written, rest);
            o.bytes.clear();
            break;
        }
    }
    others_.push_back(std::move(o));
}

void AzkabanReader::finish(sdk::ReaderOutput& out, sdk::Diagnostics& diags) {
    auto yaml = [&](const Text& t) -> std::optional<YamlNode> {
        YamlError e;
        auto doc = parse_yaml(t.text, e);
        if (!doc) {
            const std::string where = t.path + ":" + std::to_string(e.line) + ":" + std::to_string(e.column);
            diags.error("FERRY-AZKABAN-YAML", where + ": " + e.message,
                        "ferry reads the YAML of Azkaban Flow 2.0 (mappings, lists, plain and quoted values, | and > "
                        "blocks); rewrite that part in those terms",
                        where);
        }
        return doc;
    };

    // Flow 2.0 when a .project file says so (Azkaban's FlowLoaderFactory), else Flow 1.0.
    bool flow2 = false;
    for (const auto& p : projects_)
        if (auto doc = yaml(p))
            if (const YamlNode* v = doc->get("azkaban-flow-version"); v && v->is_scalar())
                flow2 = flow2 || v->scalar == "2.0" || v->scalar == "2";
    auto names = [](const std::vector<Text>& files) {
        std::string s;
        for (const auto& f : files) s += (s.empty() ? "" : ", ") + f.path;
        return s;
    };
    if (!flow2 && jobs_.empty() && !flows_.empty()) {
        diags.warning("FERRY-AZKABAN-NO-PROJECT-FILE",
                      "no .project file says azkaban-flow-version: 2.0, so Azkaban would read no flow here; ferry reads "
                      "the .flow files (" + names(flows_) + ") as Flow 2.0",
                      "add a .project file with `azkaban-flow-version: 2.0` before uploading the project to Azkaban again",
                      flows_.front().path);
        flow2 = true;
    }
    if (flow2 && !(jobs_.empty() && properties_.empty()))
        diags.warning("FERRY-AZKABAN-IGNORED",
                      "a Flow 2.0 project: Azkaban does not read its .job and .properties files (" +
                          names(jobs_) + (jobs_.empty() || properties_.empty() ? "" : ", ") + names(properties_) +
                          "), and neither does ferry",
                      "move what they hold into the .flow files' config", (jobs_.empty() ? properties_ : jobs_).front().path);
    if (!flow2 && !flows_.empty())
        diags.warning("FERRY-AZKABAN-IGNORED",
                      "a Flow 1.0 project: Azkaban reads .flow files only when a .project file says azkaban-flow-version: "
                      "2.0, so these are not read: " + names(flows_),
                      "add the .project file to read them as Flow 2.0", flows_.front().path);

    std::vector<Flow> flows;
    std::map<std::string, std::shared_ptr<const Properties>> shared;
    if (flow2) {
        for (const auto& f : flows_)
            if (auto doc = yaml(f)) {
                Flow flow;
                if (flow_from_yaml(f.path, *doc, flow, diags)) flows.push_back(std::move(flow));
            }
    } else {
        std::vector<JobFile> jobs;
        for (const auto& set : {std::make_pair(&properties_, false), std::make_pair(&jobs_, true)})
            for (const auto& t : *set.first) {
                PropertiesError e;
                auto props = parse_properties(t.text, e);
                if (!props) {
                    diags.error("FERRY-AZKABAN-PROPERTIES", t.path + ":" + std::to_string(e.line) + ": " + e.message,
                                "write the value as UTF-8 text, or escape it as \\uXXXX with four hex digits",
                                t.path + ":" + std::to_string(e.line));
                    continue;
                }
                if (set.second) jobs.push_back({t.path, std::move(*props)});
                else shared[t.path] = std::make_shared<const Properties>(std::move(*props));
            }
        flows = flows_from_jobs(jobs, shared, diags);
    }

    // Resources: every other file, named by its file name (by its path where two share a name).
    std::map<std::string, int> name_count;
    for (const auto& o : others_) ++name_count[basename_of(o.path)];
    std::map<std::string, std::string> resource_names;
    std::map<std::string, const std::string*> held;
    for (auto& o : others_) {
        const std::string name =
            !o.written.empty() ? basename_of(o.written) : name_count[basename_of(o.path)] > 1 ? flat(o.path) : segment(basename_of(o.path));
        resource_names[o.path] = name;
        if (o.written.empty()) {
            held[o.path] = &o.bytes;
            o.written = "DataStudio/Resource/" + name;
            out.file(o.written, o.bytes);
        }
        std::string type = "file", command = "ODPS_FILE";
        if (ends_with(name, ".jar")) type = "jar", command = "ODPS_JAR";
        else if (ends_with(name, ".py")) type = "python", command = "ODPS_PYTHON";
        else if (ends_with(name, ".zip") || ends_with(name, ".tar.gz") || ends_with(name, ".tgz") || ends_with(name, ".tar"))
            type = "archive", command = "ODPS_ARCHIVE";
        json res = {{"id", stable_id("azkaban-file:" + o.path)},
                    {"name", name},
                    {"type", type},
                    {"script", {{"runtime", {{"command", command}}}}},
                    {"file", {{"storage", {{"type", "local"}}}, {"path", o.path}}},
                    {"azkaban", {{"file", o.path}}}};
        json doc = {{"version", "1.2.0"}, {"kind", "CycleWorkflow"}, {"spec", {{"fileResources", json::array({res})}}}};
        out.document(o.written + ".schedule.json", dump(doc));
    }

    json properties_files = json::object();
    for (const auto& [path, props] : shared) {
        json p = json::object();
        for (const auto& [k, v] : props->entries) p[k] = v;
        properties_files[path] = std::move(p);
    }
    std::vector<std::string> unscheduled;
    std::set<std::string> written;
    // A job in several flows (an embedded flow is also a flow of its own) is said about once.
    sdk::Diagnostics per_job;
    for (const auto& flow : flows) {
        Emitter emit{resource_names, held, per_job, flow.name, {}};
        json deps;
        json nodes = emit.nodes(flow.nodes, flow.name, deps);
        json wf = {{"id", stable_id("azkaban-flow:" + flow.name)}, {"name", flow.name}};
        json azk = {{"flowVersion", flow.version}, {"file", flow.where}};
        for (const auto& [k, v] : flow.azkaban.items()) azk[k] = v;
        if (!properties_files.empty()) azk["propertiesFiles"] = properties_files;
        std::string cron;
        if (flow.trigger) {
            azk["trigger"] = yaml_as_json(*flow.trigger);
            const YamlNode* schedule = flow.trigger->get("schedule");
            if (schedule && schedule->get("type") && schedule->get("type")->scalar == "cron" && schedule->get("value"))
                cron = schedule->get("value")->scalar;
            const YamlNode* deps_of_trigger = flow.trigger->get("triggerDependencies");
            if (!cron.empty() && deps_of_trigger && deps_of_trigger->is_seq() && !deps_of_trigger->seq.empty())
                diags.warning("FERRY-AZKABAN-FLOW-TRIGGER",
                              "flow '" + flow.name + "' waits for " + std::to_string(deps_of_trigger->seq.size()) +
                                  " trigger dependencies before it runs: it imports scheduled on its cron alone",
                              "recreate the wait with DataWorks dependencies or check nodes", flow.where);
        }
        if (!cron.empty()) {
            // Azkaban schedules in Quartz (Sunday is day 1, a seconds and a year field); DataWorks
            // counts Monday as 1: written as it was, a Monday job would run on Tuesdays.
            const reader::CronConversion c = reader::quartz_to_dataworks(cron, kCronCodes);
            for (const auto& note : c.notes)
                diags.add({note.severity, note.code, "flow '" + flow.name + "': " + note.message, {}, flow.where});
            json tr = {{"type", "Scheduler"}, {"cron", c.ok ? c.cron : cron}, {"recurrence", "Normal"}};
            if (c.year_from) tr["startTime"] = std::to_string(*c.year_from) + "-01-01 00:00:00";
            if (c.year_to) tr["endTime"] = std::to_string(*c.year_to) + "-12-31 23:59:59";
            wf["trigger"] = std::move(tr);
        } else {
            wf["trigger"] = {{"type", "Scheduler"}, {"cron", "00 00 00 * * ?"}, {"recurrence", "Pause"}};
            unscheduled.push_back(flow.name);
        }
        wf["nodes"] = std::move(nodes);
        wf["dependencies"] = std::move(deps);
        wf["azkaban"] = std::move(azk);
        json doc = {{"version", "1.2.0"}, {"kind", "CycleWorkflow"}, {"spec", {{"workflows", json::array({wf})}}}};
        std::string path = "DataStudio/Business Flow/" + segment(flow.name) + "/" + segment(flow.name) + ".schedule.json";
        for (int n = 2; !written.insert(path).second; ++n)
            path = "DataStudio/Business Flow/" + segment(flow.name) + "_" + std::to_string(n) + "/" + segment(flow.name) + ".schedule.json";
        out.document(path, dump(doc));
    }
    std::set<std::string> said;
    for (const auto& d : per_job.items())
        if (said.insert(d.code + "\n" + d.summary + "\n" + d.where).second) diags.add(d);
    if (!unscheduled.empty()) {
        std::string list;
        for (const auto& f : unscheduled) list += (list.empty() ? "" : ", ") + f;
        diags.warning("FERRY-AZKABAN-NO-SCHEDULE",
                      "Azkaban keeps schedules on its server, not in the project: " + list +
                          (unscheduled.size() == 1 ? " imports as a periodic workflow" : " import as periodic workflows") +
                          " paused on a placeholder daily schedule (00 00 00 * * ?)",
                      "set each workflow's schedule (in the converted package or in DataWorks) and resume it", "");
    }
}

}  // namespace ferry::reader::azkaban
