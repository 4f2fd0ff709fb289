// Issue 12: the round trip is the proof. For a package: import it, and every object of the
// workspace is the package's object (its whole FlowSpec document, its content, its place), changed
// only where the task's mappings say, each change listed in the report; export the workspace, and
// the export holds exactly the workspace's objects; import the export into another workspace, and
// the two workspaces are equal. Asserted leaf by leaf, with the JSON path of any difference.
#include <unistd.h>

#include <filesystem>
#include <map>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ferry/catalog/catalog.hpp"
#include "package/package_reader.hpp"
#include "package_builder.hpp"
#include "task/engine_routing.hpp"
#include "test_env.hpp"
#include "util/json_diff.hpp"
#include "util/temp_dir.hpp"

namespace ferry::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// One object as the comparison sees it.
struct Seen {
    json document;
    std::string content;
    std::string path;
};
using Objects = std::map<std::string, Seen>;  // "kind:name"

std::string key_of(sdk::ObjectKind kind, const std::string& name) { return std::string(sdk::to_string(kind)) + ":" + name; }

// The package's objects as ferry reads them (canonical documents), through the local source.
struct ReadPackage {
    host::PackageModel model;
    Objects objects;
    bool ok = false;
};
ReadPackage read_objects(const std::string& path) {
    ReadPackage out;
    host::TempDir spool("ferry-roundtrip-");
    const fs::path spool_dir = spool.path();
    host::ReadOptions options;
    options.max_size = 0;
    options.spool_dir = &spool_dir;
    ReadResult r = check_file(path, options);
    EXPECT_TRUE(r.read_ok) << codes_of(r.diags);
    out.model = std::move(r.model);
    sdk::Diagnostics d;
    auto add = [&](sdk::ObjectKind kind, const host::PackageObject& o, const host::ContentRef* content) {
        std::string text, bytes;
        EXPECT_TRUE(host::load_content(o.document, text, d)) << o.name << " " << codes_of(d);
        if (content) host::load_content(*content, bytes, d);
        out.objects[key_of(kind, o.name)] = {json::parse(text, nullptr, false), bytes, o.folder};
    };
    for (const auto& n : out.model.nodes)
        if (!n.inner) add(sdk::ObjectKind::node, n, &n.code);
    for (const auto& w : out.model.workflows) add(sdk::ObjectKind::workflow, w, nullptr);
    for (const auto& r2 : out.model.resources) add(sdk::ObjectKind::resource, r2, &r2.content);
    for (const auto& t : out.model.tables) add(sdk::ObjectKind::table, t, nullptr);
    for (const auto& f : out.model.functions) add(sdk::ObjectKind::function, f, nullptr);
    for (const auto& s : out.model.datasources) add(sdk::ObjectKind::datasource, s, nullptr);
    for (const auto& c : out.model.components) add(sdk::ObjectKind::component, c, &c.code);
    for (const auto& q : out.model.quality_rules) add(sdk::ObjectKind::quality, q, nullptr);
    for (const auto& v : out.model.services) add(sdk::ObjectKind::service, v, nullptr);
    out.ok = !d.has_errors();
    return out;
}

Objects workspace_objects(const std::string& catalog_uri, const std::string& workspace) {
    Objects out;
    sdk::Diagnostics d;
    auto cat = catalog::Catalog::open(catalog_uri, d);
    EXPECT_NE(cat, nullptr) << codes_of(d);
    if (!cat) return out;
    for (auto& o : cat->list_objects(workspace, std::nullopt, d))
        out[key_of(o.kind, o.name)] = {json::parse(o.document, nullptr, false), o.content, o.path};
    return out;
}

