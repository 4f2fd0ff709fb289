#include "workflow_document.hpp"

#include <algorithm>
#include <set>

#include "ascii_text.hpp"
#include "ds_codes.hpp"
#include "json_fields.hpp"
#include "object_names.hpp"
#include "parameters.hpp"
#include "quartz_cron.hpp"

namespace ferry::reader::ds {

namespace {

const char* const kRoot = "业务流程";  // the SPEC layout's root for cycle workflows (docs/package-format.md)

// DolphinScheduler's five priorities on DataWorks' 1-8 scale (larger runs first), order kept;
// 0 for a word DolphinScheduler does not define.
int priority_of(const std::string& p) {
    const std::string u = upper(p);
    if (u == "HIGHEST") return 8;
    if (u == "HIGH") return 7;
    if (u == "MEDIUM" || u.empty()) return 5;  // DolphinScheduler's default
    if (u == "LOW") return 3;
    if (u == "LOWEST") return 1;
    return 0;
}

// FlowSpec's counts and durations are 32-bit integers (rerunTimes, rerunInterval, timeout...).
constexpr std::int64_t kMaxFlowSpecInt = 2147483647;

std::string joined(const std::vector<std::string>& parts) {
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i)
        out += (i == 0 ? "" : i + 1 == parts.size() ? " and " : ", ") + parts[i];
    return out;
}

// A setting's value unless it is unset or one of the values that mean "none".
std::string set_value(const json& obj, const char* key, std::initializer_list<const char*> none) {
    std::string v = text_at(obj, key);
    for (const char* n : none)
        if (v == n) return {};
    return v;
}

json default_output(const std::string& id, const std::string& name) {
    return {{"data", id}, {"artifactType", "NodeOutput"}, {"refTableName", name}, {"isDefault", true}};
}

json depend(const std::string& target, const std::string& output, const std::string& type = "Normal") {
    return {{"nodeId", target}, {"output", output.empty() ? target : output}, {"type", type}};
}

// DEPENDENT's date ranges as DataWorks dependency types: the same cycle, or the previous one.
struct DateMapping {
    std::string type;
    bool exact;
};
DateMapping dependency_type(const std::string& date_value) {
    if (date_value == "today" || date_value == "currentHour" || date_value.empty()) return {"Normal", true};
    if (date_value == "last1Days" || date_value == "last1Hour") return {"CrossCycleDependsOnOtherNode", true};
    if (date_value.rfind("last", 0) == 0) return {"CrossCycleDependsOnOtherNode", false};
    return {"Normal", false};
}

class WorkflowWriter {
  public:
    WorkflowWriter(const PackagePlan& plan, std::size_t index, sdk::Diagnostics& diags)
        : plan_(plan), me_(plan.processes[index]), p_(*me_.process), diags_(diags) {}

    Document run() {
        index_tasks();
        json wf = json::object();
        const bool scheduled = trigger(wf);  // first: nodes that start late copy it
        json nodes = json::array();
        for (const auto& t : p_.tasks) nodes.push_back(node(t));
        json dependencies = json::array();
        for (const auto& t : p_.tasks) {
            const std::string& id = me_.node_id.at(t.key);
            auto it = depends_.find(id);
            if (it != depends_.end() && !it->second.empty())
                dependencies.push_back({{"nodeId", id}, {"depends", it->second}});
        }
        wf["id"] = me_.workflow_id;
        wf["name"] = me_.workflow_name;
        wf["nodes"] = nodes;
        wf["dependencies"] = dependencies;
        wf["outputs"] = {{"nodeOutputs", json::array({default_output(me_.workflow_id, me_.workflow_name)})}};
        if (!p_.description.empty()) wf["description"] = p_.description;
        strategy(wf);
        process_not_carried();
        json params = parameters(p_.global_params, "Workflow", "process '" + p_.name + "': global parameter");
        if (!params.empty()) wf["script"] = {{"parameters", params}};
        wf["dolphinscheduler"] = p_.original;
        json spec = {{"workflows", json::array({wf})}};
        if (json flow = parent_flow(); !flow.empty()) spec["flow"] = flow;
        Document d;
        d.path = std::string("DataStudio/") + kRoot + "/" + me_.workflow_name + "/" + me_.workflow_name + ".schedule.json";
        d.json = {{"version", "1.2.0"}, {"kind", scheduled ? "CycleWorkflow" : "ManualWorkflow"}, {"spec", spec}};
        return d;
    }

  private:
    std::string about(const Task& t) const {
        return "process '" + p_.name + "', task '" + t.name + "' (" + t.type + ")";
    }
    void say(sdk::Severity s, const std::string& code, const std::string& message) {
        diags_.add({s, code, message, {}, p_.entry});
    }

