// A folder as a package (issue 12, "workspace as code"), through the built ferry binary: `ferry
// check DIR` and a task with [source] path = "DIR" read a folder exactly as the same files zipped,
// and the folder's SHA-256 is stable, so an unchanged folder is an unchanged package.
#include <utime.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "import_fixture.hpp"
#include "package_builder.hpp"
#include "test_env.hpp"

namespace ferry::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The entries as files under `folder`, as `ferry export -o DIR/` or a git checkout leaves them.
void write_folder(const std::string& folder, const std::vector<Entry>& entries) {
    for (const auto& e : entries) {
        fs::create_directories(fs::path(folder + "/" + e.path).parent_path());
        write_file(folder + "/" + e.path, e.content);
    }
}

json run_json(const std::string& args) {
    const auto r = run_ferry(args);
    EXPECT_EQ(r.exit_code, 0) << args << "\n" << r.err << r.out;
    try {
        return json::parse(r.out);
    } catch (const std::exception& e) {
        ADD_FAILURE() << args << ": not JSON: " << r.out;
        return json::object();
    }
}

// The folder's entries come in path order; a zip of the same files in that order is the same
// package to every reader after the source (objects, their order, diagnostics).
std::vector<Entry> in_path_order(std::vector<Entry> entries) {
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.path < b.path; });
    return entries;
}

// A check's text report without the lines that describe the bytes (location, size, SHA-256).
std::string without_byte_lines(const std::string& out) {
    std::string kept, line;
    std::istringstream in(out);
    while (std::getline(in, line))
        if (line.rfind("Package  ", 0) != 0 && line.rfind("Format   ", 0) != 0 && line.rfind("SHA-256  ", 0) != 0)
            kept += line + "\n";
    return kept;
}

TEST(FolderPackage, CheckReadsAFolderAsTheSameFilesZipped) {
    const std::string dir = scratch_dir();
    const auto entries = in_path_order(spec_package_entries(samples_dir()));
    write_package(dir + "/sales_dw.zip", Format::zip, entries);
    write_folder(dir + "/tree", entries);  // tree/sales_dw/SPEC.FORMAT...: the zip's paths exactly

    const json zipped = run_json("check --json " + dir + "/sales_dw.zip");
    const json folder = run_json("check --json " + dir + "/tree");
    EXPECT_TRUE(zipped["ok"].get<bool>()) << zipped.dump(2);
    EXPECT_TRUE(folder["ok"].get<bool>()) << folder.dump(2);
    EXPECT_EQ(folder["objects"], zipped["objects"]);
    EXPECT_EQ(folder["diagnostics"], zipped["diagnostics"]);
    EXPECT_EQ(folder["package"]["format"], "spec");
    EXPECT_EQ(folder["package"]["entries"], zipped["package"]["entries"]);
    EXPECT_EQ(folder["package"]["uncompressed"], zipped["package"]["uncompressed"]);
    EXPECT_EQ(folder["package"]["source"], "local");
    EXPECT_EQ(folder["package"]["path"], dir + "/tree");

    // Every object, field by field, as preview shows them.
    json zipped_preview = run_json("preview --json " + dir + "/sales_dw.zip");
    json folder_preview = run_json("preview --json " + dir + "/tree");
    zipped_preview.erase("package");
    folder_preview.erase("package");
    EXPECT_EQ(folder_preview, zipped_preview);

    // The text report too, but for the lines about the bytes.
    const auto zipped_text = run_ferry("check " + dir + "/sales_dw.zip");
    const auto folder_text = run_ferry("check " + dir + "/tree");
    EXPECT_EQ(folder_text.exit_code, 0) << folder_text.err;
    EXPECT_EQ(folder_text.err, zipped_text.err);
    EXPECT_EQ(without_byte_lines(folder_text.out), without_byte_lines(zipped_text.out));
    EXPECT_NE(folder_text.out.find("Package  " + dir + "/tree\nFormat   spec"), std::string::npos) << folder_text.out;
    EXPECT_NE(folder_text.out.find("The resource package has passed the check"), std::string::npos) << folder_text.out;

    // As `ferry export -o DIR/` writes it: SPEC.FORMAT at the folder's top, named with a slash.
    const json exported = run_json("check --json " + dir + "/tree/sales_dw/");
    EXPECT_TRUE(exported["ok"].get<bool>()) << exported.dump(2);
    EXPECT_EQ(exported["objects"], zipped["objects"]);
    EXPECT_EQ(exported["package"]["format"], "spec");
    EXPECT_EQ(exported["package"]["path"], dir + "/tree/sales_dw");
}