// Every difference between two sets of objects, one line each (empty: equal in every leaf).
std::vector<std::string> differences(const Objects& a, const Objects& b) {
    std::vector<std::string> out;
    std::set<std::string> keys;
    for (const auto& [k, v] : a) keys.insert(k);
    for (const auto& [k, v] : b) keys.insert(k);
    for (const auto& k : keys) {
        auto ia = a.find(k), ib = b.find(k);
        if (ia == a.end() || ib == b.end()) {
            out.push_back(k + ": only in the " + (ia == a.end() ? "second" : "first"));
            continue;
        }
        std::vector<host::FieldChange> changes;
        host::diff_json(ia->second.document, ib->second.document, changes);
        for (const auto& c : changes) out.push_back(k + " " + c.path + ": " + c.before + " -> " + c.after);
        if (ia->second.content != ib->second.content)
            out.push_back(k + " content: " + std::to_string(ia->second.content.size()) + " bytes -> " +
                          std::to_string(ib->second.content.size()) + " bytes");
        if (ia->second.path != ib->second.path)
            out.push_back(k + " path: '" + ia->second.path + "' -> '" + ib->second.path + "'");
    }
    return out;
}

std::string lines(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& l : v) s += "  " + l + "\n";
    return s;
}

// A task that imports the package as it is: one destination instance per source instance, of the
// same name and type (so no datasource name changes), no other mapping, nothing committed to an
// engine (the round trip is about the workspace's objects).
std::string identity_task(const host::PackageModel& model, const std::string& name, const std::string& package) {
    std::map<std::string, std::string> instances;  // name -> type
    std::set<std::string> types;
    auto note = [&](const std::string& type, const std::string& instance) {
        if (type.empty()) return;
        types.insert(type);
        if (!instance.empty()) instances.emplace(instance, type);
    };
    auto& reg = built_plugins();
    for (const auto& n : model.nodes) note(host::engine_type_of(reg, n), n.datasource_name);
    for (const auto& t : model.tables) note(host::engine_type_of(reg, t), t.project);
    for (const auto& f : model.functions) note(host::engine_type_of(reg, f), f.datasource_name);
    for (const auto& r : model.resources) note(host::engine_type_of(reg, r), r.datasource_name);
    std::string text = "[task]\nname = \"" + name + "\"\n[source]\nplugin = \"local\"\npath = \"" + package +
                       "\"\nmax_size = \"0\"\n[workspace]\nname = \"ws1\"\nimporter = \"rt\"\n";
    std::set<std::string> typed;
    for (const auto& [inst, type] : instances) {
        text += "[[workspace.engines]]\nname = \"" + inst + "\"\ntype = \"" + type + "\"\n";
        typed.insert(type);
    }
    for (const auto& type : types)
        if (!typed.count(type)) text += "[[workspace.engines]]\nname = \"" + type + "_default\"\ntype = \"" + type + "\"\n";
    if (!instances.empty()) {
        text += "[mapping.engines]\n";
        // Across engine types: a source may use one instance for two (a DolphinScheduler sample
        // runs POSTGRESQL tasks on its data source "mysql_conn"); the round trip is about objects.
        for (const auto& [inst, type] : instances)
            text += "\"" + inst + "\" = { instance = \"" + inst + "\", cross_engine = true }\n";
    }
    text += "[commit]\nresources = false\ntables = false\nfunctions = false\n";
    return text;
}

json report_of(const std::string& task, const std::string& uri) {
    const auto r = run_ferry("report " + task + " --format json --catalog " + uri);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out, nullptr, false);
}

// Every difference between each package object and its stored object is a change the report lists
// for that object, and the report lists nothing that did not change. Returns how many objects changed.
std::size_t expect_changes_listed(const Objects& package, const Objects& stored, const json& report) {
    std::map<std::string, std::set<std::string>> listed;  // object -> changed paths
    for (const auto& d : report["details"])
        for (const auto& c : d["changes"]) listed[d["kind"].get<std::string>() + ":" + d["name"].get<std::string>()].insert(c["path"]);
    std::size_t changed_objects = 0;
    for (const auto& [key, before] : package) {
        if (!stored.count(key)) {
            ADD_FAILURE() << key << " did not land";
            continue;
        }
        std::vector<host::FieldChange> diff;
        host::diff_json(before.document, stored.at(key).document, diff);
        std::set<std::string> seen;
        for (const auto& c : diff) seen.insert(c.path);
        if (before.content != stored.at(key).content) seen.insert("content");
        EXPECT_EQ(seen, listed[key]) << key;
        changed_objects += !seen.empty();
    }
    return changed_objects;
}

