// The real exports in test/data (from aliyun/dataworks-spec): every task a node with its code, its
// dependencies, the schedules and the parameters, read back from the FlowSpec documents written.
#include <fstream>
#include <sstream>

#include "ds_test_support.hpp"

namespace ferry::reader::ds::testing {
namespace {

const std::string k13 = "dolphinscheduler-1.3.9-export";
const std::string k3x = "dolphinscheduler-3x";

json read_json(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return json::parse(s.str());
}

struct NodeCase {
    std::string workflow, node, command, code;  // code "" : not compared
};

void expect_nodes(const Written& w, const std::vector<NodeCase>& cases) {
    for (const auto& c : cases) {
        SCOPED_TRACE(c.workflow + "/" + c.node);
        const json n = node(workflow(w, c.workflow), c.node);
        EXPECT_EQ(command(n), c.command);
        if (!c.code.empty()) {
            EXPECT_EQ(code(n), c.code);
        }
    }
}

// A code task's node holds the task's own script or SQL.
void expect_task_code(const json& n, const json& params) {
    for (const char* field : {"rawScript", "sql"})
        if (params.contains(field) && !params[field].get<std::string>().empty()) {
            EXPECT_NE(code(n).find(params[field].get<std::string>()), std::string::npos) << field;
        }
}

// Each sample is read once per test program.
const Written& sample(const std::string& name) {
    static std::map<std::string, Written> read;
    auto it = read.find(name);
    if (it == read.end()) it = read.emplace(name, run(data(name))).first;
    return it->second;
}

class Sample13 : public ::testing::Test {
  protected:
    static const Written& w() { return sample(k13); }
};

TEST_F(Sample13, RecognisedAsTheWholeProjectExport) {
    EXPECT_EQ(w().recognition.format, "dolphinscheduler-1.3");
    EXPECT_EQ(w().recognition.confidence, 100);
    EXPECT_FALSE(w().diagnostics.has_errors()) << dump(w().diagnostics);
}

// Every task of every process, generically from the export itself: a node named after it, its id,
// its code, its upstream tasks as dependencies, its retries and the task kept whole.
TEST_F(Sample13, EveryTaskIsANodeWithItsCodeAndDependencies) {
    const json page = read_json(data(k13 + "/projects/project_a/processDefinition/process_definitions_page_1.json"));
    ASSERT_EQ(page.size(), 5u);
    std::size_t tasks = 0;
    for (const auto& process : page) {
        const json pj = json::parse(process["processDefinitionJson"].get<std::string>());
        const std::string pid = std::to_string(process["processDefinitionId"].get<int>());
        const json wf = workflow(w(), process["processDefinitionName"]);
        ASSERT_TRUE(wf.is_object()) << process["processDefinitionName"];
        EXPECT_EQ(wf["id"], "ds13-" + pid);
        ASSERT_EQ(wf["nodes"].size(), pj["tasks"].size());
        std::map<std::string, std::string> id_of;
        for (const auto& t : pj["tasks"]) id_of[t["name"]] = "ds13-" + pid + "-" + t["id"].get<std::string>();
        for (const auto& t : pj["tasks"]) {
            ++tasks;
            SCOPED_TRACE(t["name"].get<std::string>());
            const json n = node(wf, t["name"]);
            EXPECT_EQ(n["id"], id_of[t["name"]]);
            EXPECT_EQ(n["dolphinscheduler"], t) << "the task is kept whole";
            expect_task_code(n, t["params"]);
            const auto deps = depends(wf, n);
            for (const auto& pre : t["preTasks"]) {
                const std::string up = id_of[pre];
                const bool found = std::any_of(deps.begin(), deps.end(), [&](const std::string& d) { return d.rfind(up, 0) == 0; });
                EXPECT_TRUE(found) << "follows " << pre;
            }
            // 1.3 writes retries as a string or a number, or not at all.
            const json retries = t.value("maxRetryTimes", json(0));
            EXPECT_EQ(n["rerunTimes"].get<long long>(),
                      retries.is_string() ? std::stoll(retries.get<std::string>()) : retries.get<long long>());
        }
    }
    EXPECT_EQ(tasks, 47u);
}

TEST_F(Sample13, TasksBecomeTheCommandsOfTheirTypeAndDataSource) {
    const std::vector<NodeCase> cases = {
        {"inner_flow_0", "shell_1", "DIDE_SHELL", "whoami"},
        {"inner_flow_0", "test_py_args", "PYTHON", "print ${test}"},
        {"inner_flow_0", "conditions_0", "CONTROLLER_BRANCH", ""},
        {"hello_flow_0", "spark_sql_0", "EMR_SPARK_SQL", "show tables;"},
        {"hello_flow_0", "hive_sql_0", "EMR_HIVE", "show tables;"},
        {"hello_flow_0", "mr_0", "EMR_MR",
         "##@resource_reference{\"commons-pool2-2.4.2.jar\"}\n"
         "commons-pool2-2.4.2.jar testMain -D mapreduce.job.name=testMr0 opt1 opt2 arg1 arg2 arg3 ${cargs1}"},
        {"hello_flow_0", "sqoop_form_0", "DI", ""},
        {"hello_flow_0", "depend_task_0", "CONTROLLER_JOIN", ""},
        {"hello_flow_0", "inner_flow_0", "VIRTUAL", ""},
        {"继风-flow", "jifeng-sql", "MYSQL", "SELECT * FROM dual;"},
        {"dws_business_okcard_import_1665651205812", "dwb_credit", "CONTROLLER_JOIN", ""},
        {"dws_business_okcard_import_1665651205812", "dws_okcard_user", "POSTGRESQL", ""},
        {"ai_order_schedule_feature_spark", "ai_customer_mongo_spark", "EMR_SPARK",
         "##@resource_reference{\"customer_mongo.py\"}\n"
         "spark-submit --master yarn --deploy-mode cluster --driver-cores 1 --driver-memory 1G --num-executors 2 "
         "--executor-cores 2 --executor-memory 2G --name ai_customer_mongo_spark --conf "
         "\"spark.pyspark.driver.python=/bin/python3\" --conf \"spark.pyspark.python=/bin/python3\" --conf "
         "\"spark.yarn.appMasterEnv.SPARK_HOME=/usr/hdp/3.1.4.0-315/spark2\" --conf "
         "\"spark.executorEnv.SPARK_HOME=/usr/hdp/3.1.4.0-315/spark2\" customer_mongo.py ${dt}"},
    };
    expect_nodes(w(), cases);
    // The main file of a 1.3 Spark task is named by id; the task's resource list names it.
    const json n = node(workflow(w(), "ai_order_schedule_feature_spark"), "ai_order_mongo_spark");
    EXPECT_NE(code(n).find(" order_mongo.py ${dt}"), std::string::npos) << code(n);
}

TEST_F(Sample13, SqlNodesRunOnTheirDataSources) {
    const json wf = workflow(w(), "hello_flow_0");
    EXPECT_EQ(node(wf, "hive_sql_0")["datasource"], (json{{"name", "hive_conn"}, {"type", "emr"}}));
    EXPECT_EQ(node(wf, "spark_sql_0")["datasource"], (json{{"name", "spark_conn"}, {"type", "emr"}}));
    EXPECT_EQ(node(wf, "hive_sql_0")["functions"], json::parse(R"([{"name":"test_udf_0"}])"));
    EXPECT_EQ(node(workflow(w(), "继风-flow"), "jifeng-sql")["datasource"], (json{{"name", "mysql_conn"}, {"type", "mysql"}}));
}

TEST_F(Sample13, SqoopBecomesADataIntegrationJob) {
    const json job = json::parse(code(node(workflow(w(), "hello_flow_0"), "sqoop_form_0")));
    EXPECT_EQ(job["steps"][0]["stepType"], "mysql");
    EXPECT_EQ(job["steps"][0]["parameter"]["datasource"], "mysql_conn");
    EXPECT_EQ(job["steps"][0]["parameter"]["table"], json::array({"test_tbv"}));
    EXPECT_EQ(job["steps"][0]["parameter"]["column"], json::parse(R"(["id","user_id","name"])"));
    EXPECT_EQ(job["steps"][1]["stepType"], "hive");
    EXPECT_EQ(job["steps"][1]["parameter"]["table"], "hive_db.hive_table_0");
    EXPECT_EQ(job["steps"][1]["parameter"]["partition"], "id=111");
    EXPECT_EQ(job["steps"][1]["parameter"]["writeMode"], "overwrite");
    EXPECT_EQ(job["order"]["hops"][0], (json{{"from", "Reader"}, {"to", "Writer"}}));
}

TEST_F(Sample13, ConditionsBranchBothWays) {
    const json wf = workflow(w(), "inner_flow_0");
    const json cond = node(wf, "conditions_0");
    const std::string id = cond["id"];
    ASSERT_EQ(cond["branch"]["branches"].size(), 2u);
    EXPECT_EQ(cond["branch"]["branches"][0]["when"], "${shell_condtion_0.status} == \"SUCCESS\"");
    EXPECT_EQ(cond["branch"]["branches"][0]["output"]["data"], id + ".success");
    EXPECT_EQ(cond["branch"]["branches"][1]["when"], "!(${shell_condtion_0.status} == \"SUCCESS\")");
    EXPECT_EQ(cond["branch"]["branches"][1]["output"]["data"], id + ".failed");
    EXPECT_EQ(depends(wf, node(wf, "shell_1")), std::vector<std::string>{id + "@" + id + ".success"});
    EXPECT_EQ(depends(wf, node(wf, "test_py_args")), std::vector<std::string>{id + "@" + id + ".failed"});
    EXPECT_EQ(depends(wf, cond), std::vector<std::string>{"ds13-3-tasks-55520"});
    EXPECT_TRUE(find(w().diagnostics, "FERRY-DS-CONDITION", "conditions_0"));
}

TEST_F(Sample13, DependentTasksBecomeCrossWorkflowDependencies) {
    const json wf = workflow(w(), "hello_flow_0");
    const json dep = node(wf, "depend_task_0");
    // Two tasks of process 2 and the whole of it, all on the same day.
    EXPECT_EQ(depends(wf, dep), (std::vector<std::string>{"ds13-2-tasks-24651", "ds13-2-tasks-40537", "ds13-2"}));
    EXPECT_EQ(dep["join"]["logic"]["expression"], "b1 and b2 and b3");
    EXPECT_EQ(dep["join"]["branches"][2]["nodeId"], "ds13-2");
    EXPECT_EQ(node(workflow(w(), "dws_business_okcard_import_1665651205812"), "dws_okcard_user")["id"], "ds13-2-tasks-24651");
    // Yesterday's run of a process the export does not hold: the previous cycle, and a warning.
    const json dws = workflow(w(), "dws_business_okcard_import_1665651205812");
    EXPECT_EQ(depends(dws, node(dws, "dwb_credit")), std::vector<std::string>{"ds13-377:CrossCycleDependsOnOtherNode"});
    EXPECT_TRUE(find(w().diagnostics, "FERRY-DS-DEPENDENT", "process 'dwb_business_credit'"));
}

TEST_F(Sample13, SubProcessesRunAfterTheirTaskAndBeforeWhatFollowsIt) {
    const json parent = workflow(w(), "hello_flow_0");
    const json marker = node(parent, "inner_flow_0");
    EXPECT_EQ(command(marker), "VIRTUAL");
    // mr_0 follows shell_0 and the SUB_PROCESS task: it also waits for the sub-workflow.
    EXPECT_EQ(depends(parent, node(parent, "mr_0")),
              (std::vector<std::string>{"ds13-1-tasks-51935", marker["id"].get<std::string>(), "ds13-3"}));
    const json child = document(w(), workflow_path("inner_flow_0"));
    EXPECT_EQ(child["spec"]["flow"][0]["nodeId"], "ds13-3");
    EXPECT_EQ(child["spec"]["flow"][0]["depends"][0]["nodeId"], marker["id"]);
}

TEST_F(Sample13, FanOutAndFanIn) {
    const json wf = workflow(w(), "dws_business_okcard_import_1665651205812");
    const std::string user = node(wf, "dws_okcard_user")["id"];
    int followers = 0;
    for (const auto& n : wf["nodes"]) {
        const auto d = depends(wf, n);
        followers += std::count(d.begin(), d.end(), user);
    }
    EXPECT_EQ(followers, 4);  // dim, vintage, user_register, in_palmpay
}

TEST_F(Sample13, SchedulesConvertToDataWorksCron) {
    const json dws = document(w(), workflow_path("dws_business_okcard_import_1665651205812"));
    EXPECT_EQ(dws["kind"], "CycleWorkflow");
    const json& wf = dws["spec"]["workflows"][0];
    EXPECT_EQ(wf["trigger"], json::parse(R"({"type":"Scheduler","cron":"00 15 00 * * ?",
        "startTime":"2021-07-04 00:00:00","endTime":"2121-07-04 00:00:00"})"));
    EXPECT_EQ(wf["strategy"]["failureStrategy"], "Continue");
    EXPECT_EQ(wf["strategy"]["priority"], 8);  // HIGHEST
    const json ai = workflow(w(), "ai_order_schedule_feature_spark");
    EXPECT_EQ(ai["trigger"]["cron"], "00 00 05 * * ?");  // 1/1 days: every day
    EXPECT_EQ(ai["strategy"]["failureStrategy"], "Break");
    const json hello = document(w(), workflow_path("hello_flow_0"));
    EXPECT_EQ(hello["kind"], "ManualWorkflow");
    EXPECT_EQ(hello["spec"]["workflows"][0]["trigger"], (json{{"type", "Manual"}}));
    EXPECT_EQ(count(w().diagnostics, "FERRY-DS-SCHEDULE-OFFLINE"), 2);
}

TEST_F(Sample13, ParametersKeepNamesAndValues) {
    EXPECT_EQ(parameter(workflow(w(), "hello_flow_0"), "flow_param_0"), "111");
    const json ai = workflow(w(), "ai_order_schedule_feature_spark");
    EXPECT_EQ(parameter(ai, "dt"), "$[yyyymmdd-1]");  // $[yyyyMMdd-1]
    EXPECT_EQ(ai["script"]["parameters"][0]["type"], "System");
    EXPECT_EQ(ai["script"]["parameters"][0]["scope"], "Workflow");
    EXPECT_EQ(parameter(node(workflow(w(), "inner_flow_0"), "test_py_args"), "test"), "11111");
    EXPECT_EQ(parameter(node(workflow(w(), "hello_flow_0"), "mr_0"), "cargs1"), "1");
}

TEST_F(Sample13, RetriesPrioritiesAndWorkerGroups) {
    const json wf = workflow(w(), "dws_business_okcard_import_1665651205812");
    const json dwb = node(wf, "dwb_credit");
    EXPECT_EQ(dwb["priority"], 7);  // HIGH
    EXPECT_EQ(dwb["rerunInterval"], 60000);
    EXPECT_EQ(dwb["runtimeResource"]["resourceGroup"], "default");
    EXPECT_EQ(dwb["recurrence"], "Normal");
}

TEST_F(Sample13, DataSourcesWithoutTheirPasswords) {
    for (const char* name : {"mysql_conn", "hive_conn", "spark_conn"}) {
        SCOPED_TRACE(name);
        const std::string type = std::string(name) == "mysql_conn" ? "mysql" : std::string(name) == "hive_conn" ? "hive" : "spark";
        const json d = document(w(), "DataSource/" + type + "/" + type + "/PRD/" + name + "/" + name + ".json");
        const json& ds = d["spec"]["datasources"][0];
        EXPECT_EQ(d["kind"], "DataSource");
        EXPECT_EQ(ds["name"], name);
        EXPECT_EQ(ds["config"], (json{{"username", "admin"}}));
        EXPECT_EQ(ds["dolphinscheduler"]["connectionParams"], "{\"username\":\"admin\"}");
        EXPECT_TRUE(find(w().diagnostics, "FERRY-DS-SECRET", std::string("data source '") + name + "': /connectionParams/password"));
    }
    for (const auto& [path, text] : w().documents) EXPECT_EQ(text.find("password"), std::string::npos) << path;
}

TEST_F(Sample13, ResourcesAndUdfsBecomeResourcesAndFunctions) {
    const json jar = document(w(), "DataStudio/资源/test_folder/commons-pool2-2.4.2.jar.schedule.json");
    EXPECT_EQ(jar["kind"], "Resource");
    EXPECT_EQ(jar["spec"]["fileResources"][0]["name"], "commons-pool2-2.4.2.jar");
    EXPECT_EQ(jar["spec"]["fileResources"][0]["type"], "jar");
    EXPECT_EQ(jar["spec"]["fileResources"][0]["script"]["runtime"]["command"], "EMR_JAR");
    const json py = document(w(), "DataStudio/资源/ai_feature/customer_mongo.py.schedule.json");
    EXPECT_EQ(py["spec"]["fileResources"][0]["type"], "python");
    EXPECT_EQ(py["spec"]["fileResources"][0]["script"]["runtime"]["command"], "EMR_FILE");
    // The export lists them without their files: each is said.
    EXPECT_EQ(count(w().diagnostics, "FERRY-DS-RESOURCE-BYTES"), 3);
    const json udf = document(w(), "DataStudio/函数/test_udf_0.schedule.json");
    const json& fn = udf["spec"]["functions"][0];
    EXPECT_EQ(fn["className"], "test.Main");
    EXPECT_EQ(fn["fileResources"][0]["name"], "aliyun-java-sdk-dataworks-public-1.0.0.jar");
    EXPECT_EQ(fn["script"]["runtime"]["command"], "EMR_FUNCTION");
}

TEST_F(Sample13, DocumentsFollowTheFlowSpecRules) {
    // Two dependencies point outside the export (DEPENDENT on processes 377 and 888).
    EXPECT_EQ(check_flowspec_rules(w()), (std::set<std::string>{"ds13-377", "ds13-888"}));
}

// The 3.x samples, one workflow per file, read as one package (a folder of definitions).
class Sample3x : public ::testing::Test {
  protected:
    static const Written& w() { return sample(k3x); }
};

TEST_F(Sample3x, EveryTaskIsANodeWithItsCodeAndDependencies) {
    EXPECT_EQ(w().recognition.format, "dolphinscheduler-3");
    EXPECT_FALSE(w().diagnostics.has_errors()) << dump(w().diagnostics);
    std::size_t tasks = 0;
    for (const auto& entry : std::filesystem::directory_iterator(data(k3x))) {
        for (const auto& item : read_json(entry.path().string())) {
            const json& def = item["processDefinition"];
            const json wf = workflow(w(), def["name"]);
            ASSERT_TRUE(wf.is_object()) << def["name"];
            EXPECT_EQ(wf["id"], std::to_string(def["code"].get<long long>()));
            EXPECT_EQ(wf["nodes"].size(), item["taskDefinitionList"].size());
            for (const auto& t : item["taskDefinitionList"]) {
                ++tasks;
                SCOPED_TRACE(t["name"].get<std::string>());
                const json n = node(wf, t["name"]);
                EXPECT_EQ(n["id"], std::to_string(t["code"].get<long long>()));
                EXPECT_EQ(n["dolphinscheduler"], t);
                EXPECT_EQ(n["rerunTimes"], t["failRetryTimes"]);
                EXPECT_EQ(n["rerunInterval"], t["failRetryInterval"].get<int>() * 60000);
                expect_task_code(n, t["taskParams"]);
            }
            for (const auto& r : item["processTaskRelationList"]) {
                if (r["preTaskCode"] == 0) continue;
                const std::string post = std::to_string(r["postTaskCode"].get<long long>());
                const std::string pre = std::to_string(r["preTaskCode"].get<long long>());
                json post_node;
                for (const auto& n : wf["nodes"])
                    if (n["id"] == post) post_node = n;
                const auto d = depends(wf, post_node);
                EXPECT_NE(std::find(d.begin(), d.end(), pre), d.end()) << post << " after " << pre;
            }
        }
    }
    EXPECT_EQ(tasks, 22u);
}

TEST_F(Sample3x, TasksBecomeTheCommandsOfTheirType) {
    const std::vector<NodeCase> cases = {
        {"单shell节点", "shell节点", "DIDE_SHELL", "##@resource_reference{\"mapreduce-examples.jar\"}\necho $JAVA_HOME"},
        {"单SQL流程", "单SQL节点", "MYSQL",
         "select date_sub(curdate(),interval 1 day);\nSELECT NOW();\nselect date_add(curdate(),interval 1 day);"},
        {"多sql节点流程", "前置sql节点", "MYSQL", "select 'pre-pre';\nselect now();\nselect 'pre-post-1';\nselect 'pre-post-2';"},
        {"sql-python工作流", "python节点", "PYTHON", "##@resource_reference{\"math_lib.py\"}\nprint(\"hello,world!\")"},
        {"sql-python-spark工作流", "spark节点", "EMR_SPARK",
         "##@resource_reference{\"mapreduce-examples.jar\"}\nspark-submit --class com.demo.Main --master local "
         "--driver-cores 1 --driver-memory 512M --num-executors 2 --executor-cores 2 --executor-memory 2G --conf "
         "spark.executor.extraJavaOptions=\"-XX:MaxPermSize=256m\" mapreduce-examples.jar 10"},
        {"市场星空roi计算", "roi计算", "EMR_SPARK_SQL", ""},
        {"市场星空roi计算", "arpu系数计算", "PYTHON", ""},
        {"依赖节点测试", "依赖节点", "CONTROLLER_JOIN", ""},
        {"跨项目依赖任务", "各项目计算结果汇总", "EMR_SPARK_SQL", ""},
    };
    expect_nodes(w(), cases);
    const json sql = node(workflow(w(), "单SQL流程"), "单SQL节点");
    EXPECT_EQ(sql["datasource"], (json{{"name", "dolphinscheduler_datasource_1"}, {"type", "mysql"}}));
    EXPECT_TRUE(find(w().diagnostics, "FERRY-DS-DATASOURCE", "uses data source id 1"));
}

TEST_F(Sample3x, DependentOnOtherWorkflowsOfThePackage) {
    const json wf = workflow(w(), "跨项目依赖任务");
    // Each DEPENDENT waits for a whole workflow, both in this package.
    EXPECT_EQ(depends(wf, node(wf, "茄子roi计算依赖")), std::vector<std::string>{"13524225520672"});
    EXPECT_EQ(depends(wf, node(wf, "星空roi计算依赖")), std::vector<std::string>{"13544367880867"});
    EXPECT_EQ(workflow(w(), "市场茄子roi计算")["id"], "13524225520672");
    // Fan-in: the summary follows both.
    EXPECT_EQ(depends(wf, node(wf, "各项目计算结果汇总")), (std::vector<std::string>{"13544412952224", "13544422844576"}));
    // Within one workflow: today and this month, the second with no DataWorks equivalent.
    const json own = workflow(w(), "依赖节点测试");
    const json dep = node(own, "依赖节点");
    EXPECT_EQ(depends(own, dep), (std::vector<std::string>{"14097386072544", "14097390154721"}));
    EXPECT_EQ(dep["join"]["logic"]["expression"], "b1 and b2");
    EXPECT_TRUE(find(w().diagnostics, "FERRY-DS-DEPENDENT-DATE", "'thisMonth' (cycle month)"));
    EXPECT_EQ(count(w().diagnostics, "FERRY-DS-DEPENDENT"), 0);
}

TEST_F(Sample3x, SchedulesAndDelays) {
    const json shell = workflow(w(), "单shell节点");
    EXPECT_EQ(shell["trigger"], json::parse(R"({"type":"Scheduler","cron":"00 00 04 * * ?",
        "startTime":"2024-06-26 00:00:00","endTime":"2124-06-26 00:00:00","timezone":"Asia/Shanghai"})"));
    EXPECT_EQ(shell["strategy"]["failureStrategy"], "Continue");
    EXPECT_EQ(shell["strategy"]["priority"], 5);
    EXPECT_EQ(workflow(w(), "市场茄子roi计算")["trigger"], (json{{"type", "Manual"}}));
    // A task that starts 5 minutes late: the workflow's trigger with a delay.
    const json multi = workflow(w(), "多sql节点流程");
    EXPECT_EQ(node(multi, "前置sql节点")["trigger"]["delaySeconds"], 300);
    EXPECT_EQ(node(multi, "前置sql节点")["trigger"]["cron"], "00 00 02 * * ?");
    EXPECT_EQ(node(multi, "后置sql节点")["trigger"]["delaySeconds"], 600);
    EXPECT_FALSE(node(shell, "shell节点").contains("trigger"));
}

TEST_F(Sample3x, ParametersKeepNamesAndValues) {
    const json multi = workflow(w(), "多sql节点流程");
    EXPECT_EQ(parameter(multi, "date"), "${{biz_date}}");
    EXPECT_EQ(parameter(node(multi, "前置sql节点"), "pre_param"), "pre");
    EXPECT_EQ(parameter(node(workflow(w(), "单SQL流程"), "单SQL节点"), "date"), "${{sys.biz_date}}");
    const json sp = workflow(w(), "sql-python工作流");
    const json sql = node(sp, "sql节点");
    EXPECT_EQ(parameter(sql, "input"), "1");
    // An OUT parameter is what the task passes on.
    EXPECT_EQ(sql["outputs"]["variables"],
              json::parse(R"([{"name":"date","scope":"NodeContext","type":"NodeOutput","value":"2024-06-21"}])"));
    EXPECT_EQ(parameter(node(workflow(w(), "sql-python-spark工作流"), "spark节点"), "spark_input"), "333");
}

TEST_F(Sample3x, DocumentsFollowTheFlowSpecRules) { EXPECT_TRUE(check_flowspec_rules(w()).empty()); }

// Each 3.x sample alone, as the lone JSON document DolphinScheduler's export button writes: a
// package of one entry. (The harness takes a lone file only when it starts with '{'; these are
// lists, so each is put in a folder of its own, which the harness reads as the same one entry.)
TEST(Sample3xAlone, EachFileIsAPackage) {
    for (const auto& entry : std::filesystem::directory_iterator(data(k3x))) {
        const std::string name = entry.path().filename().string();
        SCOPED_TRACE(name);
        Folder one("alone");
        one.file(name, read_json(entry.path().string()).dump());
        const Written w = run(one.path());
        EXPECT_EQ(w.recognition.format, "dolphinscheduler-3");
        EXPECT_GE(w.recognition.confidence, 90);
        EXPECT_FALSE(w.diagnostics.has_errors()) << dump(w.diagnostics);
        std::size_t workflows = 0;
        for (const auto& [path, text] : w.documents) workflows += path.rfind("DataStudio/业务流程/", 0) == 0;
        EXPECT_EQ(workflows, 1u);
        check_flowspec_rules(w);
    }
}

}  // namespace
}  // namespace ferry::reader::ds::testing
