#include "azkaban_flows.hpp"

#include <algorithm>
#include <functional>
#include <set>

namespace ferry::reader::azkaban {

const std::string* FlowNode::lookup(const std::string& key) const {
    if (const std::string* v = config.get(key)) return v;
    for (const auto& p : inherited)
        if (const std::string* v = p->get(key)) return v;
    return nullptr;
}

namespace {

std::string dirname_of(const std::string& p) {
    const auto s = p.rfind('/');
    return s == std::string::npos ? std::string() : p.substr(0, s);
}

std::string stem_of(const std::string& p) {
    std::string b = p.substr(p.rfind('/') + 1);
    const auto dot = b.rfind('.');
    return dot == std::string::npos ? b : b.substr(0, dot);
}

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string::npos) return {};
    return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

std::vector<std::string> split_list(const std::string& s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= s.size()) {
        const auto end = std::min(s.find(',', start), s.size());
        if (auto t = trim(s.substr(start, end - start)); !t.empty()) out.push_back(t);
        start = end + 1;
    }
    return out;
}

std::string at(const std::string& path, const YamlNode& n) {
    return path + ":" + std::to_string(n.line) + ":" + std::to_string(n.column);
}

// Reports the cycles among `deps` (name -> names), each once, as Azkaban refuses them; returns the
// names on a cycle. Depth first with a stack of its own: a chain of 100,000 jobs recursed as deep.
std::set<std::string> report_cycles(const std::map<std::string, std::vector<std::string>>& deps,
                                    const std::function<std::string(const std::string&)>& where_of,
                                    sdk::Diagnostics& diags) {
    std::map<std::string, int> color;  // 0 new, 1 on the path, 2 done
    std::vector<std::string> path;
    std::vector<std::size_t> next;  // for each name on the path, the next of its dependencies to look at
    std::set<std::string> cyclic;
    for (const auto& [root, unused] : deps) {
        (void)unused;
        if (color[root] != 0) continue;
        color[root] = 1;
        path = {root};
        next = {0};
        while (!path.empty()) {
            const auto& ds = deps.at(path.back());
            if (next.back() == ds.size()) {
                color[path.back()] = 2;
                path.pop_back();
                next.pop_back();
                continue;
            }
            const std::string& d = ds[next.back()++];
            if (!deps.count(d)) continue;
            if (color[d] == 1) {
                const auto from = std::find(path.begin(), path.end(), d);
                std::string cycle;
                for (auto p = from; p != path.end(); ++p) {
                    cycle += *p + " -> ";
                    cyclic.insert(*p);
                }
                diags.error("FERRY-AZKABAN-CYCLE", "the jobs depend on each other in a cycle: " + cycle + d,
                            "Azkaban refuses such a project; remove one of the dependencies", where_of(d));
            } else if (color[d] == 0) {
                color[d] = 1;
                path.push_back(d);
                next.push_back(0);
            }
        }
    }
    return cyclic;
}

// Dependency order (what a node depends on before it) of the names reachable from `root`; a
// stack of its own, as above.
std::vector<std::string> closure(const std::string& root, const std::map<std::string, std::vector<std::string>>& deps,
                                 const std::set<std::string>& cyclic) {
    static const std::vector<std::string> none;
    std::vector<std::string> order;
    std::set<std::string> seen{root};
    std::vector<std::pair<std::string, std::size_t>> stack{{root, 0}};
    while (!stack.empty()) {
        auto& [n, i] = stack.back();
        auto it = deps.find(n);
        const auto& ds = it == deps.end() ? none : it->second;
        if (i == ds.size()) {
            order.push_back(n);
            stack.pop_back();
            continue;
        }
        const std::string d = ds[i++];
        if (deps.count(d) && !(cyclic.count(n) && cyclic.count(d)) && seen.insert(d).second) stack.emplace_back(d, 0);
    }
    return order;
}

}  // namespace