    // Branch targets of CONDITIONS and SWITCH tasks: (branching task key, target key) -> output.
    void index_tasks() {
        for (const auto& t : p_.tasks) task_by_key_.emplace(t.key, &t);
        for (const auto& t : p_.tasks) {
            const std::string type = upper(t.type);
            const std::string& id = me_.node_id.at(t.key);
            if (type == "CONDITIONS") {
                for (const auto& [list, suffix] : {std::pair{"successNode", ".success"}, std::pair{"failedNode", ".failed"}})
                    for (const auto& target : task_refs(at(t.condition_result, list)))
                        branch_out_[{t.key, target}] = id + suffix;
            } else if (type == "SWITCH") {
                const json& result = at(t.params, "switchResult");
                const json& cases = at(result, "dependTaskList");
                if (cases.is_array())
                    for (std::size_t i = 0; i < cases.size(); ++i)
                        for (const auto& target : task_refs(at(cases[i], "nextNode")))
                            branch_out_.emplace(std::pair{t.key, target}, id + ".case_" + std::to_string(i + 1));
                json fallback = at(result, "nextNode");
                if (fallback.is_null()) fallback = at(t.params, "nextNode");
                for (const auto& target : task_refs(fallback))
                    branch_out_.emplace(std::pair{t.key, target}, id + ".default");
            }
        }
        // Every branch target depends on its branch, relation or not.
        for (const auto& [edge, output] : branch_out_) {
            (void)output;
            extra_upstream_[edge.second].insert(edge.first);
        }
    }

    // Task keys a CONDITIONS / SWITCH list names: names in 1.3, codes in 3.x; "" entries skipped.
    // The references that name no task of the process go to `unknown` when it is given.
    std::vector<std::string> task_refs(const json& v, std::vector<std::string>* unknown = nullptr) const {
        std::vector<std::string> out;
        auto add = [&](const json& item) {
            const std::string ref = text(item);
            if (ref.empty() || ref == "0") return;
            if (me_.node_id.count(ref)) out.push_back(ref);
            else if (auto it = me_.key_by_name.find(ref); it != me_.key_by_name.end()) out.push_back(it->second);
            else if (unknown) unknown->push_back(ref);
        };
        if (v.is_array())
            for (const auto& item : v) add(item);
        else if (!v.is_null())
            add(v);
        return out;
    }

    void add_depend(const std::string& node, json entry) {
        auto& list = depends_[node];
        for (const auto& e : list)
            if (e.at("nodeId") == entry.at("nodeId") && e.at("output") == entry.at("output")) return;
        list.push_back(std::move(entry));
    }

    // The node's dependencies inside the workflow, from the relations (fan-in and fan-out alike).
    void upstream_edges(const Task& t) {
        const std::string& id = me_.node_id.at(t.key);
        std::vector<std::string> ups = t.upstream;
        if (auto it = extra_upstream_.find(t.key); it != extra_upstream_.end())
            for (const auto& u : it->second)
                if (std::find(ups.begin(), ups.end(), u) == ups.end()) ups.push_back(u);
        for (const auto& up : ups) {
            const std::string& up_id = me_.node_id.at(up);
            auto branch = branch_out_.find({up, t.key});
            add_depend(id, depend(up_id, branch == branch_out_.end() ? up_id : branch->second));
            // After a SUB_PROCESS task, the sub-workflow it started must have finished too.
            const Task& u = *task_by_key_.at(up);
            if (is_sub_process(u))
                if (const ProcessPlan* child = sub_process_child(u))
                    add_depend(id, depend(child->workflow_id, child->workflow_id));
        }
    }

    static bool is_sub_process(const Task& t) { return !sub_process_key(t).empty(); }
    const ProcessPlan* sub_process_child(const Task& t) const {
        auto it = plan_.by_key.find(sub_process_key(t));
        return it == plan_.by_key.end() ? nullptr : &plan_.processes[it->second];
    }

