// Every task type, in exports the test writes: a 3.x whole-project export (MigrationX's layout, so
// data sources resolve) holding one workflow with a task of each type, and a 1.3 export with each
// 1.3 type. Each task's node: its command, its code, its data source, what is said about it.
#include "ds_test_support.hpp"

namespace ferry::reader::ds::testing {
namespace {

// A 3.x task definition.
json task3(long long code, const std::string& name, const std::string& type, json params, json extra = json::object()) {
    json t = {{"code", code},
              {"name", name},
              {"taskType", type},
              {"taskParams", std::move(params)},
              {"taskPriority", "MEDIUM"},
              {"failRetryTimes", 0},
              {"failRetryInterval", 1},
              {"timeoutFlag", "CLOSE"},
              {"timeout", 0},
              {"flag", "YES"},
              {"workerGroup", "default"},
              {"delayTime", 0}};
    for (auto& [k, v] : extra.items()) t[k] = v;
    return t;
}

json relation(long long pre, long long post) { return {{"preTaskCode", pre}, {"postTaskCode", post}, {"conditionType", "NONE"}}; }

json definition(long long code, const std::string& name, json tasks, json relations, json schedule = nullptr,
                json globals = json::array()) {
    return {{"processDefinition", {{"code", code}, {"name", name}, {"globalParamList", std::move(globals)}, {"timeout", 0}}},
            {"processTaskRelationList", std::move(relations)},
            {"taskDefinitionList", std::move(tasks)},
            {"schedule", std::move(schedule)}};
}

const json kDataSources = json::parse(R"([
  {"id": 7, "name": "mysql_ds", "type": "MYSQL", "connectionParams": "{\"user\":\"u\",\"password\":\"p4ss\",\"address\":\"jdbc:mysql://h:3306\"}"},
  {"id": 8, "name": "pg ds", "type": "POSTGRESQL", "connectionParams": "{\"user\":\"u\",\"password\":\"p4ss\"}"},
  {"id": 9, "name": "hive_ds", "type": "HIVE", "connectionParams": "{\"user\":\"u\"}"},
  {"id": 10, "name": "ssh_ds", "type": "SSH", "connectionParams": "{\"host\":\"h\",\"privateKey\":\"-----BEGIN\"}"}
])");

// Every SQL database type and what it becomes.
struct SqlCase {
    const char* db;
    const char* command;
    const char* datasource_type;
};
const SqlCase kSql[] = {
    {"MYSQL", "MYSQL", "mysql"},           {"POSTGRESQL", "POSTGRESQL", "postgresql"}, {"HIVE", "EMR_HIVE", "emr"},
    {"SPARK", "EMR_SPARK_SQL", "emr"},     {"CLICKHOUSE", "CLICK_SQL", "clickhouse"}, {"ORACLE", "Oracle", "oracle"},
    {"SQLSERVER", "SQLSERVER", "sqlserver"}, {"AZURESQL", "SQLSERVER", "sqlserver"}, {"DB2", "DB2", "db2"},
    {"PRESTO", "EMR_PRESTO", "emr"},       {"TRINO", "EMR_TRINO", "emr"},             {"KYUUBI", "EMR_KYUUBI", "emr"},
    {"STARROCKS", "StarRocks", "starrocks"}, {"DORIS", "Doris", "doris"},             {"REDSHIFT", "Redshift", "redshift"},
    {"VERTICA", "Vertica", "vertica"},     {"OCEANBASE", "OceanBase", "oceanbase"},   {"HANA", "Saphana", "saphana"},
    {"ATHENA", "CUSTOM", "athena"},
};

class EveryTaskType3 : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        json tasks = json::array(), relations = json::array();
        long long code = 100;
        auto add = [&](const std::string& name, const std::string& type, json params, json extra = json::object()) {
            tasks.push_back(task3(++code, name, type, std::move(params), std::move(extra)));
            relations.push_back(relation(0, code));
            return code;
        };
        add("shell", "SHELL", {{"rawScript", "echo hi"}, {"resourceList", json::parse(R"([{"resourceName":"file:/ds/res/a.sh"}])")},
                               {"localParams", json::parse(R"([{"prop":"day","direct":"IN","type":"VARCHAR","value":"${system.biz.date}"},
                                                            {"prop":"out","direct":"OUT","type":"VARCHAR","value":""}])")}},
            {{"taskPriority", "HIGHEST"}, {"failRetryTimes", 3}, {"failRetryInterval", 5}, {"flag", "NO"},
             {"timeoutFlag", "OPEN"}, {"timeoutNotifyStrategy", "FAILED"}, {"timeout", 30}, {"workerGroup", "etl"}});
        add("python", "PYTHON", {{"rawScript", "print('${system.biz.date}', '$[yyyyMMdd-1]')"}},
            {{"timeoutFlag", "OPEN"}, {"timeoutNotifyStrategy", "WARN"}, {"timeout", 10}});
        for (const auto& s : kSql)
            add(std::string("sql_") + s.db, "SQL",
                {{"type", s.db}, {"datasource", 7}, {"sql", std::string("select 1 from ") + s.db}});
        add("sql_around", "SQL", {{"type", "MYSQL"}, {"datasource", 8}, {"sql", "insert into t select 1"},
                                  {"preStatements", json::array({"truncate t"})}, {"postStatements", json::array({"analyze t;"})}});
        add("procedure", "PROCEDURE", {{"type", "MYSQL"}, {"datasource", 7}, {"method", "call refresh(1)"}});
        add("spark_jar", "SPARK",
            {{"programType", "JAVA"}, {"mainJar", {{"resourceName", "file:/ds/res/app.jar"}}}, {"mainClass", "a.B"},
             {"deployMode", "cluster"}, {"driverCores", 1}, {"driverMemory", "1G"}, {"numExecutors", 2},
             {"executorCores", 2}, {"executorMemory", "2G"}, {"appName", "app"}, {"yarnQueue", "q"},
             {"others", "--conf k=v"}, {"mainArgs", "x y"}});
        add("spark_py", "SPARK", {{"programType", "PYTHON"}, {"mainJar", {{"resourceName", "file:/ds/res/job.py"}}},
                                  {"deployMode", "client"}, {"mainArgs", "${dt}"}});
        add("spark_sql", "SPARK", {{"programType", "SQL"}, {"rawScript", "select 1"}});
        add("mr", "MR", {{"programType", "JAVA"}, {"mainJar", {{"resourceName", "file:/ds/res/mr.jar"}}}, {"mainClass", "wc.Main"},
                         {"appName", "wc"}, {"others", "-D a=b"}, {"mainArgs", "in out"}});
        add("flink_sql", "FLINK", {{"programType", "SQL"}, {"initScript", "set a=b"}, {"rawScript", "insert into s select 1"}});
        add("flink_stream", "FLINK_STREAM", {{"programType", "SQL"}, {"rawScript", "insert into s select 2"}});
        add("flink_jar", "FLINK",
            {{"programType", "JAVA"}, {"mainJar", {{"resourceName", "file:/ds/res/flink.jar"}}}, {"mainClass", "f.Job"},
             {"deployMode", "cluster"}, {"appName", "fj"}, {"jobManagerMemory", "1G"}, {"taskManagerMemory", "2G"},
             {"slot", 1}, {"parallelism", 2}, {"mainArgs", "--in x"}});
        add("hivecli_script", "HIVECLI", {{"hiveCliTaskExecutionType", "SCRIPT"}, {"hiveSqlScript", "select 1;"}});
        add("hivecli_file", "HIVECLI", {{"hiveCliTaskExecutionType", "FILE"}, {"hiveCliOptions", "--hiveconf a=b"},
                                        {"resourceList", json::parse(R"([{"resourceName":"file:/ds/res/q.sql"}])")}});
        add("sqoop_custom", "SQOOP", {{"jobType", "CUSTOM"}, {"customShell", "sqoop import --table t"}});
        add("sqoop_export", "SQOOP",
            {{"jobType", "TEMPLATE"}, {"modelType", "export"}, {"concurrency", 2}, {"sourceType", "HDFS"},
             {"sourceParams", R"({"exportDir":"/warehouse/t"})"}, {"targetType", "MYSQL"},
             {"targetParams", R"({"targetDatasource":7,"targetTable":"t","targetColumns":"a, b","isUpdate":false})"}});
        add("datax_json", "DATAX",
            {{"customConfig", 1},
             {"json", R"({"job":{"content":[{"reader":{"name":"mysqlreader","parameter":{"username":"u","password":"p4ss",
                 "column":["a"],"connection":[{"table":["t"]}]}},"writer":{"name":"hdfswriter","parameter":{"path":"/x"}}}],
                 "setting":{"speed":{"channel":3}}}})"}});
        add("datax_form", "DATAX", {{"customConfig", 0}, {"dsType", "MYSQL"}, {"dataSource", 7}, {"dtType", "POSTGRESQL"},
                                    {"dataTarget", 8}, {"sql", "select a from t"}, {"targetTable", "t2"},
                                    {"preStatements", json::array({"truncate t2"})}});
        add("http", "HTTP",
            {{"url", "https://example.com/api"}, {"httpMethod", "POST"},
             {"httpParams", json::parse(R"([{"prop":"q","httpParametersType":"PARAMETER","value":"1"},
                                            {"prop":"X-A","httpParametersType":"HEADERS","value":"b"},
                                            {"prop":"token","httpParametersType":"HEADERS","value":"s3cr3t"},
                                            {"prop":"k","httpParametersType":"BODY","value":"v"}])")},
             {"httpCheckCondition", "BODY_CONTAINS"}, {"condition", "ok"}, {"connectTimeout", 60000},
             {"socketTimeout", 30000}});
        add("remote", "REMOTESHELL", {{"rawScript", "uptime"}, {"datasource", 10}});
        add("seatunnel", "SEATUNNEL", {{"startupScript", "seatunnel.sh"}, {"rawScript", "env {}"}});
        const long long sub = add("sub", "SUB_PROCESS", {{"processDefinitionCode", 900}});
        const long long after_sub = add("after_sub", "SHELL", {{"rawScript", "echo after"}});
        relations.push_back(relation(sub, after_sub));
        // CONDITIONS on shell's state; SWITCH with two cases and a default; DEPENDENT with OR.
        const long long a = add("a", "SHELL", {{"rawScript", "echo a"}});
        const long long b = add("b", "SHELL", {{"rawScript", "echo b"}});
        const long long cond = add("cond", "CONDITIONS",
                                   {{"dependence", {{"relation", "AND"},
                                                    {"dependTaskList", json::array({{{"relation", "OR"},
                                                                                     {"dependItemList", json::array({
                                                                                         {{"depTaskCode", 101}, {"status", "SUCCESS"}},
                                                                                         {{"depTaskCode", 102}, {"status", "FAILURE"}}})}}})}}},
                                    {"conditionResult", {{"successNode", json::array({a})}, {"failedNode", json::array({b})}}}});
        relations.push_back(relation(101, cond));
        relations.push_back(relation(102, cond));
        relations.push_back(relation(cond, a));
        relations.push_back(relation(cond, b));
        const long long x = add("x", "SHELL", {{"rawScript", "echo x"}});
        const long long y = add("y", "SHELL", {{"rawScript", "echo y"}});
        const long long z = add("z", "SHELL", {{"rawScript", "echo z"}});
        const long long sw = add("switch", "SWITCH",
                                 {{"switchResult", {{"dependTaskList", json::array({{{"condition", "${v} == 1"}, {"nextNode", x}},
                                                                                   {{"condition", "${v} > 1"}, {"nextNode", y}}})},
                                                    {"nextNode", z}}}});
        relations.push_back(relation(sw, x));
        relations.push_back(relation(sw, y));
        relations.push_back(relation(sw, z));
        add("dep", "DEPENDENT",
            {{"dependence", {{"relation", "OR"},
                             {"dependTaskList", json::array({
                                 {{"relation", "AND"}, {"dependItemList", json::array({
                                      {{"projectCode", 1}, {"definitionCode", 900}, {"depTaskCode", 901}, {"cycle", "day"}, {"dateValue", "today"}},
                                      {{"projectCode", 1}, {"definitionCode", 900}, {"depTaskCode", 0}, {"cycle", "day"}, {"dateValue", "last1Days"}}})}},
                                 {{"relation", "AND"}, {"dependItemList", json::array({
                                      {{"projectCode", 2}, {"definitionCode", 555}, {"depTaskCode", 0}, {"cycle", "week"}, {"dateValue", "lastWeek"}}})}}})}}}});
        const json schedule = {{"crontab", "0 30 6 ? * MON-FRI *"}, {"startTime", "2024-01-01 00:00:00"},
                               {"endTime", "2030-01-01 00:00:00"}, {"timezoneId", "Asia/Shanghai"}, {"failureStrategy", "END"},
                               {"processInstancePriority", "LOW"}, {"releaseState", "ONLINE"}};
        const json globals = json::parse(R"([{"prop":"dt","direct":"IN","type":"VARCHAR","value":"$[yyyy-MM-dd-1]"},
                                             {"prop":"odd","direct":"IN","type":"VARCHAR","value":"$[last_day(yyyy-MM-dd)]"}])");
        json child = definition(900, "child", json::array({task3(901, "child_task", "SHELL", {{"rawScript", "echo child"}})}),
                                json::array({relation(0, 901)}));
        folder_ = new Folder("every_type_3");
        folder_->file("package_info.json", R"({"version": "3.2.1"})")
            .file("projects.json", R"([{"name": "p", "code": 1}])")
            .file("projects/p/processDefinition/process_definitions_page_1.json",
                  json::array({definition(800, "every type", tasks, relations, schedule, globals), child}))
            .file("datasource/datasource_page_1.json", kDataSources)
            .file("resource/resources.json", R"([{"id": 1, "fullName": "/ds/res/app.jar", "type": "FILE"}])")
            .file("resource/ds/res/app.jar", std::string("PK\x03\x04 jar bytes", 15));
        written_ = new Written(run(folder_->path()));
    }
    static void TearDownTestSuite() {
        delete written_;
        delete folder_;
    }
    static const Written& w() { return *written_; }
    static json wf() { return workflow(*written_, "every_type"); }
    static json n(const std::string& name) { return node(wf(), name); }
    static inline Written* written_ = nullptr;
    static inline Folder* folder_ = nullptr;
};

