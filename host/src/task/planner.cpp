#include "task/planner.hpp"

#include <cstdlib>
#include <set>

#include <nlohmann/json.hpp>

#include "ferry/engine/commands.hpp"
#include "ferry/engine/identifier_rewriter.hpp"
#include "package/package_reader.hpp"
#include "plugin/guarded_call.hpp"
#include "task/engine_routing.hpp"
#include "util/sha256.hpp"

namespace ferry::host {

using nlohmann::json;

std::size_t Plan::count(sdk::Action a) const {
    std::size_t n = 0;
    for (const auto& o : objects) n += o.action == a;
    return n;
}

std::string fingerprint(const sdk::ObjectRecord& r) {
    Sha256 h;
    const char sep = '\x1f';
    for (const std::string* part : {&r.name, &r.owner, &r.resource_group, &r.engine_instance, &r.content, &r.attributes}) {
        h.update(part->data(), part->size());
        h.update(&sep, 1);
    }
    const std::string tail = std::string(sdk::to_string(r.kind)) + (r.dry_run ? ":dry" : ":run");
    h.update(tail.data(), tail.size());
    return h.hex();
}

namespace {

std::string list_names(const std::vector<std::string>& names) {
    std::string out;
    const std::size_t shown = std::min<std::size_t>(names.size(), 10);
    for (std::size_t i = 0; i < shown; ++i) out += (i ? ", " : "") + names[i];
    if (names.size() > shown) out += " and " + std::to_string(names.size() - shown) + " more";
    return out;
}

// Where one object lands, and why it cannot when it cannot.
struct Placement {
    const EngineInstance* target = nullptr;
    bool cross_engine = false;
    bool ok = true;
};

class PlanBuilder {
  public:
    PlanBuilder(const PluginRegistry& reg, const TaskConfig& task, const PackageModel& model, catalog::Catalog& cat,
                Plan& plan)
        : reg_(reg), task_(task), model_(model), catalog_(cat), plan_(plan) {
        importer_ = task.importer;
        if (importer_.empty())
            if (const char* u = std::getenv("USER"); u && *u) importer_ = u;
        if (importer_.empty()) importer_ = "ferry";
        for (const auto& [from, to] : task.workspaces) names_.emplace_back(from, to);
        for (const auto& m : task.engine_map) {
            const EngineInstance* target = task.engine(m.target);
            if (target && !target->project.empty() && target->project != m.source && !task.workspaces.count(m.source))
                names_.emplace_back(m.source, target->project);
        }
        name_rewriter_ = std::make_unique<engine::IdentifierRewriter>(names_, engine::Dialect::maxcompute);
    }

    void run() {
        index_instance_projects();
        create_engines();
        find_default_mappings();
        for (const auto& r : model_.resources) plan_resource(r);
        for (const auto& f : model_.functions) plan_function(f);
        for (const auto& t : model_.tables) plan_table(t);
        for (const auto& n : model_.nodes) plan_node(n);
        for (const auto& d : model_.datasources) plan_datasource(d);
        report_placement_failures();
        sdk::Diagnostics d;
        for (auto& stamp : catalog_.list_stamps(task_.workspace, d))
            existing_.emplace(std::make_pair(stamp.kind, stamp.name), std::move(stamp));
        if (d.has_errors()) {
            plan_.diagnostics.append(d);
            for (auto& o : plan_.objects) fail(o, "the catalog could not be asked what the workspace holds");
        }
        for (auto& o : plan_.objects) decide(o);
    }

  private:
    void create_engines() {
        for (const auto& inst : task_.engines) {
            const PluginInfo* info = reg_.find(sdk::PluginKind::engine, inst.type);
            if (!info) continue;  // the config loader already refused it
            sdk::Diagnostics d;
            auto engine = reg_.create_as<sdk::Engine>(*info, inst.config, inst.name, d);
            if (engine) {
                plan_.engines[inst.name] = engine;
                continue;
            }
            // With every commission rule off nothing connects to an engine: its connection settings
            // are not needed, and a complaint about them would only be noise.
            if (!task_.commit.any_engine_commit()) continue;
            for (auto& item : d.items()) {
                if (item.where.empty()) item.where = inst.where;
                plan_.diagnostics.add(item);
            }
        }
    }

