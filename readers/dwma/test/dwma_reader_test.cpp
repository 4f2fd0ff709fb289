// The DWMA reader over packages built here, shaped as MigrationX writes them. Learned from
// aliyun/dataworks-spec: DataWorksDwmaPackageFileService.java (the layout: project.xml,
// src/workflows/<TYPE>_<name>/workflow.xml + resources/, src/datasources/<ENV>_<name>.xml,
// src/tables/<name>.xml, src/queries/ and src/components/<key>_<name>.xml), ProjectWorkflowLoader.java
// (the reading side, which also takes src/workflows/<TYPE>/<name>/), and the Jackson-annotated
// entities objects/entity/{Project,Workflow,Node,NodeIo,NodeContext,Resource,DwResource,Function,
// Table,Datasource,DmObject}.java: element and attribute names, `@class` type ids, lists wrapped as
// <Nodes><Node/></Nodes>, code escaped by CodeControlCharEscapeConverter.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "dwma_reader.hpp"
#include "reader_harness.hpp"

namespace ferry::reader::dwma {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::run_reader;
using testing::Written;

// A package folder from (path, bytes) pairs, removed with the fixture.
class Package {
  public:
    explicit Package(const std::map<std::string, std::string>& files) {
        dir_ = fs::temp_directory_path() /
               ("ferry-dwma-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
        fs::remove_all(dir_);
        for (const auto& [p, bytes] : files) {
            fs::create_directories((dir_ / p).parent_path());
            std::ofstream(dir_ / p, std::ios::binary) << bytes;
        }
    }
    ~Package() { fs::remove_all(dir_); }
    std::string path() const { return dir_.string(); }

  private:
    fs::path dir_;
    static inline int counter_ = 0;
};

Written read(const std::map<std::string, std::string>& files) {
    Package p(files);
    DwmaReader reader;
    return run_reader(reader, p.path());
}

json doc(const Written& w, const std::string& path) {
    auto it = w.documents.find(path);
    if (it == w.documents.end()) {
        std::string have;
        for (const auto& [p, d] : w.documents) have += "\n  " + p;
        ADD_FAILURE() << "no document " << path << "; written:" << have;
        return json::object();
    }
    return json::parse(it->second);
}

const sdk::Diagnostic* find(const Written& w, const std::string& code) {
    for (const auto& d : w.diagnostics.items())
        if (d.code == code) return &d;
    return nullptr;
}

const std::string kProject = R"xml(<DwProject dmObjectType="PROJECT" name="proj"/>
)xml";

// A scheduled business flow: fan-out from start to load and shell, fan-in at merge, a combined node,
// a resource, a function and a table, as Jackson writes DwWorkflow.
const std::string kDaily = R"xml(<Workflow dmObjectType="WORKFLOW" name="wf_daily" version="V3" type="BUSINESS" scheduled="true" owner="446209">
  <Parameters>bizdate=$bizdate</Parameters>
  <Nodes>
    <Node @class=".DwNode" dmObjectType="NODE" name="start" type="VIRTUAL" cronExpress="00 00 00 * * ?" startEffectDate="1577808000000" endEffectDate="4102416000000" resourceGroup="group_1" rerunMode="ALL_ALLOWED" useType="SCHEDULED" taskRerunTime="3" taskRerunInterval="180000" priority="1" owner="446209" folder="Business Flow/wf_daily/General">
      <Inputs>
        <Input dmObjectType="NODE_IO" data="proj_root"/>
      </Inputs>
      <Outputs>
        <Output dmObjectType="NODE_IO" data="proj.start_out" refTableName="start"/>
      </Outputs>
    </Node>
    <Node @class=".DwNode" name="load" type="ODPS_SQL" cronExpress="00 30 01 * * ?" connection="odps_first" rerunMode="FAILURE_ALLOWED" startRightNow="true" dependentType="3" extraConfig="{&quot;alisaTaskKillTimeout&quot;:4}" owner="446209">
      <Code><![CDATA[insert overwrite table t1 select * from s where a &gt; 1 and b = \&quot;x\&quot;;\n-- \u4E2D\u6587]]></Code>
      <Parameter><![CDATA[bizdate=$bizdate region=cn]]></Parameter>
      <Description><![CDATA[loads t1]]></Description>
      <InputContexts>
        <InputContext paramName="rows" paramValue="proj.start_out:rows" paramType="2"/>
      </InputContexts>
      <OutputContexts>
        <OutputContext paramName="out_rows" paramValue="${rows}" paramType="1" parseType="1"/>
      </OutputContexts>
      <Inputs>
        <Input data="proj.start_out" refTableName="start" parseType="1"/>
      </Inputs>
      <Outputs>
        <Output data="proj.load_out" refTableName="load"/>
      </Outputs>
    </Node>
    <Node @class=".DwNode" name="shell" type="DIDE_SHELL" cronExpress="00 00 02 * * ?" useType="SKIP">
      <Code><![CDATA[echo \&quot;hi\&quot;\necho $1]]></Code>
      <Parameter><![CDATA[$bizdate abc]]></Parameter>
      <Inputs>
        <Input data="proj.start_out"/>
      </Inputs>
      <Outputs>
        <Output data="proj.shell_out"/>
      </Outputs>
    </Node>
    <Node @class=".DwNode" name="merge" type="VIRTUAL" cronExpress="00 00 03 * * ?" pauseSchedule="true" dependentType="1" dependentDataNode="other.node_out, x.y_out">
      <Inputs>
        <Input data="proj.load_out"/>
        <Input data="proj.shell_out"/>
      </Inputs>
      <Outputs>
        <Output data="proj.merge_out"/>
      </Outputs>
    </Node>
    <Node @class=".DwNode" name="combo" type="COMBINED_NODE" cronExpress="00 00 04 * * ?">
      <Inputs>
        <Input data="proj.merge_out"/>
      </Inputs>
      <InnerNodes>
        <Node @class=".DwNode" name="inner_a" type="ODPS_SQL">
          <Code><![CDATA[select 1;]]></Code>
          <Outputs><Output data="proj.inner_a_out"/></Outputs>
        </Node>
        <Node @class=".DwNode" name="inner_b" type="ODPS_SQL">
          <Code><![CDATA[select 2;]]></Code>
          <Inputs><Input data="proj.inner_a_out"/></Inputs>
        </Node>
      </InnerNodes>
    </Node>
  </Nodes>
  <Resources>
    <Resource @class=".DwResource" dmObjectType="RESOURCE" name="udf.jar" type="ODPS_JAR" path="resources/udf.jar" isOdps="true" owner="446209">
      <localPath>/tmp/migrationx/udf.jar</localPath>
      <autoCommit>false</autoCommit>
    </Resource>
  </Resources>
  <Functions>
    <Function dmObjectType="FUNCTION" name="my_udf" type="ODPS_FUNCTION" functionType="OTHER" clazz="com.example.MyUdf" resource="udf.jar" command="my_udf(a)" description="makes b from a" example="select my_udf(a) from t;" owner="446209"/>
  </Functions>
  <Tables>
    <Table dmObjectType="TABLE" name="t1" tableGuid="odps.proj.t1" hasPart="0">
      <ddl><![CDATA[CREATE TABLE IF NOT EXISTS t1 (a STRING, b STRING);]]></ddl>
    </Table>
  </Tables>
  <DisplaySettings><![CDATA[{"nodes":[]}]]></DisplaySettings>
</Workflow>
)xml";