TEST_F(EveryTaskType3, RecognisedAndRead) {
    EXPECT_EQ(w().recognition.format, "dolphinscheduler-3");
    EXPECT_FALSE(w().diagnostics.has_errors()) << dump(w().diagnostics);
    // "every type" holds a space: DataWorks names do not.
    EXPECT_TRUE(find(w().diagnostics, "FERRY-DS-NAME", "process 'every type' is named 'every_type'"));
    EXPECT_TRUE(check_flowspec_rules(w()) == (std::set<std::string>{"555"}));
}

struct CodeCase {
    const char* node;
    const char* command;
    const char* code;
};

TEST_F(EveryTaskType3, CodeTasks) {
    const CodeCase cases[] = {
        {"shell", "DIDE_SHELL", "##@resource_reference{\"a.sh\"}\necho hi"},
        {"procedure", "MYSQL", "call refresh(1)"},
        {"sql_around", "MYSQL", "truncate t;\ninsert into t select 1;\nanalyze t;"},
        {"spark_jar", "EMR_SPARK",
         "##@resource_reference{\"app.jar\"}\nspark-submit --class a.B --master yarn --deploy-mode cluster --driver-cores 1 "
         "--driver-memory 1G --num-executors 2 --executor-cores 2 --executor-memory 2G --name app --queue q --conf k=v "
         "app.jar x y"},
        {"spark_py", "EMR_SPARK",
         "##@resource_reference{\"job.py\"}\nspark-submit --master yarn --deploy-mode client job.py ${dt}"},
        {"spark_sql", "EMR_SPARK_SQL", "select 1"},
        {"mr", "EMR_MR", "##@resource_reference{\"mr.jar\"}\nmr.jar wc.Main -D mapreduce.job.name=wc -D a=b in out"},
        {"flink_sql", "FLINK_SQL_BATCH", "set a=b;\ninsert into s select 1"},
        {"flink_stream", "FLINK_SQL_STREAM", "insert into s select 2"},
        {"flink_jar", "EMR_SHELL",
         "##@resource_reference{\"flink.jar\"}\nflink run -m yarn-cluster -ynm fj -yjm 1G -ytm 2G -ys 1 -p 2 -c f.Job "
         "flink.jar --in x"},
        {"hivecli_script", "EMR_HIVE", "select 1;"},
        {"hivecli_file", "EMR_SHELL", "##@resource_reference{\"q.sql\"}\nhive --hiveconf a=b -f q.sql"},
        {"sqoop_custom", "EMR_SHELL", "sqoop import --table t"},
        {"remote", "SSH", "uptime"},
        {"after_sub", "DIDE_SHELL", "echo after"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.node);
        EXPECT_EQ(command(n(c.node)), c.command);
        EXPECT_EQ(code(n(c.node)), c.code);
    }
    EXPECT_EQ(n("remote")["datasource"], (json{{"name", "ssh_ds"}, {"type", "ssh"}}));
    EXPECT_EQ(n("spark_jar")["fileResources"], json::parse(R"([{"name":"app.jar","type":"jar"}])"));
    // Only app.jar is in the export.
    EXPECT_FALSE(find(w().diagnostics, "FERRY-DS-RESOURCE", "'app.jar'"));
    EXPECT_TRUE(find(w().diagnostics, "FERRY-DS-RESOURCE", "task 'spark_py' (SPARK): uses resource 'job.py'"));
}

