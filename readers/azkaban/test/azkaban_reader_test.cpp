// The Azkaban reader over projects built here: Flow 1.0 (.job and .properties files, an embedded
// flow, fan-in and fan-out) and Flow 2.0 (.flow YAML with a .project file, a nested flow, a trigger),
// every job type, parameters valued from what the jobs inherit, and malformed projects refused with
// exact messages. The shapes follow Azkaban's documentation and MigrationX's reading of them
// (aliyun/dataworks-spec: migrationx-domain-azkaban objects/{Job,CommandJob,HiveJob,JobType}.java and
// service/AzkabanPackageParser.java).
#include <gtest/gtest.h>

#include <algorithm>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include <pthread.h>

#include "azkaban_flows.hpp"
#include "azkaban_reader.hpp"
#include "reader_harness.hpp"

namespace ferry::reader::azkaban {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::run_reader;
using testing::Written;

Written read(const std::map<std::string, std::string>& files) {
    static int counter = 0;
    const fs::path dir = fs::temp_directory_path() / ("ferry-azkaban-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(dir);
    for (const auto& [p, bytes] : files) {
        fs::create_directories((dir / p).parent_path());
        std::ofstream(dir / p, std::ios::binary) << bytes;
    }
    AzkabanReader reader;
    Written w = run_reader(reader, dir.string());
    fs::remove_all(dir);
    return w;
}

json workflow(const Written& w, const std::string& flow) {
    const std::string path = "DataStudio/Business Flow/" + flow + "/" + flow + ".schedule.json";
    auto it = w.documents.find(path);
    if (it == w.documents.end()) {
        std::string have;
        for (const auto& [p, d] : w.documents) have += "\n  " + p;
        ADD_FAILURE() << "no document " << path << "; written:" << have;
        return json::object();
    }
    const json doc = json::parse(it->second);
    EXPECT_EQ(doc["version"], "1.2.0");
    EXPECT_EQ(doc["kind"], "CycleWorkflow");
    return doc["spec"]["workflows"][0];
}

json by_name(const json& nodes, const std::string& name) {
    for (const auto& n : nodes)
        if (n["name"] == name) return n;
    ADD_FAILURE() << "no node " << name;
    return json::object();
}

// The names a node depends on, through the workflow's dependencies.
std::vector<std::string> upstream(const json& container, const json& deps, const std::string& name) {
    std::map<std::string, std::string> names;
    for (const auto& n : container) names[n["id"]] = n["name"];
    std::vector<std::string> out;
    const std::string id = by_name(container, name)["id"];
    for (const auto& d : deps)
        if (d["nodeId"] == id)
            for (const auto& u : d["depends"]) out.push_back(names[u["nodeId"]]);
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> codes(const Written& w, const std::string& code) {
    std::vector<std::string> out;
    for (const auto& d : w.diagnostics.items())
        if (d.code == code) out.push_back(d.summary);
    return out;
}

// Flow 1.0: start fans out to load and clean, which fan in at report; report's flow also embeds
// the flow that ends in sub_end; a hive job runs a script of the project.
const std::map<std::string, std::string> kFlow1 = {
    {"system.properties", "env=prod\nbase=/data/${env}\nuser.to.proxy=etl\n"},
    {"jobs/jobs.properties", "env=staging\nretries=2\n"},
    {"jobs/start.job", "type=command\ncommand=echo start ${azkaban.flow.start.year}\n"},
    {"jobs/load.job",
     "type=command\ndependencies=start\ncommand=sh ./scripts/load.sh ${base} ${day}\ncommand.1=echo ${env}\n"
     "command.3=echo never\nretry.backoff=60000\nday=${azkaban.flow.start.day}\n"},
    {"jobs/clean.job", "type=hive\ndependencies=start\nhive.script=scripts/clean.sql\n"},
    {"jobs/scripts/load.sh", "#!/bin/sh\necho loading $1\n"},
    {"jobs/scripts/clean.sql", "insert overwrite table t select * from s;\n"},
    {"report.job", "type=command\ndependencies=load, clean,sub\ncommand=echo report ${undefined_param}\n"},
    {"sub.job", "type=flow\nflow.name=sub_end\n"},
    {"sub_a.job", "type=noop\n"},
    {"sub_end.job", "type=javaprocess\njava.class=com.example.Main\ndependencies=sub_a\n"},
    {"other.job", "type=spark\ncondition=all_done\n"},
    {"README.md", "notes\n"},
};

class Flow1 : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { w_ = new Written(read(kFlow1)); }
    static void TearDownTestSuite() { delete w_; }
    static const Written& w() { return *w_; }
    static inline Written* w_ = nullptr;
};

TEST_F(Flow1, RecognisesTheProject) {
    EXPECT_EQ(w().recognition.format, "azkaban");
    EXPECT_EQ(w().recognition.confidence, 90);
    for (const auto& d : w().diagnostics.items())
        EXPECT_NE(d.severity, sdk::Severity::error) << d.code << ": " << d.summary;
}

TEST_F(Flow1, AFlowEndsInEachJobNothingDependsOn) {
    std::vector<std::string> flows;
    for (const auto& [p, d] : w().documents)
        if (p.rfind("DataStudio/Business Flow/", 0) == 0) flows.push_back(p);
    // sub_end ends a flow of its own too: Azkaban lists it as one.
    EXPECT_EQ(flows, (std::vector<std::string>{"DataStudio/Business Flow/other/other.schedule.json",
                                               "DataStudio/Business Flow/report/report.schedule.json",
                                               "DataStudio/Business Flow/sub_end/sub_end.schedule.json"}));
}

TEST_F(Flow1, JobsAreNodesWithTheirCommandsAndDependencies) {
    const json wf = workflow(w(), "report");
    const json& nodes = wf["nodes"];
    ASSERT_EQ(nodes.size(), 5u);  // start, load, clean, sub, report
    const json load = by_name(nodes, "load");
    EXPECT_EQ(load["script"]["runtime"]["command"], "DIDE_SHELL");
    EXPECT_EQ(load["script"]["content"], "sh ./scripts/load.sh ${base} ${day}\necho ${env}");
    EXPECT_EQ(load["rerunTimes"], 2);  // inherited from jobs/jobs.properties
    EXPECT_EQ(load["rerunInterval"], 60000);
    EXPECT_EQ(load["fileResources"], (json::array({{{"name", "load.sh"}}})));
    EXPECT_EQ(load["azkaban"]["properties"]["command.3"], "echo never");
    EXPECT_EQ(load["azkaban"]["notRun"], (json::array({"command.3"})));
    EXPECT_EQ(load["azkaban"]["inherits"], (json::array({"jobs/jobs.properties", "system.properties"})));

    EXPECT_EQ(upstream(nodes, wf["dependencies"], "load"), (std::vector<std::string>{"start"}));
    EXPECT_EQ(upstream(nodes, wf["dependencies"], "clean"), (std::vector<std::string>{"start"}));
    EXPECT_EQ(upstream(nodes, wf["dependencies"], "report"), (std::vector<std::string>{"clean", "load", "sub"}));
    EXPECT_TRUE(upstream(nodes, wf["dependencies"], "start").empty());
}

TEST_F(Flow1, ParametersTakeTheValuesTheJobInherits) {
    const json wf = workflow(w(), "report");
    const json load = by_name(wf["nodes"], "load");
    // The nearer .properties file wins (jobs/ over the root); ${env} inside base resolves there too.
    EXPECT_EQ(load["script"]["parameters"],
              (json::array({{{"name", "base"}, {"scope", "NodeParameter"}, {"type", "Constant"}, {"value", "/data/staging"}},
                            {{"name", "day"}, {"scope", "NodeParameter"}, {"type", "System"}, {"value", "$[dd]"}},
                            {{"name", "env"}, {"scope", "NodeParameter"}, {"type", "Constant"}, {"value", "staging"}}})));
    const json start = by_name(wf["nodes"], "start");
    EXPECT_EQ(start["script"]["parameters"][0]["value"], "$[yyyy]");
    EXPECT_EQ(codes(w(), "FERRY-AZKABAN-PARAMETER"),
              (std::vector<std::string>{
                  "job 'report' uses ${undefined_param}, which no job, .properties file or flow config defines"}));
}

TEST_F(Flow1, HiveRunsItsScriptAndFlowsNest) {
    const json wf = workflow(w(), "report");
    const json clean = by_name(wf["nodes"], "clean");
    EXPECT_EQ(clean["script"]["runtime"]["command"], "EMR_HIVE");
    EXPECT_EQ(clean["script"]["content"], "insert overwrite table t select * from s;\n");

    const json sub = by_name(wf["nodes"], "sub");
    EXPECT_EQ(sub["script"]["runtime"]["command"], "VIRTUAL_WORKFLOW");
    const json& inner = sub["subflow"]["nodes"];
    ASSERT_EQ(inner.size(), 2u);
    EXPECT_EQ(by_name(inner, "sub_a")["script"]["runtime"]["command"], "VIRTUAL");
    EXPECT_EQ(upstream(inner, sub["subflow"]["dependencies"], "sub_end"), (std::vector<std::string>{"sub_a"}));
    // The embedded copy and the flow of its own have ids of their own.
    EXPECT_NE(by_name(inner, "sub_a")["id"], by_name(workflow(w(), "sub_end")["nodes"], "sub_a")["id"]);
}

TEST_F(Flow1, TypesWithoutANodeAreNamed) {
    EXPECT_EQ(by_name(workflow(w(), "sub_end")["nodes"], "sub_end")["script"]["runtime"]["command"], "VIRTUAL");
    EXPECT_EQ(codes(w(), "FERRY-AZKABAN-JOB-TYPE"),
              (std::vector<std::string>{
                  "job 'other' has type spark, which has no DataWorks node: it imports as a VIRTUAL node that does "
                  "nothing, its properties kept under \"azkaban\"",
                  "job 'sub_end' has type javaprocess (runs the Java class com.example.Main), which has no DataWorks "
                  "node: it imports as a VIRTUAL node that does nothing, its properties kept under \"azkaban\""}));
    EXPECT_EQ(codes(w(), "FERRY-AZKABAN-CONDITION"),
              (std::vector<std::string>{
                  "job 'other' runs on the condition 'all_done': it imports as running after all its upstream jobs succeed"}));
    EXPECT_EQ(codes(w(), "FERRY-AZKABAN-COMMAND-GAP"),
              (std::vector<std::string>{"job 'load': command.3 follows a missing command.2: Azkaban never runs it"}));
}

// What a DataWorks node has no field for is said, not dropped: inherited files once a flow, a
// job's own keys by job.
TEST_F(Flow1, SettingsWithoutAFieldAreSaid) {
    std::vector<std::string> expected;
    for (const char* flow : {"other", "report", "sub_end"})
        expected.push_back(std::string("flow '") + flow +
                           "': the jobs that inherit system.properties run with user.to.proxy, which a DataWorks node "
                           "has no field for: kept under \"azkaban\" only");
    EXPECT_EQ(codes(w(), "FERRY-AZKABAN-NOT-CARRIED"), expected);
    for (const auto& d : w().diagnostics.items()) {
        if (d.code == "FERRY-AZKABAN-NOT-CARRIED") {
            EXPECT_EQ(d.where, "system.properties");
        }
    }
}

TEST(Flow1Values, RetriesThatAreNotNumbersAreSaid) {
    const Written w = read({{"a.job", "type=command\ncommand=echo\nretries=three\nretry.backoff=99999999999\n"
                                      "env.TZ=UTC\nfailure.emails=ops@example.com\n"}});
    const json n = by_name(workflow(w, "a")["nodes"], "a");
    EXPECT_FALSE(n.contains("rerunTimes"));
    EXPECT_FALSE(n.contains("rerunInterval"));
    EXPECT_EQ(codes(w, "FERRY-AZKABAN-VALUE"),
              (std::vector<std::string>{
                  "job 'a': retries=three is not a whole number from 0 to 999999999: the node's rerunTimes is not set",
                  "job 'a': retry.backoff=99999999999 is not a whole number from 0 to 999999999: the node's "
                  "rerunInterval is not set"}));
    EXPECT_EQ(codes(w, "FERRY-AZKABAN-NOT-CARRIED"),
              (std::vector<std::string>{"job 'a' sets env.TZ, failure.emails, which a DataWorks node has no field "
                                        "for: kept under \"azkaban\" only"}));
    EXPECT_EQ(n["azkaban"]["properties"]["env.TZ"], "UTC") << "kept";
}

TEST_F(Flow1, SchedulesAreNotInTheProject) {
    const json wf = workflow(w(), "report");
    EXPECT_EQ(wf["trigger"], (json{{"type", "Scheduler"}, {"cron", "00 00 00 * * ?"}, {"recurrence", "Pause"}}));
    EXPECT_EQ(codes(w(), "FERRY-AZKABAN-NO-SCHEDULE"),
              (std::vector<std::string>{
                  "Azkaban keeps schedules on its server, not in the project: other, report, sub_end import as periodic "
                  "workflows paused on a placeholder daily schedule (00 00 00 * * ?)"}));
    EXPECT_EQ(wf["azkaban"]["propertiesFiles"]["system.properties"]["user.to.proxy"], "etl");
}

TEST_F(Flow1, OtherFilesAreResources) {
    EXPECT_EQ(w().files.at("DataStudio/Resource/load.sh"), "#!/bin/sh\necho loading $1\n");
    const json doc = json::parse(w().documents.at("DataStudio/Resource/load.sh.schedule.json"));
    const json& r = doc["spec"]["fileResources"][0];
    EXPECT_EQ(r["name"], "load.sh");
    EXPECT_EQ(r["type"], "file");
    EXPECT_EQ(r["file"]["path"], "jobs/scripts/load.sh");
    EXPECT_TRUE(w().files.count("DataStudio/Resource/README.md"));
}

// Flow 2.0: a .project file, flow config inherited by the nodes, a nested flow and a trigger.
const std::map<std::string, std::string> kFlow2 = {
    {"demo.project", "azkaban-flow-version: 2.0\n"},
    {"daily.flow",
     "config:\n"
     "  region: cn\n"
     "  retries: 1\n"
     "nodes:\n"
     "  - name: report\n"
     "    type: command\n"
     "    dependsOn: [extract, inner_flow]\n"
     "    config:\n"
     "      command: |\n"
     "        echo report ${region}\n"
     "        echo ${stage}\n"
     "  - name: extract\n"
     "    type: command\n"
     "    config:\n"
     "      command: echo extract\n"
     "      retries: 5\n"
     "  - name: inner_flow\n"
     "    type: flow\n"
     "    dependsOn:\n"
     "      - extract\n"
     "    config:\n"
     "      stage: inner\n"
     "    nodes:\n"
     "      - name: step1\n"
     "        type: hive\n"
     "        config:\n"
     "          hive.query: select '${stage}' from t\n"
     "      - name: step2\n"
     "        type: noop\n"
     "        dependsOn: [step1]\n"
     "trigger:\n"
     "  maxWaitMins: 60\n"
     "  schedule:\n"
     "    type: cron\n"
     "    value: \"0 0 1 ? * *\"\n"},
    {"weekly.flow", "nodes:\n  - name: only\n    type: command\n    condition: ${extract:x} == 1\n    config:\n      command: echo only\n"},
};

// Azkaban schedules in Quartz, where Sunday is day 1; DataWorks counts from Monday. A Monday job
// copied as written would run on Tuesdays: its days are renumbered, and a year becomes the
// schedule's bounds, each said.
TEST(Flow2, AQuartzScheduleBecomesDataWorksCronAndSaysWhatChanged) {
    const auto flow = [](const std::string& cron) {
        return std::map<std::string, std::string>{
            {"demo.project", "azkaban-flow-version: 2.0\n"},
            {"weekly.flow", "nodes:\n  - name: only\n    type: command\n    config:\n      command: echo only\n"
                            "trigger:\n  schedule:\n    type: cron\n    value: \"" + cron + "\"\n"}};
    };
    Written w = read(flow("0 30 2 ? * MON-FRI 2026"));
    json wf = workflow(w, "weekly");
    EXPECT_EQ(wf["trigger"], (json{{"type", "Scheduler"},
                                   {"cron", "00 30 02 ? * 1-5"},
                                   {"recurrence", "Normal"},
                                   {"startTime", "2026-01-01 00:00:00"},
                                   {"endTime", "2026-12-31 23:59:59"}}));
    std::vector<std::string> codes;
    for (const auto& d : w.diagnostics.items()) codes.push_back(d.code);
    EXPECT_NE(std::find(codes.begin(), codes.end(), "FERRY-AZKABAN-CRON-WEEKDAY"), codes.end());
    EXPECT_NE(std::find(codes.begin(), codes.end(), "FERRY-AZKABAN-CRON-YEAR"), codes.end());

    w = read(flow("0 0 1 ? * 2"));  // Quartz's day 2 is Monday
    EXPECT_EQ(workflow(w, "weekly")["trigger"]["cron"], "00 00 01 ? * 1");

    w = read(flow("not a cron"));
    wf = workflow(w, "weekly");
    EXPECT_EQ(wf["trigger"]["cron"], "not a cron");  // kept as written, and said
    ASSERT_FALSE(w.diagnostics.items().empty());
    bool said = false;
    for (const auto& d : w.diagnostics.items())
        said = said || (d.code == "FERRY-AZKABAN-CRON" && d.summary.find("flow 'weekly': ") == 0);
    EXPECT_TRUE(said);
}

TEST(Flow2, ReadsFlowsNodesAndNestedFlows) {
    const Written w = read(kFlow2);
    EXPECT_EQ(w.recognition.confidence, 100);
    const json wf = workflow(w, "daily");
    // Quartz's "0 0 1 ? * *" in DataWorks' form (the converter's own table is in the readers' tests).
    EXPECT_EQ(wf["trigger"], (json{{"type", "Scheduler"}, {"cron", "00 00 01 * * ?"}, {"recurrence", "Normal"}}));
    EXPECT_EQ(wf["azkaban"]["trigger"]["schedule"]["value"], "0 0 1 ? * *");  // as written, kept beside
    EXPECT_EQ(wf["azkaban"]["config"]["region"], "cn");
    EXPECT_EQ(wf["azkaban"]["trigger"]["maxWaitMins"], "60");
    const json& nodes = wf["nodes"];
    ASSERT_EQ(nodes.size(), 3u);
    const json report = by_name(nodes, "report");
    EXPECT_EQ(report["script"]["content"], "echo report ${region}\necho ${stage}\n");
    EXPECT_EQ(report["rerunTimes"], 1);
    EXPECT_EQ(report["script"]["parameters"][0]["value"], "cn");
    EXPECT_EQ(by_name(nodes, "extract")["rerunTimes"], 5);
    EXPECT_EQ(upstream(nodes, wf["dependencies"], "report"), (std::vector<std::string>{"extract", "inner_flow"}));
    EXPECT_EQ(upstream(nodes, wf["dependencies"], "inner_flow"), (std::vector<std::string>{"extract"}));

    const json inner = by_name(nodes, "inner_flow");
    const json step1 = by_name(inner["subflow"]["nodes"], "step1");
    EXPECT_EQ(step1["script"]["runtime"]["command"], "EMR_HIVE");
    EXPECT_EQ(step1["script"]["content"], "select '${stage}' from t");
    EXPECT_EQ(step1["script"]["parameters"][0]["value"], "inner");  // the embedded flow's config
    EXPECT_EQ(upstream(inner["subflow"]["nodes"], inner["subflow"]["dependencies"], "step2"),
              (std::vector<std::string>{"step1"}));

    // ${stage} in report: defined only inside the embedded flow, so not for report.
    EXPECT_EQ(codes(w, "FERRY-AZKABAN-PARAMETER"),
              (std::vector<std::string>{"job 'report' uses ${stage}, which no job, .properties file or flow config defines"}));
    EXPECT_EQ(by_name(workflow(w, "weekly")["nodes"], "only")["azkaban"]["condition"], "${extract:x} == 1");
    EXPECT_EQ(codes(w, "FERRY-AZKABAN-NO-SCHEDULE").size(), 1u);
}

struct Malformed {
    const char* name;
    std::map<std::string, std::string> files;
    const char* code;
    const char* summary;
};

class AzkabanMalformed : public ::testing::TestWithParam<Malformed> {};

TEST_P(AzkabanMalformed, IsRefusedWithAnExactMessage) {
    const Written w = read(GetParam().files);
    const auto found = codes(w, GetParam().code);
    ASSERT_FALSE(found.empty()) << GetParam().code;
    EXPECT_EQ(found.front(), GetParam().summary);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, AzkabanMalformed,
    ::testing::Values(
        Malformed{"MissingDependency", {{"a.job", "type=command\ncommand=x\ndependencies=nope\n"}},
                  "FERRY-AZKABAN-DEPENDENCY", "job 'a' depends on 'nope', which no .job file of the project defines"},
        Malformed{"Cycle",
                  {{"a.job", "type=noop\ndependencies=b\n"}, {"b.job", "type=noop\ndependencies=a\n"},
                   {"c.job", "type=noop\ndependencies=a\n"}},
                  "FERRY-AZKABAN-CYCLE", "the jobs depend on each other in a cycle: a -> b -> a"},
        Malformed{"DuplicateJob", {{"x/a.job", "type=noop\n"}, {"y/a.job", "type=noop\n"}}, "FERRY-AZKABAN-DUPLICATE-JOB",
                  "job 'a' is defined twice: x/a.job and y/a.job"},
        Malformed{"EmbeddedFlowMissing", {{"a.job", "type=flow\nflow.name=zz\n"}}, "FERRY-AZKABAN-EMBEDDED-FLOW",
                  "job 'a' embeds flow 'zz' (flow.name), which is no flow of the project"},
        Malformed{"EmbeddedFlowItself", {{"a.job", "type=flow\nflow.name=a\n"}}, "FERRY-AZKABAN-EMBEDDED-FLOW",
                  "job 'a' embeds flow 'a', the flow it is part of"},
        Malformed{"EmbeddedFlowsEachOther",
                  {{"a.job", "type=flow\nflow.name=b_end\n"}, {"b.job", "type=flow\nflow.name=a\n"},
                   {"b_end.job", "type=noop\ndependencies=b\n"}},
                  "FERRY-AZKABAN-EMBEDDED-FLOW",
                  "job 'b' embeds flow 'a', which embeds it in turn: 'a' embeds 'b_end' embeds 'a'"},
        Malformed{"BadEscape", {{"a.job", "type=command\ncommand=\\uZZZZ\n"}}, "FERRY-AZKABAN-PROPERTIES",
                  "a.job:2: a malformed \\uxxxx escape"},
        Malformed{"YamlAnchor",
                  {{"p.project", "azkaban-flow-version: 2.0\n"}, {"f.flow", "nodes:\n  - name: &n a\n    type: noop\n"}},
                  "FERRY-AZKABAN-YAML", "f.flow:2:11: anchors, aliases and tags ('&', '*', '!') are not read"},
        Malformed{"YamlNodeWithoutType",
                  {{"p.project", "azkaban-flow-version: 2.0\n"}, {"f.flow", "nodes:\n  - name: a\n"}},
                  "FERRY-AZKABAN-FLOW", "f.flow:2:5: a node needs a `name` and a `type`"},
        Malformed{"YamlUnknownDependency",
                  {{"p.project", "azkaban-flow-version: 2.0\n"}, {"f.flow", "nodes:\n  - name: a\n    type: noop\n    dependsOn: [b]\n"}},
                  "FERRY-AZKABAN-DEPENDENCY", "f.flow:2: node 'a' depends on 'b', which is no node of its flow"},
        Malformed{"YamlNotAFlow", {{"p.project", "azkaban-flow-version: 2.0\n"}, {"f.flow", "just text\n"}},
                  "FERRY-AZKABAN-FLOW", "f.flow: a .flow file must be a mapping with `nodes`"},
        Malformed{"FlowWithoutProjectFile", {{"f.flow", "nodes:\n  - name: a\n    type: noop\n"}},
                  "FERRY-AZKABAN-NO-PROJECT-FILE",
                  "no .project file says azkaban-flow-version: 2.0, so Azkaban would read no flow here; ferry reads the "
                  ".flow files (f.flow) as Flow 2.0"},
        Malformed{"JobsInAFlow2Project",
                  {{"p.project", "azkaban-flow-version: 2.0\n"}, {"f.flow", "nodes:\n  - name: a\n    type: noop\n"},
                   {"old.job", "type=noop\n"}},
                  "FERRY-AZKABAN-IGNORED",
                  "a Flow 2.0 project: Azkaban does not read its .job and .properties files (old.job), and neither does ferry"}),
    [](const auto& info) { return std::string(info.param.name); });

// Each flow embeds the next twice: the copies double at every level. Refused past the budget,
// where 5.6 KB of .job files grew to 893 MB.
TEST(AzkabanEmbedding, CopiesPastTheBudgetAreRefused) {
    std::map<std::string, std::string> files;
    const int levels = 24;
    for (int i = 0; i < levels; ++i) {
        const std::string me = std::to_string(i), next = std::to_string(i + 1);
        files["l" + me + "_a.job"] = "type=flow\nflow.name=end" + next + "\n";
        files["l" + me + "_b.job"] = "type=flow\nflow.name=end" + next + "\ndependencies=l" + me + "_a\n";
        files["end" + me + ".job"] = "type=noop\ndependencies=l" + me + "_b\n";
    }
    files["end" + std::to_string(levels) + ".job"] = "type=noop\n";
    const Written w = read(files);
    EXPECT_EQ(codes(w, "FERRY-AZKABAN-EMBEDDED-FLOW"),
              (std::vector<std::string>{
                  "the project's flows, each with every job it runs (embedded flows copied where they are embedded), "
                  "hold more than 100000 jobs; flow 'end0' and the flows after it are not read"}));
    EXPECT_FALSE(w.documents.count("DataStudio/Business Flow/end0/end0.schedule.json"));
}

// The dependency walks keep a stack of their own: run on a thread with a small stack, where a
// chain of 20,000 jobs overflowed the recursive ones.
TEST(AzkabanEmbedding, ALongChainIsWalkedWithoutRecursion) {
    std::vector<JobFile> jobs;
    const int n = 20000;
    for (int i = 0; i < n; ++i) {
        JobFile j;
        j.path = "j" + std::to_string(i) + ".job";
        j.props.set("type", "noop");
        if (i > 0) j.props.set("dependencies", "j" + std::to_string(i - 1));
        jobs.push_back(std::move(j));
    }
    struct Args {
        std::vector<JobFile>* jobs;
        std::vector<Flow> flows;
        sdk::Diagnostics diags;
    } args{&jobs, {}, {}};
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 256u << 10);
    pthread_t thread;
    ASSERT_EQ(pthread_create(&thread, &attr, [](void* a) -> void* {
        auto* x = static_cast<Args*>(a);
        x->flows = flows_from_jobs(*x->jobs, {}, x->diags);
        return nullptr;
    }, &args), 0);
    pthread_join(thread, nullptr);
    pthread_attr_destroy(&attr);
    ASSERT_EQ(args.flows.size(), 1u);
    EXPECT_EQ(args.flows[0].name, "j" + std::to_string(n - 1));
    ASSERT_EQ(args.flows[0].nodes.size(), static_cast<std::size_t>(n));
    EXPECT_EQ(args.flows[0].nodes.front().name, "j0") << "what a job depends on comes first";
    EXPECT_TRUE(args.diags.items().empty());
}

TEST(AzkabanRecognition, NamesWhatItDoesNotRead) {
    struct Case {
        std::vector<sdk::EntryPeek> first;
        int confidence;
        const char* unsupported;
    };
    const Case cases[] = {
        {{{"p.project", "azkaban-flow-version: 2.0\n", 26}}, 100, ""},
        {{{"a.job", "type=command\n", 13}}, 90, ""},
        {{{"f.flow", "nodes:\n  - name: a\n", 20}}, 90, ""},
        {{{"demo.flow", "{\"version\": \"1.1.0\", \"kind\": \"CycleWorkflow\", \"nodes\": []}", 40}}, 0, ""},
        {{{"dags/etl.py", "from airflow import DAG\nwith DAG('etl') as dag:\n", 40}},
         0,
         "this is an Airflow DAG folder (dags/etl.py imports airflow and makes a DAG), which ferry does not read yet"},
        {{{"app/workflow.xml", "<workflow-app name=\"wf\" xmlns=\"uri:oozie:workflow:0.5\">", 50}},
         0,
         "this is an Apache Oozie application (app/workflow.xml), which ferry does not read yet"},
        {{{"src/workflows/BUSINESS_a/workflow.xml", "<Workflow name=\"a\">", 20}}, 0, ""},
        {{{"lib/util.py", "import os\n", 10}}, 0, ""},
    };
    for (const auto& c : cases) {
        AzkabanReader r;
        const auto got = r.recognize(c.first);
        EXPECT_EQ(got.confidence, c.confidence) << c.first.front().path;
        EXPECT_EQ(got.unsupported, c.unsupported) << c.first.front().path;
    }
}

}  // namespace
}  // namespace ferry::reader::azkaban