// A manual business flow, in the <TYPE>/<name>/ folder form ProjectWorkflowLoader reads.
const std::string kManual = R"xml(<Workflow name="mf" type="MANUAL_BUSINESS" scheduled="false">
  <Nodes>
    <Node name="run_once" type="DIDE_SHELL">
      <Code><![CDATA[echo once]]></Code>
    </Node>
  </Nodes>
</Workflow>
)xml";

std::map<std::string, std::string> sample() {
    return {
        {"project.xml", kProject},
        {"src/workflows/BUSINESS_wf_daily/workflow.xml", kDaily},
        {"src/workflows/BUSINESS_wf_daily/resources/udf.jar", std::string("PK\x03\x04 jar bytes", 14)},
        {"src/workflows/BUSINESS_wf_daily/resources/extra.py", "print('x')\n"},
        {"src/workflows/MANUAL_BUSINESS/mf/workflow.xml", kManual},
        {"src/datasources/PRD_mysql_1.xml",
         R"(<DwDatasource dmObjectType="DATASOURCE" name="mysql_1" type="mysql" subType="rds" envType="PRD"><Connection><![CDATA[{"host":"db","database":"d"}]]></Connection></DwDatasource>)"},
        {"src/tables/t2.xml",
         R"(<DwTable name="t2" tableGuid="odps.proj.t2"><ddl><![CDATA[CREATE TABLE t2 (id BIGINT);]]></ddl></DwTable>)"},
        {"src/queries/k1_q1.xml",
         R"(<DwNode @class=".DwNode" name="q1" type="ODPS_SQL" useType="AD_HOC"><Code><![CDATA[select 1;]]></Code></DwNode>)"},
        {"src/components/k2_c1.xml",
         R"(<DwNode @class=".DwNode" name="c1" type="SQL_COMPONENT" useType="COMPONENT"><Code><![CDATA[select @@{p};]]></Code></DwNode>)"},
    };
}