TEST_F(EveryTaskType3, SqlByDataSourceType) {
    for (const auto& s : kSql) {
        SCOPED_TRACE(s.db);
        const json x = n(std::string("sql_") + s.db);
        EXPECT_EQ(command(x), s.command);
        EXPECT_EQ(code(x), std::string("select 1 from ") + s.db);
        EXPECT_EQ(x["datasource"], (json{{"name", "mysql_ds"}, {"type", s.datasource_type}}));
    }
    EXPECT_TRUE(find(w().diagnostics, "FERRY-DS-SQL-TYPE", "task 'sql_ATHENA' (SQL): runs on database type 'ATHENA'"));
    EXPECT_EQ(n("sql_around")["datasource"], (json{{"name", "pg_ds"}, {"type", "mysql"}}));
}

TEST_F(EveryTaskType3, SyncTasksBecomeDataIntegrationJobs) {
    const json sqoop = json::parse(code(n("sqoop_export")));
    EXPECT_EQ(command(n("sqoop_export")), "DI");
    EXPECT_EQ(sqoop["steps"][0], json::parse(R"({"stepType":"hdfs","name":"Reader","category":"reader",
        "parameter":{"path":"/warehouse/t","column":["*"]}})"));
    EXPECT_EQ(sqoop["steps"][1]["parameter"], json::parse(R"({"datasource":"mysql_ds","table":"t","column":["a","b"],
        "writeMode":"insert"})"));
    EXPECT_EQ(sqoop["setting"]["speed"]["concurrent"], 2);

    const json datax = json::parse(code(n("datax_json")));
    EXPECT_EQ(command(n("datax_json")), "DI");
    EXPECT_EQ(datax["steps"][0]["stepType"], "mysql");
    EXPECT_EQ(datax["steps"][0]["parameter"], json::parse(R"({"username":"u","column":["a"],"connection":[{"table":["t"]}]})"));
    EXPECT_EQ(datax["steps"][1]["stepType"], "hdfs");
    EXPECT_EQ(datax["setting"]["speed"]["concurrent"], 3);
    EXPECT_TRUE(find(w().diagnostics, "FERRY-DS-SECRET", "task 'datax_json' (DATAX): its DataX job holds secrets (/steps/0/parameter/password)"));
    // Nor is the password kept in the task's original.
    EXPECT_EQ(n("datax_json")["dolphinscheduler"].dump().find("p4ss"), std::string::npos);

    const json form = json::parse(code(n("datax_form")));
    EXPECT_EQ(form["steps"][0], json::parse(R"({"stepType":"mysql","name":"Reader","category":"reader",
        "parameter":{"datasource":"mysql_ds","querySql":"select a from t"}})"));
    EXPECT_EQ(form["steps"][1]["parameter"], json::parse(R"({"datasource":"pg_ds","table":"t2","column":["*"],
        "preSql":["truncate t2"]})"));
}

