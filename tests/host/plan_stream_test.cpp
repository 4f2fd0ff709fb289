// A plan made while the import writes (task/plan_stream.hpp) against one made whole first: the same
// catalog, journal and diagnostics, and the same refusal of a plan that cannot place its objects.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "import_fixture.hpp"
#include "task/importer.hpp"
#include "task/plan_stream.hpp"
#include "task/task_service.hpp"

namespace ferry::test {
namespace {

// A catalog-only task: every commission rule off, the destination ferry's catalog.
TaskFile catalog_only() {
    TaskFile t;
    t.commit = "resources = false\ntables = false\nfunctions = false\non_conflict = \"skip\"";
    return t;
}

class PlanStreamTest : public ImportFixture {
  protected:
    struct Outcome {
        host::RunResult result;
        std::vector<std::string> diagnostics;  // "severity code: summary", in order
        std::vector<std::string> objects;      // every stored field but the write time
        std::vector<std::string> journal;      // every field but updated_at
    };
    // Imports the task into a catalog of its own; `whole` asks a confirmation, which makes the plan
    // whole before anything is written.
    Outcome import(const TaskFile& t, const std::string& catalog_file, bool whole) {
        host::TaskConfig task;
        sdk::Diagnostics d;
        EXPECT_TRUE(host::load_task_config(write_task(t), built_plugins(), task, d)) << codes_of(d);
        EXPECT_EQ(host::Importer::streams_plan(task), true);
        auto cat = catalog::Catalog::open("sqlite:" + dir_ + "/" + catalog_file, d);
        EXPECT_NE(cat, nullptr) << codes_of(d);
        Outcome out;
        if (!cat) return out;
        std::function<bool(const host::Plan&)> confirm;
        if (whole) confirm = [](const host::Plan&) { return true; };
        out.result = host::import_task(built_plugins(), *cat, task, confirm, nullptr, d);
        for (const auto& i : d.items())
            out.diagnostics.push_back(std::string(sdk::to_string(i.severity)) + " " + i.code + ": " + i.summary);
        sdk::Diagnostics rd;
        for (const auto& o : cat->list_objects("sales_prod", std::nullopt, rd))
            out.objects.push_back(std::string(sdk::to_string(o.kind)) + " " + o.name + " | " + o.owner + " | " +
                                  o.resource_group + " | " + o.engine_instance + " | " + (o.dry_run ? "dry" : "run") +
                                  " | " + o.path + " | " + o.sha256 + " | " + std::to_string(o.version) + " | " +
                                  std::to_string(o.revision) + " | " + o.content + " | " + o.document);
        for (const auto& e : cat->list_journal(task.name, rd))
            out.journal.push_back(std::string(sdk::to_string(e.kind)) + " " + e.name + " | " +
                                  sdk::to_string(e.action) + " | " + catalog::to_string(e.status) + " | " + e.message +
                                  " | " + e.owner_before + " | " + e.owner_after + " | " + e.engine_instance + " | " +
                                  e.sha256 + " | " + e.changes);
        EXPECT_FALSE(rd.has_errors()) << codes_of(rd);
        return out;
    }
};

TEST_F(PlanStreamTest, AStreamedPlanLandsWhatAWholePlanLands) {
    const Outcome streamed = import(catalog_only(), "streamed.db", false);
    const Outcome whole = import(catalog_only(), "whole.db", true);
    EXPECT_EQ(streamed.result.state, "IMPORT_SUCCESS");
    EXPECT_EQ(whole.result.state, "IMPORT_SUCCESS");
    EXPECT_EQ(streamed.objects.size(), 8u);
    EXPECT_EQ(streamed.objects, whole.objects);
    EXPECT_EQ(streamed.journal, whole.journal);
    // The plan's warnings (an owner nobody mapped, ...) come as they do from a whole plan.
    EXPECT_FALSE(streamed.diagnostics.empty());
    EXPECT_EQ(streamed.diagnostics, whole.diagnostics);
}

TEST_F(PlanStreamTest, APlanThatCannotPlaceItsObjectsWritesNothingAndSaysWhy) {
    TaskFile t = catalog_only();
    t.engine_map = "";  // odps_first mapped nowhere: the plan is blocked
    const Outcome streamed = import(t, "streamed.db", false);
    const Outcome whole = import(t, "whole.db", true);
    EXPECT_EQ(streamed.result.state, "IMPORT_ERROR");
    EXPECT_TRUE(streamed.objects.empty());
    ASSERT_EQ(streamed.journal.size(), 8u);
    for (const auto& e : streamed.journal)
        EXPECT_NE(e.find("| fail | failed | not imported: engine instance 'odps_first' (maxcompute) has no mapping; "
                         "it is used by resource math_lib.py, function add_one, table dwd_orders, node ods_orders"),
                  std::string::npos)
            << e;
    EXPECT_EQ(streamed.journal, whole.journal);
    EXPECT_EQ(streamed.diagnostics, whole.diagnostics);
}

// The planner starts as soon as the package is read, beside the check: a package the check
// refuses stops it, writes nothing, and reports the check's errors alone.
TEST_F(PlanStreamTest, APackageTheCheckRefusesWritesNothingAndShowsNoPlan) {
    auto entries = spec_package_entries(samples_dir());
    const std::string doc = "/dwd_orders.schedule.json";
    std::vector<Entry> copies;  // the same node again, in a document of its own
    for (const auto& e : entries)
        if (e.path.size() > doc.size() && e.path.compare(e.path.size() - doc.size(), doc.size(), doc) == 0)
            copies.push_back({e.path.substr(0, e.path.size() - doc.size()) + "/again.schedule.json", e.content, e.type});
    ASSERT_EQ(copies.size(), 1u);
    entries.push_back(copies.front());
    write_package(dir_ + "/sales_dw.zip", Format::zip, entries);
    const Outcome streamed = import(catalog_only(), "streamed.db", false);
    const Outcome whole = import(catalog_only(), "whole.db", true);
    EXPECT_TRUE(streamed.result.refused);
    EXPECT_TRUE(streamed.objects.empty());
    EXPECT_TRUE(streamed.journal.empty());
    ASSERT_FALSE(streamed.diagnostics.empty());
    bool duplicate = false;
    for (const auto& d : streamed.diagnostics) {
        duplicate = duplicate || d.find("error FERRY-PKG-DUPLICATE-") != std::string::npos;
        EXPECT_EQ(d.find("FERRY-PLAN-"), std::string::npos) << "the plan's own diagnostics are not shown: " << d;
    }
    EXPECT_TRUE(duplicate);
    EXPECT_EQ(streamed.diagnostics, whole.diagnostics);
}

TEST_F(PlanStreamTest, StopsWhenTheImporterGivesUpPartWay) {
    host::TaskConfig task;
    sdk::Diagnostics d;
    ASSERT_TRUE(host::load_task_config(write_task(catalog_only()), built_plugins(), task, d)) << codes_of(d);
    host::LoadedPackage package;
    ASSERT_TRUE(host::load_task_package(built_plugins(), task, package, d)) << codes_of(d);
    auto cat = catalog::Catalog::open("sqlite:" + dir_ + "/catalog.db", d);
    ASSERT_NE(cat, nullptr) << codes_of(d);
    {
        // Room for one object: the planner waits with the next ones when the importer gives up.
        host::PlanStream stream(built_plugins(), task, package.model, cat->reopen(d), 1);
        ASSERT_TRUE(stream.wait_ready());
        EXPECT_FALSE(stream.blocked());
        host::PlannedObject first;
        ASSERT_TRUE(stream.next(first));
        EXPECT_EQ(first.kind, sdk::ObjectKind::resource);  // plan order: resources first
        EXPECT_EQ(first.name, "math_lib.py");
    }  // given up after one object: the planner stops and the destructor returns
    host::PlanStream whole(built_plugins(), task, package.model, cat->reopen(d));
    ASSERT_TRUE(whole.wait_ready());
    std::size_t n = 0;
    for (host::PlannedObject o; whole.next(o);) ++n;
    whole.finish();
    EXPECT_EQ(n, package.model.object_count());
}

}  // namespace
}  // namespace ferry::test