class DwmaSample : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { written_ = new Written(read(sample())); }
    static void TearDownTestSuite() { delete written_; }
    static const Written& w() { return *written_; }
    static json node(const std::string& wf_folder, const std::string& name) {
        return doc(w(), wf_folder + "/" + name + "/" + name + ".schedule.json");
    }
    static inline Written* written_ = nullptr;
};

TEST_F(DwmaSample, RecognisesTheFormat) {
    EXPECT_EQ(w().recognition.format, "dwma");
    EXPECT_EQ(w().recognition.confidence, 100);
    for (const auto& d : w().diagnostics.items())
        EXPECT_NE(d.severity, sdk::Severity::error) << d.code << ": " << d.summary;
}

TEST_F(DwmaSample, EachNodeIsADocumentInItsWorkflowFolder) {
    std::vector<std::string> nodes;
    for (const auto& [p, d] : w().documents)
        if (p.rfind("DataStudio/Business Flow/wf_daily/", 0) == 0 && p.find("/Resource/") == std::string::npos &&
            p.find("/Function/") == std::string::npos && p.find("/Table/") == std::string::npos)
            nodes.push_back(p);
    EXPECT_EQ(nodes, (std::vector<std::string>{"DataStudio/Business Flow/wf_daily/combo/combo.schedule.json",
                                               "DataStudio/Business Flow/wf_daily/load/load.schedule.json",
                                               "DataStudio/Business Flow/wf_daily/merge/merge.schedule.json",
                                               "DataStudio/Business Flow/wf_daily/shell/shell.schedule.json",
                                               "DataStudio/Business Flow/wf_daily/start/start.schedule.json"}));
}