    // A table names its MaxCompute *project* (calcEngine.project) where nodes name the *instance*
    // (datasource.name); the package's data sources say which instance holds which project. The
    // product's Engine Instance Mapping lists instances, so a table is placed by its project's
    // instance; a project no data source names can still be mapped by name.
    void index_instance_projects() {
        for (const auto& d : model_.datasources) {
            const json config = json::parse(d.config, nullptr, false);
            if (!config.is_object()) continue;
            for (const char* key : {"project", "projectName", "project_name"})
                if (auto it = config.find(key); it != config.end() && it->is_string() && !it->get<std::string>().empty())
                    project_instance_.emplace(it->get<std::string>(), d.name);
        }
    }
    std::string instance_of_table(const Table& t) const {
        if (t.project.empty() || task_.mapping_for(t.project)) return t.project;
        auto it = project_instance_.find(t.project);
        return it == project_instance_.end() ? t.project : it->second;
    }

    // An object that names no instance (a node without a datasource) belongs to the workspace's
    // instance of its type. When the destination has none, it follows the package's instance of that
    // type — if the package's objects of that type all name one mapped instance.
    void find_default_mappings() {
        std::map<std::string, std::set<const EngineMapping*>> by_type;
        auto note = [&](const std::string& type, const std::string& instance) {
            if (type.empty() || instance.empty()) return;
            if (const EngineMapping* m = task_.mapping_for(instance)) by_type[type].insert(m);
        };
        for (const auto& n : model_.nodes) note(engine_type_of(reg_, n), n.datasource_name);
        for (const auto& t : model_.tables) note(engine_type_of(reg_, t), instance_of_table(t));
        for (const auto& f : model_.functions) note(engine_type_of(reg_, f), f.datasource_name);
        for (const auto& r : model_.resources) note(engine_type_of(reg_, r), r.datasource_name);
        // Several source instances mapped onto one destination instance are one place to go.
        for (const auto& [type, mappings] : by_type) {
            std::set<std::pair<std::string, bool>> targets;
            for (const EngineMapping* m : mappings) targets.emplace(m->target, m->cross_engine);
            if (targets.size() == 1) default_mapping_[type] = *mappings.begin();
        }
    }

    sdk::Engine* engine_for(const Placement& p) const {
        if (!p.target) return nullptr;
        auto it = plan_.engines.find(p.target->name);
        return it == plan_.engines.end() ? nullptr : it->second.get();
    }

    Placement place(const std::string& label, const std::string& type, const std::string& source_instance) {
        Placement p;
        if (type.empty()) return p;
        const EngineMapping* m = source_instance.empty() ? nullptr : task_.mapping_for(source_instance);
        if (!m && source_instance.empty()) {
            bool destination_has_type = false;
            for (const auto& e : task_.engines) destination_has_type = destination_has_type || e.type == type;
            if (auto it = default_mapping_.find(type); !destination_has_type && it != default_mapping_.end())
                m = it->second;
        }
        if (m) {
            p.target = task_.engine(m->target);
            p.cross_engine = m->cross_engine;
            if (!p.target) {
                p.ok = false;  // a mapping to an unknown instance was refused with the config
            } else if (p.target->type != type && !m->cross_engine) {
                auto& use = mismatched_[m->source];
                use.first = type;
                use.second.push_back(label);
                p.ok = false;
            }
            return p;
        }
        if (!source_instance.empty()) {
            // The package names an instance nobody mapped: say which, whatever the destination has.
            auto& use = unmapped_[source_instance];
            use.first = type;
            use.second.push_back(label);
            p.ok = false;
            return p;
        }
        const EngineInstance* of_type = nullptr;
        for (const auto& e : task_.engines)
            if (e.type == type) {
                of_type = &e;
                break;
            }
        if (!of_type) {
            missing_type_[type].push_back(label);
            p.ok = false;
        } else {
            p.target = of_type;  // nothing named: the destination's instance of that type
        }
        return p;
    }