// Every string leaf of a document.
void strings_of(const json& j, std::vector<std::string>& out) {
    if (j.is_string()) out.push_back(j.get<std::string>());
    else if (j.is_structured())
        for (const auto& v : j) strings_of(v, out);
}

// The first object anywhere in `j` whose "id" is `id`.
const json* find_by_id(const json& j, const std::string& id) {
    if (j.is_object()) {
        auto it = j.find("id");
        if (it != j.end() && it->is_string() && *it == id) return &j;
    }
    if (j.is_structured())
        for (const auto& v : j)
            if (const json* hit = find_by_id(v, id)) return hit;
    return nullptr;
}

class RoundTrip : public ::testing::Test {
  protected:
    void SetUp() override { dir_ = scratch_dir(); }

    // Import, compare, export, compare, import the export elsewhere, compare; and the export again
    // gives the same bytes.
    void round_trip(const std::string& package, const std::string& label) {
        SCOPED_TRACE(label);
        const ReadPackage read = read_objects(package);
        ASSERT_TRUE(read.ok);
        ASSERT_FALSE(read.objects.empty());
        const std::string c1 = "sqlite:" + dir_ + "/" + label + ".1.db", c2 = "sqlite:" + dir_ + "/" + label + ".2.db";
        write_file(dir_ + "/" + label + ".task.toml", identity_task(read.model, "rt1", package));
        auto r = run_ferry("import --yes " + dir_ + "/" + label + ".task.toml --catalog " + c1);
        ASSERT_EQ(r.exit_code, 0) << r.err << r.out;

        // 1. What landed is what the package says: no mapping changed anything. The one change an
        // identity task makes is a data source's secrets left out (ferry stores none), and the
        // report lists each such change.
        const Objects ws1 = workspace_objects(c1, "ws1");
        expect_changes_listed(read.objects, ws1, report_of("rt1", c1));
        auto diff = differences(read.objects, ws1);
        for (const auto& d : diff)
            EXPECT_EQ(d.rfind("datasource:", 0), 0u) << "package -> workspace: " << d;

        // 2. The export holds exactly the workspace's objects.
        const std::string zip = dir_ + "/" + label + ".export.zip";
        r = run_ferry("export --workspace ws1 -o " + zip + " --catalog " + c1 + " --json");
        ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
        const ReadPackage exported = read_objects(zip);
        diff = differences(ws1, exported.objects);
        EXPECT_TRUE(diff.empty()) << "workspace -> export:\n" << lines(diff);

        // 3. The export imported into another workspace: the two workspaces are equal.
        std::string task2 = identity_task(exported.model, "rt2", zip);
        task2.replace(task2.find("name = \"ws1\""), 12, "name = \"ws2\"");
        write_file(dir_ + "/" + label + ".task2.toml", task2);
        r = run_ferry("import --yes " + dir_ + "/" + label + ".task2.toml --catalog " + c2);
        ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
        diff = differences(ws1, workspace_objects(c2, "ws2"));
        EXPECT_TRUE(diff.empty()) << "workspace 1 -> workspace 2:\n" << lines(diff);

        // 4. Exported again, an unchanged workspace gives the same bytes (zip and folder).
        const auto a = json::parse(run_ferry("export --workspace ws1 -o " + zip + " --catalog " + c1 + " --json").out);
        const auto b = json::parse(run_ferry("export --workspace ws1 -o " + zip + " --catalog " + c1 + " --json").out);
        EXPECT_EQ(a["sha256"], b["sha256"]);
        const std::string folder = dir_ + "/" + label + ".folder/";
        const auto f1 = json::parse(run_ferry("export --workspace ws1 -o " + folder + " --catalog " + c1 + " --json").out);
        const auto f2 = json::parse(run_ferry("export --workspace ws1 -o " + folder + " --catalog " + c1 + " --json").out);
        EXPECT_EQ(f2["files"]["written"], 0) << f2.dump();
        EXPECT_EQ(f2["files"]["removed"], 0) << f2.dump();
        EXPECT_EQ(f1["sha256"], f2["sha256"]);
        // The folder reads as the same package as the zip.
        diff = differences(exported.objects, read_objects(folder).objects);
        EXPECT_TRUE(diff.empty()) << "export zip -> export folder:\n" << lines(diff);
    }