    json node(const Task& t) {
        const std::string& id = me_.node_id.at(t.key);
        const std::string& name = me_.node_name.at(t.key);
        json n = {{"id", id},
                  {"name", name},
                  {"recurrence", t.forbidden ? "Skip" : "Normal"},
                  {"priority", priority(about(t), t.priority)},
                  {"rerunMode", "Allowed"},
                  {"instanceMode", "T+1"},
                  {"rerunTimes", carried(about(t), "its retry count", t.retries, 1, "")},
                  {"rerunInterval", carried(about(t), "its retry interval", t.retry_interval_minutes, 60 * 1000, " ms")}};
        if (!t.description.empty()) n["description"] = t.description;
        if (!t.worker_group.empty()) n["runtimeResource"] = {{"resourceGroup", t.worker_group}};
        if (t.timeout_on && t.timeout_minutes != 0) {
            if (t.timeout_minutes > 0 && upper(t.timeout_strategy) == "WARN")
                say(sdk::Severity::warning, code::kTimeout,
                    about(t) + ": only warns after " + std::to_string(t.timeout_minutes) +
                        " minutes; DataWorks' node timeout stops the run, so it is not set: add a DataWorks alert rule");
            else if (const std::int64_t seconds =
                         carried(about(t), "its timeout", t.timeout_minutes, 60, " s", "no timeout is set");
                     seconds > 0)
                n["timeout"] = seconds;
        }
        not_carried(t);
        json outputs = json::array({default_output(id, name)});
        const std::string type = upper(t.type);
        // Control tasks run no code: a branch, a join, or a marker (SUB_PROCESS).
        const char* control = type == "CONDITIONS" || type == "SWITCH" ? "CONTROLLER_BRANCH"
                              : type == "DEPENDENT"                    ? "CONTROLLER_JOIN"
                                                                       : "VIRTUAL";
        json script = {{"content", ""}, {"runtime", {{"command", control}}}, {"language", "shell"}};
        json original = t.original;
        if (type == "CONDITIONS") conditions(t, n, outputs);
        else if (type == "SWITCH") switch_task(t, n, outputs);
        else if (type == "DEPENDENT") dependent(t, n);
        else if (is_sub_process(t)) sub_process(t);
        if (!is_control_task(t.type)) {
            NodeCode c = map_code_task(t, plan_.lookups);
            for (const auto& note : c.notes) say(note.severity, note.code, about(t) + ": " + note.message);
            script = {{"content", c.code}, {"runtime", {{"command", c.command}}}, {"language", c.language}};
            if (!c.datasource.is_null()) n["datasource"] = c.datasource;
            if (!c.file_resources.empty()) n["fileResources"] = c.file_resources;
            if (!c.functions.empty()) n["functions"] = c.functions;
            if (!c.scrubbed_original.is_null()) original = std::move(c.scrubbed_original);
        }
        // Parameters: the task's own, then the built-ins its code used directly.
        const json& local = at(t.params, "localParams");
        json params = parameters(local, "NodeParameter", about(t) + ": parameter");
        json variables = output_variables(local);
        std::vector<std::string> taken;
        for (const auto& p : params) taken.push_back(p.at("name").get<std::string>());
        CodeRewrite rewrite = declare_builtins(script["content"].get<std::string>(), taken);
        if (!rewrite.parameters.empty()) {
            script["content"] = rewrite.code;
            std::string list;
            for (const auto& cp : rewrite.parameters) {
                params.push_back({{"name", cp.name}, {"scope", "NodeParameter"}, {"type", "System"}, {"value", cp.value}});
                list += (list.empty() ? "" : ", ") + cp.original + " as ${" + cp.name + "}=" + cp.value;
            }
            say(sdk::Severity::info, code::kParameterInCode,
                about(t) + ": its code uses DolphinScheduler built-ins, which DataWorks replaces only as declared "
                           "parameters: " + list);
        }
        for (const auto& k : rewrite.kept)
            say(sdk::Severity::warning, code::kParameter,
                about(t) + ": its code uses " + k + ", which has no DataWorks equivalent: kept as written");
        if (!params.empty()) script["parameters"] = params;
        n["script"] = script;
        json outs = {{"nodeOutputs", outputs}};
        if (!variables.empty()) outs["variables"] = variables;
        n["outputs"] = outs;
        // A task that starts late: the workflow's trigger with the delay (FlowSpec's delaySeconds).
        if (t.delay_minutes < 0) carried(about(t), "its delay", t.delay_minutes, 60, " s", "it starts on time");
        if (t.delay_minutes > 0 && workflow_trigger_.value("type", "") == "Scheduler") {
            json tr = workflow_trigger_;
            tr["delaySeconds"] = carried(about(t), "its delay", t.delay_minutes, 60, " s");
            n["trigger"] = tr;
        } else if (t.delay_minutes > 0) {
            say(sdk::Severity::warning, code::kTaskType,
                about(t) + ": starts " + std::to_string(t.delay_minutes) +
                    " minutes late, which a node of an unscheduled workflow cannot: the delay is kept under "
                    "\"dolphinscheduler\" only");
        }
        n["dolphinscheduler"] = original;
        upstream_edges(t);
        return n;
    }

    // A DataWorks priority; a word DolphinScheduler does not define is said and written as MEDIUM.
    int priority(const std::string& owner, const std::string& word) {
        if (const int p = priority_of(word)) return p;
        say(sdk::Severity::warning, code::kValue,
            owner + ": has priority '" + word + "', which DolphinScheduler does not define: written as 5 (MEDIUM)");
        return 5;
    }

    // A count or duration in DataWorks' unit (`value` times `scale`), within what FlowSpec holds:
    // one below 0 or past 2^31-1 is said and written as the nearest value it holds.
    // `unset` is what a 0 means where the field is left out when 0 (a timeout, a delay).
    std::int64_t carried(const std::string& owner, const std::string& what, std::int64_t value, std::int64_t scale,
                         const char* unit, const char* unset = nullptr) {
        if (value >= 0 && value <= kMaxFlowSpecInt / scale) return value * scale;
        const std::int64_t nearest = value < 0 ? 0 : kMaxFlowSpecInt / scale * scale;
        say(sdk::Severity::warning, code::kValue,
            owner + ": " + what + " is " + std::to_string(value) + (value < 0 ? ", below 0" : ", more than DataWorks holds") +
                ": " + (nearest == 0 && unset ? std::string(unset) : "written as " + std::to_string(nearest) + unit));
        return nearest;
    }