TEST_F(EveryTaskType3, HttpBecomesACheckedCurl) {
    EXPECT_EQ(command(n("http")), "DIDE_SHELL");
    EXPECT_EQ(code(n("http")),
              "# HTTP POST https://example.com/api (a DolphinScheduler HTTP task)\n"
              "response=$(curl -sS -X POST --connect-timeout 60 --max-time 30 --data-urlencode q=1 -H 'X-A: b' -G -H "
              "'Content-Type: application/json' --data '{\"k\":\"v\"}' -w '\n%{http_code}' https://example.com/api) || exit 1\n"
              "code=$(printf '%s' \"$response\" | tail -n 1)\n"
              "body=$(printf '%s' \"$response\" | sed '$d')\n"
              "printf '%s\\n' \"$body\"\n"
              "printf '%s' \"$body\" | grep -qF -- ok || exit 1\n");
    EXPECT_TRUE(find(w().diagnostics, "FERRY-DS-SECRET", "task 'http' (HTTP): sends secrets (token)"));
    for (const auto& [path, text] : w().documents) EXPECT_EQ(text.find("s3cr3t"), std::string::npos) << path;
}

TEST_F(EveryTaskType3, UnmappedTypesAreCustomNodesAndSaid) {
    EXPECT_EQ(command(n("seatunnel")), "CUSTOM");
    EXPECT_EQ(json::parse(code(n("seatunnel")))["startupScript"], "seatunnel.sh");
    const auto* d = find(w().diagnostics, "FERRY-DS-TASK-TYPE", "task 'seatunnel'");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->summary,
              "process 'every type', task 'seatunnel' (SEATUNNEL): has task type 'SEATUNNEL', which has no DataWorks "
              "mapping: it becomes a CUSTOM node holding its parameters; rebuild it in DataWorks");
}