TEST_F(DwmaSample, ANodeCarriesScheduleRerunAndResourceGroup) {
    const json d = node("DataStudio/Business Flow/wf_daily", "start");
    EXPECT_EQ(d["version"], "1.1.0");
    EXPECT_EQ(d["kind"], "CycleWorkflow");
    EXPECT_EQ(d["metadata"]["owner"], "446209");
    const json& n = d["spec"]["nodes"][0];
    EXPECT_EQ(n["name"], "start");
    EXPECT_EQ(n["script"]["runtime"]["command"], "VIRTUAL");
    EXPECT_EQ(n["trigger"]["type"], "Scheduler");
    EXPECT_EQ(n["trigger"]["cron"], "00 00 00 * * ?");
    EXPECT_EQ(n["trigger"]["startTime"], "2020-01-01 00:00:00");
    EXPECT_EQ(n["trigger"]["endTime"], "2100-01-01 00:00:00");
    EXPECT_EQ(n["trigger"]["timezone"], "Asia/Shanghai");
    EXPECT_EQ(n["rerunMode"], "Allowed");
    EXPECT_EQ(n["rerunTimes"], 3);
    EXPECT_EQ(n["rerunInterval"], 180000);
    EXPECT_EQ(n["priority"], 1);
    EXPECT_EQ(n["instanceMode"], "T+1");
    EXPECT_EQ(n["recurrence"], "Normal");
    EXPECT_EQ(n["runtimeResource"]["resourceGroup"], "group_1");
    EXPECT_EQ(n["outputs"]["nodeOutputs"][0]["data"], "proj.start_out");
    EXPECT_EQ(d["spec"]["flow"][0]["depends"][0], (json{{"type", "Normal"}, {"output", "proj_root"}}));
    // What FlowSpec has no field for stays, as written.
    EXPECT_EQ(n["dwma"]["folder"], "Business Flow/wf_daily/General");
    EXPECT_EQ(n["dwma"]["@class"], ".DwNode");
    EXPECT_EQ(n["dwma"]["startEffectDate"], "1577808000000");
    EXPECT_EQ(d["dwma"]["project"]["name"], "proj");
    EXPECT_EQ(d["dwma"]["workflow"]["Parameters"], "bizdate=$bizdate");
    EXPECT_EQ(d["dwma"]["workflow"]["type"], "BUSINESS");
}

TEST_F(DwmaSample, CodeIsUnescapedAndParametersSplit) {
    const json d = node("DataStudio/Business Flow/wf_daily", "load");
    const json& n = d["spec"]["nodes"][0];
    EXPECT_EQ(n["script"]["content"],
              "insert overwrite table t1 select * from s where a > 1 and b = \"x\";\n-- \xE4\xB8\xAD\xE6\x96\x87");
    EXPECT_EQ(n["script"]["parameters"],
              (json::array({{{"name", "bizdate"}, {"scope", "NodeParameter"}, {"type", "System"}, {"value", "$bizdate"}},
                            {{"name", "region"}, {"scope", "NodeParameter"}, {"type", "Constant"}, {"value", "cn"}}})));
    EXPECT_EQ(n["description"], "loads t1");
    EXPECT_EQ(n["datasource"], (json{{"name", "odps_first"}, {"type", "odps"}}));
    EXPECT_EQ(n["rerunMode"], "FailureAllowed");
    EXPECT_EQ(n["instanceMode"], "Immediately");
    EXPECT_EQ(n["timeout"], 4);
    EXPECT_EQ(n["inputs"]["variables"][0],
              (json{{"name", "rows"}, {"scope", "NodeContext"}, {"type", "NodeOutput"}, {"value", "proj.start_out:rows"}}));
    EXPECT_EQ(n["outputs"]["variables"][0]["name"], "out_rows");
    // parseType has no FlowSpec field: the lists stay whole under "dwma".
    EXPECT_EQ(n["dwma"]["Inputs"]["Input"]["parseType"], "1");
    EXPECT_EQ(n["dwma"]["OutputContexts"]["OutputContext"]["parseType"], "1");
    const json& depends = d["spec"]["flow"][0]["depends"];
    ASSERT_EQ(depends.size(), 2u);
    EXPECT_EQ(depends[0], (json{{"type", "Normal"}, {"output", "proj.start_out"}, {"refTableName", "start"}}));
    EXPECT_EQ(depends[1], (json{{"type", "CrossCycleDependsOnSelf"}, {"nodeId", n["id"]}}));
}