std::vector<Flow> flows_from_jobs(const std::vector<JobFile>& jobs,
                                  const std::map<std::string, std::shared_ptr<const Properties>>& properties,
                                  sdk::Diagnostics& diags) {
    std::map<std::string, const JobFile*> by_name;
    for (const auto& j : jobs) {
        const std::string name = stem_of(j.path);
        auto [it, fresh] = by_name.emplace(name, &j);
        if (!fresh)
            diags.error("FERRY-AZKABAN-DUPLICATE-JOB",
                        "job '" + name + "' is defined twice: " + it->second->path + " and " + j.path,
                        "Azkaban refuses a project with two jobs of one name; rename one", j.path);
    }
    // The .properties files a folder inherits, nearest first; in one folder the later file first.
    auto chain = [&](const std::string& dir, std::vector<std::shared_ptr<const Properties>>& sets,
                     std::vector<std::string>& from) {
        std::string d = dir;
        for (;;) {
            std::vector<std::pair<std::string, std::shared_ptr<const Properties>>> here;
            for (const auto& [path, props] : properties)
                if (dirname_of(path) == d) here.emplace_back(path, props);
            for (auto it = here.rbegin(); it != here.rend(); ++it) {
                sets.push_back(it->second);
                from.push_back(it->first);
            }
            if (d.empty()) break;
            d = dirname_of(d);
        }
    };
    std::map<std::string, std::vector<std::string>> deps;
    std::set<std::string> depended;
    for (const auto& [name, job] : by_name) {
        auto& list = deps[name];
        const std::string* d = job->props.get("dependencies");
        for (const auto& dep : d ? split_list(*d) : std::vector<std::string>{}) {
            if (!by_name.count(dep)) {
                diags.error("FERRY-AZKABAN-DEPENDENCY",
                            "job '" + name + "' depends on '" + dep + "', which no .job file of the project defines",
                            "Azkaban refuses such a project; add " + dep + ".job or remove the dependency", job->path);
                continue;
            }
            list.push_back(dep);
            depended.insert(dep);
        }
    }
    const std::set<std::string> cyclic =
        report_cycles(deps, [&](const std::string& n) { return by_name.at(n)->path; }, diags);

    // Embedded flows are copied where they are embedded, as Azkaban runs them; a flow embedding
    // another twice, that one the next twice and so on doubles at each level (5.6 KB of .job files
    // grew to 893 MB). The copies are counted against one budget for the project.
    std::size_t budget = kMaxExpandedJobs;
    std::set<std::string> said_loops;  // jobs whose embedding loop has been reported
    bool over = false;
    std::function<std::vector<FlowNode>(const std::string&, std::vector<std::string>&)> build =
        [&](const std::string& root, std::vector<std::string>& embedding) {
            std::vector<FlowNode> nodes;
            for (const auto& name : closure(root, deps, cyclic)) {
                if (budget == 0) {
                    over = true;
                    return nodes;
                }
                --budget;
                const JobFile& job = *by_name.at(name);
                FlowNode n;
                n.name = name;
                n.where = job.path;
                n.directory = dirname_of(job.path);
                n.config = job.props;
                chain(n.directory, n.inherited, n.inherited_from);
                n.type = n.lookup("type") ? *n.lookup("type") : "";
                for (const auto& d : deps.at(name))
                    if (!(cyclic.count(name) && cyclic.count(d))) n.depends.push_back(d);
                if (n.type == "flow") {
                    const std::string* target = n.lookup("flow.name");
                    if (!target || !by_name.count(*target)) {
                        diags.error("FERRY-AZKABAN-EMBEDDED-FLOW",
                                    "job '" + name + "' embeds flow '" + (target ? *target : std::string()) +
                                        "' (flow.name), which is no flow of the project",
                                    "set flow.name to the last job of the flow to embed", job.path);
                    } else if (auto on = std::find(embedding.begin(), embedding.end(), *target); on != embedding.end()) {
                        // Said once per job, though every flow that reaches the loop meets it again.
                        if (said_loops.insert(name).second) {
                            std::string loop;
                            for (auto it = on; it != embedding.end(); ++it) loop += "'" + *it + "' embeds ";
                            diags.error("FERRY-AZKABAN-EMBEDDED-FLOW",
                                        *target == root ? "job '" + name + "' embeds flow '" + *target +
                                                              "', the flow it is part of"
                                                        : "job '" + name + "' embeds flow '" + *target +
                                                              "', which embeds it in turn: " + loop + "'" + *target + "'",
                                        "Azkaban cannot run a flow inside itself; break the loop", job.path);
                        }
                    } else {
                        embedding.push_back(*target);
                        n.nodes = build(*target, embedding);
                        embedding.pop_back();
                    }
                }
                nodes.push_back(std::move(n));
            }
            return nodes;
        };

    std::vector<Flow> flows;
    for (const auto& [name, job] : by_name) {
        if (depended.count(name) || cyclic.count(name)) continue;
        Flow f;
        f.name = name;
        f.where = job->path;
        f.version = "1.0";
        std::vector<std::string> embedding{name};
        f.nodes = build(name, embedding);
        if (over) {
            diags.error("FERRY-AZKABAN-EMBEDDED-FLOW",
                        "the project's flows, each with every job it runs (embedded flows copied where they are "
                        "embedded), hold more than " + std::to_string(kMaxExpandedJobs) + " jobs; flow '" + name +
                            "' and the flows after it are not read",
                        "embed a flow once and let the others depend on it, or split the project", job->path);
            break;
        }
        flows.push_back(std::move(f));
    }
    return flows;
}