    std::string dir_;
};

// Every FlowSpec document of the samples (upstream's examples and MigrationX's), one package each.
TEST_F(RoundTrip, EverySampleDocumentLosesNothing) {
    std::vector<fs::path> docs;
    for (const char* folder : {"flowspec-examples", "migrationx-spec"})
        for (const auto& e : fs::directory_iterator(samples_dir() + "/" + folder))
            if (e.path().extension() == ".json") docs.push_back(e.path());
    std::sort(docs.begin(), docs.end());
    ASSERT_GE(docs.size(), 29u);
    std::size_t tried = 0;
    for (const auto& doc : docs) {
        // A template with no object in it is refused as an empty package (FERRY-PKG-EMPTY).
        if (doc.filename() == "script_runtime_template.json") continue;
        const std::string label = doc.parent_path().filename().string() + "." + doc.stem().string();
        write_package(dir_ + "/" + label + ".zip", Format::zip, {{"pkg/" + doc.filename().string(), read_file(doc.string())}});
        round_trip(dir_ + "/" + label + ".zip", label);
        ++tried;
    }
    EXPECT_EQ(tried, docs.size() - 1);
}

// Every FlowSpec feature ferry knows (containers nested in containers, branches and joins, workflows
// 1.1 and 1.2, components, data quality, data services, "Spec" and unwrapped documents).
TEST_F(RoundTrip, EveryFeatureDocumentLosesNothing) {
    std::vector<fs::path> docs;
    for (const auto& e : fs::directory_iterator(FERRY_TEST_SOURCE_DIR "/tests/data/flowspec-features"))
        if (e.path().extension() == ".json") docs.push_back(e.path());
    std::sort(docs.begin(), docs.end());
    ASSERT_GE(docs.size(), 8u);
    for (const auto& doc : docs) {
        const std::string label = "feature." + doc.stem().string();
        write_package(dir_ + "/" + label + ".zip", Format::zip, {{"pkg/" + doc.filename().string(), read_file(doc.string())}});
        round_trip(dir_ + "/" + label + ".zip", label);
    }
}

// Other schedulers (issue 14): a DolphinScheduler 1.3.x project export and every 2.x/3.x workflow
// definition of the samples, read by their reader plugin, imported end to end, exported and imported
// again: nothing the reader wrote is lost on the way.
TEST_F(RoundTrip, DolphinSchedulerExportsLoseNothing) {
    const std::string data = FERRY_TEST_SOURCE_DIR "/readers/dolphinscheduler/test/data";
    round_trip(data + "/dolphinscheduler-1.3.9-export", "ds13");
    std::vector<fs::path> docs;
    for (const auto& e : fs::directory_iterator(data + "/dolphinscheduler-3x"))
        if (e.path().extension() == ".json") docs.push_back(e.path());
    std::sort(docs.begin(), docs.end());
    ASSERT_GE(docs.size(), 9u);
    for (const auto& doc : docs) round_trip(doc.string(), "ds3." + doc.stem().string());
}

// A DWMA package and an Azkaban Flow 2.0 project (tests/data/other-formats), read by their reader
// plugins, imported end to end, exported and imported again: nothing lost on the way.
TEST_F(RoundTrip, DwmaAndAzkabanPackagesLoseNothing) {
    round_trip(FERRY_TEST_SOURCE_DIR "/tests/data/other-formats/dwma", "dwma");
    round_trip(FERRY_TEST_SOURCE_DIR "/tests/data/other-formats/azkaban-flow2", "azkaban");
}

// The bundled example: the SPEC layout with code files, resources, tables, functions, a data source.
TEST_F(RoundTrip, TheBundledExampleLosesNothing) {
    round_trip(FERRY_TEST_SOURCE_DIR "/examples/sales_dw", "bundled");
}