TEST_F(DwmaSample, ShellArgumentsDryRunPauseAndFanIn) {
    const json shell = node("DataStudio/Business Flow/wf_daily", "shell")["spec"]["nodes"][0];
    EXPECT_EQ(shell["script"]["content"], "echo \"hi\"\necho $1");
    EXPECT_EQ(shell["script"]["parameters"],
              (json::array({{{"name", "-"}, {"scope", "NodeParameter"}, {"type", "NoKvVariableExpression"}, {"value", "$bizdate abc"}}})));
    EXPECT_EQ(shell["recurrence"], "Skip");
    EXPECT_EQ(shell["trigger"]["type"], "Scheduler");

    const json merge = node("DataStudio/Business Flow/wf_daily", "merge");
    EXPECT_EQ(merge["spec"]["nodes"][0]["recurrence"], "Pause");
    EXPECT_EQ(merge["spec"]["flow"][0]["depends"],
              (json::array({{{"type", "Normal"}, {"output", "proj.load_out"}},
                            {{"type", "Normal"}, {"output", "proj.shell_out"}},
                            {{"type", "CrossCycleDependsOnOtherNode"}, {"output", "other.node_out"}},
                            {{"type", "CrossCycleDependsOnOtherNode"}, {"output", "x.y_out"}}})));
}

TEST_F(DwmaSample, InnerNodesNestInTheirContainer) {
    const json n = node("DataStudio/Business Flow/wf_daily", "combo")["spec"]["nodes"][0];
    const json& box = n["combined"];
    ASSERT_EQ(box["nodes"].size(), 2u);
    EXPECT_EQ(box["nodes"][0]["name"], "inner_a");
    EXPECT_EQ(box["nodes"][1]["script"]["content"], "select 2;");
    ASSERT_EQ(box["dependencies"].size(), 1u);
    EXPECT_EQ(box["dependencies"][0]["nodeId"], box["nodes"][1]["id"]);
    EXPECT_EQ(box["dependencies"][0]["depends"][0]["output"], "proj.inner_a_out");
}

TEST_F(DwmaSample, ResourcesFunctionsAndTables) {
    EXPECT_EQ(w().files.at("DataStudio/Business Flow/wf_daily/Resource/udf.jar"), std::string("PK\x03\x04 jar bytes", 14));
    const json r = doc(w(), "DataStudio/Business Flow/wf_daily/Resource/udf.jar.schedule.json")["spec"]["fileResources"][0];
    EXPECT_EQ(r["name"], "udf.jar");
    EXPECT_EQ(r["type"], "jar");
    EXPECT_EQ(r["script"]["runtime"]["command"], "ODPS_JAR");
    EXPECT_EQ(r["file"]["path"], "udf.jar");
    EXPECT_EQ(r["dwma"]["localPath"], "/tmp/migrationx/udf.jar");

    // A file under resources/ that workflow.xml does not list is carried all the same.
    const json extra = doc(w(), "DataStudio/Business Flow/wf_daily/Resource/extra.py.schedule.json")["spec"]["fileResources"][0];
    EXPECT_EQ(extra["type"], "python");
    ASSERT_NE(find(w(), "FERRY-DWMA-RESOURCE-UNLISTED"), nullptr);

    const json f = doc(w(), "DataStudio/Business Flow/wf_daily/Function/my_udf.schedule.json")["spec"]["functions"][0];
    EXPECT_EQ(f["className"], "com.example.MyUdf");
    EXPECT_EQ(f["fileResources"][0]["name"], "udf.jar");
    EXPECT_EQ(f["usageDescription"], "makes b from a");
    EXPECT_EQ(f["usageExample"], "select my_udf(a) from t;");
    EXPECT_EQ(f["dwma"]["command"], "my_udf(a)");

    const json t = doc(w(), "DataStudio/Business Flow/wf_daily/Table/t1.schedule.json")["spec"]["artifacts"]["tables"][0];
    EXPECT_EQ(t["ddl"], "CREATE TABLE IF NOT EXISTS t1 (a STRING, b STRING);");
    EXPECT_EQ(t["calcEngine"], (json{{"type", "MaxCompute"}, {"project", "proj"}}));
    EXPECT_EQ(t["guid"], "odps.proj.t1");
    EXPECT_EQ(t["dwma"]["hasPart"], "0");

    const json t2 = doc(w(), "DataStudio/Table/t2.schedule.json")["spec"]["artifacts"]["tables"][0];
    EXPECT_EQ(t2["name"], "t2");
}