    // What DolphinScheduler applies to a task that no FlowSpec field holds: kept, and said.
    void not_carried(const Task& t) {
        const json& o = t.original;
        std::vector<std::string> what;
        if (auto v = set_value(o, "environmentCode", {"", "-1", "0"}); !v.empty()) what.push_back("environment " + v);
        if (auto v = set_value(o, "taskGroupId", {"", "-1", "0"}); !v.empty())
            what.push_back("task group " + v + " (priority " + text_at(o, "taskGroupPriority") + ")");
        if (auto v = set_value(o, "cpuQuota", {"", "-1"}); !v.empty()) what.push_back("a CPU quota of " + v + "%");
        if (auto v = set_value(o, "memoryMax", {"", "-1"}); !v.empty()) what.push_back("a memory limit of " + v + " MB");
        if (upper(text_at(o, "isCache")) == "YES") what.push_back("cached results (isCache)");
        if (what.empty()) return;
        say(sdk::Severity::warning, code::kNotCarried,
            about(t) + ": runs with " + joined(what) +
                ", which a DataWorks node has no field for: kept under \"dolphinscheduler\" only; set the like in "
                "DataWorks (resource group, quotas)");
    }

    // The same for the process: how its runs overlap, its alerts, its OUT parameters.
    void process_not_carried() {
        const json& o = p_.original;
        const json& def = at_any(o, {"processDefinition", "workflowDefinition"});
        std::vector<std::string> what;
        const std::string exec = upper(text_at(def, "executionType"));
        if (!exec.empty() && exec != "PARALLEL") what.push_back("execution type " + exec);
        const json& schedule = at(o, "schedule");
        std::string alerts = upper(text_at(schedule, "warningType"));
        if (alerts.empty()) alerts = upper(text_at(o, "scheduleWarningType"));
        if (!alerts.empty() && alerts != "NONE") {
            std::string group = text_at(schedule, "warningGroupId");
            if (group.empty()) group = text_at(o, "scheduleWarningGroupId");
            what.push_back("alerts on " + alerts + (group.empty() || group == "0" ? "" : " to warning group " + group));
        }
        if (p_.global_params.is_array())
            for (const auto& g : p_.global_params)
                if (upper(text_at(g, "direct")) == "OUT" && !text_at(g, "prop").empty())
                    what.push_back("the OUT parameter '" + text_at(g, "prop") + "'");
        if (what.empty()) return;
        say(sdk::Severity::warning, code::kNotCarried,
            "process '" + p_.name + "': has " + joined(what) +
                ", which a DataWorks workflow has no field for: kept under \"dolphinscheduler\" only; set up the "
                "like in DataWorks (alert rules, node outputs)");
    }

    // The condition over upstream states, in the language of SWITCH's conditions.
    std::string state_expression(const Task& t) {
        const json& groups = at(t.dependence, "dependTaskList");
        const std::string outer = upper(text_at(t.dependence, "relation")) == "OR" ? " || " : " && ";
        std::vector<std::string> parts;
        if (groups.is_array())
            for (const auto& g : groups) {
                const std::string inner = upper(text_at(g, "relation")) == "OR" ? " || " : " && ";
                std::vector<std::string> items;
                const json& list = at(g, "dependItemList");
                if (list.is_array())
                    for (const auto& item : list) {
                        std::string ref = text(at_any(item, {"depTaskCode", "depTasks"}));
                        std::string label = ref;
                        if (me_.node_id.count(ref)) label = me_.node_name.at(ref);
                        else if (auto it = me_.key_by_name.find(ref); it != me_.key_by_name.end())
                            label = me_.node_name.at(it->second);
                        const std::string state = text_at(item, "status").empty() ? "SUCCESS" : text_at(item, "status");
                        items.push_back("${" + label + ".status} == \"" + state + "\"");
                    }
                if (items.empty()) continue;
                std::string joined;
                for (const auto& i : items) joined += (joined.empty() ? "" : inner) + i;
                parts.push_back(items.size() > 1 && groups.size() > 1 ? "(" + joined + ")" : joined);
            }
        std::string all;
        for (const auto& p : parts) all += (all.empty() ? "" : outer) + p;
        return all.empty() ? "true" : all;
    }

    json branch_output(const std::string& data, const std::string& target_name) {
        return {{"data", data}, {"artifactType", "NodeOutput"}, {"refTableName", target_name}};
    }

    // CONDITIONS: a branch node with both ways out, success and failure.
    void conditions(const Task& t, json& n, json& outputs) {
        const std::string& id = me_.node_id.at(t.key);
        const std::string expr = state_expression(t);
        json branches = json::array();
        for (const auto& [list, suffix, when, desc] :
             {std::tuple{"successNode", ".success", expr, "successNode"},
              std::tuple{"failedNode", ".failed", "!(" + expr + ")", "failedNode"}}) {
            std::string targets;
            std::vector<std::string> unknown;
            for (const auto& k : task_refs(at(t.condition_result, list), &unknown))
                targets += (targets.empty() ? "" : ",") + me_.node_name.at(k);
            unknown_targets(t, desc, unknown);
            json out = branch_output(id + suffix, targets);
            outputs.push_back(out);
            branches.push_back({{"when", when}, {"desc", desc}, {"output", out}});
        }
        n["branch"] = {{"branches", branches}};
        say(sdk::Severity::warning, code::kCondition,
            about(t) + ": branches on the states of its upstream tasks (" + expr +
                "); DataWorks' branch node evaluates parameters, so review the conditions after import");
    }