TEST_F(EveryTaskType3, ConditionsBranchOnBothOutcomes) {
    const json cond = n("cond");
    const std::string id = cond["id"];
    EXPECT_EQ(command(cond), "CONTROLLER_BRANCH");
    const json& br = cond["branch"]["branches"];
    ASSERT_EQ(br.size(), 2u);
    EXPECT_EQ(br[0]["when"], "${shell.status} == \"SUCCESS\" || ${python.status} == \"FAILURE\"");
    EXPECT_EQ(br[1]["when"], "!(${shell.status} == \"SUCCESS\" || ${python.status} == \"FAILURE\")");
    EXPECT_EQ(depends(wf(), n("a")), std::vector<std::string>{id + "@" + id + ".success"});
    EXPECT_EQ(depends(wf(), n("b")), std::vector<std::string>{id + "@" + id + ".failed"});
    EXPECT_EQ(depends(wf(), cond), (std::vector<std::string>{"101", "102"}));  // fan-in
}

TEST_F(EveryTaskType3, SwitchKeepsEveryCaseAndTheDefault) {
    const json sw = n("switch");
    const std::string id = sw["id"];
    EXPECT_EQ(command(sw), "CONTROLLER_BRANCH");
    auto branch = [&](const std::string& when, const std::string& desc, const std::string& suffix, const std::string& target) {
        return json{{"when", when}, {"desc", desc},
                    {"output", {{"data", id + suffix}, {"artifactType", "NodeOutput"}, {"refTableName", target}}}};
    };
    EXPECT_EQ(sw["branch"]["branches"], json::array({branch("${v} == 1", "case 1", ".case_1", "x"),
                                                     branch("${v} > 1", "case 2", ".case_2", "y"),
                                                     branch("!(${v} == 1) && !(${v} > 1)", "default", ".default", "z")}));
    EXPECT_EQ(depends(wf(), n("x")), std::vector<std::string>{id + "@" + id + ".case_1"});
    EXPECT_EQ(depends(wf(), n("y")), std::vector<std::string>{id + "@" + id + ".case_2"});
    EXPECT_EQ(depends(wf(), n("z")), std::vector<std::string>{id + "@" + id + ".default"});
    EXPECT_EQ(sw["outputs"]["nodeOutputs"].size(), 4u);
}