TEST(FolderPackage, AZipInAnotherOrderHoldsTheSameObjects) {
    const std::string dir = scratch_dir();
    const auto entries = spec_package_entries(samples_dir());  // not in path order
    write_package(dir + "/sales_dw.zip", Format::zip, entries);
    write_folder(dir + "/tree", entries);
    const json zipped = run_json("check --json " + dir + "/sales_dw.zip");
    const json folder = run_json("check --json " + dir + "/tree");
    EXPECT_TRUE(folder["ok"].get<bool>()) << folder.dump(2);
    EXPECT_EQ(folder["objects"], zipped["objects"]);
    EXPECT_EQ(folder["diagnostics"].size(), zipped["diagnostics"].size());
}

TEST(FolderPackage, TheSameFilesGiveTheSameSha256) {
    const std::string dir = scratch_dir();
    const auto entries = spec_package_entries(samples_dir());
    write_folder(dir + "/ws", entries);
    const auto sha = [&](const std::string& folder) {
        return run_json("check --json " + folder)["package"]["sha256"].get<std::string>();
    };
    const std::string first = sha(dir + "/ws");
    EXPECT_EQ(first.size(), 64u);
    EXPECT_EQ(sha(dir + "/ws"), first);

    // Written again in the other order, with other times, and a git folder beside: the same package.
    for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
        fs::create_directories(fs::path(dir + "/again/" + it->path).parent_path());
        write_file(dir + "/again/" + it->path, it->content);
        const struct utimbuf times{1700000000, 1700000000};
        ::utime((dir + "/again/" + it->path).c_str(), &times);
    }
    write_file(dir + "/again/.git", "gitdir: /elsewhere/.git/worktrees/again\n");
    EXPECT_EQ(sha(dir + "/again"), first);

    // One byte of one file: another package.
    write_file(dir + "/again/" + entries[1].path, entries[1].content + " ");
    EXPECT_NE(sha(dir + "/again"), first);
}

struct FolderRefusal {
    const char* name;
    std::function<void(const std::string&)> setup;  // given the folder, which holds the sample package
    const char* args;                               // before the folder
    const char* err;                                // stderr, {F} for the folder
};

class RefusedFolderPackage : public ::testing::TestWithParam<FolderRefusal> {};

TEST_P(RefusedFolderPackage, ExitsOneWithTheDiagnostic) {
    const std::string folder = scratch_dir() + "/ws";
    write_folder(folder, spec_package_entries(samples_dir()));
    GetParam().setup(folder);
    const auto r = run_ferry(std::string("check ") + GetParam().args + folder);
    EXPECT_EQ(r.exit_code, 1);
    std::string expected = GetParam().err;
    for (auto at = expected.find("{F}"); at != std::string::npos; at = expected.find("{F}"))
        expected.replace(at, 3, folder);
    EXPECT_EQ(r.err, expected);
}

const std::string kStudio = "sales_dw/DataStudio/业务流程/sales_flow/MaxCompute/数据开发/";

// A folder of known size: SPEC.FORMAT and one 2000-byte file.
void two_thousand_bytes(const std::string& folder) {
    fs::remove_all(folder + "/sales_dw");
    write_file(folder + "/SPEC.FORMAT", "");
    fs::create_directories(folder + "/DataStudio");
    write_file(folder + "/DataStudio/a.sql", std::string(2000, ' '));
}

INSTANTIATE_TEST_SUITE_P(
    Folder, RefusedFolderPackage,
    ::testing::Values(
        FolderRefusal{"Link",
                      [](const std::string& f) {
                          fs::create_symlink("ods_orders.sql", f + "/" + kStudio + "ods_orders/copy.sql");
                      },
                      "",
                      "error[FERRY-SRC-LOCAL-LINK] sales_dw/DataStudio/业务流程/sales_flow/MaxCompute/数据开发/"
                      "ods_orders/copy.sql: sales_dw/DataStudio/业务流程/sales_flow/MaxCompute/数据开发/ods_orders/"
                      "copy.sql in the package folder {F} is a symbolic link\n"
                      "  hint: a package folder holds regular files only: replace the link with a copy of the file "
                      "it points to, or move it out of the folder\n"},
        FolderRefusal{"Empty", [](const std::string& f) { fs::remove_all(f + "/sales_dw"); }, "",
                      "error[FERRY-SRC-LOCAL-EMPTY-FOLDER] {F}: the package folder {F} holds no files\n"
                      "  hint: give the folder a package's files (SPEC.FORMAT, DataStudio/...), or give the path of "
                      "a package file\n"},
        // The files alone (2000 bytes) are over the cap: refused before a byte is read.
        FolderRefusal{"FilesOverTheCap", two_thousand_bytes, "--max-size 1KB ",
                      "error[FERRY-SRC-TOO-LARGE] {F}: the package folder's files are 2000 bytes, over the size "
                      "limit of 1024 bytes\n"
                      "  hint: raise the limit with --max-size or max_size in [source] (e.g. 2GB)\n"},
        // The files fit, their tar (headers, padding, end blocks: 4096 bytes) does not: the host's
        // metering refuses it as it streams.
        FolderRefusal{"TarOverTheCap", two_thousand_bytes, "--max-size 2KB ",
                      "error[FERRY-SRC-TOO-LARGE] {F}: the package is over the size limit of 2048 bytes\n"
                      "  hint: raise the limit with --max-size or max_size in [source] (e.g. 2GB)\n"}),
    [](const ::testing::TestParamInfo<FolderRefusal>& info) { return std::string(info.param.name); });

