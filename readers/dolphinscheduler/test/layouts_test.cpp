// The layouts DolphinScheduler exports come in, and which reader's format they are.
#include "ds_test_support.hpp"

namespace ferry::reader::ds::testing {
namespace {

const json kShellTask = json::parse(R"({"code": 2, "name": "t", "taskType": "SHELL", "taskParams": {"rawScript": "echo t"},
  "failRetryTimes": 0, "failRetryInterval": 1, "flag": "YES"})");

json one_workflow(const char* def_key, const char* rel_key) {
    return json::array({{{def_key, {{"code", 1}, {"name", "w"}}},
                         {rel_key, json::parse(R"([{"preTaskCode": 0, "postTaskCode": 2}])")},
                         {"taskDefinitionList", json::array({kShellTask})},
                         {"schedule", {{"crontab", "0 0 3 * * ? *"}}}}});
}

TEST(Layouts, WholeProjectExportUnderATopFolder) {
    // A zip made of a folder: every entry below "export/".
    Folder f("top_folder");
    f.file("export/package_info.json", R"({"version":"1.3.9"})")
        .file("export/projects/p/processDefinition/process_definitions_page_1.json",
              json::array({{{"processDefinitionId", 5}, {"processDefinitionName", "w"},
                            {"processDefinitionJson", R"({"tasks":[{"id":"tasks-1","name":"t","type":"SHELL","params":{"rawScript":"echo"},"preTasks":[]}]})"}}}))
        .file("export/resource/dir/a.txt", "bytes");
    const Written w = run(f.path());
    EXPECT_EQ(w.recognition.format, "dolphinscheduler-1.3");
    EXPECT_FALSE(w.diagnostics.has_errors()) << dump(w.diagnostics);
    EXPECT_EQ(command(node(workflow(w, "w"), "t")), "DIDE_SHELL");
    EXPECT_EQ(w.files.at("DataStudio/资源/dir/a.txt"), "bytes");
    EXPECT_TRUE(w.documents.count("DataStudio/资源/dir/a.txt.schedule.json"));
}

struct VersionCase {
    const char* version;
    const char* format;
};

void PrintTo(const VersionCase& c, std::ostream* os) { *os << c.version; }

class PackageVersions : public ::testing::TestWithParam<VersionCase> {};

TEST_P(PackageVersions, NameTheFormat) {
    Folder f("versions");
    f.file("package_info.json", json{{"version", GetParam().version}})
        .file("projects/p/processDefinition/process_definitions_page_1.json", one_workflow("processDefinition", "processTaskRelationList"));
    const Written w = run(f.path());
    EXPECT_EQ(w.recognition.format, GetParam().format);
    EXPECT_EQ(w.recognition.confidence, 100);
    EXPECT_FALSE(w.diagnostics.has_errors()) << dump(w.diagnostics);
    EXPECT_EQ(workflow(w, "w")["trigger"]["cron"], "00 00 03 * * ?");
}

INSTANTIATE_TEST_SUITE_P(Versions, PackageVersions,
                         ::testing::Values(VersionCase{"2.0.5", "dolphinscheduler-2"}, VersionCase{"3.1.9", "dolphinscheduler-3"},
                                           VersionCase{"3.2.1", "dolphinscheduler-3"}),
                         [](const ::testing::TestParamInfo<VersionCase>& info) {
                             std::string v = info.param.version;
                             std::replace(v.begin(), v.end(), '.', '_');
                             return "v" + v;
                         });

// 3.3 renamed process to workflow: workflowDefinition, workflowTaskRelationList, SUB_WORKFLOW.
TEST(Layouts, WorkflowNamesOf33) {
    json child = one_workflow("workflowDefinition", "workflowTaskRelationList")[0];
    child["workflowDefinition"]["code"] = 10;
    child["workflowDefinition"]["name"] = "child";
    child["taskDefinitionList"][0]["code"] = 11;
    child["workflowTaskRelationList"][0]["postTaskCode"] = 11;
    child.erase("schedule");
    json parent = one_workflow("workflowDefinition", "workflowTaskRelationList")[0];
    parent["taskDefinitionList"].push_back(
        json::parse(R"({"code": 3, "name": "sub", "taskType": "SUB_WORKFLOW", "taskParams": {"workflowDefinitionCode": 10}})"));
    parent["workflowTaskRelationList"].push_back(json::parse(R"({"preTaskCode": 2, "postTaskCode": 3})"));
    parent["schedule"]["workflowInstancePriority"] = "HIGH";
    Folder f("v33");
    f.file("export.json", json::array({parent, child}));
    const Written w = run(f.path());
    EXPECT_EQ(w.recognition.format, "dolphinscheduler-3");
    EXPECT_FALSE(w.diagnostics.has_errors()) << dump(w.diagnostics);
    const json wf = workflow(w, "w");
    EXPECT_EQ(depends(wf, node(wf, "sub")), std::vector<std::string>{"2"});
    EXPECT_EQ(command(node(wf, "sub")), "VIRTUAL");
    EXPECT_EQ(wf["strategy"]["priority"], 7);
    const json c = document(w, workflow_path("child"));
    EXPECT_EQ(c["spec"]["flow"][0]["depends"][0]["nodeId"], "3");
    EXPECT_TRUE(check_flowspec_rules(w).empty());
}

// DolphinScheduler 1.3's own export button: one process's metadata.
TEST(Layouts, LoneProcessOf13) {
    const json meta = {{"projectName", "p"}, {"processDefinitionName", "solo"},
                       {"processDefinitionJson", R"j({"tasks":[{"id":"tasks-9","name":"t","type":"PYTHON","params":{"rawScript":"print(1)"},"preTasks":[]}]})j"},
                       {"scheduleCrontab", "0 0/30 * * * ? *"}};
    Folder f("lone13");
    f.file("solo.json", meta);
    const Written w = run(f.path("solo.json"));  // starts with '{': a lone document
    EXPECT_EQ(w.recognition.format, "dolphinscheduler-1.3");
    EXPECT_EQ(w.recognition.confidence, 90);
    const json wf = workflow(w, "solo");
    EXPECT_EQ(wf["id"], "ds13-solo");  // no id in the export: the name stands for it
    EXPECT_EQ(wf["trigger"]["cron"], "00 00-59/30 * * * ?");
    EXPECT_EQ(code(node(wf, "t")), "print(1)");
}

// A lone 3.x definition written as one object rather than a list.
TEST(Layouts, LoneDefinitionObject) {
    Folder f("lone3");
    f.file("one.json", one_workflow("processDefinition", "processTaskRelationList")[0]);
    const Written w = run(f.path("one.json"));
    EXPECT_EQ(w.recognition.format, "dolphinscheduler-3");
    EXPECT_EQ(code(node(workflow(w, "w"), "t")), "echo t");
}

TEST(Layouts, OtherPackagesAreNotClaimed) {
    Folder spec("spec");
    spec.file("SPEC.FORMAT", "").file("DataStudio/业务流程/w/n/n.schedule.json",
                                      R"({"version":"1.1.0","kind":"CycleWorkflow","spec":{"nodes":[]}})");
    EXPECT_EQ(run(spec.path()).recognition.confidence, 0);
    Folder dags("airflow");
    dags.file("dags/etl.py", "from airflow import DAG\n");
    EXPECT_EQ(run(dags.path()).recognition.confidence, 0);
}

TEST(Layouts, EntriesOfNoUseAreSaid) {
    Folder f("extra");
    f.file("package_info.json", R"({"version":"3.1.0"})")
        .file("projects/p/processDefinition/process_definitions_page_1.json", one_workflow("processDefinition", "processTaskRelationList"))
        .file("README.md", "notes")
        .file("datasource/datasource_page_2.json", "null");  // an empty page
    const Written w = run(f.path());
    EXPECT_FALSE(w.diagnostics.has_errors()) << dump(w.diagnostics);
    const auto* d = find(w.diagnostics, "FERRY-DS-ENTRY");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->where, "README.md");
    EXPECT_EQ(d->summary, "this entry is not part of a DolphinScheduler export: it is not carried");
}