TEST_F(EveryTaskType3, DependentJoinsWorkflowsAndTasks) {
    const json dep = n("dep");
    EXPECT_EQ(command(dep), "CONTROLLER_JOIN");
    EXPECT_EQ(dep["join"]["logic"]["expression"], "(b1 and b2) or b3");
    EXPECT_EQ(depends(wf(), dep),
              (std::vector<std::string>{"901", "900:CrossCycleDependsOnOtherNode", "555:CrossCycleDependsOnOtherNode"}));
    EXPECT_TRUE(find(w().diagnostics, "FERRY-DS-DEPENDENT-DATE", "over 'lastWeek' (cycle week)"));
    EXPECT_TRUE(find(w().diagnostics, "FERRY-DS-DEPENDENT", "depends on process '555'"));
}

TEST_F(EveryTaskType3, SubProcessIsASubWorkflow) {
    const json sub = n("sub");
    EXPECT_EQ(command(sub), "VIRTUAL");
    EXPECT_EQ(depends(wf(), n("after_sub")), (std::vector<std::string>{sub["id"].get<std::string>(), "900"}));
    const json child = document(w(), workflow_path("child"));
    EXPECT_EQ(child["spec"]["flow"], json::parse(R"([{"nodeId":"900","depends":[{"nodeId":")" + sub["id"].get<std::string>() +
                                                  R"(","output":")" + sub["id"].get<std::string>() + R"(","type":"Normal"}]}])"));
    // No schedule of its own: it runs on its parent's.
    EXPECT_EQ(child["kind"], "CycleWorkflow");
    EXPECT_EQ(child["spec"]["workflows"][0]["trigger"]["cron"], "00 30 06 ? * 1-5");
}

TEST_F(EveryTaskType3, RetriesTimeoutsPrioritiesAndParameters) {
    const json shell = n("shell");
    EXPECT_EQ(shell["priority"], 8);
    EXPECT_EQ(shell["rerunTimes"], 3);
    EXPECT_EQ(shell["rerunInterval"], 300000);
    EXPECT_EQ(shell["timeout"], 1800);
    EXPECT_EQ(shell["recurrence"], "Skip");  // flag NO: skipped, what follows still runs
    EXPECT_EQ(shell["runtimeResource"]["resourceGroup"], "etl");
    EXPECT_EQ(parameter(shell, "day"), "$bizdate");
    EXPECT_EQ(shell["outputs"]["variables"][0]["name"], "out");
    // A warn-only timeout is not a DataWorks timeout.
    EXPECT_FALSE(n("python").contains("timeout"));
    EXPECT_TRUE(find(w().diagnostics, "FERRY-DS-TIMEOUT", "task 'python' (PYTHON): only warns after 10 minutes"));
    // Built-ins used in code become declared parameters.
    const json py = n("python");
    EXPECT_EQ(code(py), "print('${system_biz_date}', '${ds_time_1}')");
    EXPECT_EQ(parameter(py, "system_biz_date"), "$bizdate");
    EXPECT_EQ(parameter(py, "ds_time_1"), "$[yyyymmdd-1]");
    EXPECT_TRUE(find(w().diagnostics, "FERRY-DS-PARAMETER-IN-CODE", "task 'python'"));
    // The workflow: schedule, strategy and global parameters.
    const json flow = wf();
    EXPECT_EQ(flow["trigger"]["cron"], "00 30 06 ? * 1-5");
    EXPECT_EQ(flow["strategy"]["failureStrategy"], "Break");
    EXPECT_EQ(flow["strategy"]["priority"], 3);
    EXPECT_EQ(parameter(flow, "dt"), "$[yyyy-mm-dd-1]");
    EXPECT_EQ(parameter(flow, "odd"), "$[last_day(yyyy-MM-dd)]");
    EXPECT_TRUE(find(w().diagnostics, "FERRY-DS-PARAMETER", "global parameter 'odd' uses $[last_day(yyyy-MM-dd)]"));
}