TEST_F(DwmaSample, DataSourcesQueriesComponentsAndManualFlows) {
    const json ds = doc(w(), "DataSource/mysql/rds/PRD/mysql_1/mysql_1.json");
    EXPECT_EQ(ds["kind"], "DataSource");
    EXPECT_EQ(ds["spec"]["datasources"][0]["config"], R"({"host":"db","database":"d"})");
    EXPECT_EQ(ds["spec"]["datasources"][0]["dwma"]["envType"], "PRD");

    const json q = doc(w(), "DataStudio/Ad-hoc Query/q1/q1.schedule.json");
    EXPECT_EQ(q["kind"], "TemporaryWorkflow");
    EXPECT_EQ(q["spec"]["nodes"][0]["trigger"]["type"], "Manual");

    const json c = doc(w(), "DataStudio/Component/c1/c1.schedule.json");
    EXPECT_EQ(c["kind"], "Component");
    EXPECT_EQ(c["spec"]["components"][0]["script"]["content"], "select @@{p};");

    const json m = doc(w(), "DataStudio/Manual Business Flow/mf/run_once/run_once.schedule.json");
    EXPECT_EQ(m["kind"], "ManualWorkflow");
    EXPECT_EQ(m["spec"]["nodes"][0]["trigger"], (json{{"type", "Manual"}}));
    EXPECT_EQ(m["spec"]["nodes"][0]["script"]["content"], "echo once");
}

TEST_F(DwmaSample, SaysWhatIsNotCarried) {
    const auto* d = find(w(), "FERRY-DWMA-NOT-CARRIED");
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->summary, "workflow 'wf_daily': <DisplaySettings> (the canvas layout) is not carried");
}

// Two data sources of one name: both are written where the host reads data sources, so its
// duplicate-name check names them; neither is left where nothing reads it.
TEST(DwmaReader, TwoDataSourcesOfOneNameAreBothWrittenAsDocuments) {
    const std::string ds =
        R"(<DwDatasource dmObjectType="DATASOURCE" name="mysql_1" type="mysql" subType="rds" envType="PRD"><Connection><![CDATA[{"host":"X"}]]></Connection></DwDatasource>)";
    std::string other = ds;
    other.replace(other.find("\"X\""), 3, "\"Y\"");
    const Written w = read({{"project.xml", kProject}, {"src/datasources/PRD_mysql_1.xml", ds},
                            {"src/datasources/PRD_mysql_1_copy.xml", other}});
    EXPECT_EQ(doc(w, "DataSource/mysql/rds/PRD/mysql_1/mysql_1.json")["spec"]["datasources"][0]["config"], R"({"host":"X"})");
    EXPECT_EQ(doc(w, "DataSource/mysql/rds/PRD/mysql_1/mysql_1_2.json")["spec"]["datasources"][0]["config"],
              R"({"host":"Y"})");
}

TEST(DwmaReader, ReadsAPackageInsideATopFolder) {
    const Written w = read({{"export/project.xml", kProject}, {"export/src/workflows/MANUAL_BUSINESS_wf/workflow.xml", kManual}});
    EXPECT_EQ(w.recognition.confidence, 100);
    EXPECT_EQ(doc(w, "DataStudio/Manual Business Flow/wf/run_once/run_once.schedule.json")["kind"], "ManualWorkflow");
}

struct Malformed {
    const char* name;
    std::map<std::string, std::string> files;
    const char* code;
    const char* summary;
};

class DwmaMalformed : public ::testing::TestWithParam<Malformed> {};