TEST(Layouts, EntryKinds) {
    const std::pair<const char*, EntryKind> cases[] = {
        {"package_info.json", EntryKind::package_info},
        {"projects.json", EntryKind::projects},
        {"projects/a b/processDefinition/process_definitions_page_3.json", EntryKind::process_page},
        {"datasource/datasource_page_1.json", EntryKind::datasources},
        {"udfFunction/udf_function_page_1.json", EntryKind::udfs},
        {"resource/resources.json", EntryKind::resource_list},
        {"resource/datasource/x.json", EntryKind::resource_file},
        {"resource/a/b.jar", EntryKind::resource_file},
        {"workflow.json", EntryKind::definition},
        {"projects/p/other/x.json", EntryKind::definition},
        {"notes.txt", EntryKind::other},
    };
    for (const auto& [path, kind] : cases) {
        std::string detail;
        EXPECT_EQ(classify_entry(path, detail), kind) << path;
    }
    std::string detail;
    classify_entry("projects/a b/processDefinition/page.json", detail);
    EXPECT_EQ(detail, "a b");
}

// A year in the crontab bounds the schedule's start and end.
TEST(Layouts, YearFieldBoundsTheTrigger) {
    json w3 = one_workflow("processDefinition", "processTaskRelationList");
    w3[0]["schedule"] = {{"crontab", "0 0 3 * * ? 2025"}, {"startTime", "2024-06-01 00:00:00"}, {"endTime", "2124-06-01 00:00:00"}};
    Folder f("year");
    f.file("w.json", w3);
    const Written w = run(f.path());
    EXPECT_EQ(workflow(w, "w")["trigger"], json::parse(R"({"type":"Scheduler","cron":"00 00 03 * * ?",
        "startTime":"2025-01-01 00:00:00","endTime":"2025-12-31 23:59:59"})"));
    EXPECT_TRUE(find(w.diagnostics, "FERRY-DS-CRON-YEAR", "process 'w': the year field '2025'"));
}

}  // namespace
}  // namespace ferry::reader::ds::testing

