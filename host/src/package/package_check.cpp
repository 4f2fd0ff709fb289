#include "package/package_check.hpp"

#include <algorithm>
#include <cctype>
#include <exception>
#include <map>
#include <set>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>

#include "ferry/engine/ddl_guard.hpp"
#include "package/datasource_secrets.hpp"
#include "package/command_types.hpp"
#include "package/object_names.hpp"
#include "plugin/plugin_registry.hpp"
#include "task/engine_routing.hpp"

namespace ferry::host {

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

void check_name(const char* kind, const std::string& name, const std::string& where, sdk::Diagnostics& diags) {
    const std::string problem = object_name_problem(name);
    if (problem.empty()) return;
    diags.error("FERRY-PKG-OBJECT-NAME", std::string(kind) + " name '" + name + "' would be refused: " + problem,
                "rename it in the source workspace: names hold letters, digits, '_', '.' and '-' (at most 128)",
                where);
}

// The checks below hold a name or id per object for the whole package; with it they keep the
// index of the object that had it first, not its place, and read that object back only to word an
// error: a package of 100,000 nodes held every document's path three times over otherwise.

// Names of one kind: valid, and unique. Table and function names are case-insensitive on the
// engines; nodes and resources are not.
template <typename T>
class NameCheck {
  public:
    NameCheck(const char* kind, const ObjectList<T>& items, bool case_insensitive)
        : kind_(kind), items_(items), case_insensitive_(case_insensitive) {
        seen_.reserve(items.size());
    }
    void note(const T& item, std::size_t index, sdk::Diagnostics& diags) {
        check_name(kind_, item.name, item.source_path, diags);
        auto [it, inserted] = seen_.emplace(case_insensitive_ ? lower(item.name) : item.name, index);
        if (!inserted && !item.name.empty())
            diags.error("FERRY-PKG-DUPLICATE-NAME",
                        std::string("two ") + kind_ + "s are named '" + item.name + "' (also in " +
                            items_[it->second].source_path + ")",
                        "object names must be unique per kind in a workspace; rename one in the source",
                        item.source_path);
    }

  private:
    const char* kind_;
    const ObjectList<T>& items_;
    bool case_insensitive_;
    // name -> the first object's index. Unordered: errors are said in the objects' order, and a
    // sorted map's string comparisons were a tenth of a check's last single-threaded stretch.
    std::unordered_map<std::string, std::size_t> seen_;
};

template <typename T>
void check_kind(const char* kind, const ObjectList<T>& items, bool case_insensitive, sdk::Diagnostics& diags) {
    NameCheck<T> names(kind, items, case_insensitive);
    for (std::size_t i = 0; i < items.size(); ++i) names.note(items[i], i, diags);
}

// Inner nodes: valid names, unique among the nodes of the same container.
class InnerNameCheck {
  public:
    explicit InnerNameCheck(const PackageModel& model) : model_(model) {}
    void note(const Node& n, std::size_t index, sdk::Diagnostics& diags) {
        check_name("node", n.name, n.source_path, diags);
        auto [it, inserted] = seen_.emplace(std::make_pair(std::make_pair(n.in_workflow, n.container), n.name), index);
        if (inserted || n.name.empty()) return;
        const std::string container = n.in_workflow ? "workflow '" + model_.workflows[n.container].name + "'"
                                                    : "node '" + model_.nodes[n.container].name + "'";
        diags.error("FERRY-PKG-DUPLICATE-NAME",
                    "two nodes inside " + container + " are named '" + n.name + "' (at " +
                        model_.nodes[it->second].pointer + " and " + n.pointer + ")",
                    "names of the nodes inside one container are unique; rename one in the source", n.source_path);
    }

  private:
    const PackageModel& model_;
    std::map<std::pair<std::pair<bool, std::size_t>, std::string>, std::size_t> seen_;  // -> the first's index
};

// A node id names one node: a dependency on it must not attach to another document's node.
class IdCheck {
  public:
    explicit IdCheck(const PackageModel& model) : model_(model) {
        seen_.reserve(model.nodes.size() + model.workflows.size());
    }
    void note(const std::string& id, bool workflow, std::size_t index, const std::string& doc, sdk::Diagnostics& diags) {
        if (id.empty()) return;
        auto [it, inserted] = seen_.emplace(id, std::make_pair(workflow, index));
        if (inserted) return;
        const auto [first_workflow, first_index] = it->second;
        const std::string first =
            first_workflow ? model_.workflows[first_index].source_path : model_.nodes[first_index].source_path;
        diags.error("FERRY-PKG-DUPLICATE-ID",
                    std::string(workflow ? "workflow" : "node") + " id '" + id + "' is used twice: in " + first +
                        (first == doc ? "" : " and in " + doc),
                    "ids name one node or workflow across the whole package (dependencies follow them); export the "
                    "package again, or give one of them another id",
                    doc);
    }