    void report_placement_failures() {
        for (const auto& [source, use] : unmapped_) {
            std::string candidates;
            for (const auto& e : task_.engines)
                if (e.type == use.first) candidates += (candidates.empty() ? "" : ", ") + e.name;
            plan_.diagnostics.error(
                "FERRY-PLAN-UNMAPPED-ENGINE",
                "engine instance '" + source + "' (" + use.first + ") has no mapping; it is used by " + list_names(use.second),
                candidates.empty()
                    ? "the destination has no " + use.first + " instance: add one to [[workspace.engines]] and map " +
                          source + " to it, or map it across engines with " + source +
                          " = { instance = \"...\", cross_engine = true }"
                    : "add " + source + " = \"<instance>\" to [mapping.engines]; the destination's " + use.first +
                          " instances: " + candidates,
                task_.path);
        }
        for (const auto& [source, use] : mismatched_) {
            const EngineMapping* m = task_.mapping_for(source);
            const EngineInstance* t = task_.engine(m->target);
            plan_.diagnostics.error("FERRY-PLAN-ENGINE-TYPE",
                                    "engine instance '" + source + "' (" + use.first + ") is mapped to '" + m->target +
                                        "', an instance of type " + t->type + "; it is used by " + list_names(use.second),
                                    "map it to a " + use.first + " instance, or opt in with " + source +
                                        " = { instance = \"" + m->target + "\", cross_engine = true }",
                                    m->where);
        }
        for (const auto& [type, labels] : missing_type_) {
            plan_.diagnostics.error("FERRY-PLAN-ENGINE-MISSING",
                                    "the destination has no " + type + " engine instance: " + list_names(labels) +
                                        " cannot be created there",
                                    "add a [[workspace.engines]] of type " + type +
                                        ", or map the source instance across engines with cross_engine = true",
                                    task_.path);
        }
    }

    std::string map_owner(const std::string& source_owner) {
        if (task_.commit.change_owner) return importer_;
        if (source_owner.empty()) return importer_;  // the product: no owner -> the importing user
        if (task_.owners.empty()) return source_owner;
        if (auto it = task_.owners.find(source_owner); it != task_.owners.end()) return it->second;
        if (auto it = task_.owners.find("*"); it != task_.owners.end()) return it->second;
        // Within one tenant the accounts are the same: an owner nobody mapped is kept, and said.
        if (warned_owners_.insert(source_owner).second)
            plan_.diagnostics.warning("FERRY-PLAN-UNMAPPED-OWNER",
                                      "owner '" + source_owner + "' has no entry in [mapping.owners]; its objects keep '" +
                                          source_owner + "'",
                                      "add \"" + source_owner + "\" = \"<user>\" to [mapping.owners], or \"*\" = \"<user>\" "
                                      "for every owner not listed",
                                      task_.path);
        return source_owner;
    }

    std::string map_group(const std::string& group) {
        if (group.empty()) return group;
        if (auto it = task_.resource_groups.find(group); it != task_.resource_groups.end()) return it->second;
        if (auto it = task_.resource_groups.find("*"); it != task_.resource_groups.end()) return it->second;
        if (!task_.resource_groups.empty() && warned_groups_.insert(group).second)
            plan_.diagnostics.warning("FERRY-PLAN-UNMAPPED-GROUP",
                                      "resource group '" + group + "' has no entry in [mapping.resource_groups]; its nodes keep '" +
                                          group + "'",
                                      "add \"" + group + "\" = \"<destination group>\" to [mapping.resource_groups]",
                                      task_.path);
        return group;
    }

    PlannedObject& start(sdk::ObjectKind kind, const std::string& name, const std::string& owner) {
        PlannedObject o;
        o.kind = kind;
        o.name = name;
        o.owner_before = owner;
        o.record.kind = kind;
        o.record.name = name;
        o.record.owner = map_owner(owner);
        plan_.objects.push_back(std::move(o));
        return plan_.objects.back();
    }

    static void fail(PlannedObject& o, const std::string& reason) {
        o.action = sdk::Action::fail;
        if (o.reason.empty()) o.reason = reason;
    }