    // A branch whose targets name no task of the process leads nowhere there: said, by name.
    void unknown_targets(const Task& t, const std::string& branch, const std::vector<std::string>& unknown) {
        for (const auto& ref : unknown)
            say(sdk::Severity::warning, code::kCondition,
                about(t) + ": its " + branch + " branch goes to task '" + ref +
                    "', which the process does not define: that branch leads to no node; fix the task in "
                    "DolphinScheduler or add the branch's target in DataWorks");
    }

    // SWITCH: a branch node with one branch per case and the default.
    void switch_task(const Task& t, json& n, json& outputs) {
        const std::string& id = me_.node_id.at(t.key);
        const json& result = at(t.params, "switchResult");
        const json& cases = at(result, "dependTaskList");
        json branches = json::array();
        std::string none_matched;
        if (cases.is_array())
            for (std::size_t i = 0; i < cases.size(); ++i) {
                const std::string condition = text_at(cases[i], "condition");
                std::string targets;
                std::vector<std::string> unknown;
                for (const auto& k : task_refs(at(cases[i], "nextNode"), &unknown))
                    targets += (targets.empty() ? "" : ",") + me_.node_name.at(k);
                unknown_targets(t, "case " + std::to_string(i + 1), unknown);
                json out = branch_output(id + ".case_" + std::to_string(i + 1), targets);
                outputs.push_back(out);
                branches.push_back({{"when", condition}, {"desc", "case " + std::to_string(i + 1)}, {"output", out}});
                none_matched += (none_matched.empty() ? "" : " && ") + std::string("!(") + condition + ")";
            }
        json fallback = at(result, "nextNode");
        if (fallback.is_null()) fallback = at(t.params, "nextNode");
        std::string targets;
        std::vector<std::string> unknown;
        for (const auto& k : task_refs(fallback, &unknown)) targets += (targets.empty() ? "" : ",") + me_.node_name.at(k);
        unknown_targets(t, "default", unknown);
        json out = branch_output(id + ".default", targets);
        outputs.push_back(out);
        branches.push_back({{"when", none_matched.empty() ? "true" : none_matched}, {"desc", "default"}, {"output", out}});
        n["branch"] = {{"branches", branches}};
        say(sdk::Severity::warning, code::kCondition,
            about(t) + ": its conditions are kept as written (DolphinScheduler evaluates them as JavaScript over "
                       "its parameters; DataWorks' branch node reads Python expressions): review them after import");
    }

    // DEPENDENT: a join node over the tasks and workflows it waits for, with DolphinScheduler's
    // AND / OR relations as the join's logic; each one is a (cross-workflow) dependency.
    void dependent(const Task& t, json& n) {
        const std::string& id = me_.node_id.at(t.key);
        const json& groups = at(t.dependence, "dependTaskList");
        const std::string outer = upper(text_at(t.dependence, "relation")) == "OR" ? " or " : " and ";
        json branches = json::array();
        std::vector<std::string> parts;
        int counter = 0;
        if (groups.is_array())
            for (const auto& g : groups) {
                const std::string inner = upper(text_at(g, "relation")) == "OR" ? " or " : " and ";
                std::string joined;
                std::size_t count = 0;
                const json& list = at(g, "dependItemList");
                if (list.is_array())
                    for (const auto& item : list) {
                        const auto [target, label] = dependent_target(t, item);
                        if (target.empty()) continue;
                        const DateMapping dm = dependency_type(text_at(item, "dateValue"));
                        if (!dm.exact)
                            say(sdk::Severity::warning, code::kDependentDate,
                                about(t) + ": waits for " + label + " over '" + text_at(item, "dateValue") +
                                    "' (cycle " + text_at(item, "cycle") +
                                    "), which DataWorks' dependencies cannot express: written as a " + dm.type +
                                    " dependency");
                        add_depend(id, depend(target, target, dm.type));
                        const std::string bname = "b" + std::to_string(++counter);
                        std::string state = text_at(item, "state");
                        if (state.empty()) state = "SUCCESS";
                        branches.push_back({{"name", bname},
                                            {"nodeId", target},
                                            {"assertion", {{"field", "status"}, {"in", json::array({state})}}}});
                        joined += (joined.empty() ? "" : inner) + bname;
                        ++count;
                    }
                if (count == 0) continue;
                parts.push_back(count > 1 && groups.size() > 1 ? "(" + joined + ")" : joined);
            }
        std::string expression;
        for (const auto& p : parts) expression += (expression.empty() ? "" : outer) + p;
        n["join"] = {{"branches", branches}, {"logic", {{"expression", expression}}}};
        if (branches.empty())
            say(sdk::Severity::warning, code::kDependent, about(t) + ": depends on nothing: it becomes an empty join");
    }

