#include "task/planner.hpp"

#include <cstdlib>
#include <memory>
#include <optional>
#include <set>
#include <type_traits>
#include <utility>
#include <variant>
#include <tuple>

#include <nlohmann/json.hpp>

#include "ferry/engine/commands.hpp"
#include "ferry/engine/identifier_rewriter.hpp"
#include "ferry/engine/quoting.hpp"
#include "package/datasource_secrets.hpp"
#include "package/package_reader.hpp"
#include "plugin/guarded_call.hpp"
#include "task/engine_routing.hpp"
#include "util/read_ahead.hpp"
#include "util/sha256.hpp"
#include "util/json_fields.hpp"
#include "util/json_text.hpp"
#include "util/json_write.hpp"
#include "util/utf8.hpp"

namespace ferry::host {

using nlohmann::json;

std::size_t Plan::count(sdk::Action a) const { return objects.count_tag(static_cast<std::uint8_t>(a)); }

std::string Plan::blocked_reason() const {
    for (const auto& d : diagnostics.items())
        if (d.severity == sdk::Severity::error) return d.summary;
    return "the plan failed";
}

std::string fingerprint(const sdk::ObjectRecord& r, const std::string& content_sha256) {
    Sha256 h;
    const char sep = '\x1f';
    for (const std::string* part : {&r.name, &r.owner, &r.resource_group, &r.engine_instance, &r.path, &content_sha256,
                                    &r.document}) {
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
                Plan& plan, PlanSink* sink = nullptr)
        : reg_(reg), task_(task), model_(model), catalog_(cat), plan_(plan), sink_(sink) {
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
        create_destination();
        create_engines();
        find_default_mappings();
        index_inner_nodes();
        // What the workspace and the destination hold is read first, so each object is decided as
        // soon as it is mapped and goes to the plan's spool: the plan is never whole in memory.
        sdk::Diagnostics d;
        for (auto& stamp : catalog_.list_stamps(task_.workspace, d))
            existing_.emplace(std::make_pair(stamp.kind, stamp.name), std::move(stamp));
        if (d.has_errors()) plan_.diagnostics.append(d);
        stamps_failed_ = d.has_errors();
        destination_failed_ = !list_destination();
        place_everything();
        if (sink_) sink_->ready(plan_);
        const auto none = [](std::size_t) { return false; };
        plan_each(model_.resources, [&](const Resource& r, std::size_t) -> PlannedObject& { return plan_resource(r); }, none);
        plan_each(model_.functions, [&](const Function& f, std::size_t) -> PlannedObject& { return plan_function(f); }, none);
        plan_each(model_.tables, [&](const Table& t, std::size_t) -> PlannedObject& { return plan_table(t); }, none);
        plan_each(model_.components, [&](const Component& c, std::size_t) -> PlannedObject& { return plan_component(c); },
                  none);
        // Inner nodes go with their container.
        plan_each(model_.nodes, [&](const Node& n, std::size_t i) -> PlannedObject& { return plan_node(n, i); },
                  [&](std::size_t i) { return model_.nodes.tag(i) != 0; });
        plan_each(model_.workflows, [&](const Workflow& w, std::size_t i) -> PlannedObject& { return plan_workflow(w, i); },
                  none);
        plan_each(model_.quality_rules, [&](const QualityRule& q, std::size_t) -> PlannedObject& { return plan_quality(q); },
                  none);
        plan_each(model_.services, [&](const Service& v, std::size_t) -> PlannedObject& { return plan_service(v); }, none);
        plan_each(model_.datasources, [&](const DataSource& d2, std::size_t) -> PlannedObject& { return plan_datasource(d2); },
                  none);
    }

    // The object mapped by plan_*() is decided and written to the plan.
    void settle(PlannedObject& o) {
        if (stamps_failed_) fail(o, "the catalog could not be asked what the workspace holds");
        if (destination_failed_) fail(o, "the destination could not be asked what it holds");
        decide(o);
        if (!sink_) plan_.objects.push_back(o);
        else if (!sink_->take(std::move(o))) throw Stopped{};
    }

    // Thrown out of run() when the sink stops the planning.
    struct Stopped {};
    void stop_if_asked() const {
        if (sink_ && sink_->stopped()) throw Stopped{};
    }

  private:
    // The task's destination plugin, created with its settings (no connection yet).
    void create_destination() {
        const PluginInfo* info = reg_.find(sdk::PluginKind::destination, task_.destination);
        if (!info) return;  // the config loader already refused it
        sdk::Diagnostics d;
        plan_.destination = reg_.create_as<sdk::Destination>(*info, task_.destination_config, task_.workspace, d);
        plan_.diagnostics.append(d);
        if (plan_.destination)
            for (auto kind : sdk::kAllObjectKinds)
                if (plan_.destination->holds(kind)) held_.insert(kind);
    }

    // A remote destination's objects of every kind the plan holds, to compare with ferry's records.
    bool list_destination() {
        if (held_.empty()) return true;
        class Into : public sdk::RemoteListing {
          public:
            explicit Into(std::map<std::pair<sdk::ObjectKind, std::string>, sdk::RemoteObject>& m) : m_(m) {}
            void add(const sdk::RemoteObject& o) override { m_[{o.kind, o.name}] = o; }

          private:
            std::map<std::pair<sdk::ObjectKind, std::string>, sdk::RemoteObject>& m_;
        } into(remote_);
        std::set<sdk::ObjectKind> kinds;
        const std::pair<sdk::ObjectKind, std::size_t> in_package[] = {
            {sdk::ObjectKind::resource, model_.resources.size()}, {sdk::ObjectKind::function, model_.functions.size()},
            {sdk::ObjectKind::table, model_.tables.size()},       {sdk::ObjectKind::component, model_.components.size()},
            {sdk::ObjectKind::node, model_.top_nodes()},          {sdk::ObjectKind::workflow, model_.workflows.size()},
            {sdk::ObjectKind::quality, model_.quality_rules.size()}, {sdk::ObjectKind::service, model_.services.size()},
            {sdk::ObjectKind::datasource, model_.datasources.size()}};
        for (const auto& [kind, count] : in_package)
            if (count && held_.count(kind)) kinds.insert(kind);
        for (auto kind : kinds) {
            struct Listed {
                sdk::Diagnostics diagnostics;
                bool ok = false;
            };
            auto listed = guarded_call<Listed>(
                "destination '" + task_.destination + "' listing its " + sdk::to_string(kind) + "s", task_.destination,
                [&] {
                    Listed l;
                    l.ok = plan_.destination->list(kind, into, l.diagnostics);
                    return l;
                });
            plan_.diagnostics.append(listed.diagnostics);
            if (!listed.ok || listed.diagnostics.has_errors()) return false;
        }
        return true;
    }
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
        for (std::size_t i = 0; i < model_.nodes.size(); ++i) {
            const Node n = placement_fields(i);
            note(engine_type_of(reg_, n), n.datasource_name);
        }
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

    // What placing node i reads of it (engine_type_of and place): these two passes over every node
    // run before the first object is planned, while the import waits for it, and decoding whole
    // nodes was most of them.
    Node placement_fields(std::size_t i) const {
        Node n;
        model_.nodes.read_fields(i, n, {&n.name, &n.command, &n.command_type_id, &n.datasource_type,
                                        &n.datasource_name});
        return n;
    }

    // Every object's placement, before any object is mapped: a plan that cannot place them all is
    // blocked, and knowing that before the first object is planned lets an import write what is
    // planned while the rest is being planned (task/plan_stream.hpp). The walk follows run()'s
    // order, each container's inner nodes after it, so the errors list objects as mapping them
    // would; mapping then places each object again without noting anything. Every object the
    // package holds is placed, also one whose document does not read back or an inner node not
    // where its pointer says (mapping fails those alone): an instance the task does not map blocks
    // the task whatever else is wrong with the objects that use it.
    void place_everything() {
        stop_if_asked();
        noting_placements_ = true;
        for (const auto& r : model_.resources) place("resource " + r.name, engine_type_of(reg_, r), r.datasource_name);
        for (const auto& f : model_.functions) place("function " + f.name, engine_type_of(reg_, f), f.datasource_name);
        for (const auto& t : model_.tables) place("table " + t.name, engine_type_of(reg_, t), instance_of_table(t));
        auto place_inner = [&](bool workflow, std::size_t container) {
            if (auto it = inner_.find({workflow, container}); it != inner_.end())
                for (std::size_t i : it->second) {
                    const Node n = placement_fields(i);
                    place("node " + n.name, engine_type_of(reg_, n), n.datasource_name);
                }
        };
        for (std::size_t i = 0; i < model_.nodes.size(); ++i) {
            if (i % 1024 == 0) stop_if_asked();
            if (model_.nodes.tag(i)) continue;  // inner: placed with its container
            const Node n = placement_fields(i);
            place("node " + n.name, engine_type_of(reg_, n), n.datasource_name);
            place_inner(false, i);
        }
        for (std::size_t i = 0; i < model_.workflows.size(); ++i) place_inner(true, i);
        noting_placements_ = false;
        report_placement_failures();
    }

    // Where an object goes. While place_everything() runs, a failure is also noted for the task's
    // errors (report_placement_failures).
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
                if (noting_placements_) {
                    auto& use = mismatched_[m->source];
                    use.first = type;
                    use.second.push_back(label);
                }
                p.ok = false;
            }
            return p;
        }
        if (!source_instance.empty()) {
            // The package names an instance nobody mapped: say which, whatever the destination has.
            if (noting_placements_) {
                auto& use = unmapped_[source_instance];
                use.first = type;
                use.second.push_back(label);
            }
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
            if (noting_placements_) missing_type_[type].push_back(label);
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
        current_ = std::move(o);
        return current_;
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

    // ---- reading ahead: documents and code come back from the spool on a second thread ----------

    // An object's document parsed, and a node's or component's code, as read from the spool; a
    // failure is the reason its object fails. Pure functions of the content references, so they run
    // on the read-ahead thread (util/read_ahead.hpp).
    struct DocumentRead {
        json doc;
        std::string failure;
    };
    struct CodeRead {
        std::string code;
        std::string failure;
    };
    struct Fetched {
        std::optional<DocumentRead> document;  // taken by load_document, the code by load
        std::optional<CodeRead> code;
    };
    static DocumentRead read_document(const ContentRef& ref) {
        DocumentRead r;
        std::string text;
        sdk::Diagnostics d;
        if (!ref.present) {
            r.failure = "its document was not kept while reading the package";
        } else if (!load_content(ref, text, d)) {
            r.failure = d.items().empty() ? "its document could not be read" : d.items().front().summary;
        } else {
            r.doc = parse_json_or_discarded(text);
            if (!r.doc.is_object()) r.failure = "its document could not be read back";
        }
        return r;
    }
    static CodeRead read_code(const ContentRef& ref) {
        CodeRead r;
        sdk::Diagnostics d;
        if (!load_content(ref, r.code, d))
            r.failure = d.items().empty() ? "its content could not be read" : d.items().front().summary;
        return r;
    }
    template <class T>
    static std::optional<ContentRef> code_of(const T& object) {
        if constexpr (std::is_same_v<T, Node> || std::is_same_v<T, Component>) return object.code;
        else return std::nullopt;
    }

    // What the second thread hands back, in the order it was asked for: a batch of objects read
    // ahead (each view with its document and code; no view for a skipped one), or a batch
    // of mapped objects finished (documents written out).
    template <class T>
    using Ahead = std::vector<std::pair<std::optional<T>, Fetched>>;
    template <class T>
    using Work = std::variant<Ahead<T>, std::vector<PlannedObject>>;

    // Plans every object of a list in order: `plan_one(view, index)` maps the object, then it is
    // settled; an object `skip(index)` names is planned with another one (an inner node with its
    // container) and not read here. The mapping stays on this thread: it notes warnings and
    // placements in object order and calls the engines. The second thread reads and parses the
    // objects' documents ahead of it, and after it writes each mapped document out and frees it;
    // objects are settled in order all the same. Work goes over in batches: handing over each
    // object alone cost more in waking threads than it saved. Eight batches ahead rather than
    // three: beside an importer writing on the same two cores (plan_stream.hpp), a shorter lead
    // left the threads waiting on each other (1.55 of 2 cores busy, against 1.72).
    template <class T, class PlanOne, class Skip>
    void plan_each(const ObjectList<T>& list, PlanOne&& plan_one, Skip&& skip) {
        static constexpr std::size_t kBatch = 32, kBatchesAhead = 8;
        ReadAhead<Work<T>> worker;
        std::size_t asked = 0, mapped = 0, finishing = 0;
        auto ask = [&] {
            while (asked < list.size() && asked < mapped + kBatch * kBatchesAhead) {
                Ahead<T> batch;
                for (; asked < list.size() && batch.size() < kBatch; ++asked)
                    batch.emplace_back(skip(asked) ? std::nullopt : std::optional<T>(list[asked]), Fetched{});
                worker.push([batch = std::move(batch)]() mutable {
                    for (auto& [view, fetched] : batch) {
                        if (!view) continue;
                        fetched.document = read_document(view->document);
                        if (auto code = code_of(*view)) fetched.code = read_code(*code);
                    }
                    return Work<T>(std::move(batch));
                });
            }
        };
        ask();
        while (mapped < list.size() || finishing > 0) {
            Work<T> work = worker.take();
            if (auto* finished = std::get_if<std::vector<PlannedObject>>(&work)) {
                --finishing;
                for (auto& o : *finished) settle(o);
                continue;
            }
            // Shared, not moved into the job: a std::function's target must be copyable.
            auto shared = std::make_shared<std::vector<std::pair<PlannedObject, std::optional<json>>>>();
            for (auto& [view, fetched] : std::get<Ahead<T>>(work)) {
                const std::size_t index = mapped++;
                if (!view) continue;
                fetched_ = std::move(fetched);
                PlannedObject& o = plan_one(*view, index);
                fetched_.reset();
                shared->emplace_back(std::move(o), std::exchange(unwritten_, std::nullopt));
            }
            if (!shared->empty()) {
                ++finishing;
                worker.push([shared] {
                    std::vector<PlannedObject> batch;
                    batch.reserve(shared->size());
                    for (auto& [o, doc] : *shared) {
                        if (doc) o.record.document = json_text(*doc);
                        doc.reset();
                        batch.push_back(std::move(o));
                    }
                    return Work<T>(std::move(batch));
                });
            }
            ask();
        }
    }

    bool load(const ContentRef& ref, std::string& out, PlannedObject& o) {
        CodeRead r;
        if (fetched_ && fetched_->code) {
            r = std::move(*fetched_->code);
            fetched_->code.reset();
        } else {
            r = read_code(ref);
        }
        out = std::move(r.code);
        if (r.failure.empty()) return true;
        fail(o, r.failure);
        return false;
    }

    // ---- documents: the object's FlowSpec, with the task's mappings applied in place ------------

    // The object's document from the package, parsed; false (the object failed) when it cannot be read.
    bool load_document(const PackageObject& src, json& doc, PlannedObject& o) {
        DocumentRead r;
        if (fetched_ && fetched_->document) {
            r = std::move(*fetched_->document);
            fetched_->document.reset();
        } else {
            r = read_document(src.document);
        }
        if (!r.failure.empty()) {
            fail(o, r.failure);
            return false;
        }
        doc = std::move(r.doc);
        return true;
    }

    // Sets a field, noting the change (JSON pointer, before, after) when the value differs.
    static void set_field(json& obj, const std::string& key, json value, const std::string& at, PlannedObject& o) {
        const auto it = obj.find(key);
        const json before = it == obj.end() ? json() : *it;
        if (it != obj.end() && before == value) return;
        o.changes.push_back({at + "/" + pointer_token(key), it == obj.end() ? "" : shown_value(before), shown_value(value)});
        obj[key] = std::move(value);
    }
    static void erase_field(json& obj, const std::string& key, const std::string& at, PlannedObject& o) {
        const auto it = obj.find(key);
        if (it == obj.end()) return;
        o.changes.push_back({at + "/" + pointer_token(key), shown_value(*it), ""});
        obj.erase(it);
    }

    // A name that is a mapped source name as a whole ("sales_dev" as a table's project).
    std::string map_bare_name(const std::string& value) const {
        for (const auto& [from, to] : names_)
            if (engine::ascii_lower(from) == engine::ascii_lower(value)) return to;
        return value;
    }

    // The owner fields of an object and of its document's metadata.
    void map_owner_fields(json& doc, json& object, const std::string& object_at, PlannedObject& o) {
        if (auto it = object.find("owner"); it != object.end() && !it->is_null() && !it->is_object()) {
            const std::string before = it->is_string() ? it->get<std::string>() : it->dump();
            const std::string after = map_owner(before);
            if (!before.empty() && after != before) set_field(object, "owner", after, object_at, o);
        }
        if (auto m = doc.find("metadata"); m != doc.end() && m->is_object())
            if (auto it = m->find("owner"); it != m->end() && !it->is_null()) {
                // An account id may be written as a number: an owner the mapping keeps keeps its type.
                const std::string before = it->is_string() ? it->get<std::string>() : it->dump();
                const std::string after = map_owner(before);
                if (after != before) set_field(*m, "owner", after, "/metadata", o);
            }
    }

    // A node's outputs and inputs name tables and node outputs: the Dependency Mapping applies.
    void map_io(json& node, const std::string& at, PlannedObject& o) {
        if (names_.empty()) return;
        for (const char* io : {"inputs", "outputs"}) {
            auto box = node.find(io);
            if (box == node.end() || !box->is_object()) continue;
            const std::string box_at = at + "/" + io;
            for (auto& [key, list] : box->items()) {
                if (!list.is_array()) continue;
                for (std::size_t i = 0; i < list.size(); ++i) {
                    json& item = list[i];
                    const std::string item_at = box_at + "/" + pointer_token(key) + "/" + std::to_string(i);
                    if (item.is_string()) {
                        const std::string after = rewrite_name(item.get<std::string>());
                        if (after != item.get<std::string>()) {
                            o.changes.push_back({item_at, shown_value(item), shown_value(after)});
                            item = after;
                        }
                        continue;
                    }
                    if (!item.is_object()) continue;
                    for (const char* f : {"data", "refTableName", "guid", "name", "output"})
                        if (auto v = item.find(f); v != item.end() && v->is_string())
                            set_field(item, f, rewrite_name(v->get<std::string>()), item_at, o);
                }
            }
        }
    }

    // Edges (a document's flow, a container's flow or dependencies): root outputs and qualified
    // outputs follow the Dependency Mapping; node ids stay.
    void map_edges(json& edges, const std::string& at, PlannedObject& o) {
        if (names_.empty() || !edges.is_array()) return;
        for (std::size_t i = 0; i < edges.size(); ++i) {
            auto deps = edges[i].find("depends");
            if (deps == edges[i].end() || !deps->is_array()) continue;
            for (std::size_t k = 0; k < deps->size(); ++k)
                if (auto v = (*deps)[k].find("output"); v != (*deps)[k].end() && v->is_string())
                    set_field((*deps)[k], "output", rewrite_name(v->get<std::string>()),
                              at + "/" + std::to_string(i) + "/depends/" + std::to_string(k), o);
        }
    }

    // Rewrites code as the engine that will run it does, else with the same rewriter in the code's
    // own dialect. `replaced` counts the names replaced.
    std::string rewrite_code_of(const Node& n, const Placement& p, const std::string& type, std::string code,
                                PlannedObject& o) {
        if (names_.empty()) return code;
        sdk::RewriteRequest req;
        req.code = std::move(code);
        req.command = n.command;
        req.names = names_;
        if (sdk::Engine* engine = engine_for(p); engine && !(p.cross_engine && p.target->type != type)) {
            auto res = guarded_call<sdk::RewriteResponse>(
                "engine instance '" + p.target->name + "' rewriting node " + n.name, n.source_path,
                [&] { return engine->rewrite(req); });
            for (const auto& d : res.diagnostics.items()) o.notes.push_back(d);
            if (!res.diagnostics.has_errors()) return std::move(res.code);
        }
        // No engine of its type takes it: the same rewriter the engines use, in the dialect of its
        // command (MaxCompute's when the command names none).
        auto res = engine::rewrite_code(req, engine::command_dialect(n.command).value_or(engine::Dialect::maxcompute));
        for (const auto& d : res.diagnostics.items()) o.notes.push_back(d);
        return std::move(res.code);
    }

    // One node of an object's document (the object itself, or an inner node of it): its placement,
    // datasource, resource group, dry-run flag, inputs and outputs, and the inner nodes it holds.
    // Returns the node's placement.
    Placement map_node(json& node, const std::string& at, const Node& view, PlannedObject& o, bool top) {
        const std::string type = engine_type_of(reg_, view);
        const Placement p = place("node " + view.name, type, view.datasource_name);
        if (top) {
            land(o, p, type);
        } else if (!p.ok) {
            fail(o, "inner node '" + view.name + "': its engine instance cannot be placed in the destination (see "
                    "the task's errors)");
        }
        if (!top)
            if (auto it = node.find("owner"); it != node.end() && it->is_string() && !it->get<std::string>().empty())
                set_field(node, "owner", map_owner(it->get<std::string>()), at, o);
        // A node that runs on no engine (a loop, a branch, a shell) may still name a data source: the
        // task's Engine Instance Mapping renames it as it does everywhere else.
        const EngineInstance* named = p.target;
        if (!named && type.empty() && !view.datasource_name.empty()) {
            if (const EngineMapping* m = task_.mapping_for(view.datasource_name)) named = task_.engine(m->target);
            else
                o.notes.push_back({sdk::Severity::warning, "FERRY-PLAN-DATASOURCE-KEPT",
                                   "node '" + view.name + "' names data source '" + view.datasource_name +
                                       "', which the task does not map: the name is kept as the package says",
                                   "map it under [mapping.engines] to rename it", view.source_path});
        }
        if (auto ds = node.find("datasource"); named && ds != node.end() && ds->is_object())
            if (auto name = ds->find("name"); name != ds->end() && name->is_string() && *name != named->name)
                set_field(*ds, "name", named->name, at + "/datasource", o);
        if (auto rr = node.find("runtimeResource"); rr != node.end() && rr->is_object()) {
            const std::string group = text_at(*rr, "resourceGroup");
            const std::string mapped = map_group(group);
            if (mapped != group) {
                set_field(*rr, "resourceGroup", mapped, at + "/runtimeResource", o);
                // The source group's id means nothing in the destination.
                erase_field(*rr, "resourceGroupId", at + "/runtimeResource", o);
            }
        }
        if ((view.dry_run() || task_.dry_run_matches(view.name))) {
            auto trigger = node.find("trigger");
            const bool in_trigger = !node.contains("recurrence") && trigger != node.end() && trigger->is_object() &&
                                    trigger->contains("recurrence");
            if (in_trigger) set_field(*trigger, "recurrence", "Skip", at + "/trigger", o);
            else set_field(node, "recurrence", "Skip", at, o);
        }
        map_io(node, at, o);
        if (!top) {
            // An inner node's code lives in its container's document.
            auto script = node.find("script");
            if (script != node.end() && script->is_object()) {
                std::string code;
                if (auto c = script->find("content"); c != script->end() && c->is_string()) {
                    code = c->get<std::string>();
                } else if (view.code.present) {
                    // Its code file, read into the document that holds it.
                    sdk::Diagnostics d;
                    if (!load_content(view.code, code, d))
                        fail(o, "inner node '" + view.name + "': " +
                                    (d.items().empty() ? "its code could not be read" : d.items().front().summary));
                    else if (!valid_utf8(code))
                        fail(o, "inner node '" + view.name + "': its code file is not UTF-8, and an inner node's code "
                                "is text in its container's document");
                    else o.changes.push_back({at + "/script/content", "", "(" + std::to_string(code.size()) +
                                                                           " bytes from " + view.code.entry_path + ")"});
                    (*script)["content"] = code;
                }
                const std::string rewritten = rewrite_code_of(view, p, type, code, o);
                if (rewritten != code) set_field(*script, "content", rewritten, at + "/script", o);
            }
        }
        return p;
    }

    // Every inner node of an object (all levels: do-while, for-each, combined, sub-flow, or a
    // workflow's nodes), found by its pointer, then the edges inside its containers.
    void map_inner_nodes(json& object, bool workflow, std::size_t container, PlannedObject& o) {
        if (auto inner = inner_.find({workflow, container}); inner != inner_.end())
            for (std::size_t index : inner->second) {
                const Node& view = model_.nodes[index];
                if (json* node = at_pointer(object, view.pointer)) map_node(*node, object_at_ + view.pointer, view, o, false);
                else fail(o, "inner node '" + view.name + "' is not where the package put it (" + view.pointer + ")");
            }
        map_container_edges(object, object_at_, o);
    }

    // The edges of every container below a node (or a workflow's own): flow and dependencies.
    void map_container_edges(json& holder, const std::string& at, PlannedObject& o) {
        static const char* const kBoxes[] = {"do-while", "doWhile", "for-each", "foreach", "combined", "subflow"};
        auto walk_nodes = [&](json& box, const std::string& box_at) {
            for (const char* key : {"flow", "dependencies"})
                if (auto e = box.find(key); e != box.end()) map_edges(*e, box_at + "/" + key, o);
            if (auto nodes = box.find("nodes"); nodes != box.end() && nodes->is_array())
                for (std::size_t i = 0; i < nodes->size(); ++i)
                    map_container_edges((*nodes)[i], box_at + "/nodes/" + std::to_string(i), o);
            for (const char* w : {"while", "specWhile"})
                if (auto n = box.find(w); n != box.end() && n->is_object()) map_container_edges(*n, box_at + "/" + w, o);
        };
        if (!holder.is_object()) return;
        if (holder.contains("nodes") && !holder.contains("script")) {  // a workflow
            walk_nodes(holder, at);
            return;
        }
        for (const char* key : kBoxes)
            if (auto box = holder.find(key); box != holder.end() && box->is_object())
                walk_nodes(*box, at + "/" + pointer_token(key));
    }

    static json* at_pointer(json& root, const std::string& pointer) {
        if (pointer.empty()) return &root;
        try {
            return &root.at(json::json_pointer(pointer));
        } catch (...) {
            return nullptr;
        }
    }

    void index_inner_nodes() {
        for (std::size_t i = 0; i < model_.nodes.size(); ++i) {
            if (!model_.nodes.tag(i)) continue;  // only inner nodes
            const Node n = model_.nodes[i];
            if (n.container != kNoContainer) inner_[{n.in_workflow, n.container}].push_back(i);
        }
    }

    // Finishes an object's record from its mapped document.
    // The document is written out on the second thread (plan_each), which frees it there too.
    void finish_record(PlannedObject& o, const PackageObject& src, json& doc) {
        o.record.path = src.folder;
        unwritten_ = std::move(doc);
    }

    // The object's document loaded into `doc`, its one object (the first of spec.<list>) found, and
    // its owners mapped; null (the object failed) when the document cannot be read. Sets object_at_,
    // the JSON pointer of that object, for the changes noted after.
    json* open_document(const PackageObject& src, const char* list, json& doc, PlannedObject& o) {
        if (!load_document(src, doc, o)) return nullptr;
        json& spec = doc["spec"];
        const bool table = std::string(list) == "tables";
        json& object = table ? spec["artifacts"]["tables"][0] : spec[list][0];
        object_at_ = table ? "/spec/artifacts/tables/0" : std::string("/spec/") + list + "/0";
        map_owner_fields(doc, object, object_at_, o);
        return &object;
    }

    PlannedObject& plan_resource(const Resource& r) {
        PlannedObject& o = start(sdk::ObjectKind::resource, r.name, r.owner);
        const std::string type = engine_type_of(reg_, r);
        const Placement p = place("resource " + r.name, type, r.datasource_name);
        land(o, p, type);
        // The bytes stay in the spool until commit; the fingerprint covers them through their hash.
        o.content = r.content;
        sdk::Diagnostics hd;
        if (!hash_content(r.content, o.content_sha256, hd)) fail(o, hd.items().front().summary);
        static const std::map<std::string, std::string> kTypes = {{"python", "py"}, {"jar", "jar"},
                                                                  {"archive", "archive"}, {"file", "file"}};
        auto it = kTypes.find(r.type);
        o.resource_type = it == kTypes.end() ? "file" : it->second;
        o.commit_to_engine = task_.commit.resources && engine_for(p) && !p.cross_engine && r.content.present;
        json doc;
        json* found = open_document(r, "fileResources", doc, o);
        if (!found) return o;
        json& object = *found;
        if (auto ds = object.find("datasource"); p.target && ds != object.end() && ds->is_object())
            if (auto name = ds->find("name"); name != ds->end() && name->is_string() && *name != p.target->name)
                set_field(*ds, "name", p.target->name, object_at_ + "/datasource", o);
        finish_record(o, r, doc);
        return o;
    }

    PlannedObject& plan_function(const Function& f) {
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
        json doc;
        json* found = open_document(f, "functions", doc, o);
        if (!found) return o;
        json& object = *found;
        if (auto ds = object.find("datasource"); p.target && ds != object.end() && ds->is_object())
            if (auto name = ds->find("name"); name != ds->end() && name->is_string() && *name != p.target->name)
                set_field(*ds, "name", p.target->name, object_at_ + "/datasource", o);
        o.content_sha256 = Sha256::of(o.record.content);
        finish_record(o, f, doc);
        return o;
    }

    PlannedObject& plan_table(const Table& t) {
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
        json doc;
        json* found = open_document(t, "tables", doc, o);
        if (!found) return o;
        json& object = *found;
        // The project a table lives in, and its guid, follow the Dependency Mapping.
        if (auto ce = object.find("calcEngine"); ce != object.end() && ce->is_object())
            for (const char* key : {"project", "database"})
                if (auto v = ce->find(key); v != ce->end() && v->is_string())
                    set_field(*ce, key, map_bare_name(v->get<std::string>()), object_at_ + "/calcEngine", o);
        if (auto g = object.find("guid"); g != object.end() && g->is_string())
            set_field(object, "guid", rewrite_name(g->get<std::string>()), object_at_, o);
        o.content_sha256 = Sha256::of(o.record.content);
        finish_record(o, t, doc);
        return o;
    }

    PlannedObject& plan_node(const Node& n, std::size_t index) {
        PlannedObject& o = start(sdk::ObjectKind::node, n.name, n.owner);
        json doc;
        json* found = open_document(n, "nodes", doc, o);
        if (!found) return o;
        json& object = *found;
        const std::string type = engine_type_of(reg_, n);
        const Placement p = map_node(object, object_at_, n, o, true);
        map_inner_nodes(object, false, index, o);
        if (auto flow = doc["spec"].find("flow"); flow != doc["spec"].end()) map_edges(*flow, "/spec/flow", o);
        // Its code is the object's content (whatever its encoding), rewritten as its engine does.
        std::string code;
        load(n.code, code, o);
        std::string rewritten = rewrite_code_of(n, p, type, code, o);
        if (rewritten != code)
            o.changes.push_back({"content", std::to_string(code.size()) + " bytes",
                                 std::to_string(rewritten.size()) + " bytes: workspace names replaced (Dependency Mapping)"});
        o.record.content = std::move(rewritten);
        o.record.resource_group = map_group(n.resource_group);
        o.record.dry_run = n.dry_run() || task_.dry_run_matches(n.name);
        o.content_sha256 = Sha256::of(o.record.content);
        finish_record(o, n, doc);
        return o;
    }

    PlannedObject& plan_workflow(const Workflow& w, std::size_t index) {
        PlannedObject& o = start(sdk::ObjectKind::workflow, w.name, w.owner);
        json doc;
        json* found = open_document(w, "workflows", doc, o);
        if (!found) return o;
        json& object = *found;
        map_io(object, object_at_, o);
        if (auto flow = doc["spec"].find("flow"); flow != doc["spec"].end()) map_edges(*flow, "/spec/flow", o);
        map_inner_nodes(object, true, index, o);
        o.content_sha256 = Sha256::of(o.record.content);
        finish_record(o, w, doc);
        return o;
    }

    PlannedObject& plan_component(const Component& c) {
        PlannedObject& o = start(sdk::ObjectKind::component, c.name, c.owner);
        json doc;
        if (!open_document(c, "components", doc, o)) return o;
        std::string code;
        load(c.code, code, o);
        std::string rewritten = code;
        if (!names_.empty()) {
            sdk::RewriteRequest req;
            req.code = code;
            req.command = c.command;
            req.names = names_;
            auto res = engine::rewrite_code(req, engine::command_dialect(c.command).value_or(engine::Dialect::maxcompute));
            rewritten = std::move(res.code);
            for (const auto& d : res.diagnostics.items()) o.notes.push_back(d);
        }
        if (rewritten != code)
            o.changes.push_back({"content", std::to_string(code.size()) + " bytes",
                                 std::to_string(rewritten.size()) + " bytes: workspace names replaced (Dependency Mapping)"});
        o.record.content = std::move(rewritten);
        o.content_sha256 = Sha256::of(o.record.content);
        finish_record(o, c, doc);
        return o;
    }

    PlannedObject& plan_quality(const QualityRule& q) {
        PlannedObject& o = start(sdk::ObjectKind::quality, q.name, q.owner);
        json doc;
        json* found = open_document(q, "dqcRules", doc, o);
        if (!found) return o;
        json& object = *found;
        if (auto t = object.find("table"); t != object.end() && t->is_object())
            if (auto g = t->find("guid"); g != t->end() && g->is_string())
                set_field(*t, "guid", rewrite_name(g->get<std::string>()), object_at_ + "/table", o);
        if (auto s = object.find("schedulerNode"); s != object.end() && s->is_object())
            if (auto out = s->find("output"); out != s->end() && out->is_string())
                set_field(*s, "output", rewrite_name(out->get<std::string>()), object_at_ + "/schedulerNode", o);
        o.content_sha256 = Sha256::of(o.record.content);
        finish_record(o, q, doc);
        return o;
    }

    // A DataService document is carried as the package wrote it.
    PlannedObject& plan_service(const Service& v) {
        PlannedObject& o = start(sdk::ObjectKind::service, v.name, v.owner);
        json doc;
        if (!load_document(v, doc, o)) return o;
        o.content_sha256 = Sha256::of(o.record.content);
        finish_record(o, v, doc);
        return o;
    }

    PlannedObject& plan_datasource(const DataSource& d) {
        PlannedObject& o = start(sdk::ObjectKind::datasource, d.name, "");
        o.record.owner.clear();  // data sources have no owner
        json doc;
        json* found = open_document(d, "datasources", doc, o);
        if (!found) return o;
        drop_config_secrets(*found, o);
        o.content_sha256 = Sha256::of(o.record.content);
        finish_record(o, d, doc);
        return o;
    }

    // Secrets never land in the catalog: a data source's password and keys are taken out of its
    // config (a JSON object, or a string holding one), each removal a listed change that never
    // shows the value.
    void drop_config_secrets(json& object, PlannedObject& o) {
        auto config = object.find("config");
        if (config == object.end()) return;
        const std::string at = object_at_ + "/config";
        const std::string text = config->is_string() ? config->get<std::string>() : config->dump();
        const auto secrets = config_secret_paths(text);
        if (secrets.empty()) return;
        const std::string kept = config_without_secrets(text);
        if (config->is_string()) {
            std::string where;
            for (const auto& p : secrets) where += (where.empty() ? "" : ", ") + (p.empty() ? std::string("all of it") : p);
            o.changes.push_back({at, "(secrets at " + where + ")", "(the same without them)"});
            *config = kept;
        } else {
            for (const auto& p : secrets) o.changes.push_back({at + p, "(a secret)", ""});
            *config = json::parse(kept, nullptr, false);
        }
        o.notes.push_back({sdk::Severity::warning, "FERRY-PLAN-DATASOURCE-SECRET",
                           "data source '" + o.name + "': its config's secrets were left out (ferry stores no secrets)",
                           "set its password or keys again in the destination", ""});
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

    // What a remote destination holds against what ferry recorded when it last wrote there. True
    // when the decision is made here; false when ferry's record alone decides (the remote object is
    // the one ferry wrote, untouched since).
    bool decide_remote(PlannedObject& o, const catalog::ObjectStamp* existing) {
        o.remote = true;
        switch (o.kind) {
            case sdk::ObjectKind::node:
            case sdk::ObjectKind::workflow: o.deploy = task_.commit.nodes; break;
            case sdk::ObjectKind::resource: o.deploy = task_.commit.resources; break;
            case sdk::ObjectKind::function: o.deploy = task_.commit.functions; break;
            default: break;
        }
        auto it = remote_.find({o.kind, o.name});
        const sdk::RemoteObject* there = it == remote_.end() ? nullptr : &it->second;
        const bool overwrite = task_.commit.on_conflict == "overwrite";
        const std::string kind = sdk::to_string(o.kind);
        const std::string dest = plan_.destination->describe();
        if (there) o.remote_id = there->remote_id;
        if (existing && there && existing->remote_id == there->remote_id &&
            existing->remote_version == there->remote_version)
            return false;
        if (existing && !there) {
            o.action = sdk::Action::create;
            o.reason = "ferry wrote it before (version " + std::to_string(existing->version) + "), but " + dest +
                       " no longer holds it: created again";
            return true;
        }
        if (!there) {
            o.action = sdk::Action::create;
            o.reason = "new in " + dest;
            return true;
        }
        // There, and not as ferry left it: someone changed it, or ferry never wrote it.
        const std::string why =
            existing ? "changed in " + dest + " since ferry wrote it (id " + there->remote_id + ", modified " +
                           there->remote_version + "; ferry recorded " +
                           (existing->remote_version.empty() ? std::string("nothing") : existing->remote_version) + ")"
                     : "a " + kind + " of this name is in " + dest + " (id " + there->remote_id +
                           "), not written by ferry";
        if (overwrite) {
            o.action = sdk::Action::update;
            o.reason = why + "; replaced (on_conflict = overwrite)";
        } else {
            o.action = sdk::Action::conflict;
            o.reason = why + "; not committed (on_conflict = skip)";
        }
        if (existing) describe_differences(o);
        return true;
    }

    void decide(PlannedObject& o) {
        o.record.sha256 = fingerprint(o.record, o.content_sha256);
        if (o.action == sdk::Action::fail) return;
        auto found = existing_.find({o.kind, o.name});
        const catalog::ObjectStamp* existing = found == existing_.end() ? nullptr : &found->second;
        if (held_.count(o.kind) && decide_remote(o, existing)) return;
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
                describe_differences(o);
            } else {
                o.action = sdk::Action::conflict;
                o.reason = "a " + kind + " of this name is in the workspace (version " + version +
                           "); not committed (on_conflict = skip)";
                describe_differences(o);
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

    // How the planned object differs from the workspace's: its fields, field by field.
    void describe_differences(PlannedObject& o) {
        sdk::Diagnostics d;
        const auto stored = catalog_.find_object(task_.workspace, o.kind, o.name, d);
        if (!stored) return;
        const json before = parse_json_or_discarded(stored->document);
        const json after = parse_json_or_discarded(o.record.document);
        if (!before.is_object()) {
            o.differences.push_back({"/", "(stored by an older ferry: not a FlowSpec document)", "(the package's document)"});
        } else {
            diff_json(before, after, o.differences, "", 50);
        }
        for (const auto& [field, a, b] : {std::tuple<const char*, const std::string*, const std::string*>{
                                              "owner", &stored->owner, &o.record.owner},
                                          {"resource_group", &stored->resource_group, &o.record.resource_group},
                                          {"engine_instance", &stored->engine_instance, &o.record.engine_instance},
                                          {"path", &stored->path, &o.record.path}})
            if (*a != *b) o.differences.push_back({field, shown_value(*a), shown_value(*b)});
        if (o.kind != sdk::ObjectKind::resource && stored->content != o.record.content)
            o.differences.push_back({"content", std::to_string(stored->content.size()) + " bytes",
                                     std::to_string(o.record.content.size()) + " bytes"});
        if (o.kind == sdk::ObjectKind::resource && Sha256::of(stored->content) != o.content_sha256)
            o.differences.push_back({"content", "sha256 " + Sha256::of(stored->content), "sha256 " + o.content_sha256});
    }

    const PluginRegistry& reg_;
    const TaskConfig& task_;
    const PackageModel& model_;
    catalog::Catalog& catalog_;
    Plan& plan_;
    PlanSink* sink_;
    std::string importer_;
    // Inputs, outputs and dependency targets ("sales_dev.orders", "sales_dev_root"): names anywhere.
    std::string rewrite_name(const std::string& value) const {
        return names_.empty() ? value : name_rewriter_->rewrite_anywhere(value).code;
    }

    std::vector<std::pair<std::string, std::string>> names_;
    std::unique_ptr<engine::IdentifierRewriter> name_rewriter_;
    std::map<std::string, std::pair<std::string, std::vector<std::string>>> unmapped_, mismatched_;
    std::map<std::string, std::vector<std::string>> missing_type_;
    bool noting_placements_ = false;
    std::map<std::string, const EngineMapping*> default_mapping_;
    std::map<std::pair<sdk::ObjectKind, std::string>, catalog::ObjectStamp> existing_;
    std::set<sdk::ObjectKind> held_;  // the kinds the destination holds itself (listed and compared)
    std::map<std::pair<sdk::ObjectKind, std::string>, sdk::RemoteObject> remote_;  // a remote destination's objects
    std::set<std::string> warned_owners_, warned_groups_;
    std::map<std::string, std::string> project_instance_;  // a data source's project -> its instance name
    // The inner nodes of each container: (in a workflow, container index) -> indices in model_.nodes.
    std::map<std::pair<bool, std::size_t>, std::vector<std::size_t>> inner_;
    // The object being mapped, its place in its document, and its document and code read ahead.
    PlannedObject current_;
    std::optional<Fetched> fetched_;
    std::optional<json> unwritten_;  // the mapped document finish_record left for plan_each to write
    std::string object_at_;
    bool stamps_failed_ = false, destination_failed_ = false;
};

}  // namespace

Plan make_plan(const PluginRegistry& registry, const TaskConfig& task, const PackageModel& model,
               catalog::Catalog& catalog) {
    Plan plan;
    PlanBuilder(registry, task, model, catalog, plan).run();
    return plan;
}

void make_plan_into(const PluginRegistry& registry, const TaskConfig& task, const PackageModel& model,
                    catalog::Catalog& catalog, Plan& plan, PlanSink& sink) {
    try {
        PlanBuilder(registry, task, model, catalog, plan, &sink).run();
    } catch (const PlanBuilder::Stopped&) {
        // The sink asked for it: nothing more is planned.
    }
}

}  // namespace ferry::host
