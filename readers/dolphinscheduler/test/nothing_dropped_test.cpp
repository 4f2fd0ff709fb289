// What the reader cannot carry is said, by name, never dropped or changed in silence: a UDF the
// export lacks, a branch to a task the process lacks, settings DataWorks has no field for, values
// DataWorks cannot hold, sub-processes that run each other, 1.3 tasks sharing an id.
#include "ds_test_support.hpp"

namespace ferry::reader::ds::testing {
namespace {

const char* const kPage = "projects/p/processDefinition/process_definitions_page_1.json";

json task3(long long code, const std::string& name, const std::string& type, json params, json extra = json::object()) {
    json t = {{"code", code}, {"name", name}, {"taskType", type}, {"taskParams", std::move(params)}};
    for (auto& [k, v] : extra.items()) t[k] = v;
    return t;
}

json definition(long long code, const std::string& name, json tasks, json relations = json::array(),
                json extra = json::object()) {
    json d = {{"processDefinition", {{"code", code}, {"name", name}}},
              {"processTaskRelationList", std::move(relations)},
              {"taskDefinitionList", std::move(tasks)}};
    for (auto& [k, v] : extra.items()) d[k] = v;
    return d;
}

// A SUB_PROCESS task running the process of code `target`, named run_<target>.
json sub(long long code, long long target) {
    return task3(code, "run_" + std::to_string(target), "SUB_PROCESS", {{"processDefinitionCode", target}});
}

json starts(long long code) { return {{"preTaskCode", 0}, {"postTaskCode", code}}; }

Written run_pages(const json& definitions, const json& udfs = nullptr) {
    Folder f("dropped");
    f.file("package_info.json", json{{"version", "3.1.0"}}).file(kPage, definitions);
    if (!udfs.is_null()) f.file("udfFunction/udf_function_page_1.json", udfs);
    return run(f.path());
}

const sdk::Diagnostic* said(const Written& w, const std::string& code, const std::string& summary) {
    for (const auto& d : w.diagnostics.items())
        if (d.code == code && d.summary == summary) return &d;
    ADD_FAILURE() << "no " << code << " '" << summary << "' in\n" << dump(w.diagnostics);
    return nullptr;
}

TEST(NothingDropped, AUdfTheExportLacksIsSaid) {
    const json sql = task3(1, "q", "SQL",
                           {{"type", "MYSQL"}, {"datasource", 0}, {"sql", "select f(1)"}, {"udfs", "5, 7,,"}});
    const Written w = run_pages(json::array({definition(10, "p", json::array({sql}), json::array({starts(1)}))}),
                                json::parse(R"([{"id": 5, "funcName": "f", "className": "a.F", "type": "HIVE"}])"));
    const json n = node(workflow(w, "p"), "q");
    EXPECT_EQ(n["functions"], json::parse(R"([{"name": "f"}])"));
    const auto* d = said(w, "FERRY-DS-FUNCTION",
                         "process 'p', task 'q' (SQL): uses UDF id 7, which the export does not describe: the node "
                         "declares no function for it; export the UDF with the project, or create the function in "
                         "DataWorks");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->severity, sdk::Severity::warning);
    EXPECT_EQ(d->where, kPage);
    EXPECT_EQ(count(w.diagnostics, "FERRY-DS-FUNCTION"), 1) << "id 5 is in the export; empty ids are no ids";
}

TEST(NothingDropped, BranchesToTasksTheProcessLacksAreSaid) {
    const json tasks = json::array(
        {task3(1, "a", "SHELL", {{"rawScript", "echo"}}),
         task3(2, "cond", "CONDITIONS",
               {{"dependence", {{"relation", "AND"}, {"dependTaskList", json::array()}}},
                {"conditionResult", {{"successNode", json::array({3})}, {"failedNode", json::array({98})}}}}),
         task3(3, "b", "SHELL", {{"rawScript", "echo"}}),
         task3(4, "sw", "SWITCH",
               {{"switchResult",
                 {{"dependTaskList", json::array({{{"condition", "${x} == 1"}, {"nextNode", 3}},
                                                  {{"condition", "${x} == 2"}, {"nextNode", 97}}})},
                  {"nextNode", 96}}}})});
    const json relations = json::array({starts(1), {{"preTaskCode", 1}, {"postTaskCode", 2}},
                                        {{"preTaskCode", 2}, {"postTaskCode", 3}}, {{"preTaskCode", 1}, {"postTaskCode", 4}}});
    const Written w = run_pages(json::array({definition(10, "p", tasks, relations)}));
    said(w, "FERRY-DS-CONDITION",
         "process 'p', task 'cond' (CONDITIONS): its failedNode branch goes to task '98', which the process does "
         "not define: that branch leads to no node; fix the task in DolphinScheduler or add the branch's target in "
         "DataWorks");
    said(w, "FERRY-DS-CONDITION",
         "process 'p', task 'sw' (SWITCH): its case 2 branch goes to task '97', which the process does not define: "
         "that branch leads to no node; fix the task in DolphinScheduler or add the branch's target in DataWorks");
    said(w, "FERRY-DS-CONDITION",
         "process 'p', task 'sw' (SWITCH): its default branch goes to task '96', which the process does not "
         "define: that branch leads to no node; fix the task in DolphinScheduler or add the branch's target in "
         "DataWorks");
    // The branches stay, each with its output: the known target is still wired.
    const json wf = workflow(w, "p");
    EXPECT_EQ(node(wf, "sw")["branch"]["branches"].size(), 3u);
    EXPECT_EQ(depends(wf, node(wf, "b")), (std::vector<std::string>{"2@2.success", "4@4.case_1"}));
}

TEST(NothingDropped, SettingsDataWorksHasNoFieldForAreSaid) {
    const json shell = task3(1, "s", "SHELL", {{"rawScript", "echo"}},
                             {{"environmentCode", 133}, {"taskGroupId", 4}, {"taskGroupPriority", 2}, {"cpuQuota", 50},
                              {"memoryMax", 1024}, {"isCache", "YES"}});
    const json plain = task3(2, "t", "SHELL", {{"rawScript", "echo"}},
                             {{"environmentCode", -1}, {"taskGroupId", 0}, {"cpuQuota", -1}, {"memoryMax", -1},
                              {"isCache", "NO"}});
    json d = definition(10, "p", json::array({shell, plain}), json::array({starts(1), starts(2)}),
                        {{"schedule", {{"crontab", "0 0 1 * * ? *"}, {"warningType", "FAILURE"}, {"warningGroupId", 3}}}});
    d["processDefinition"]["executionType"] = "SERIAL_WAIT";
    d["processDefinition"]["globalParamList"] =
        json::parse(R"([{"prop":"in1","direct":"IN","type":"VARCHAR","value":"1"},{"prop":"out1","direct":"OUT","type":"VARCHAR","value":""}])");
    const Written w = run_pages(json::array({d}));
    said(w, "FERRY-DS-NOT-CARRIED",
         "process 'p', task 's' (SHELL): runs with environment 133, task group 4 (priority 2), a CPU quota of 50%, a "
         "memory limit of 1024 MB and cached results (isCache), which a DataWorks node has no field for: kept under "
         "\"dolphinscheduler\" only; set the like in DataWorks (resource group, quotas)");
    said(w, "FERRY-DS-NOT-CARRIED",
         "process 'p': has execution type SERIAL_WAIT, alerts on FAILURE to warning group 3 and the OUT parameter "
         "'out1', which a DataWorks workflow has no field for: kept under \"dolphinscheduler\" only; set up the like "
         "in DataWorks (alert rules, node outputs)");
    EXPECT_EQ(count(w.diagnostics, "FERRY-DS-NOT-CARRIED"), 2) << "task 't' has DolphinScheduler's defaults";
    EXPECT_EQ(node(workflow(w, "p"), "s")["dolphinscheduler"]["cpuQuota"], 50) << "kept whole";
}

TEST(NothingDropped, ValuesDataWorksCannotHoldAreSaid) {
    const json odd = task3(1, "s", "SHELL", {{"rawScript", "echo"}},
                           {{"taskPriority", "URGENT"}, {"failRetryTimes", -2}, {"failRetryInterval", 1e30},
                            {"timeoutFlag", "OPEN"}, {"timeoutNotifyStrategy", "FAILED"}, {"timeout", 40000000}});
    // A count past int64 saturates (it wrapped to a negative); a float code past long long is kept
    // as written (its cast was undefined); a negative delay is said.
    const json big = task3(2, "b", "SHELL", {{"rawScript", "echo"}},
                           {{"failRetryTimes", 18446744073709551615ull}, {"delayTime", -5}});
    json huge_code = task3(0, "h", "SHELL", {{"rawScript", "echo"}});
    huge_code["code"] = 1e30;
    json top_code = task3(0, "u", "SHELL", {{"rawScript", "echo"}});
    top_code["code"] = 18446744073709551615ull;
    const Written w = run_pages(json::array(
        {definition(10, "p", json::array({odd, big, huge_code, top_code}),
                    json::array({starts(1), starts(2), json{{"preTaskCode", 0}, {"postTaskCode", 1e30}},
                                 json{{"preTaskCode", 0}, {"postTaskCode", 18446744073709551615ull}}}))}));
    EXPECT_EQ(node(workflow(w, "p"), "b")["rerunTimes"], 2147483647);
    EXPECT_EQ(node(workflow(w, "p"), "h")["id"], "1e+30");
    EXPECT_EQ(node(workflow(w, "p"), "u")["id"], "18446744073709551615") << "not wrapped to -1";
    said(w, "FERRY-DS-VALUE",
         "process 'p', task 'b' (SHELL): its retry count is 9223372036854775807, more than DataWorks holds: written "
         "as 2147483647");
    said(w, "FERRY-DS-VALUE", "process 'p', task 'b' (SHELL): its delay is -5, below 0: it starts on time");
    const json n = node(workflow(w, "p"), "s");
    EXPECT_EQ(n["priority"], 5);
    EXPECT_EQ(n["rerunTimes"], 0);
    EXPECT_EQ(n["rerunInterval"], 2147460000);
    EXPECT_EQ(n["timeout"], 2147483640);
    const std::string about = "process 'p', task 's' (SHELL): ";
    said(w, "FERRY-DS-VALUE", about + "has priority 'URGENT', which DolphinScheduler does not define: written as 5 (MEDIUM)");
    said(w, "FERRY-DS-VALUE", about + "its retry count is -2, below 0: written as 0");
    said(w, "FERRY-DS-VALUE",
         about + "its retry interval is 9223372036854775807, more than DataWorks holds: written as 2147460000 ms");
    said(w, "FERRY-DS-VALUE", about + "its timeout is 40000000, more than DataWorks holds: written as 2147483640 s");
}

TEST(NothingDropped, SubProcessesThatRunEachOtherAreRefused) {
    const json a = definition(10, "a", json::array({sub(1, 20)}), json::array({starts(1)}));
    const json b = definition(20, "b", json::array({sub(2, 10)}), json::array({starts(2)}));
    const json c = definition(30, "c", json::array({sub(3, 10)}), json::array({starts(3)}));
    const json self = definition(40, "self", json::array({sub(4, 40)}), json::array({starts(4)}));
    const Written w = run_pages(json::array({a, b, c, self}));
    const auto* loop = said(w, "FERRY-DS-CYCLE",
                            "process 'a' runs itself through SUB_PROCESS tasks: 'a' runs 'b' runs 'a'");
    ASSERT_TRUE(loop);
    EXPECT_EQ(loop->severity, sdk::Severity::error);
    EXPECT_EQ(loop->where, kPage);
    said(w, "FERRY-DS-CYCLE", "process 'self' runs itself through SUB_PROCESS tasks: 'self' runs 'self'");
    EXPECT_FALSE(w.documents.count(workflow_path("a")));
    EXPECT_FALSE(w.documents.count(workflow_path("b")));
    EXPECT_FALSE(w.documents.count(workflow_path("self")));
    ASSERT_TRUE(w.documents.count(workflow_path("c"))) << "a process that runs the loop is still written";
    said(w, "FERRY-DS-SUBPROCESS",
         "process 'c', task 'run_10' (SUB_PROCESS): runs process 10, which is refused (its error above says why): the "
         "node runs nothing; import that process and make it depend on this node");
}

// A process refused while it was read (here: a relation to a task it lacks) is "refused" to the
// processes that run it, not "not in the export".
TEST(NothingDropped, ARunOfAProcessRefusedWhileReadSaysRefused) {
    json bad = definition(20, "bad", json::array({task3(2, "t", "SHELL", {{"rawScript", "echo"}})}),
                          json::array({starts(2), json{{"preTaskCode", 99}, {"postTaskCode", 2}}}));
    const json parent = definition(10, "parent",
                                   json::array({task3(1, "run_bad", "SUB_PROCESS", {{"processDefinitionCode", 20}})}),
                                   json::array({starts(1)}));
    const Written w = run_pages(json::array({parent, bad}));
    ASSERT_TRUE(find(w.diagnostics, "FERRY-DS-RELATION")) << dump(w.diagnostics);
    said(w, "FERRY-DS-SUBPROCESS",
         "process 'parent', task 'run_bad' (SUB_PROCESS): runs process 20, which is refused (its error above says "
         "why): the node runs nothing; import that process and make it depend on this node");
}

// Every process on a loop is refused, not only those on the first loop a walk meets: x runs y and
// z, y runs x, z runs y (z -> y -> x -> z is a loop too).
TEST(NothingDropped, EveryProcessOnASubProcessLoopIsRefused) {
    const json x = definition(10, "x", json::array({sub(1, 20), sub(2, 30)}), json::array({starts(1), starts(2)}));
    const json y = definition(20, "y", json::array({sub(3, 10)}), json::array({starts(3)}));
    const json z = definition(30, "z", json::array({sub(4, 20)}), json::array({starts(4)}));
    const json free = definition(40, "free", json::array({task3(5, "s", "SHELL", {{"rawScript", "echo"}})}),
                                 json::array({starts(5)}));
    const Written w = run_pages(json::array({x, y, z, free}));
    said(w, "FERRY-DS-CYCLE",
         "process 'x' runs itself through SUB_PROCESS tasks: 'x' runs 'y' runs 'x' (and 'z', which run each other "
         "with them)");
    EXPECT_EQ(count(w.diagnostics, "FERRY-DS-CYCLE"), 1);
    for (const char* refused : {"x", "y", "z"}) EXPECT_FALSE(w.documents.count(workflow_path(refused))) << refused;
    EXPECT_TRUE(w.documents.count(workflow_path("free")));
}

TEST(NothingDropped, TwoTasksWithOneIdIn13AreRefused) {
    const json page = json::array({{{"processDefinitionId", 1},
                                    {"processDefinitionName", "p13"},
                                    {"processDefinitionJson",
                                     R"({"tasks":[{"id":"tasks-1","name":"a","type":"SHELL","params":{}},
                                                  {"id":"tasks-1","name":"b","type":"SHELL","params":{}}]})"}}});
    Folder f("dropped13");
    f.file("package_info.json", json{{"version", "1.3.9"}}).file(kPage, page);
    const Written w = run(f.path());
    const auto* d = said(w, "FERRY-DS-DUPLICATE-TASK", "process 'p13': tasks 'a' and 'b' have one id, tasks-1");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->severity, sdk::Severity::error);
    EXPECT_EQ(d->detail, "each task of a 1.3 process has its own id; export the process again");
    EXPECT_FALSE(w.documents.count(workflow_path("p13")));
}

// A resource whose full name climbs out of the resource centre is refused by the reader, with what
// to do, not written for the host to call a reader bug; a data source type is no path either.
TEST(NothingDropped, NamesThatAreNoPathAreRefusedByTheReader) {
    Folder f("paths");
    f.file("package_info.json", json{{"version", "3.1.0"}})
        .file(kPage, json::array({definition(10, "p", json::array({task3(1, "s", "SHELL", {{"rawScript", "echo"}})}),
                                             json::array({starts(1)}))}))
        .file("resource/resources.json",
              R"([{"id":1,"name":"x","fullName":"/dolphinscheduler/t/resources/../../../etc/x.sh","directory":false},
                  {"id":2,"name":"ok.sh","fullName":"/dolphinscheduler/t/resources/ok.sh","directory":false}])")
        .file("datasource/datasource_page_1.json", R"([{"id": 3, "name": "d", "type": "../../MYSQL"}])");
    const Written w = run(f.path());
    const auto* d = said(w, "FERRY-DS-RESOURCE-PATH",
                         "resource '/dolphinscheduler/t/resources/../../../etc/x.sh' has a full name that is no path "
                         "below the resource centre (an empty, '.' or '..' part, a backslash or a control character): "
                         "it is not read");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->severity, sdk::Severity::error);
    EXPECT_EQ(d->where, "resource/resources.json");
    said(w, "FERRY-DS-FORMAT",
         "data source 'd' has type '../../MYSQL', which is not a type name (letters, digits, '_', '-'): written as "
         "type 'unknown'");
    for (const auto& [path, text] : w.documents) EXPECT_EQ(path.find(".."), std::string::npos) << path;
    EXPECT_TRUE(w.documents.count("DataSource/unknown/unknown/PRD/d/d.json"));
    EXPECT_TRUE(w.documents.count("DataStudio/资源/dolphinscheduler/t/resources/ok.sh.schedule.json"));
}

}  // namespace
}  // namespace ferry::reader::ds::testing