    // The node (or, for a whole process, the workflow) a DEPENDENT item waits for, and a label.
    std::pair<std::string, std::string> dependent_target(const Task& t, const json& item) {
        const Layout layout = p_.layout;
        const std::string process_key = text(at_any(item, {"definitionCode", "workflowDefinitionCode", "definitionId"}));
        std::string task_ref = text(at_any(item, {"depTaskCode", "depTasks"}));
        const bool whole = task_ref.empty() || task_ref == "0" || upper(task_ref) == "ALL";
        auto it = plan_.by_key.find(process_key);
        const ProcessPlan* target = it == plan_.by_key.end() ? nullptr : &plan_.processes[it->second];
        std::string label = target ? "process '" + target->process->name + "'"
                                   : "process '" + (text_at(item, "definitionName").empty() ? process_key
                                                                                             : text_at(item, "definitionName")) + "'";
        if (process_key.empty()) {
            say(sdk::Severity::warning, code::kDependent, about(t) + ": an item names no process: it is left out");
            return {};
        }
        if (whole) {
            if (!target) outside(t, label, workflow_id_for(layout, process_key), process_key);
            return {workflow_id_for(layout, process_key), label};
        }
        // One task of that process: by code in 3.x, by name in 1.3.
        if (target) {
            std::string key = task_ref;
            if (!target->node_id.count(key))
                if (auto k = target->key_by_name.find(task_ref); k != target->key_by_name.end()) key = k->second;
            if (auto nid = target->node_id.find(key); nid != target->node_id.end())
                return {nid->second, label + ", task '" + target->node_name.at(key) + "'"};
            say(sdk::Severity::error, code::kRelation,
                about(t) + ": depends on task '" + task_ref + "' of " + label + ", which that process does not define");
            return {};
        }
        const std::string nid = node_id_for(layout, process_key, task_ref);
        outside(t, label + ", task '" + task_ref + "'", nid, process_key);
        return {nid, label + ", task '" + task_ref + "'"};
    }

    void outside(const Task& t, const std::string& what, const std::string& id, const std::string& process_key) {
        say(sdk::Severity::warning, code::kDependent,
            about(t) + ": depends on " + what + ", which " + not_written(process_key) + ": the dependency names id '" +
                id + "' and resolves only if that is imported too");
    }

    // Why a process the plan lacks is not there: refused (its error said why), or not exported.
    std::string not_written(const std::string& process_key) const {
        return plan_.refused.count(process_key) ? "is refused (its error above says why)" : "the export does not hold";
    }

    // SUB_PROCESS: a marker node; the sub-workflow depends on it, the tasks after it on the
    // sub-workflow (upstream_edges).
    void sub_process(const Task& t) {
        const ProcessPlan* child = sub_process_child(t);
        if (!child)
            say(sdk::Severity::warning, code::kSubProcess,
                about(t) + ": runs process " + sub_process_key(t) + ", which " + not_written(sub_process_key(t)) +
                    ": the node runs nothing; import that process and make it depend on this node");
    }

    // This workflow run by SUB_PROCESS tasks: it depends on each of them.
    json parent_flow() {
        json flow = json::array();
        auto it = plan_.parents.find(p_.key);
        if (it == plan_.parents.end()) return flow;
        json depends = json::array();
        for (const auto& [parent, task_key] : it->second)
            depends.push_back(depend(plan_.processes[parent].node_id.at(task_key), plan_.processes[parent].node_id.at(task_key)));
        flow.push_back({{"nodeId", me_.workflow_id}, {"depends", depends}});
        if (it->second.size() > 1)
            say(sdk::Severity::warning, code::kSubProcess,
                "process '" + p_.name + "' is the sub-process of " + std::to_string(it->second.size()) +
                    " tasks: DataWorks runs it once, after all of them");
        return flow;
    }

    const Schedule* effective_schedule(bool& inherited) const {
        inherited = false;
        if (p_.schedule.present) return &p_.schedule;
        auto it = plan_.parents.find(p_.key);
        if (it == plan_.parents.end()) return nullptr;
        for (const auto& [parent, task_key] : it->second) {
            (void)task_key;
            const Process& pp = *plan_.processes[parent].process;
            if (pp.schedule.present) {
                inherited = true;
                return &pp.schedule;
            }
        }
        return nullptr;
    }

    bool trigger(json& wf) {
        bool inherited = false;
        const Schedule* s = effective_schedule(inherited);
        if (!s) {
            workflow_trigger_ = {{"type", "Manual"}};
            wf["trigger"] = workflow_trigger_;
            return false;
        }
        json tr = {{"type", "Scheduler"}};
        const CronConversion c = quartz_to_dataworks(s->crontab);
        for (const auto& note : c.notes) say(note.severity, note.code, "process '" + p_.name + "': " + note.message);
        tr["cron"] = c.ok ? c.cron : s->crontab;
        std::string start = s->start_time, end = s->end_time;
        if (c.year_from) {
            const std::string from = std::to_string(*c.year_from) + "-01-01 00:00:00";
            if (start.empty() || start < from) start = from;
        }
        if (c.year_to) {
            const std::string to = std::to_string(*c.year_to) + "-12-31 23:59:59";
            if (end.empty() || end > to) end = to;
        }
        if (!start.empty()) tr["startTime"] = start;
        if (!end.empty()) tr["endTime"] = end;
        if (!s->timezone.empty()) tr["timezone"] = s->timezone;
        if (inherited)
            say(sdk::Severity::info, code::kSubProcess,
                "process '" + p_.name + "' has no schedule of its own: as a sub-process it takes its parent's, so it "
                                        "can depend on the parent's SUB_PROCESS task");
        else if (upper(s->release_state) == "OFFLINE")
            say(sdk::Severity::info, code::kScheduleOffline,
                "process '" + p_.name + "': its schedule was offline in DolphinScheduler; it imports as written ('" +
                    tr["cron"].get<std::string>() + "'): pause the workflow in DataWorks if it should not run");
        workflow_trigger_ = tr;
        wf["trigger"] = tr;
        return true;
    }