namespace {

}  // namespace

json yaml_as_json(const YamlNode& n) {
    switch (n.kind) {
        case YamlNode::Kind::null: return nullptr;
        case YamlNode::Kind::scalar: return n.scalar;
        case YamlNode::Kind::seq: {
            json a = json::array();
            for (const auto& v : n.seq) a.push_back(yaml_as_json(v));
            return a;
        }
        case YamlNode::Kind::map: {
            json o = json::object();
            for (const auto& [k, v] : n.map) o[k] = yaml_as_json(v);
            return o;
        }
    }
    return nullptr;
}

namespace {

bool scalar_or_null(const YamlNode& n) { return n.is_scalar() || n.kind == YamlNode::Kind::null; }

bool read_config(const std::string& path, const YamlNode& config, Properties& out, sdk::Diagnostics& diags) {
    if (config.kind == YamlNode::Kind::null) return true;
    if (!config.is_map()) {
        diags.error("FERRY-AZKABAN-FLOW", at(path, config) + ": `config` must be a mapping of names to values",
                    "write config as `name: value` lines", at(path, config));
        return false;
    }
    for (const auto& [k, v] : config.map) {
        if (!scalar_or_null(v)) {
            diags.error("FERRY-AZKABAN-FLOW", at(path, v) + ": config '" + k + "' must be a single value",
                        "Azkaban reads every config entry as a string", at(path, v));
            return false;
        }
        out.set(k, v.scalar, v.line);
    }
    return true;
}

bool read_nodes(const std::string& path, const YamlNode& list, const std::vector<std::shared_ptr<const Properties>>& inherited,
                const std::vector<std::string>& inherited_from, std::vector<FlowNode>& out, sdk::Diagnostics& diags,
                int depth) {
    if (!list.is_seq()) {
        diags.error("FERRY-AZKABAN-FLOW", at(path, list) + ": `nodes` must be a list",
                    "write each node as `- name: ...` under nodes:", at(path, list));
        return false;
    }
    bool ok = true;
    std::map<std::string, std::vector<std::string>> deps;
    for (const auto& item : list.seq) {
        if (!item.is_map()) {
            diags.error("FERRY-AZKABAN-FLOW", at(path, item) + ": a node must be a mapping (name, type, config...)", "",
                        at(path, item));
            ok = false;
            continue;
        }
        FlowNode n;
        n.where = path + ":" + std::to_string(item.line);
        n.directory = dirname_of(path);
        n.inherited = inherited;
        n.inherited_from = inherited_from;
        const YamlNode* name = item.get("name");
        const YamlNode* type = item.get("type");
        if (!name || !name->is_scalar() || name->scalar.empty() || !type || !type->is_scalar() || type->scalar.empty()) {
            diags.error("FERRY-AZKABAN-FLOW", at(path, item) + ": a node needs a `name` and a `type`",
                        "Azkaban refuses a node without them", at(path, item));
            ok = false;
            continue;
        }
        n.name = name->scalar;
        n.type = type->scalar;
        if (deps.count(n.name)) {
            diags.error("FERRY-AZKABAN-DUPLICATE-JOB", at(path, *name) + ": node '" + n.name + "' is defined twice in one flow",
                        "Azkaban refuses two nodes of one name in a flow; rename one", at(path, *name));
            ok = false;
            continue;
        }
        for (const auto& [k, v] : item.map) {
            if (k == "name" || k == "type") continue;
            if (k == "config") {
                ok = read_config(path, v, n.config, diags) && ok;
            } else if (k == "dependsOn") {
                if (v.kind == YamlNode::Kind::null) continue;
                if (!v.is_seq()) {
                    diags.error("FERRY-AZKABAN-FLOW", at(path, v) + ": `dependsOn` of '" + n.name + "' must be a list of node names",
                                "", at(path, v));
                    ok = false;
                    continue;
                }
                for (const auto& d : v.seq) {
                    if (!d.is_scalar()) {
                        diags.error("FERRY-AZKABAN-FLOW", at(path, d) + ": `dependsOn` of '" + n.name + "' must be a list of node names",
                                    "", at(path, d));
                        ok = false;
                        continue;
                    }
                    n.depends.push_back(d.scalar);
                }
            } else if (k != "nodes") {
                n.extra[k] = yaml_as_json(v);
                if (k != "condition")
                    diags.warning("FERRY-AZKABAN-UNKNOWN-KEY",
                                  at(path, v) + ": node '" + n.name + "' has a key '" + k + "' Azkaban's Flow 2.0 does not define",
                                  "it is kept under \"azkaban\"", at(path, v));
            }
        }
        const YamlNode* inner = item.get("nodes");
        if (n.type == "flow") {
            if (!inner || depth >= 32) {
                diags.error("FERRY-AZKABAN-FLOW",
                            at(path, item) + ": node '" + n.name + "' of type flow " +
                                (inner ? "is nested deeper than 32 flows" : "has no `nodes`"),
                            "an embedded flow lists its nodes under its own nodes:", at(path, item));
                ok = false;
            } else {
                auto own = std::make_shared<const Properties>(n.config);
                std::vector<std::shared_ptr<const Properties>> chain{own};
                chain.insert(chain.end(), inherited.begin(), inherited.end());
                std::vector<std::string> from{n.where};
                from.insert(from.end(), inherited_from.begin(), inherited_from.end());
                ok = read_nodes(path, *inner, chain, from, n.nodes, diags, depth + 1) && ok;
            }
        } else if (inner) {
            diags.error("FERRY-AZKABAN-FLOW", at(path, *inner) + ": node '" + n.name + "' has `nodes` but its type is " + n.type,
                        "only a node of type flow holds nodes", at(path, *inner));
            ok = false;
        }
        deps[n.name] = n.depends;
        out.push_back(std::move(n));
    }
    for (auto& n : out)
        for (const auto& d : n.depends)
            if (!deps.count(d)) {
                diags.error("FERRY-AZKABAN-DEPENDENCY",
                            n.where + ": node '" + n.name + "' depends on '" + d + "', which is no node of its flow",
                            "dependsOn names nodes of the same flow (or embedded flow)", n.where);
                ok = false;
            }
    const auto cyclic = report_cycles(deps, [&](const std::string&) { return path; }, diags);
    return ok && cyclic.empty();
}

}  // namespace