// With mappings: every difference between the package's object and the stored one is a change the
// report lists (JSON pointer, before, after), and nothing else differs.
TEST_F(RoundTrip, WhatTheMappingsChangeIsListedAndNothingElseChanges) {
    const std::string package = FERRY_TEST_SOURCE_DIR "/examples/sales_dw";
    const ReadPackage read = read_objects(package);
    ASSERT_TRUE(read.ok);
    std::string task = read_file(FERRY_TEST_SOURCE_DIR "/examples/sales_dw.task.toml");
    task.replace(task.find("path = \"sales_dw.zip\""), 21, "path = \"" + package + "\"");
    task.replace(task.find("catalog = \"sqlite:ferry-data/catalog.db\""), 40, "");
    task.replace(task.find("path = \"ferry-data/rehearsal.db\""), 32, "path = \"" + dir_ + "/rehearsal.db\"");
    write_file(dir_ + "/task.toml", task);
    const std::string uri = "sqlite:" + dir_ + "/catalog.db";
    const auto r = run_ferry("import --yes " + dir_ + "/task.toml --catalog " + uri);
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    const Objects stored = workspace_objects(uri, "sales_prod");
    const std::size_t changed_objects = expect_changes_listed(read.objects, stored, report_of("sales_dw.example", uri));
    EXPECT_GE(changed_objects, 4u) << "the example's mappings change owners, groups, instances and names";
}

}  // namespace
}  // namespace ferry::test

namespace ferry::test {
namespace {

// Mappings reach the nodes inside containers (for-each, do-while nested in it, combined): their
// data source, resource group, code and dependencies are mapped like any node's, and every change
// is listed with the JSON pointer of the inner node.
TEST_F(RoundTrip, MappingsReachInnerNodesAndEveryChangeIsListed) {
    const std::string package = FERRY_TEST_SOURCE_DIR "/tests/data/flowspec-features/containers.json";
    const ReadPackage read = read_objects(package);
    ASSERT_TRUE(read.ok);
    write_file(dir_ + "/task.toml",
               "[task]\nname = \"inner.map\"\n[source]\nplugin = \"local\"\npath = \"" + package +
                   "\"\n[workspace]\nname = \"prod\"\nimporter = \"alice\"\n"
                   "[[workspace.engines]]\nname = \"odps_prod\"\ntype = \"maxcompute\"\n"
                   "[mapping.engines]\nodps_first = \"odps_prod\"\n"
                   "[mapping.resource_groups]\ngroup_2 = \"sched_prod\"\n"
                   "[mapping.workspaces]\nsales_dev = \"sales_prod\"\n"
                   "[mapping.owners]\n\"064152\" = \"bob\"\n"
                   "[commit]\nresources = false\ntables = false\nfunctions = false\n");
    const std::string uri = "sqlite:" + dir_ + "/catalog.db";
    const auto r = run_ferry("import --yes " + dir_ + "/task.toml --catalog " + uri);
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    const Objects stored = workspace_objects(uri, "prod");
    EXPECT_EQ(expect_changes_listed(read.objects, stored, report_of("inner.map", uri)), 3u);

    // Nothing of the source's names is left, in any leaf or any code, however deep.
    for (const auto& [key, seen] : stored) {
        std::vector<std::string> leaves{seen.content};
        strings_of(seen.document, leaves);
        for (const auto& leaf : leaves)
            for (const char* gone : {"sales_dev", "odps_first", "group_2", "9527"})
                EXPECT_EQ(leaf.find(gone), std::string::npos) << key << ": '" << leaf << "' still holds " << gone;
    }
    const json& loop = stored.at("node:each_region").document;
    const json* body = find_by_id(loop, "fe_body");
    ASSERT_NE(body, nullptr) << loop.dump(2);
    EXPECT_EQ((*body)["datasource"]["name"], "odps_prod");
    EXPECT_EQ((*body)["runtimeResource"]["resourceGroup"], "sched_prod");
    EXPECT_NE((*body)["script"]["content"].get<std::string>().find("sales_prod.orders"), std::string::npos);
    const json* nested = find_by_id(loop, "dw_sql");
    ASSERT_NE(nested, nullptr);
    EXPECT_EQ((*nested)["datasource"]["name"], "odps_prod");
    EXPECT_EQ((*nested)["script"]["content"], "select count(*) from sales_prod.by_region;");
    // What was not mapped is as the package says: the loop's bounds, the inner flow, parameters.
    EXPECT_EQ(find_by_id(loop, "dw_end")->at("script").at("content"), "select ${dag.loopTimes} < 3");
    const json* before_body = find_by_id(read.objects.at("node:each_region").document, "fe_body");
    ASSERT_NE(before_body, nullptr);
    EXPECT_EQ((*body)["script"]["parameters"], (*before_body)["script"]["parameters"]);

    // The report names inner changes by where they are.
    const json report = report_of("inner.map", uri);
    bool inner_listed = false;
    for (const auto& d : report["details"])
        for (const auto& c : d["changes"])
            inner_listed |= c["path"].get<std::string>().find("/for-each/nodes/") != std::string::npos &&
                            c["path"].get<std::string>().find("/do-while/nodes/") != std::string::npos;
    EXPECT_TRUE(inner_listed) << report.dump(2);
}

}  // namespace
}  // namespace ferry::test