  private:
    const PackageModel& model_;
    std::unordered_map<std::string, std::pair<bool, std::size_t>> seen_;  // id -> the first's (workflow?, index)
};

bool is_root_output(const std::string& target) {
    return target.size() > 5 && target.compare(target.size() - 5, 5, "_root") == 0;
}

// What a package's DDL could do is decided here, with the engines' own parser: a DDL runs nothing
// but the CREATE TABLE of its own table, or the package is refused before any plan.
void check_table_ddl(const Table& t, const std::string& dialect_name, sdk::Diagnostics& diags) {
    if (t.name.find('.') != std::string::npos) {
        diags.error("FERRY-PKG-DDL-NAME",
                    "table '" + t.name + "': its name holds a '.': a table's name is one identifier (its project and schema "
                                         "come from calcEngine)",
                    "rename the table in the source workspace; ferry never splits a name into a qualifier and another table",
                    t.source_path);
        return;
    }
    if (t.ddl.find_first_not_of(" \t\r\n") == std::string::npos) return;  // nothing would run
    const auto dialect = engine::parse_dialect(dialect_name);
    if (!dialect) return;  // no engine reads it; the plan says so
    std::vector<std::string> qualifiers;
    for (const std::string* q : {&t.project, &t.schema})
        if (!q->empty()) qualifiers.push_back(*q);
    const engine::DdlVerdict v = engine::read_table_ddl(t.ddl, *dialect, {t.name, qualifiers});
    using P = engine::DdlVerdict::Problem;
    const std::string summary = "table '" + t.name + "': " + v.error.message;
    const std::string at = v.error.where() + " (" + dialect_name + "): ";
    switch (v.problem) {
        case P::none: return;
        case P::statements:
            diags.error("FERRY-PKG-DDL-STATEMENTS", summary,
                        at + "a table's DDL is one CREATE TABLE of that table; ferry runs nothing else from a package",
                        t.source_path);
            return;
        case P::name:
            diags.error("FERRY-PKG-DDL-NAME", summary,
                        at + "a table's DDL creates that table, unqualified or under the table's own project or schema",
                        t.source_path);
            return;
        case P::unreadable:
        case P::not_a_table:
            diags.error("FERRY-PKG-DDL-PARSE", summary, at + "a table's DDL is one CREATE TABLE of that table", t.source_path);
            return;
        case P::body:
            diags.warning("FERRY-PKG-DDL-UNSUPPORTED", summary,
                          at + "the engine will not render this DDL: the table fails at plan, the other objects go on",
                          t.source_path);
            return;
    }
}

// Without the loaded plugins: the product's own table of engine types (an empty registry).
std::string product_table_dialect(const Table& t) {
    static const PluginRegistry none;
    return dialect_of(engine_type_of(none, t));
}

}  // namespace

bool is_general_command(const std::string& command) {
    const CommandType* t = find_command_type(command);
    return t && t->route == kGeneralRoute;
}