TEST_P(DwmaMalformed, IsRefusedWithAnExactMessage) {
    const Written w = read(GetParam().files);
    const auto* d = find(w, GetParam().code);
    ASSERT_NE(d, nullptr) << GetParam().code;
    EXPECT_EQ(d->summary, GetParam().summary);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DwmaMalformed,
    ::testing::Values(
        Malformed{"UnclosedNode",
                  {{"project.xml", kProject},
                   {"src/workflows/BUSINESS_x/workflow.xml", "<Workflow name=\"x\">\n<Nodes>\n<Node name=\"a\">\n</Nodes>\n</Workflow>"}},
                  "FERRY-DWMA-XML",
                  "src/workflows/BUSINESS_x/workflow.xml:4:8: the end tag </Nodes> does not close <Node> (line 3)"},
        Malformed{"WrongRoot",
                  {{"project.xml", kProject}, {"src/workflows/BUSINESS_x/workflow.xml", "<Project name=\"x\"/>"}},
                  "FERRY-DWMA-ROOT",
                  "src/workflows/BUSINESS_x/workflow.xml: expected <Workflow> as the root element, found <Project>"},
        Malformed{"NamelessNode",
                  {{"project.xml", kProject},
                   {"src/workflows/BUSINESS_x/workflow.xml", "<Workflow name=\"x\"><Nodes><Node type=\"VIRTUAL\"/></Nodes></Workflow>"}},
                  "FERRY-DWMA-NODE", "workflow 'x': a <Node> (line 1) has no name"},
        Malformed{"BadEscape",
                  {{"project.xml", kProject},
                   {"src/workflows/BUSINESS_x/workflow.xml",
                    "<Workflow name=\"x\"><Nodes><Node name=\"a\" type=\"ODPS_SQL\"><Code>x\\u12</Code></Node></Nodes></Workflow>"}},
                  "FERRY-DWMA-ESCAPE",
                  "<Code> of 'a' is not escaped as MigrationX writes it (a malformed \\u escape at character 2): kept as written"},
        Malformed{"MissingResource",
                  {{"project.xml", kProject},
                   {"src/workflows/BUSINESS_x/workflow.xml",
                    "<Workflow name=\"x\"><Resources><Resource name=\"a.jar\" type=\"ODPS_JAR\" path=\"resources/a.jar\"/></Resources></Workflow>"}},
                  "FERRY-DWMA-RESOURCE-MISSING",
                  "workflow 'x' lists resource 'a.jar' but the package holds no file for it (resources/a.jar)"},
        Malformed{"StrayFile",
                  {{"project.xml", kProject}, {"notes.txt", "hello"}},
                  "FERRY-DWMA-UNREAD", "'notes.txt' is not part of the DWMA layout: not read"},
        Malformed{"ProjectLists",
                  {{"project.xml", "<DwProject name=\"p\"><Solutions><Solution name=\"s\"/></Solutions></DwProject>"}},
                  "FERRY-DWMA-NOT-CARRIED",
                  "project.xml's <Solutions> (1 entries) has no FlowSpec equivalent: not carried"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(DwmaReader, KnowsItsOwnPackagesOnly) {
    struct Case {
        std::vector<sdk::EntryPeek> first;
        int confidence;
    };
    const Case cases[] = {
        {{{"project.xml", kProject, 10}}, 100},
        {{{"project.xml", "<Something/>", 10}}, 90},
        {{{"src/workflows/BUSINESS_a/workflow.xml", "<Workflow name=\"a\">", 10}}, 80},
        {{{"SPEC.FORMAT", "", 0}, {"DataStudio/a/a.schedule.json", "{}", 2}}, 0},
        {{{"flows/a.job", "type=command\n", 12}}, 0},
        {{{"deep/er/project.xml", kProject, 10}}, 0},
    };
    for (const auto& c : cases) {
        DwmaReader r;
        EXPECT_EQ(r.recognize(c.first).confidence, c.confidence) << c.first.front().path;
    }
}

}  // namespace
}  // namespace ferry::reader::dwma
