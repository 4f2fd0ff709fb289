// `ferry convert` (issue 14): a package of another scheduler, read by its reader plugin, written as
// a SPEC package that `ferry check` reads back with the same objects; deterministic bytes; bad
// usage refused with exit 2; a package with errors writes nothing.
#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "package/reader_stage.hpp"
#include "package_builder.hpp"
#include "test_env.hpp"

namespace ferry::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kData = FERRY_TEST_SOURCE_DIR "/readers/dolphinscheduler/test/data";

json json_of(const RunResult& r) { return json::parse(r.out, nullptr, false); }

TEST(Convert, ADolphinSchedulerExportBecomesASpecPackageWithTheSameObjects) {
    const std::string dir = scratch_dir();
    const std::string input = kData + "/dolphinscheduler-1.3.9-export";
    const auto converted = run_ferry("convert --json " + input + " -o " + dir + "/ds.zip");
    ASSERT_EQ(converted.exit_code, 0) << converted.err << converted.out;
    const json c = json_of(converted);
    EXPECT_TRUE(c["ok"].get<bool>());
    EXPECT_EQ(c["format"], "dolphinscheduler-1.3");
    EXPECT_EQ(c["objects"], (json{{"workflow", 5}, {"resource", 3}, {"function", 1}, {"datasource", 3}})) << c.dump(2);

    const json original = json_of(run_ferry("preview --json " + input));
    const json spec = json_of(run_ferry("preview --json " + dir + "/ds.zip"));
    EXPECT_EQ(spec["package"]["format"], "spec");
    EXPECT_EQ(spec["package"]["sha256"], c["output"]["sha256"]);
    for (const char* list : {"nodes", "workflows", "resources", "functions", "datasources"})
        EXPECT_EQ(spec[list], original[list]) << list;

    // The same input converts to the same bytes.
    const json again = json_of(run_ferry("convert --json " + input + " -o " + dir + "/ds2.zip"));
    EXPECT_EQ(again["output"]["sha256"], c["output"]["sha256"]);
}

TEST(Convert, ALoneWorkflowDefinitionConvertsIntoAFolder) {
    const std::string dir = scratch_dir();
    const auto r = run_ferry("convert --json " + kData + "/dolphinscheduler-3x/sql-python-spark-dolphin.json -o " + dir +
                             "/out/");
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    const json c = json_of(r);
    EXPECT_EQ(c["format"], "dolphinscheduler-3");
    EXPECT_TRUE(c["output"]["folder"].get<bool>());
    EXPECT_TRUE(fs::exists(dir + "/out/SPEC.FORMAT"));
    const auto check = run_ferry("check --json " + dir + "/out/");
    EXPECT_EQ(check.exit_code, 0) << check.err;
    EXPECT_EQ(json_of(check)["objects"]["workflows"], 1);
}

TEST(Convert, BadUsageIsExitTwoAndWritesNothing) {
    const std::string dir = scratch_dir();
    auto r = run_ferry("convert " + kData + "/dolphinscheduler-3x/shell-dolphin.json");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "error[FERRY-USAGE]: give the output with -o OUT.zip, or -o DIR/ for a folder\n");
    r = run_ferry("convert " + kData + "/dolphinscheduler-3x/shell-dolphin.json -o " + dir + "/missing/x.zip");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("error[FERRY-CONVERT-USAGE] " + dir + "/missing/x.zip: the output's folder " + dir +
                         "/missing does not exist"),
              std::string::npos)
        << r.err;
}

TEST(Convert, APackageWithErrorsWritesNothing) {
    const std::string dir = scratch_dir();
    write_package(dir + "/dup.zip", Format::zip, {{"a.json", one_node_spec("orders")}, {"b.json", one_node_spec("orders")}});
    const auto r = run_ferry("convert " + dir + "/dup.zip -o " + dir + "/out.zip");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("error[FERRY-PKG-DUPLICATE-NAME]"), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "Nothing was written: fix the errors above (on stderr).\n");
    EXPECT_FALSE(fs::exists(dir + "/out.zip"));
}

// A file of the source carried as a file keeps its name; under a name ferry reads as a document
// it would have become a node the source never scheduled. Refused, naming it.
TEST(Convert, AResourceNamedAsADocumentIsRefusedNotScheduled) {
    const std::string dir = scratch_dir() + "/ds-export";
    fs::remove_all(dir);
    fs::copy(kData + "/dolphinscheduler-1.3.9-export", dir, fs::copy_options::recursive);
    write_file(dir + "/resource/injected.schedule.json", one_node_spec("injected_node", "DIDE_SHELL"));
    const auto r = run_ferry("check " + dir);
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_NE(r.err.find("error[FERRY-READER-FILE-AS-DOCUMENT] DataStudio/资源/injected.schedule.json: reader "
                         "'dolphinscheduler' carries the file 'DataStudio/资源/injected.schedule.json' under a name "
                         "ferry reads as a FlowSpec document: it would become objects the source does not have"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(r.out.find("injected_node"), std::string::npos) << r.out;
}

// One rule for the paths readers write, as strict as the walkers' for entries: a control character
// (which safe_path once let through) is refused too.
TEST(Convert, AReaderOutputPathFollowsTheArchiveRule) {
    for (const char* ok : {"DataStudio/a/a.schedule.json", "DataStudio/资源/x.jar", "a"})
        EXPECT_TRUE(host::safe_path(ok)) << ok;
    for (const std::string& bad : {std::string(), std::string("/a"), std::string("a/../b"), std::string("a//b"),
                                  std::string("./a"), std::string("a/.."), std::string("a\\b"), std::string("a\nb"),
                                  std::string("a\x7f"), std::string("a\0b", 3)})
        EXPECT_FALSE(host::safe_path(bad)) << bad;
}

}  // namespace
}  // namespace ferry::test