namespace ferry::test {
namespace {

// Secrets never land in the catalog: a data source's password is left out of its stored document
// (the report lists the change without the value), of the catalog's bytes, and of the export.
TEST_F(RoundTrip, ADataSourcePasswordNeverLandsAndTheChangeIsListed) {
    const std::string secret = "s3cr3t-Pa55-" + std::to_string(::getpid());
    const std::string doc = R"({"version": "1.1.0", "kind": "DataSource", "spec": {"datasources": [{"id": "d1",
        "name": "orders_db", "type": "mysql", "subType": "rds",
        "config": "{\"host\": \"db.internal\", \"username\": \"etl\", \"password\": \")" + secret + R"(\", \"auth\": {\"accessKeySecret\": \")" +
                            secret + R"(\"}}"}]}})";
    write_package(dir_ + "/ds.zip", Format::zip, {{"pkg/ds.json", doc}});
    const auto check = run_ferry("check " + dir_ + "/ds.zip");
    EXPECT_EQ(check.exit_code, 0) << check.err;
    EXPECT_NE(check.err.find("warning[FERRY-PKG-DATASOURCE-SECRET] pkg/ds.json: data source 'orders_db' holds secrets "
                             "in its config (/auth/accessKeySecret, /password): ferry stores no secrets, so it lands "
                             "without them"),
              std::string::npos)
        << check.err;
    const ReadPackage read = read_objects(dir_ + "/ds.zip");
    write_file(dir_ + "/ds.task.toml", identity_task(read.model, "ds1", dir_ + "/ds.zip"));
    const std::string uri = "sqlite:" + dir_ + "/ds.db";
    auto r = run_ferry("import --yes " + dir_ + "/ds.task.toml --catalog " + uri);
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    EXPECT_EQ((r.out + r.err).find(secret), std::string::npos);

    const Objects stored = workspace_objects(uri, "ws1");
    const std::string config = stored.at("datasource:orders_db").document["spec"]["datasources"][0]["config"];
    EXPECT_EQ(json::parse(config), json::parse(R"({"host": "db.internal", "username": "etl", "auth": {}})"));
    const json report = report_of("ds1", uri);
    EXPECT_EQ(report.dump().find(secret), std::string::npos);
    expect_changes_listed(read.objects, stored, report);
    EXPECT_EQ(read_file(dir_ + "/ds.db").find(secret), std::string::npos) << "the catalog's bytes hold the secret";

    r = run_ferry("export --workspace ws1 -o " + dir_ + "/ds.export.zip --catalog " + uri);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const ReadPackage exported = read_objects(dir_ + "/ds.export.zip");
    ASSERT_TRUE(exported.objects.count("datasource:orders_db"));
    const std::string text = exported.objects.at("datasource:orders_db").document.dump();
    EXPECT_EQ(text.find(secret), std::string::npos);
    EXPECT_NE(text.find("db.internal"), std::string::npos);
}

}  // namespace
}  // namespace ferry::test
