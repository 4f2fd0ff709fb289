// The ferry binary as users and scripts meet it: exit codes, stdout/stderr split, JSON shapes.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "package_builder.hpp"
#include "test_env.hpp"

namespace ferry::test {
namespace {

using nlohmann::json;

std::string sample_zip() {
    const std::string file = scratch_dir() + "/sales_dw.zip";
    write_package(file, Format::zip, spec_package_entries(samples_dir()));
    return file;
}

TEST(Cli, HelpDocumentsExitCodes) {
    const auto r = run_ferry("--help");
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_NE(r.out.find("  2  bad usage or bad configuration"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("check"), std::string::npos);
}

#ifdef FERRY_TEST_MIMALLOC
// main.cpp makes mimalloc's large pages the default from the executable's pre-initialisers (not for
// `serve` and `worker`); the environment still decides. mimalloc prints its settled options when
// MIMALLOC_VERBOSE is set.
TEST(Cli, MimallocLargePagesAreTheDefaultAndTheEnvironmentStillDecides) {
    const auto by_default = run_ferry("--version", "MIMALLOC_VERBOSE=1");
    EXPECT_EQ(by_default.exit_code, 0);
    EXPECT_NE(by_default.err.find("option 'large_os_pages': 1"), std::string::npos) << by_default.err;
    const auto turned_off = run_ferry("--version", "MIMALLOC_VERBOSE=1 MIMALLOC_LARGE_OS_PAGES=0");
    EXPECT_EQ(turned_off.exit_code, 0);
    EXPECT_NE(turned_off.err.find("option 'large_os_pages': 0"), std::string::npos) << turned_off.err;
    // The commands that keep running keep mimalloc's default: it would never return large pages.
    for (const char* command : {"serve --help", "--plugin-dir /nonexistent worker --help"}) {
        const auto r = run_ferry(command, "MIMALLOC_VERBOSE=1");
        EXPECT_EQ(r.exit_code, 0) << command << "\n" << r.err;
        EXPECT_NE(r.err.find("option 'large_os_pages': 0"), std::string::npos) << command << "\n" << r.err;
    }
    const auto check = run_ferry("--plugin-dir /nonexistent check --help", "MIMALLOC_VERBOSE=1");
    EXPECT_NE(check.err.find("option 'large_os_pages': 1"), std::string::npos) << check.err;
}
#endif

TEST(Cli, UnknownCommandIsUsageError) {
    const auto r = run_ferry("frobnicate");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "error[FERRY-USAGE]: unknown command 'frobnicate'\n  hint: run `ferry --help`\n");
}

TEST(Cli, CheckPassesACleanPackage) {
    const auto r = run_ferry("check " + sample_zip());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("The resource package has passed the check"), std::string::npos) << r.out;
}

TEST(Cli, CheckJsonShape) {
    const auto r = run_ferry("check --json " + sample_zip());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json doc = json::parse(r.out);
    EXPECT_TRUE(doc["ok"].get<bool>());
    EXPECT_EQ(doc["package"]["format"], "spec");
    EXPECT_EQ(doc["package"]["sha256"].get<std::string>().size(), 64u);
    EXPECT_TRUE(doc["package"]["size"].is_number());
    EXPECT_TRUE(doc["diagnostics"].is_array());
    EXPECT_TRUE(r.err.empty()) << r.err;
}

// The binary defines mbrtowc (host/src/cli/fast_mbrtowc.cpp): libarchive's zip reader converts every
// entry name through it. A name in UTF-8 must arrive whole (here, in the error that quotes it), and
// one that is not UTF-8 (left to the C library) must still be refused for its encoding.
TEST(Cli, ZipEntryNamesReachTheBinarysChecksAsWritten) {
    const std::string dir = scratch_dir();
    write_package(dir + "/names.zip", Format::zip,
                  {{"\xE4\xB8\x9A\xE5\x8A\xA1/a.json", one_node_spec("a")},
                   {"\xE4\xB8\x9A\xE5\x8A\xA1/../../\xF0\x9F\x98\x80.json", one_node_spec("b")}});
    const auto unsafe = run_ferry("check --json " + dir + "/names.zip");
    EXPECT_EQ(unsafe.exit_code, 1) << unsafe.err;
    const json doc = json::parse(unsafe.out);
    ASSERT_EQ(doc["diagnostics"].size(), 1u) << unsafe.out;
    EXPECT_EQ(doc["diagnostics"][0]["code"], "FERRY-PKG-UNSAFE-PATH");
    EXPECT_EQ(doc["diagnostics"][0]["message"],
              "entry path contains '..': '\xE4\xB8\x9A\xE5\x8A\xA1/../../\xF0\x9F\x98\x80.json'");

    write_package(dir + "/ok.zip", Format::zip, {{"badXY.json", one_node_spec("a")}});
    std::string bytes = read_file(dir + "/ok.zip");
    for (auto at = bytes.find("badXY"); at != std::string::npos; at = bytes.find("badXY", at)) {
        bytes[at + 3] = '\xE4';  // a character cut short, then a byte no UTF-8 sequence has
        bytes[at + 4] = '\xfe';
    }
    write_file(dir + "/bad.zip", bytes);
    const auto bad = run_ferry("check --json " + dir + "/bad.zip");
    EXPECT_EQ(bad.exit_code, 1) << bad.err;
    const json refused = json::parse(bad.out);
    ASSERT_EQ(refused["diagnostics"].size(), 1u) << bad.out;
    EXPECT_EQ(refused["diagnostics"][0]["code"], "FERRY-PKG-NAME-ENCODING");
    EXPECT_EQ(refused["diagnostics"][0]["message"], "entry path is not valid UTF-8");
}

// The objects read go to a temporary file (util/object_spool.hpp): a TMPDIR that cannot take one is
// a clear error with its code, not an internal one.
TEST(Cli, ATemporaryFolderThatCannotBeWrittenIsAClearError) {
    const auto r = run_ferry("check " + sample_zip(), "TMPDIR=/nonexistent-ferry-tmp");
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("error[FERRY-PKG-SPOOL] " + sample_zip() +
                         ": cannot create a temporary file in /nonexistent-ferry-tmp (No such file or directory)\n"
                         "  hint: check free space and permissions of the temporary folder (TMPDIR)"),
              std::string::npos)
        << r.err;
}