class FolderImport : public ImportFixture {
  protected:
    // kind:name -> the stored form's fingerprint, for every object of the workspace.
    std::map<std::string, std::string> fingerprints() {
        std::map<std::string, std::string> out;
        for (const auto& [key, o] : objects()) out[key] = o.sha256;
        return out;
    }
    // A fresh catalog and engine, as if the fixture had just been set up.
    void forget_imports() {
        fs::remove(dir_ + "/catalog.db");
        fs::remove(dir_ + "/rehearsal.db");
    }
};

TEST_F(FolderImport, ATaskWithAFolderPathImportsAsTheZipDoes) {
    const std::string task = write_task({});
    const auto zipped = ferry("import --yes " + task);
    ASSERT_EQ(zipped.exit_code, 0) << zipped.err << zipped.out;
    const auto zipped_objects = fingerprints();
    const json zipped_report = report("sales_dw.t1");
    forget_imports();

    // The sample package as a folder beside the task file; the relative path resolves against it.
    write_folder(dir_ + "/workspace", spec_package_entries(samples_dir()));
    TaskFile t;
    t.package = "workspace/sales_dw";
    const auto r = ferry("import --yes " + write_task(t));
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    EXPECT_NE(r.out.find("IMPORT_SUCCESS"), std::string::npos) << r.out;
    EXPECT_EQ(fingerprints(), zipped_objects);
    const json rep = report("sales_dw.t1");
    EXPECT_EQ(rep["basic"]["status"], "IMPORT_SUCCESS");
    EXPECT_EQ(rep["results"], zipped_report["results"]);
    EXPECT_EQ(rep["basic"]["package"]["path"], dir_ + "/workspace/sales_dw");
}

TEST_F(FolderImport, AnUnchangedFolderIsAnUnchangedPackage) {
    write_folder(dir_ + "/workspace", spec_package_entries(samples_dir()));
    TaskFile t;
    t.package = "workspace/sales_dw";
    // A workspace kept in git is the truth: what changed in the folder replaces the workspace's.
    t.commit = "resources = true\ntables = true\nfunctions = false\nchange_owner = false\non_conflict = \"overwrite\"";
    const std::string task = write_task(t);
    ASSERT_EQ(ferry("import --yes " + task).exit_code, 0);
    const std::string sha = report("sales_dw.t1")["basic"]["package"]["sha256"];
    const auto before = fingerprints();

    // The folder checked out again (new times): nothing to do.
    const struct utimbuf times{1700000000, 1700000000};
    for (auto& e : fs::recursive_directory_iterator(dir_ + "/workspace"))
        if (e.is_regular_file()) ::utime(e.path().c_str(), &times);
    const auto again = ferry("import --yes " + task);
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_NE(again.out.find("Nothing changed since the last run"), std::string::npos) << again.out;

    // A node's code edited in the folder: a full run, that node (and only it) updated.
    write_file(dir_ + "/workspace/" + kStudio + "dwd_orders/dwd_orders.sql", "SELECT 2; -- changed\n");
    const auto changed = ferry("import --yes " + task);
    ASSERT_EQ(changed.exit_code, 0) << changed.err;
    EXPECT_EQ(changed.out.find("Nothing changed"), std::string::npos) << changed.out;
    EXPECT_NE(report("sales_dw.t1")["basic"]["package"]["sha256"], sha);
    const auto after = fingerprints();
    ASSERT_EQ(after.size(), before.size());
    for (const auto& [key, fingerprint] : after)
        EXPECT_EQ(fingerprint != before.at(key), key == "node:dwd_orders") << key;
    EXPECT_EQ(objects().at("node:dwd_orders").version, 2);
}

}  // namespace
}  // namespace ferry::test