    void land(PlannedObject& o, const Placement& p, const std::string& type) {
        if (!p.ok) fail(o, "its engine instance cannot be placed in the destination (see the task's errors)");
        if (p.target) {
            o.record.engine_instance = p.target->name;
            o.engine_type = p.target->type;
            if (p.cross_engine && p.target->type != type)
                o.notes.push_back({sdk::Severity::warning, "FERRY-PLAN-CROSS-ENGINE",
                                   std::string(sdk::to_string(o.kind)) + " '" + o.name + "' moves from " + type + " to " +
                                       p.target->type + " (" + p.target->name + "): review it",
                                   "", ""});
        }
    }

    bool load(const ContentRef& ref, std::string& out, PlannedObject& o) {
        sdk::Diagnostics d;
        if (load_content(ref, out, d)) return true;
        fail(o, d.items().empty() ? "its content could not be read" : d.items().front().summary);
        return false;
    }

    void plan_resource(const Resource& r) {
        PlannedObject& o = start(sdk::ObjectKind::resource, r.name, r.owner);
        const std::string type = engine_type_of(reg_, r);
        const Placement p = place("resource " + r.name, type, r.datasource_name);
        land(o, p, type);
        // The bytes stay in the spool until commit; the fingerprint covers them through their hash.
        o.content = r.content;
        std::string content_sha;
        sdk::Diagnostics hd;
        if (!hash_content(r.content, content_sha, hd)) fail(o, hd.items().front().summary);
        static const std::map<std::string, std::string> kTypes = {{"python", "py"}, {"jar", "jar"},
                                                                  {"archive", "archive"}, {"file", "file"}};
        auto it = kTypes.find(r.type);
        o.resource_type = it == kTypes.end() ? "file" : it->second;
        o.commit_to_engine = task_.commit.resources && engine_for(p) && !p.cross_engine && r.content.present;
        o.record.attributes = json{{"type", r.type},           {"source_instance", r.datasource_name},
                                   {"file_path", r.file_path}, {"size", r.content.size},
                                   {"sha256", content_sha}}
                                  .dump();
    }

    void plan_function(const Function& f) {
        PlannedObject& o = start(sdk::ObjectKind::function, f.name, f.owner);
        const std::string type = engine_type_of(reg_, f);
        const Placement p = place("function " + f.name, type, f.datasource_name);
        land(o, p, type);
        if (sdk::Engine* engine = engine_for(p); engine && o.action != sdk::Action::fail) {
            sdk::FunctionRequest req;
            req.name = f.name;
            req.class_name = f.class_name;
            req.resources = f.resources;
            req.source_dialect = dialect_of(type);
            req.overwrite = task_.commit.on_conflict == "overwrite";
            auto res = guarded_call<sdk::FunctionResponse>(
                "engine instance '" + p.target->name + "' rendering function " + f.name, f.source_path,
                [&] { return engine->render_function(req); });
            absorb(o, res.diagnostics, task_.commit.functions);
            o.statements = res.statements;
            o.commit_to_engine = task_.commit.functions && !res.diagnostics.has_errors();
        }
        o.record.content = f.embedded_code;
        o.record.attributes = json{{"class_name", f.class_name}, {"type", f.type}, {"resources", f.resources},
                                   {"source_instance", f.datasource_name}, {"statements", o.statements}}
                                  .dump();
    }

    void plan_table(const Table& t) {
        PlannedObject& o = start(sdk::ObjectKind::table, t.name, t.owner);
        const std::string type = engine_type_of(reg_, t);
        const Placement p = place("table " + t.name, type, instance_of_table(t));
        land(o, p, type);
        if (sdk::Engine* engine = engine_for(p); engine && o.action != sdk::Action::fail) {
            sdk::TableRequest req;
            req.name = t.name;
            req.ddl = t.ddl;
            req.source_dialect = dialect_of(type);
            req.overwrite = task_.commit.on_conflict == "overwrite";
            auto res = guarded_call<sdk::TableResponse>(
                "engine instance '" + p.target->name + "' rendering table " + t.name, t.source_path,
                [&] { return engine->render_table(req); });
            absorb(o, res.diagnostics, task_.commit.tables);
            o.statements = res.statements;
            o.commit_to_engine = task_.commit.tables && !res.diagnostics.has_errors();
        }
        o.record.content = t.ddl;
        o.record.attributes = json{{"engine_type", t.engine_type}, {"source_project", t.project},
                                   {"schema", t.schema}, {"statements", o.statements}}
                                  .dump();
    }

