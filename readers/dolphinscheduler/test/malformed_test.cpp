// Malformed exports are refused with exact messages: which entry, where, which process and task.
// A refused process is not written; the others still are.
#include <pthread.h>

#include "ds_test_support.hpp"
#include "process_readers.hpp"

namespace ferry::reader::ds::testing {
namespace {

const char* const kPage = "projects/p/processDefinition/process_definitions_page_1.json";

json good_v3(long long code, const std::string& name) {
    return {{"processDefinition", {{"code", code}, {"name", name}}},
            {"processTaskRelationList", json::parse(R"([{"preTaskCode":0,"postTaskCode":1}])")},
            {"taskDefinitionList", json::parse(R"([{"code":1,"name":"t","taskType":"SHELL","taskParams":{"rawScript":"echo"}}])")}};
}

Written run_page(const std::string& page, const std::string& version = "3.1.0") {
    Folder f("malformed");
    f.file("package_info.json", json{{"version", version}}).file(kPage, page);
    return run(f.path());
}

struct Expected {
    std::string code, summary, where;
};

void expect_error(const Written& w, const Expected& e) {
    const sdk::Diagnostic* d = find(w.diagnostics, e.code);
    ASSERT_TRUE(d) << dump(w.diagnostics);
    EXPECT_EQ(d->severity, sdk::Severity::error);
    EXPECT_EQ(d->summary, e.summary);
    EXPECT_EQ(d->where, e.where);
}

// Deeper than an export ever nests: refused before parsing, where copying and writing it out
// recursed once a level (100,000 levels crashed the reader).
TEST(Malformed, JsonNestedPastTheLimitIsRefusedWithWhere) {
    const std::string deep = "[{\"processDefinition\": " + std::string(100000, '[') + std::string(100000, ']') + "}]";
    const Written w = run_page(deep);
    expect_error(w, {"FERRY-DS-JSON", "the entry is not JSON: it nests deeper than 64 levels",
                     std::string(kPage) + ":1:86"});
}

// The cycle check walks with a stack of its own: a long chain no longer recurses as deep. Run on a
// thread with a small stack, where the recursive walk overflowed at a few thousand tasks.
TEST(Malformed, ALongChainIsCheckedWithoutRecursion) {
    Process p;
    p.name = "chain";
    const int n = 20000;
    for (int i = 0; i < n; ++i) {
        Task t;
        t.key = std::to_string(i);
        t.name = "t" + t.key;
        if (i + 1 < n) t.upstream.push_back(std::to_string(i + 1));
        p.tasks.push_back(std::move(t));
    }
    bool ok = false;
    sdk::Diagnostics diags;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 256u << 10);
    struct Args {
        Process* p;
        sdk::Diagnostics* d;
        bool* ok;
    } args{&p, &diags, &ok};
    pthread_t thread;
    ASSERT_EQ(pthread_create(&thread, &attr, [](void* a) -> void* {
        auto* x = static_cast<Args*>(a);
        *x->ok = check_acyclic(*x->p, *x->d);
        return nullptr;
    }, &args), 0);
    pthread_join(thread, nullptr);
    pthread_attr_destroy(&attr);
    EXPECT_TRUE(ok) << dump(diags);
    // And a loop at its end is still found, named in order.
    p.tasks.back().upstream.push_back("0");
    sdk::Diagnostics loop;
    EXPECT_FALSE(check_acyclic(p, loop));
    ASSERT_TRUE(find(loop, "FERRY-DS-CYCLE")) << dump(loop);
}

TEST(Malformed, APageThatIsNotJson) {
    const Written w = run_page("[\n  {\"processDefinition\": {\"code\": 1,}}\n]");
    expect_error(w, {"FERRY-DS-JSON",
                     "the entry is not JSON: syntax error while parsing object key - unexpected '}'; expected string literal",
                     std::string(kPage) + ":2:36"});
}

TEST(Malformed, AProcessJsonStringThatIsNotJson) {
    const json page = json::array({{{"processDefinitionId", 1}, {"processDefinitionName", "broken"},
                                    {"processDefinitionJson", "{\"tasks\": [\n{\"id\": }]}"}}});
    const Written w = run_page(page.dump(), "1.3.9");
    expect_error(w, {"FERRY-DS-JSON",
                     "process 'broken': processDefinitionJson is not JSON (syntax error while parsing value - unexpected "
                     "'}'; expected '[', '{', or a literal at 2:8 of the string)",
                     kPage});
}

TEST(Malformed, ARelationToATaskThatDoesNotExist) {
    json bad = good_v3(7, "bad");
    bad["processTaskRelationList"].push_back(json::parse(R"({"preTaskCode":999,"postTaskCode":1})"));
    bad["processTaskRelationList"].push_back(json::parse(R"({"preTaskCode":1,"postTaskCode":1000})"));
    const Written w = run_page(json::array({bad, good_v3(8, "good")}).dump());
    expect_error(w, {"FERRY-DS-RELATION",
                     "process 'bad': relation 2 names pre task code 999, which the process does not define", kPage});
    EXPECT_TRUE(find(w.diagnostics, "FERRY-DS-RELATION",
                     "process 'bad': relation 3 names post task code 1000, which the process does not define"));
    EXPECT_FALSE(w.documents.count(workflow_path("bad")));
    EXPECT_TRUE(w.documents.count(workflow_path("good"))) << "the other processes are still read";
}

TEST(Malformed, A13TaskFollowingATaskThatDoesNotExist) {
    const json page = json::array({{{"processDefinitionId", 1}, {"processDefinitionName", "p13"},
                                    {"processDefinitionJson", R"({"tasks":[{"id":"tasks-1","name":"a","type":"SHELL","params":{},"preTasks":["zz"]}]})"}}});
    const Written w = run_page(page.dump(), "1.3.9");
    expect_error(w, {"FERRY-DS-RELATION", "process 'p13': task 'a' follows task 'zz', which the process does not define", kPage});
}

TEST(Malformed, AProcessWithNoTasks) {
    json empty = good_v3(3, "empty");
    empty["taskDefinitionList"] = json::array();
    const Written w = run_page(json::array({empty}).dump());
    expect_error(w, {"FERRY-DS-EMPTY-PROCESS", "process 'empty' has no tasks", kPage});
    const json page13 = json::array({{{"processDefinitionId", 1}, {"processDefinitionName", "empty13"},
                                      {"processDefinitionJson", R"({"tasks":[]})"}}});
    expect_error(run_page(page13.dump(), "1.3.9"), {"FERRY-DS-EMPTY-PROCESS", "process 'empty13' has no tasks", kPage});
}

TEST(Malformed, RelationsThatLoop) {
    json loop = good_v3(4, "loop");
    loop["taskDefinitionList"].push_back(json::parse(R"({"code":2,"name":"u","taskType":"SHELL","taskParams":{}})"));
    loop["processTaskRelationList"] = json::parse(R"([{"preTaskCode":1,"postTaskCode":2},{"preTaskCode":2,"postTaskCode":1}])");
    const Written w = run_page(json::array({loop}).dump());
    expect_error(w, {"FERRY-DS-CYCLE", "process 'loop': its relations loop: 't' after 'u' after 't'", kPage});
    EXPECT_FALSE(w.documents.count(workflow_path("loop")));
}

TEST(Malformed, TwoTasksWithOneNameIn13) {
    const json page = json::array({{{"processDefinitionId", 1}, {"processDefinitionName", "dup"},
                                    {"processDefinitionJson", R"({"tasks":[{"id":"tasks-1","name":"a","type":"SHELL","params":{}},
                                                                          {"id":"tasks-2","name":"a","type":"SHELL","params":{}}]})"}}});
    expect_error(run_page(page.dump(), "1.3.9"), {"FERRY-DS-DUPLICATE-TASK", "process 'dup' defines two tasks named 'a'", kPage});
}

TEST(Malformed, TaskParamsThatAreNotJson) {
    json bad = good_v3(5, "params");
    bad["taskDefinitionList"][0]["taskParams"] = "{\"rawScript\": ";
    expect_error(run_page(json::array({bad}).dump()),
                 {"FERRY-DS-JSON",
                  "process 'params': task 't' has taskParams that are not JSON (syntax error while parsing value - "
                  "unexpected end of input; expected '[', '{', or a literal at 1:15 of the string)",
                  kPage});
}

TEST(Malformed, NeitherShape) {
    expect_error(run_page(R"([{"name": "x"}])"),
                 {"FERRY-DS-FORMAT",
                  "item 1 of the entry is neither a DolphinScheduler 1.3 process (processDefinitionJson) nor a 2.x/3.x "
                  "workflow definition (processDefinition, taskDefinitionList)",
                  kPage});
    expect_error(run_page(R"([{"processDefinition": {"code": 1, "name": "nolist"}}])"),
                 {"FERRY-DS-FORMAT", "process 'nolist' has no \"taskDefinitionList\"", kPage});
}

TEST(Malformed, AnExportWithNothingInIt) {
    Folder f("nothing");
    f.file("package_info.json", R"({"version":"1.3.9"})").file("projects.json", "[]");
    const Written w = run(f.path());
    expect_error(w, {"FERRY-DS-NO-PROCESS", "the DolphinScheduler export holds no process definition, data source, resource or UDF", ""});
}

TEST(Malformed, ACrontabThatIsNotQuartzIsKeptAndSaid) {
    json p = good_v3(6, "cron");
    p["schedule"] = {{"crontab", "0 0 3 * *"}};
    const Written w = run_page(json::array({p}).dump());
    EXPECT_FALSE(w.diagnostics.has_errors());
    EXPECT_EQ(workflow(w, "cron")["trigger"]["cron"], "0 0 3 * *");
    const auto* d = find(w.diagnostics, "FERRY-DS-CRON");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->severity, sdk::Severity::warning);
    EXPECT_EQ(d->summary,
              "process 'cron': '0 0 3 * *' is not a Quartz cron expression: it has 5 fields where Quartz has 6 or 7 "
              "(second minute hour day-of-month month day-of-week [year])");
}

TEST(Malformed, ADependentOnATaskTheOtherProcessLacks) {
    json dep = good_v3(20, "dep");
    dep["taskDefinitionList"][0] = json::parse(R"({"code":1,"name":"d","taskType":"DEPENDENT","taskParams":{"dependence":
        {"relation":"AND","dependTaskList":[{"relation":"AND","dependItemList":[{"definitionCode":21,"depTaskCode":77,"dateValue":"today"}]}]}}})");
    const Written w = run_page(json::array({dep, good_v3(21, "other")}).dump());
    expect_error(w, {"FERRY-DS-RELATION",
                     "process 'dep', task 'd' (DEPENDENT): depends on task '77' of process 'other', which that process does "
                     "not define",
                     kPage});
}

}  // namespace
}  // namespace ferry::reader::ds::testing