    void strategy(json& wf) {
        json st = {{"instanceMode", "T+1"}, {"rerunMode", "Allowed"}};
        if (p_.schedule.present) {
            if (!p_.schedule.priority.empty()) st["priority"] = priority("process '" + p_.name + "'", p_.schedule.priority);
            const std::string fs = upper(p_.schedule.failure_strategy);
            if (fs == "CONTINUE") st["failureStrategy"] = "Continue";
            else if (fs == "END") st["failureStrategy"] = "Break";
        }
        if (p_.timeout_minutes != 0)
            if (const std::int64_t seconds = carried("process '" + p_.name + "'", "its timeout", p_.timeout_minutes, 60, " s",
                                                     "no timeout is set");
                seconds > 0)
                st["timeout"] = seconds;
        wf["strategy"] = st;
    }

    // DolphinScheduler's IN parameters as script parameters, their values in DataWorks' words.
    json parameters(const json& list, const char* scope, const std::string& owner) {
        json out = json::array();
        if (!list.is_array()) return out;
        for (const auto& p : list) {
            if (upper(text_at(p, "direct")) == "OUT") continue;
            const std::string name = text_at(p, "prop");
            if (name.empty()) continue;
            const Translation tr = translate_value(text_at(p, "value"));
            for (const auto& k : tr.kept)
                say(sdk::Severity::warning, code::kParameter,
                    owner + " '" + name + "' uses " + k + ", which has no DataWorks equivalent: kept as written");
            out.push_back({{"name", name},
                           {"scope", scope},
                           {"type", tr.text.find('$') != std::string::npos ? "System" : "Constant"},
                           {"value", tr.text}});
        }
        return out;
    }

    // OUT parameters: what the task passes on to the tasks after it.
    static json output_variables(const json& list) {
        json out = json::array();
        if (!list.is_array()) return out;
        for (const auto& p : list)
            if (upper(text_at(p, "direct")) == "OUT" && !text_at(p, "prop").empty())
                out.push_back({{"name", text_at(p, "prop")},
                               {"scope", "NodeContext"},
                               {"type", "NodeOutput"},
                               {"value", text_at(p, "value")}});
        return out;
    }

    const PackagePlan& plan_;
    const ProcessPlan& me_;
    const Process& p_;
    sdk::Diagnostics& diags_;
    std::map<std::pair<std::string, std::string>, std::string> branch_out_;
    std::map<std::string, std::set<std::string>> extra_upstream_;
    std::map<std::string, json> depends_;  // node id -> depends[]
    std::map<std::string, const Task*> task_by_key_;
    json workflow_trigger_ = json::object();
};

}  // namespace

std::string workflow_id_for(Layout layout, const std::string& process_key) {
    return layout == Layout::v1 ? "ds13-" + process_key : process_key;
}

std::string node_id_for(Layout layout, const std::string& process_key, const std::string& task_key) {
    return layout == Layout::v1 ? "ds13-" + process_key + "-" + task_key : task_key;
}

PackagePlan plan_package(const std::vector<const Process*>& processes, Lookups lookups, sdk::Diagnostics& diags) {
    PackagePlan plan;
    plan.lookups = std::move(lookups);
    NameScope workflow_names;
    for (const Process* p : processes) {
        ProcessPlan pp;
        pp.process = p;
        pp.workflow_id = workflow_id_for(p->layout, p->key);
        const std::string acceptable = acceptable_name(p->name);
        pp.workflow_name = workflow_names.claim(acceptable);
        if (pp.workflow_name != p->name)
            diags.add({sdk::Severity::warning, code::kName,
                       "process '" + p->name + "' is named '" + pp.workflow_name + "' in DataWorks" +
                           (acceptable != p->name ? std::string(" (names hold letters, digits, '_', '.' and '-')")
                                                  : std::string(" (another process has its name)")),
                       {}, p->entry});
        NameScope node_names;
        for (const auto& t : p->tasks) {
            pp.node_id[t.key] = node_id_for(p->layout, p->key, t.key);
            const std::string ok = acceptable_name(t.name);
            const std::string name = node_names.claim(ok);
            pp.node_name[t.key] = name;
            pp.key_by_name.emplace(t.name, t.key);
            if (name != t.name)
                diags.add({sdk::Severity::warning, code::kName,
                           "process '" + p->name + "', task '" + t.name + "' is named '" + name + "' in DataWorks" +
                               (ok != t.name ? std::string(" (names hold letters, digits, '_', '.' and '-')")
                                             : std::string(" (another task has its name)")),
                           {}, p->entry});
        }
        plan.by_key.emplace(p->key, plan.processes.size());
        plan.processes.push_back(std::move(pp));
    }
    for (std::size_t i = 0; i < plan.processes.size(); ++i)
        for (const auto& t : plan.processes[i].process->tasks)
            if (const std::string child = sub_process_key(t); plan.by_key.count(child))
                plan.parents[child].push_back({i, t.key});
    return plan;
}