    void plan_node(const Node& n) {
        PlannedObject& o = start(sdk::ObjectKind::node, n.name, n.owner);
        const std::string type = engine_type_of(reg_, n);
        const Placement p = place("node " + n.name, type, n.datasource_name);
        land(o, p, type);
        std::string code;
        load(n.code, code, o);
        // Code: through the engine's own tokenizer when the node stays on its engine type.
        bool rewritten = false;
        if (sdk::Engine* engine = engine_for(p); engine && !names_.empty() && !(p.cross_engine && p.target->type != type)) {
            sdk::RewriteRequest req;
            req.code = code;
            req.command = n.command;
            req.names = names_;
            auto res = guarded_call<sdk::RewriteResponse>(
                "engine instance '" + p.target->name + "' rewriting node " + n.name, n.source_path,
                [&] { return engine->rewrite(req); });
            if (!res.diagnostics.has_errors()) {
                code = std::move(res.code);
                rewritten = true;
            }
            for (const auto& d : res.diagnostics.items()) o.notes.push_back(d);
        }
        if (!rewritten && !names_.empty()) {
            // No engine of its type takes it: the same rewriter the engines use, in the dialect of
            // its command (MaxCompute's when the command names none).
            sdk::RewriteRequest req;
            req.code = code;
            req.command = n.command;
            req.names = names_;
            auto res = engine::rewrite_code(req, engine::command_dialect(n.command).value_or(engine::Dialect::maxcompute));
            code = std::move(res.code);
            for (const auto& d : res.diagnostics.items()) o.notes.push_back(d);
        }
        o.record.content = std::move(code);
        o.record.resource_group = map_group(n.resource_group);
        o.record.dry_run = n.dry_run() || task_.dry_run_matches(n.name);
        auto rewrite_all = [&](const std::vector<std::string>& items) {
            std::vector<std::string> out;
            for (const auto& i : items) out.push_back(rewrite_name(i));
            return out;
        };
        json depends = json::array();
        for (const auto& d : n.depends)
            depends.push_back({{"target", rewrite_name(d.target)},
                               {"type", d.type}});
        o.record.attributes =
            json{{"id", n.id},
                 {"workflow", n.workflow},
                 {"command", n.command},
                 {"language", n.language},
                 {"engine_type", type},
                 {"datasource", {{"name", o.record.engine_instance.empty() ? n.datasource_name : o.record.engine_instance},
                                 {"type", n.datasource_type}}},
                 {"trigger", {{"type", n.trigger_type}, {"cron", n.cron}, {"start_time", n.start_time},
                              {"end_time", n.end_time}, {"timezone", n.timezone}}},
                 {"recurrence", o.record.dry_run ? "Skip" : n.recurrence},
                 {"priority", n.priority},
                 {"timeout", n.timeout},
                 {"instance_mode", n.instance_mode},
                 {"rerun", {{"mode", n.rerun_mode}, {"times", n.rerun_times}, {"interval", n.rerun_interval}}},
                 {"inputs", rewrite_all(n.inputs)},
                 {"outputs", rewrite_all(n.outputs)},
                 {"depends", depends},
                 {"parameters", n.parameters},
                 {"description", n.description},
                 {"source_owner", n.owner}}
                .dump();
    }

    void plan_datasource(const DataSource& d) {
        PlannedObject& o = start(sdk::ObjectKind::datasource, d.name, "");
        o.record.owner.clear();  // data sources have no owner
        o.record.content = d.config;  // stored for the destination; never printed (see `ferry show`)
        o.record.attributes =
            json{{"type", d.type}, {"sub_type", d.sub_type}, {"environment", d.environment}}.dump();
    }

    // Errors from rendering fail the object when it is to be committed to the engine; when the
    // commission rule keeps it in the workspace only, they are notes. Warnings are report notes.
    void absorb(PlannedObject& o, const sdk::Diagnostics& diags, bool committing) {
        for (const auto& d : diags.items()) {
            const std::string text = d.summary + (d.where.empty() ? "" : " (" + d.where + ")");
            if (d.severity == sdk::Severity::error && committing) {
                fail(o, text);
            } else {
                sdk::Diagnostic note = d;
                note.severity = sdk::Severity::warning;
                if (d.severity == sdk::Severity::error) note.summary = "not committed, and could not be: " + text;
                o.notes.push_back(note);
            }
        }
    }