namespace ferry::reader::ds::testing {
namespace {

// 3.x lists a resource by its full name in the tenant's storage; the export keeps the file below
// resource/ by its folders in the resource centre: the two are one resource.
TEST(Layouts, ResourceFilesOf3x) {
    Folder f("res3");
    f.file("package_info.json", R"({"version":"3.2.1"})")
        .file("projects/p/processDefinition/process_definitions_page_1.json", one_workflow("processDefinition", "processTaskRelationList"))
        .file("resource/resources.json",
              R"([{"id":1,"name":"dir","fullName":"/dolphinscheduler/default/resources/dir","directory":true,"children":[
                   {"id":2,"name":"a.jar","fullName":"/dolphinscheduler/default/resources/dir/a.jar","directory":false,"children":[]}]}])")
        .file("resource/dir/a.jar", "jar!");
    const Written w = run(f.path());
    EXPECT_FALSE(find(w.diagnostics, "FERRY-DS-RESOURCE-BYTES")) << dump(w.diagnostics);
    EXPECT_EQ(w.files.at("DataStudio/资源/dir/a.jar"), "jar!");
    const json doc = document(w, "DataStudio/资源/dir/a.jar.schedule.json");
    EXPECT_EQ(doc["spec"]["fileResources"][0]["id"], "ds-resource-2");
    EXPECT_EQ(doc["spec"]["fileResources"][0]["dolphinscheduler"]["fullName"], "/dolphinscheduler/default/resources/dir/a.jar");
    std::size_t resources = 0;
    for (const auto& [path, text] : w.documents) resources += path.rfind("DataStudio/资源/", 0) == 0;
    EXPECT_EQ(resources, 1u);
}

// A listed resource takes the file of the longest tail of its full name: dir/a.jar, not a.jar.
TEST(Layouts, AListedResourceTakesItsLongestTail) {
    Folder f("res3tail");
    f.file("package_info.json", R"({"version":"3.2.1"})")
        .file("projects/p/processDefinition/process_definitions_page_1.json", one_workflow("processDefinition", "processTaskRelationList"))
        .file("resource/resources.json",
              R"([{"id":2,"name":"a.jar","fullName":"/dolphinscheduler/default/resources/dir/a.jar","directory":false}])")
        .file("resource/dir/a.jar", "deep")
        .file("resource/a.jar", "shallow");
    const Written w = run(f.path());
    const json doc = document(w, "DataStudio/资源/dir/a.jar.schedule.json");
    EXPECT_EQ(doc["spec"]["fileResources"][0]["id"], "ds-resource-2");
    const json other = document(w, "DataStudio/资源/a.jar.schedule.json");
    EXPECT_EQ(other["spec"]["fileResources"][0]["dolphinscheduler"]["fullName"], "a.jar") << "the other file, alone";
}

}  // namespace
}  // namespace ferry::reader::ds::testing

namespace ferry::reader::ds::testing {
namespace {

// An export whose first entries are its data source and UDF pages (zips list entries in any order).
TEST(Layouts, RecognisedFromItsOtherPages) {
    for (const char* page : {"export/datasource/datasource_page_1.json", "export/udfFunction/udf_function_page_1.json",
                             "export/resource/resources.json"}) {
        SCOPED_TRACE(page);
        Folder f("pages");
        f.file(page, "[]");
        const Written w = run(f.path());
        EXPECT_EQ(w.recognition.confidence, 90);
        EXPECT_EQ(w.recognition.format, "dolphinscheduler-3");
    }
}

}  // namespace
}  // namespace ferry::reader::ds::testing