TEST(Cli, CheckFailureExitsOneWithDiagnosticsOnStderr) {
    const std::string file = scratch_dir() + "/bad.zip";
    write_package(file, Format::zip, {{"a.json", one_node_spec("bad name")}});
    const auto r = run_ferry("check " + file);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("error[FERRY-PKG-OBJECT-NAME] a.json: node name 'bad name' would be refused"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.out.find("did not pass the check: 1 error"), std::string::npos) << r.out;
}

TEST(Cli, MaxSizeFlag) {
    const auto r = run_ferry("check --max-size 1KB " + sample_zip());
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("FERRY-SRC-TOO-LARGE"), std::string::npos) << r.err;
    const auto bad = run_ferry("check --max-size lots " + sample_zip());
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_EQ(bad.err, "error[FERRY-USAGE]: --max-size 'lots' is not a size (write it like 30MB or 2GB)\n");
}

TEST(Cli, MissingFileExitsOne) {
    const auto r = run_ferry("check /nonexistent/pkg.zip");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("error[FERRY-SRC-LOCAL-NOT-FOUND] /nonexistent/pkg.zip: package file not found"),
              std::string::npos)
        << r.err;
}

TEST(Cli, PreviewJsonShape) {
    const auto r = run_ferry("preview --json " + sample_zip());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json doc = json::parse(r.out);
    ASSERT_EQ(doc["nodes"].size(), 3u);  // objects; the MigrationX sample's two nodes are inside its workflow
    ASSERT_EQ(doc["workflows"].size(), 1u);
    EXPECT_EQ(doc["workflows"][0]["inner_nodes"], 2);
    bool found = false;
    for (const auto& n : doc["nodes"]) {
        if (n["name"] != "dwd_orders") continue;
        found = true;
        for (const char* key : {"name", "workflow", "command", "engine", "datasource", "owner", "resource_group",
                                "cron", "dry_run", "inner_nodes", "depends"})
            EXPECT_TRUE(n.contains(key)) << key;
        EXPECT_EQ(n["workflow"], "sales_flow");
        EXPECT_EQ(n["depends"], json::array({"1001"}));
        EXPECT_EQ(n["dry_run"], false);
    }
    EXPECT_TRUE(found);
    EXPECT_EQ(doc["resources"][0]["name"], "math_lib.py");
    EXPECT_EQ(doc["tables"][0]["project"], "odps_first");
    EXPECT_EQ(doc["functions"][0]["class_name"], "com.example.AddOne");
    EXPECT_EQ(doc["datasources"][0]["type"], "mysql");
    EXPECT_EQ(r.out.find("Xq9-sentinel-pw"), std::string::npos) << "data source config must never be printed";
}

TEST(Cli, PreviewTableAlignsWideCharacters) {
    const auto r = run_ferry("preview " + sample_zip());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("Nodes (3)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Workflows (1)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("汇总报表"), std::string::npos);
}

TEST(Cli, PluginsJsonListsBuiltPlugins) {
    const auto r = run_ferry("plugins --json");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json doc = json::parse(r.out);
    bool local = false;
    for (const auto& p : doc["plugins"]) local = local || (p["name"] == "local" && p["kind"] == "source");
    EXPECT_TRUE(local) << r.out;
    EXPECT_TRUE(doc["rejected"].is_array());
}

TEST(Cli, PluginsDescribe) {
    const auto r = run_ferry("plugins describe local");
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_NE(r.out.find("path"), std::string::npos);
    const auto missing = run_ferry("plugins describe nosuch");
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_NE(missing.err.find("no plugin named 'nosuch' is loaded"), std::string::npos);
}

}  // namespace
}  // namespace ferry::test