    void decide(PlannedObject& o) {
        o.record.sha256 = fingerprint(o.record);
        if (o.action == sdk::Action::fail) return;
        auto found = existing_.find({o.kind, o.name});
        const catalog::ObjectStamp* existing = found == existing_.end() ? nullptr : &found->second;
        const bool overwrite = task_.commit.on_conflict == "overwrite";
        const std::string kind = sdk::to_string(o.kind);
        if (existing) {
            const std::string version = std::to_string(existing->version);
            if (existing->sha256 == o.record.sha256) {
                o.action = sdk::Action::unchanged;
                o.reason = "identical to version " + version + " in the workspace";
            } else if (overwrite) {
                o.action = sdk::Action::update;
                o.reason = "replaces version " + version + " (on_conflict = overwrite)";
            } else {
                o.action = sdk::Action::conflict;
                o.reason = "a " + kind + " of this name is in the workspace (version " + version +
                           "); not committed (on_conflict = skip)";
            }
            return;
        }
        o.action = sdk::Action::create;
        o.reason = "new in workspace " + task_.workspace;
        // A table or function already on the engine (made outside ferry) is a conflict too.
        if (o.commit_to_engine && (o.kind == sdk::ObjectKind::table || o.kind == sdk::ObjectKind::function)) {
            auto it = plan_.engines.find(o.record.engine_instance);
            if (it == plan_.engines.end()) return;
            auto ex = guarded_call<sdk::ExistsResponse>(
                "engine instance '" + o.record.engine_instance + "' asked whether " + kind + " " + o.name + " exists", "",
                [&] { return it->second->exists({o.kind, o.name}); });
            if (ex.diagnostics.has_errors()) {
                o.notes.push_back({sdk::Severity::warning, "FERRY-PLAN-ENGINE-UNREACHABLE",
                                   "could not ask " + o.record.engine_instance + " whether " + kind + " " + o.name +
                                       " exists: " + ex.diagnostics.items().front().summary,
                                   "", ""});
            } else if (ex.exists) {
                o.engine_conflict = true;
                if (overwrite) {
                    o.action = sdk::Action::update;
                    o.reason = "replaces the " + kind + " on " + o.record.engine_instance + " (on_conflict = overwrite)";
                } else {
                    o.action = sdk::Action::conflict;
                    o.reason = "a " + kind + " of this name exists on " + o.record.engine_instance +
                               "; not committed (on_conflict = skip)";
                }
            }
        }
    }

    const PluginRegistry& reg_;
    const TaskConfig& task_;
    const PackageModel& model_;
    catalog::Catalog& catalog_;
    Plan& plan_;
    std::string importer_;
    // Inputs, outputs and dependency targets ("sales_dev.orders", "sales_dev_root"): names anywhere.
    std::string rewrite_name(const std::string& value) const {
        return names_.empty() ? value : name_rewriter_->rewrite_anywhere(value).code;
    }

    std::vector<std::pair<std::string, std::string>> names_;
    std::unique_ptr<engine::IdentifierRewriter> name_rewriter_;
    std::map<std::string, std::pair<std::string, std::vector<std::string>>> unmapped_, mismatched_;
    std::map<std::string, std::vector<std::string>> missing_type_;
    std::map<std::string, const EngineMapping*> default_mapping_;
    std::map<std::pair<sdk::ObjectKind, std::string>, catalog::ObjectStamp> existing_;
    std::set<std::string> warned_owners_, warned_groups_;
    std::map<std::string, std::string> project_instance_;  // a data source's project -> its instance name
};

}  // namespace

Plan make_plan(const PluginRegistry& registry, const TaskConfig& task, const PackageModel& model,
               catalog::Catalog& catalog) {
    Plan plan;
    PlanBuilder(registry, task, model, catalog, plan).run();
    return plan;
}

}  // namespace ferry::host