TEST_F(EveryTaskType3, DataSourcesAndResources) {
    const json my = document(w(), "DataSource/mysql/mysql/PRD/mysql_ds/mysql_ds.json");
    EXPECT_EQ(my["spec"]["datasources"][0]["config"], json::parse(R"({"user":"u","address":"jdbc:mysql://h:3306"})"));
    const json pg = document(w(), "DataSource/postgresql/postgresql/PRD/pg_ds/pg_ds.json");
    EXPECT_EQ(pg["spec"]["datasources"][0]["name"], "pg_ds");
    const json ssh = document(w(), "DataSource/ssh/ssh/PRD/ssh_ds/ssh_ds.json");
    EXPECT_EQ(ssh["spec"]["datasources"][0]["config"], json::parse(R"({"host":"h"})"));
    EXPECT_TRUE(find(w().diagnostics, "FERRY-DS-SECRET", "data source 'ssh_ds': /connectionParams/privateKey left out"));
    for (const auto& [path, text] : w().documents) EXPECT_EQ(text.find("p4ss"), std::string::npos) << path;
    // A resource's bytes pass through beside its document.
    EXPECT_EQ(w().files.at("DataStudio/资源/ds/res/app.jar"), std::string("PK\x03\x04 jar bytes", 15));
    EXPECT_TRUE(w().documents.count("DataStudio/资源/ds/res/app.jar.schedule.json"));
    EXPECT_FALSE(find(w().diagnostics, "FERRY-DS-RESOURCE-BYTES"));
}

// The 1.3 export with each of 1.3's task types.
TEST(EveryTaskType13, EachTypeIsANode) {
    auto task = [](const std::string& id, const std::string& name, const std::string& type, json params,
                   json pre = json::array(), json extra = json::object()) {
        json t = {{"id", id}, {"name", name}, {"type", type}, {"params", std::move(params)}, {"preTasks", std::move(pre)},
                  {"runFlag", "NORMAL"}, {"taskInstancePriority", "MEDIUM"}, {"maxRetryTimes", "1"}, {"retryInterval", "2"},
                  {"timeout", {{"enable", true}, {"strategy", "FAILED"}, {"interval", 5}}}, {"workerGroup", "default"},
                  {"dependence", json::object()}, {"conditionResult", {{"successNode", {""}}, {"failedNode", {""}}}}};
        for (auto& [k, v] : extra.items()) t[k] = v;
        return t;
    };
    const json tasks = json::array({
        task("tasks-1", "sh", "SHELL", {{"rawScript", "echo 1"}, {"resourceList", json::array()}, {"localParams", json::array()}}),
        task("tasks-2", "hive", "SQL", {{"type", "HIVE"}, {"datasource", 2}, {"datasourceName", "hive_conn"}, {"sql", "select 2"}}, {"sh"}),
        task("tasks-3", "proc", "PROCEDURE", {{"type", "POSTGRESQL"}, {"datasource", 3}, {"method", "call p()"}}, {"sh"}),
        task("tasks-4", "mr", "MR", {{"mainJar", {{"id", 4}}}, {"mainClass", "M"}, {"resourceList", json::parse(R"([{"id":4,"res":"x/mr.jar","name":"mr.jar"}])")}}, {"sh"}),
        task("tasks-5", "spark", "SPARK", {{"programType", "SCALA"}, {"mainJar", {{"id", 4}}}, {"mainClass", "S"}, {"deployMode", "cluster"}}, {"sh"}),
        task("tasks-6", "py", "PYTHON", {{"rawScript", "print(2)"}}, {"sh"}),
        task("tasks-7", "flink", "FLINK", {{"programType", "JAVA"}, {"mainJar", {{"id", 4}}}, {"mainClass", "F"}, {"deployMode", "cluster"}}, {"sh"}),
        task("tasks-8", "http", "HTTP", {{"url", "http://h/x"}, {"httpMethod", "GET"}, {"httpCheckCondition", "STATUS_CODE_DEFAULT"}}, {"sh"}),
        task("tasks-9", "datax", "DATAX", {{"customConfig", 0}, {"dsType", "MYSQL"}, {"dataSource", 3}, {"dtType", "MYSQL"}, {"dataTarget", 3}, {"sql", "select 1"}, {"targetTable", "t"}}, {"sh"}),
        task("tasks-10", "cond", "CONDITIONS", json::object(), {"sh"},
             {{"dependence", {{"relation", "AND"}, {"dependTaskList", json::array({{{"relation", "AND"}, {"dependItemList", json::array({{{"depTasks", "sh"}, {"status", "SUCCESS"}}})}}})}}},
              {"conditionResult", {{"successNode", {"ok"}}, {"failedNode", {"ko"}}}}}),
        task("tasks-11", "ok", "SHELL", {{"rawScript", "echo ok"}}, {"cond"}),
        task("tasks-12", "ko", "SHELL", {{"rawScript", "echo ko"}}, {"cond"}),
        task("tasks-13", "sqoop", "SQOOP", {{"jobType", "CUSTOM"}, {"customShell", "sqoop eval"}}, {"sh"}),
        task("tasks-14", "dep", "DEPENDENT", json::object(), json::array(),
             {{"dependence", {{"relation", "AND"}, {"dependTaskList", json::array({{{"relation", "AND"}, {"dependItemList", json::array({
                 {{"projectName", "p"}, {"definitionId", 21}, {"definitionName", "other"}, {"depTasks", "o1"}, {"cycle", "hour"}, {"dateValue", "last1Hour"}}})}}})}}}}),
        task("tasks-15", "sub", "SUB_PROCESS", {{"processDefinitionId", 21}}, {"sh"}),
        task("tasks-16", "wd", "WATERDROP", {{"rawScript", "x"}}, {"sh"}),
        task("tasks-17", "off", "SHELL", {{"rawScript", "echo off"}}, {"sh"}, {{"runFlag", "FORBIDDEN"}}),
    });
    const json main = {{"processDefinitionId", 20}, {"processDefinitionName", "main"}, {"projectName", "p"},
                       {"processDefinitionJson", json{{"globalParams", json::array()}, {"tasks", tasks}, {"timeout", 60}}.dump()},
                       {"scheduleCrontab", "0 0 1 ? * SUN *"}, {"scheduleStartTime", "2022-01-01 00:00:00"},
                       {"scheduleEndTime", "2122-01-01 00:00:00"}, {"scheduleFailureStrategy", "CONTINUE"},
                       {"scheduleProcessInstancePriority", "MEDIUM"}, {"scheduleReleaseState", "ONLINE"}};
    const json other = {{"processDefinitionId", 21}, {"processDefinitionName", "other"}, {"projectName", "p"},
                        {"processDefinitionJson", json{{"tasks", json::array({task("tasks-1", "o1", "SHELL", {{"rawScript", "echo o1"}})})}}.dump()}};
    Folder f("every_type_13");
    f.file("package_info.json", R"({"version":"1.3.6"})")
        .file("projects/p/processDefinition/process_definitions_page_1.json", json::array({main, other}))
        .file("datasource/datasource_page_1.json", json::parse(R"([{"id":2,"name":"hive_conn","type":"HIVE","connectionParams":"{}"},
                                                                   {"id":3,"name":"pg","type":"POSTGRESQL","connectionParams":"{}"}])"))
        .file("resource/resources.json", R"([{"id":4,"fullName":"x/mr.jar","name":"mr.jar","type":"FILE"}])")
        .file("resource/x/mr.jar", "jar");
    const Written w = run(f.path());
    EXPECT_EQ(w.recognition.format, "dolphinscheduler-1.3");
    EXPECT_FALSE(w.diagnostics.has_errors()) << dump(w.diagnostics);
    const json wf = workflow(w, "main");
    const std::pair<const char*, const char*> commands[] = {
        {"sh", "DIDE_SHELL"}, {"hive", "EMR_HIVE"},         {"proc", "POSTGRESQL"},       {"mr", "EMR_MR"},
        {"spark", "EMR_SPARK"}, {"py", "PYTHON"},          {"flink", "EMR_SHELL"},       {"http", "DIDE_SHELL"},
        {"datax", "DI"},       {"cond", "CONTROLLER_BRANCH"}, {"ok", "DIDE_SHELL"},       {"ko", "DIDE_SHELL"},
        {"sqoop", "EMR_SHELL"}, {"dep", "CONTROLLER_JOIN"}, {"sub", "VIRTUAL"},           {"wd", "CUSTOM"},
        {"off", "DIDE_SHELL"}};
    for (const auto& [name, cmd] : commands) EXPECT_EQ(command(node(wf, name)), cmd) << name;
    EXPECT_EQ(code(node(wf, "mr")), "##@resource_reference{\"mr.jar\"}\nmr.jar M");
    EXPECT_EQ(code(node(wf, "spark")), "##@resource_reference{\"mr.jar\"}\nspark-submit --class S --master yarn --deploy-mode cluster mr.jar");
    EXPECT_EQ(node(wf, "proc")["datasource"], (json{{"name", "pg"}, {"type", "postgresql"}}));
    EXPECT_EQ(node(wf, "sh")["timeout"], 300);
    EXPECT_EQ(node(wf, "sh")["rerunTimes"], 1);
    EXPECT_EQ(node(wf, "sh")["rerunInterval"], 120000);
    EXPECT_EQ(node(wf, "off")["recurrence"], "Skip");
    EXPECT_EQ(depends(wf, node(wf, "ok")), std::vector<std::string>{"ds13-20-tasks-10@ds13-20-tasks-10.success"});
    EXPECT_EQ(depends(wf, node(wf, "ko")), std::vector<std::string>{"ds13-20-tasks-10@ds13-20-tasks-10.failed"});
    // A task of the other process, by name, the hour before.
    EXPECT_EQ(depends(wf, node(wf, "dep")), std::vector<std::string>{"ds13-21-tasks-1:CrossCycleDependsOnOtherNode"});
    EXPECT_FALSE(find(w.diagnostics, "FERRY-DS-DEPENDENT-DATE"));
    // Sunday in Quartz is 7 in DataWorks; the hour is kept.
    EXPECT_EQ(wf["trigger"]["cron"], "00 00 01 ? * 7");
    EXPECT_EQ(wf["strategy"]["timeout"], 3600);
    EXPECT_TRUE(find(w.diagnostics, "FERRY-DS-TASK-TYPE", "task 'wd' (WATERDROP): has task type 'WATERDROP'"));
    EXPECT_TRUE(check_flowspec_rules(w).empty());
}

}  // namespace
}  // namespace ferry::reader::ds::testing