std::string sub_process_key(const Task& t) {
    const std::string type = upper(t.type);
    if (type != "SUB_PROCESS" && type != "SUB_WORKFLOW") return {};
    const std::string key = text(at_any(t.params, {"processDefinitionCode", "workflowDefinitionCode", "processDefinitionId"}));
    return key.empty() ? "(none)" : key;
}

std::vector<const Process*> without_sub_process_loops(const std::vector<const Process*>& processes,
                                                      sdk::Diagnostics& diags) {
    const std::size_t n = processes.size();
    std::map<std::string, std::size_t> index_of;
    for (std::size_t i = 0; i < n; ++i) index_of.emplace(processes[i]->key, i);
    std::vector<std::vector<std::size_t>> children(n);
    for (std::size_t i = 0; i < n; ++i)
        for (const auto& t : processes[i]->tasks)
            if (auto it = index_of.find(sub_process_key(t)); it != index_of.end()) children[i].push_back(it->second);
    // The processes that run each other are the strongly connected components of "runs" (Tarjan's
    // algorithm, with a stack of its own: a chain of sub-processes may be long). A component of
    // more than one process, or one that runs itself, is a loop: every process in it is refused,
    // not only those on the first loop a walk meets.
    constexpr std::size_t kNone = static_cast<std::size_t>(-1);
    std::vector<std::size_t> order(n, kNone), low(n, 0), component(n, kNone);
    std::vector<bool> stacked(n, false);
    std::vector<std::size_t> stack;
    std::size_t counter = 0, components = 0;
    for (std::size_t root = 0; root < n; ++root) {
        if (order[root] != kNone) continue;
        std::vector<std::pair<std::size_t, std::size_t>> walk{{root, 0}};  // (process, next child)
        order[root] = low[root] = counter++;
        stack.push_back(root);
        stacked[root] = true;
        while (!walk.empty()) {
            const std::size_t v = walk.back().first;
            if (walk.back().second < children[v].size()) {
                const std::size_t w = children[v][walk.back().second++];
                if (order[w] == kNone) {
                    order[w] = low[w] = counter++;
                    stack.push_back(w);
                    stacked[w] = true;
                    walk.emplace_back(w, 0);
                } else if (stacked[w]) {
                    low[v] = std::min(low[v], order[w]);
                }
                continue;
            }
            walk.pop_back();
            if (!walk.empty()) low[walk.back().first] = std::min(low[walk.back().first], low[v]);
            if (low[v] == order[v]) {
                std::size_t w;
                do {
                    w = stack.back();
                    stack.pop_back();
                    stacked[w] = false;
                    component[w] = components;
                } while (w != v);
                ++components;
            }
        }
    }
    std::vector<std::vector<std::size_t>> members(components);
    for (std::size_t i = 0; i < n; ++i) members[component[i]].push_back(i);  // in the export's order
    std::vector<bool> refused(n, false);
    for (const auto& m : members) {
        const std::size_t first = m.front();
        const bool loops = m.size() > 1 || std::find(children[first].begin(), children[first].end(), first) != children[first].end();
        if (!loops) continue;
        // One loop through the first process, found breadth first within the component, to name.
        std::map<std::size_t, std::size_t> parent;
        std::vector<std::size_t> queue{first};
        std::size_t last = kNone;
        for (std::size_t q = 0; q < queue.size() && last == kNone; ++q)
            for (const std::size_t w : children[queue[q]]) {
                if (component[w] != component[first]) continue;
                if (w == first) {
                    last = queue[q];
                    break;
                }
                if (parent.emplace(w, queue[q]).second) queue.push_back(w);
            }
        std::vector<std::size_t> loop{last};
        while (loop.back() != first) loop.push_back(parent.at(loop.back()));
        std::string named;  // first runs ... runs last runs first
        for (auto it = loop.rbegin(); it != loop.rend(); ++it) named += "'" + processes[*it]->name + "' runs ";
        named += "'" + processes[first]->name + "'";
        std::string others;
        for (const std::size_t i : m)
            if (std::find(loop.begin(), loop.end(), i) == loop.end())
                others += (others.empty() ? "" : ", ") + ("'" + processes[i]->name + "'");
        for (const std::size_t i : m) refused[i] = true;
        diags.error(code::kCycle,
                    "process '" + processes[first]->name + "' runs itself through SUB_PROCESS tasks: " + named +
                        (others.empty() ? "" : " (and " + others + ", which run each other with them)"),
                    "a sub-process cannot run a process that runs it; fix the processes in DolphinScheduler",
                    processes[first]->entry);
    }
    std::vector<const Process*> kept;
    for (std::size_t i = 0; i < processes.size(); ++i)
        if (!refused[i]) kept.push_back(processes[i]);
    return kept;
}

Document workflow_document(const PackagePlan& plan, std::size_t index, sdk::Diagnostics& diags) {
    return WorkflowWriter(plan, index, diags).run();
}

}  // namespace ferry::reader::ds