bool flow_from_yaml(const std::string& path, const YamlNode& doc, Flow& flow, sdk::Diagnostics& diags) {
    flow.name = stem_of(path);
    flow.where = path;
    flow.version = "2.0";
    if (!doc.is_map()) {
        diags.error("FERRY-AZKABAN-FLOW", path + ": a .flow file must be a mapping with `nodes`",
                    "write the flow as config: and nodes: at the top level", path);
        return false;
    }
    auto config = std::make_shared<Properties>();
    bool ok = true;
    for (const auto& [k, v] : doc.map) {
        if (k == "config") {
            ok = read_config(path, v, *config, diags) && ok;
            json c = json::object();
            for (const auto& [ck, cv] : config->entries) c[ck] = cv;
            flow.azkaban["config"] = std::move(c);
        } else if (k == "trigger") {
            flow.trigger = std::make_shared<const YamlNode>(v);
        } else if (k != "nodes") {
            flow.azkaban[k] = yaml_as_json(v);
            diags.warning("FERRY-AZKABAN-UNKNOWN-KEY", at(path, v) + ": the flow has a key '" + k + "' Azkaban's Flow 2.0 does not define",
                          "it is kept under \"azkaban\"", at(path, v));
        }
    }
    const YamlNode* nodes = doc.get("nodes");
    if (!nodes) {
        diags.error("FERRY-AZKABAN-FLOW", path + ": the flow has no `nodes`", "a Flow 2.0 file lists its jobs under nodes:",
                    path);
        return false;
    }
    std::vector<std::shared_ptr<const Properties>> chain{config};
    ok = read_nodes(path, *nodes, chain, {path}, flow.nodes, diags, 0) && ok;
    return ok;
}

}  // namespace ferry::reader::azkaban