void check_package(const PackageModel& model, const std::function<bool(const std::string&)>& command_known,
                   sdk::Diagnostics& diags, const TableDialect& table_dialect) {
    if (model.object_count() == 0) {
        diags.error("FERRY-PKG-EMPTY",
                    "the package holds no objects (no nodes, workflows, resources, tables, functions, data sources, "
                    "components, quality rules or data services)",
                    "check that you exported the right workspace or folder", model.info.location);
        return;
    }
    // Nodes are by far the most objects. Their names and ids (and every other kind's names) are
    // checked on a thread of their own while this one reads each node for what it produces, its
    // dependencies and its command: in a check of a package of small documents this stretch ran
    // alone after the read, on one core of two. The two passes share only the spool (ObjectSpool
    // locks; each pass keeps a read window of its own). Diagnostics are kept apart per check and
    // given in the order of the checks, as when one thread did both.
    sdk::Diagnostics node_names, kind_names, inner_names, node_ids;
    IdCheck ids(model);
    std::exception_ptr names_failed;
    std::thread names_pass([&] {
        try {
            NameCheck<Node> names("node", model.nodes, false);
            InnerNameCheck inner(model);
            for (std::size_t i = 0; i < model.nodes.size(); ++i) {
                Node n;  // what the checks read of it (its container is a number: always read)
                model.nodes.read_fields(i, n, {&n.name, &n.source_path, &n.pointer, &n.id});
                if (model.nodes.tag(i)) inner.note(n, i, inner_names);
                else names.note(n, i, node_names);
                ids.note(n.id, false, i, n.source_path, node_ids);
            }
            check_kind("workflow", model.workflows, false, kind_names);
            check_kind("resource", model.resources, false, kind_names);
            check_kind("table", model.tables, true, kind_names);
            check_kind("function", model.functions, true, kind_names);
            check_kind("data source", model.datasources, false, kind_names);
            check_kind("component", model.components, false, kind_names);
            check_kind("quality rule", model.quality_rules, false, kind_names);
            check_kind("data service", model.services, false, kind_names);
        } catch (...) {
            names_failed = std::current_exception();
        }
    });
    struct Join {
        std::thread& thread;
        ~Join() {
            if (thread.joinable()) thread.join();
        }
    } join{names_pass};

    std::unordered_set<std::string> producible;
    producible.reserve(model.nodes.size() * 2 + model.workflows.size());  // an id and an output a node
    // A dependency is looked at when its node is read; one on a node or workflow not read yet is
    // kept (compact: the node's index and the target) to be looked at again at the end.
    std::vector<std::pair<std::size_t, std::string>> unresolved;
    std::vector<std::pair<std::size_t, sdk::Diagnostic>> command_warnings;
    for (std::size_t i = 0; i < model.nodes.size(); ++i) {
        Node n;  // what the checks below read of it, and no more
        model.nodes.read_fields(i, n, {&n.name, &n.source_path, &n.id, &n.outputs, &n.depends, &n.command});
        if (!n.id.empty()) producible.insert(n.id);
        for (const auto& o : n.outputs) producible.insert(o);
        for (const auto& d : n.depends)
            if (!producible.count(d.target) && !is_root_output(d.target)) unresolved.emplace_back(i, d.target);
        if (!n.command.empty() && !is_general_command(n.command) && !command_known(n.command))
            command_warnings.emplace_back(
                i, sdk::Diagnostic{sdk::Severity::warning, "FERRY-PKG-UNKNOWN-COMMAND",
                                   "node '" + n.name + "' has command type '" + n.command + "', which no engine plugin owns",
                                   "it imports as is; install an engine plugin that owns it to have its code rewritten",
                                   n.source_path});
    }
    names_pass.join();
    if (names_failed) std::rethrow_exception(names_failed);
    diags.append(node_names);
    diags.append(kind_names);
    diags.append(inner_names);
    diags.append(node_ids);
    for (std::size_t i = 0; i < model.workflows.size(); ++i) {
        const Workflow w = model.workflows[i];
        ids.note(w.id, true, i, w.source_path, diags);
        if (!w.id.empty()) producible.insert(w.id);
    }
    for (const auto& t : model.tables) check_table_ddl(t, table_dialect ? table_dialect(t) : product_table_dialect(t), diags);
    for (const auto& d : model.datasources) {
        const auto secrets = config_secret_paths(d.config);
        if (secrets.empty()) continue;
        std::string where;
        for (const auto& p : secrets) where += (where.empty() ? "" : ", ") + (p.empty() ? std::string("the whole config") : p);
        diags.warning("FERRY-PKG-DATASOURCE-SECRET",
                      "data source '" + d.name + "' holds secrets in its config (" + where +
                          "): ferry stores no secrets, so it lands without them",
                      "set its password or keys again in the destination's data source", d.source_path);
    }

    // Dependencies and commands, node by node, in that order; a dependency not producible by the
    // first pass's end is looked at again once the workflows are in too.
    struct NodeWarning {
        std::size_t node;
        std::string target;  // a dependency's; empty for the command's warning
        sdk::Diagnostic warning;
    };
    std::vector<NodeWarning> warnings;
    for (const auto& [index, target] : unresolved) {
        if (producible.count(target)) continue;
        const Node n = model.nodes[index];
        warnings.push_back({index, target,
                            {sdk::Severity::warning, "FERRY-PKG-DEPENDENCY",
                             "node '" + n.name + "' depends on '" + target +
                                 "', which is neither in the package nor a known root output",
                             "the dependency is kept; it resolves only if that output exists in the destination",
                             n.source_path}});
    }
    for (auto& [index, w] : command_warnings) warnings.push_back({index, {}, std::move(w)});
    std::stable_sort(warnings.begin(), warnings.end(), [](const NodeWarning& a, const NodeWarning& b) {
        return a.node != b.node ? a.node < b.node : !a.target.empty() && b.target.empty();
    });
    for (auto& w : warnings) diags.add(std::move(w.warning));
}

}  // namespace ferry::host
