// The catalog's contract, run unchanged on SQLite (a temp file) and PostgreSQL (FERRY_TEST_PG_URI).
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <unistd.h>

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>

#include "ferry/catalog/catalog.hpp"

using namespace ferry::catalog;
using ferry::sdk::Action;
using ferry::sdk::Diagnostics;
using ferry::sdk::ObjectKind;
using ferry::sdk::ObjectRecord;

namespace {

std::string all_diags(const Diagnostics& d) {
    std::string out;
    for (const auto& i : d.items()) out += i.code + ": " + i.summary + " (" + i.detail + ")\n";
    return out;
}

// Each test gets its own empty database: a fresh SQLite file, or a fresh PostgreSQL schema.
struct SQLiteBackend {
    static constexpr const char* name = "sqlite";
    std::filesystem::path dir;
    std::string uri;
    std::string connector = "SQLite";
    std::string connect;

    bool set_up() {
        static int counter = 0;
        dir = std::filesystem::temp_directory_path() /
              ("ferry-catalog-test-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
        std::filesystem::remove_all(dir);
        connect = (dir / "nested" / "folder" / "catalog.db").string();  // open must create the folders
        uri = "sqlite:" + connect;
        return true;
    }
    void tear_down() { std::filesystem::remove_all(dir); }
};

struct PostgreSQLBackend {
    static constexpr const char* name = "postgresql";
    std::string schema;
    std::string uri;
    std::string connector = "PostgreSQL";
    std::string connect;
    std::string base;

    bool set_up() {
        const char* env = std::getenv("FERRY_TEST_PG_URI");
        if (!env || !*env) {
            ADD_FAILURE() << "FERRY_TEST_PG_URI is not set, so the PostgreSQL half of the catalog tests cannot run. "
                             "Start a server with `tests/servers/postgres.sh start DIR PORT` and set "
                             "FERRY_TEST_PG_URI='postgresql:host=127.0.0.1 port=PORT dbname=testdb user=test'.";
            return false;
        }
        Diagnostics d;
        auto parsed = parse_uri(env, d);
        if (!parsed || parsed->backend != Backend::postgresql) {
            ADD_FAILURE() << "FERRY_TEST_PG_URI is not a PostgreSQL catalog URI: " << env << "\n" << all_diags(d);
            return false;
        }
        base = parsed->connect;
        static int counter = 0;
        schema = "ferry_test_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
        Poco::Data::PostgreSQL::Connector::registerConnector();
        try {
            Poco::Data::Session s("PostgreSQL", base + " options=-cclient_min_messages=warning");
            s << "DROP SCHEMA IF EXISTS " + schema + " CASCADE", Poco::Data::Keywords::now;
            s << "CREATE SCHEMA " + schema, Poco::Data::Keywords::now;
        } catch (const Poco::Exception& e) {
            ADD_FAILURE() << "cannot prepare a schema on FERRY_TEST_PG_URI (" << env << "): " << e.displayText();
            return false;
        }
        // No spaces: Poco's connector splits the string at every space.
        connect = base + " options=-csearch_path=" + schema;
        uri = "postgresql:" + connect;
        return true;
    }
    void tear_down() {
        if (schema.empty()) return;
        try {
            Poco::Data::Session s("PostgreSQL", base + " options=-cclient_min_messages=warning");
            s << "DROP SCHEMA IF EXISTS " + schema + " CASCADE", Poco::Data::Keywords::now;
        } catch (const Poco::Exception&) {
        }
    }
};

template <typename B>
class CatalogTest : public ::testing::Test {
  protected:
    void SetUp() override {
        Poco::Data::SQLite::Connector::registerConnector();
        if (!backend.set_up()) GTEST_FAIL() << "no database for the " << B::name << " backend";
        catalog = open_catalog();
        ASSERT_TRUE(catalog);
    }
    void TearDown() override {
        catalog.reset();
        backend.tear_down();
    }
    std::unique_ptr<Catalog> open_catalog() {
        Diagnostics d;
        auto c = Catalog::open(backend.uri, d);
        EXPECT_TRUE(c) << all_diags(d);
        EXPECT_FALSE(d.has_errors()) << all_diags(d);
        return c;
    }
    // Statements outside the catalog's API, to set up what the API must refuse.
    void raw(const std::string& sql) {
        Poco::Data::Session s(backend.connector, backend.connect);
        s << sql, Poco::Data::Keywords::now;
    }
    Task queued_task(const std::string& name, const std::string& workspace) {
        Task t;
        t.name = name;
        t.workspace = workspace;
        t.state = task_state::queued;
        Diagnostics d;
        EXPECT_TRUE(catalog->create_task(t, d)) << all_diags(d);
        return t;
    }

    B backend;
    std::unique_ptr<Catalog> catalog;
};

using Backends = ::testing::Types<SQLiteBackend, PostgreSQLBackend>;
struct BackendNames {
    template <typename T>
    static std::string GetName(int) {
        return T::name;
    }
};
TYPED_TEST_SUITE(CatalogTest, Backends, BackendNames);

ObjectRecord node(const std::string& name, std::string content) {
    ObjectRecord r;
    r.kind = ObjectKind::node;
    r.name = name;
    r.owner = "064152";
    r.resource_group = "group_2";
    r.engine_instance = "mc_prod";
    r.dry_run = true;
    r.content = std::move(content);
    r.document = R"({"schedule":"0 0 * * *"})";
    r.path = "业务流程/sales/MaxCompute/数据开发";
    r.sha256 = "ab12";
    return r;
}

// ---- schema -------------------------------------------------------------------------------------

TYPED_TEST(CatalogTest, MigratesAnEmptyDatabaseToTheCodeVersion) {
    Diagnostics d;
    EXPECT_EQ(this->catalog->schema_version(d), Catalog::schema_version_of_code());
    EXPECT_EQ(this->catalog->count_objects("ws", std::nullopt, d), 0);
    EXPECT_TRUE(this->catalog->list_tasks(d).empty());
    EXPECT_FALSE(d.has_errors()) << all_diags(d);
    // Opening again finds the schema current and changes nothing.
    this->catalog.reset();
    this->catalog = this->open_catalog();
    ASSERT_TRUE(this->catalog);
    EXPECT_EQ(this->catalog->schema_version(d), Catalog::schema_version_of_code());
}

TYPED_TEST(CatalogTest, RefusesASchemaNewerThanTheCode) {
    this->catalog.reset();
    const int newer = Catalog::schema_version_of_code() + 1;
    this->raw("UPDATE ferry_schema SET version = " + std::to_string(newer) + " WHERE id = 1");
    Diagnostics d;
    EXPECT_FALSE(Catalog::open(this->backend.uri, d));
    ASSERT_EQ(d.items().size(), 1u) << all_diags(d);
    EXPECT_EQ(d.items()[0].code, codes::schema_too_new);
    EXPECT_NE(d.items()[0].summary.find("has schema version " + std::to_string(newer) +
                                        ", newer than this ferry understands (up to " +
                                        std::to_string(Catalog::schema_version_of_code()) + ")"),
              std::string::npos)
        << d.items()[0].summary;
}

TYPED_TEST(CatalogTest, DisplayUriHidesThePassword) {
    EXPECT_EQ(this->catalog->display_uri().find("password=") == std::string::npos ||
                  this->catalog->display_uri().find("password=***") != std::string::npos,
              true);
    EXPECT_EQ(this->catalog->backend(),
              std::string(TypeParam::name) == "sqlite" ? Backend::sqlite : Backend::postgresql);
}

// ---- objects ------------------------------------------------------------------------------------

TYPED_TEST(CatalogTest, PutBumpsTheVersionAndFindReadsEveryField) {
    Diagnostics d;
    auto& cat = *this->catalog;
    EXPECT_FALSE(cat.find_object("sales_prod", ObjectKind::node, "ods_orders", d));
    static const char kBytes[] = "code\0with\xff\x01 bytes";
    const std::string binary(kBytes, sizeof kBytes - 1);  // keeps the NUL inside
    auto rec = node("ods_orders", binary);
    ASSERT_TRUE(cat.put_object("sales_prod", rec, d)) << all_diags(d);
    EXPECT_EQ(rec.version, 1);
    rec.owner = "alice";
    rec.dry_run = false;
    rec.content = "SELECT 2;";
    ASSERT_TRUE(cat.put_object("sales_prod", rec, d)) << all_diags(d);
    EXPECT_EQ(rec.version, 2);
    auto again = rec;
    ASSERT_TRUE(cat.put_object("sales_prod", again, d)) << all_diags(d);
    EXPECT_EQ(again.version, 3);

    auto found = cat.find_object("sales_prod", ObjectKind::node, "ods_orders", d);
    ASSERT_TRUE(found) << all_diags(d);
    EXPECT_EQ(found->name, "ods_orders");
    EXPECT_EQ(found->kind, ObjectKind::node);
    EXPECT_EQ(found->owner, "alice");
    EXPECT_EQ(found->resource_group, "group_2");
    EXPECT_EQ(found->engine_instance, "mc_prod");
    EXPECT_FALSE(found->dry_run);
    EXPECT_EQ(found->content, "SELECT 2;");
    EXPECT_EQ(found->document, R"({"schedule":"0 0 * * *"})");
    EXPECT_EQ(found->path, "业务流程/sales/MaxCompute/数据开发");
    EXPECT_EQ(found->revision, 3);  // the workspace's change counter, after three writes
    EXPECT_EQ(found->sha256, "ab12");
    EXPECT_EQ(found->version, 3);

    // Bytes survive as they are (a resource may be a jar), and so does empty content.
    auto res = node("udf.jar", binary);
    res.kind = ObjectKind::resource;
    ASSERT_TRUE(cat.put_object("sales_prod", res, d));
    EXPECT_EQ(cat.find_object("sales_prod", ObjectKind::resource, "udf.jar", d)->content, binary);
    auto empty = node("virtual_start", "");
    ASSERT_TRUE(cat.put_object("sales_prod", empty, d));
    auto e = cat.find_object("sales_prod", ObjectKind::node, "virtual_start", d);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->content, "");
    EXPECT_TRUE(e->dry_run);
    EXPECT_FALSE(d.has_errors()) << all_diags(d);
}

// v5: a remote destination's id and change marker live with ferry's record, in the stamps the plan
// reads, and each journal entry keeps what the destination said (id, deployment stages).
TYPED_TEST(CatalogTest, RemoteIdsLiveWithTheRecordTheStampsAndTheJournal) {
    Diagnostics d;
    auto& cat = *this->catalog;
    auto rec = node("ods_orders", "SELECT 1;");
    rec.remote_id = "5570288288003766141";  // above 2^53: text, never a double
    rec.remote_version = "1735787045000";
    ASSERT_TRUE(cat.put_object("sales_prod", rec, d)) << all_diags(d);
    auto found = cat.find_object("sales_prod", ObjectKind::node, "ods_orders", d);
    ASSERT_TRUE(found) << all_diags(d);
    EXPECT_EQ(found->remote_id, "5570288288003766141");
    EXPECT_EQ(found->remote_version, "1735787045000");
    const auto stamps = cat.list_stamps("sales_prod", d);
    ASSERT_EQ(stamps.size(), 1u) << all_diags(d);
    EXPECT_EQ(stamps[0].remote_id, "5570288288003766141");
    EXPECT_EQ(stamps[0].remote_version, "1735787045000");

    ferry::catalog::Task t;
    t.name = "t1";
    t.workspace = "sales_prod";
    t.state = "EDITING";
    ASSERT_TRUE(cat.create_task(t, d)) << all_diags(d);
    ferry::catalog::JournalEntry e;
    e.task = "t1";
    e.kind = ObjectKind::node;
    e.name = "ods_orders";
    e.status = ferry::catalog::JournalStatus::succeeded;
    e.remote = R"({"id":"5570288288003766141","stages":[{"code":"PROD","status":"Success"}]})";
    ASSERT_TRUE(cat.upsert_journal(e, d)) << all_diags(d);
    const auto journal = cat.list_journal("t1", d);
    ASSERT_EQ(journal.size(), 1u) << all_diags(d);
    EXPECT_EQ(journal[0].remote, e.remote);
}

TYPED_TEST(CatalogTest, ListsAndCountsByWorkspaceAndKind) {
    Diagnostics d;
    auto& cat = *this->catalog;
    for (auto name : {"b_node", "a_node"}) {
        auto r = node(name, "x");
        ASSERT_TRUE(cat.put_object("ws1", r, d));
    }
    auto t = node("dim_user", "CREATE TABLE dim_user (id BIGINT)");
    t.kind = ObjectKind::table;
    ASSERT_TRUE(cat.put_object("ws1", t, d));
    auto other = node("a_node", "y");
    ASSERT_TRUE(cat.put_object("ws2", other, d));

    auto all = cat.list_objects("ws1", std::nullopt, d);
    ASSERT_EQ(all.size(), 3u);
    auto nodes = cat.list_objects("ws1", ObjectKind::node, d);
    ASSERT_EQ(nodes.size(), 2u);
    EXPECT_EQ(nodes[0].name, "a_node");
    EXPECT_EQ(nodes[1].name, "b_node");
    EXPECT_EQ(cat.count_objects("ws1", std::nullopt, d), 3);
    EXPECT_EQ(cat.count_objects("ws1", ObjectKind::table, d), 1);
    EXPECT_EQ(cat.count_objects("ws2", ObjectKind::node, d), 1);
    EXPECT_EQ(cat.count_objects("nowhere", std::nullopt, d), 0);
    auto ws = cat.list_workspaces(d);
    ASSERT_EQ(ws.size(), 2u);
    EXPECT_EQ(ws[0].name, "ws1");
    EXPECT_FALSE(ws[0].created_at.empty());
    EXPECT_TRUE(cat.ensure_workspace("ws3", d));
    EXPECT_TRUE(cat.ensure_workspace("ws3", d));
    EXPECT_EQ(cat.list_workspaces(d).size(), 3u);
    EXPECT_FALSE(d.has_errors()) << all_diags(d);
}

// ---- tasks --------------------------------------------------------------------------------------

TYPED_TEST(CatalogTest, TaskCreateGetUpdateReportDelete) {
    Diagnostics d;
    auto& cat = *this->catalog;
    Task t;
    t.name = "sales_dw.2026_11";
    t.workspace = "sales_prod";
    t.remarks = "move the sales DW";
    t.settings = "[task]\nname = \"sales_dw.2026_11\"\n";
    t.package_size = 31457280123;  // beyond 32 bits
    t.importer = "alice";
    ASSERT_TRUE(cat.create_task(t, d)) << all_diags(d);
    EXPECT_FALSE(t.created_at.empty());

    Task dup = t;
    Diagnostics dd;
    EXPECT_FALSE(cat.create_task(dup, dd));
    ASSERT_EQ(dd.items().size(), 1u);
    EXPECT_EQ(dd.items()[0].code, codes::task_exists);
    EXPECT_EQ(dd.items()[0].summary, "a task named sales_dw.2026_11 already exists");

    auto got = cat.get_task(t.name, d);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->state, task_state::editing);
    EXPECT_EQ(got->settings, t.settings);
    EXPECT_EQ(got->package_size, 31457280123);
    EXPECT_EQ(got->created_at, t.created_at);

    EXPECT_TRUE(cat.update_task_state(t.name, task_state::importing, d, std::string(task_state::editing)));
    Diagnostics sd;
    EXPECT_FALSE(cat.update_task_state(t.name, task_state::importing, sd, std::string(task_state::editing)));
    ASSERT_EQ(sd.items().size(), 1u);
    EXPECT_EQ(sd.items()[0].code, codes::task_state_mismatch);
    EXPECT_EQ(sd.items()[0].summary, "task sales_dw.2026_11 is IMPORTING, not EDITING, so it cannot become IMPORTING");
    Diagnostics nd;
    EXPECT_FALSE(cat.update_task_state("missing", task_state::importing, nd));
    EXPECT_EQ(nd.items().at(0).code, codes::task_not_found);

    got->package_path = "/data/sales.zip";
    got->package_sha256 = "ff00";
    got->started_at = now_iso8601_utc();
    got->state = task_state::partial_success;
    ASSERT_TRUE(cat.update_task(*got, d));
    ASSERT_TRUE(cat.save_report(t.name, R"({"basic":{"status":"PARTIAL_SUCCESS"}})", d));
    auto after = cat.get_task(t.name, d);
    ASSERT_TRUE(after);
    EXPECT_EQ(after->package_path, "/data/sales.zip");
    EXPECT_EQ(after->state, task_state::partial_success);
    EXPECT_EQ(after->report, R"({"basic":{"status":"PARTIAL_SUCCESS"}})");
    EXPECT_EQ(after->created_at, t.created_at);

    Task second;
    second.name = "b_task";
    second.workspace = "w";
    second.created_at = "2999-01-01T00:00:00.000Z";
    ASSERT_TRUE(cat.create_task(second, d));
    auto list = cat.list_tasks(d);
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].name, t.name);  // oldest first

    JournalEntry j;
    j.task = t.name;
    j.name = "n1";
    ASSERT_TRUE(cat.upsert_journal(j, d));
    ASSERT_TRUE(cat.delete_task(t.name, d));
    EXPECT_FALSE(cat.get_task(t.name, d));
    EXPECT_TRUE(cat.list_journal(t.name, d).empty());
    Diagnostics gone;
    EXPECT_FALSE(cat.delete_task(t.name, gone));
    EXPECT_EQ(gone.items().at(0).code, codes::task_not_found);
    EXPECT_FALSE(cat.save_report(t.name, "{}", gone));
    EXPECT_FALSE(d.has_errors()) << all_diags(d);
}

// ---- journal ------------------------------------------------------------------------------------

TYPED_TEST(CatalogTest, JournalUpsertsOneEntryPerObjectAndResetsWhatDidNotSucceed) {
    Diagnostics d;
    auto& cat = *this->catalog;
    struct Row {
        ObjectKind kind;
        const char* name;
        JournalStatus status;
    };
    const Row rows[] = {{ObjectKind::resource, "udf.jar", JournalStatus::succeeded},
                        {ObjectKind::table, "dim_user", JournalStatus::failed},
                        {ObjectKind::node, "ods_orders", JournalStatus::pending},
                        {ObjectKind::node, "dwd_orders", JournalStatus::conflict},
                        {ObjectKind::function, "f", JournalStatus::unchanged}};
    for (const auto& r : rows) {
        JournalEntry e;
        e.task = "t1";
        e.kind = r.kind;
        e.name = r.name;
        e.action = Action::create;
        e.status = JournalStatus::pending;
        ASSERT_TRUE(cat.upsert_journal(e, d)) << all_diags(d);
        e.status = r.status;  // the outcome, written over the pending entry
        e.message = "outcome of " + std::string(r.name);
        e.owner_before = "064152";
        e.owner_after = "alice";
        e.engine_instance = "mc_prod";
        e.sha256 = "cafe" + std::string(r.name);  // one of its own, so the marks can be told apart
        ASSERT_TRUE(cat.upsert_journal(e, d)) << all_diags(d);
    }
    JournalEntry other;
    other.task = "t2";
    other.name = "ods_orders";
    other.status = JournalStatus::failed;
    ASSERT_TRUE(cat.upsert_journal(other, d));

    auto entries = cat.list_journal("t1", d);
    ASSERT_EQ(entries.size(), 5u);
    std::map<std::string, JournalEntry> by_name;
    for (auto& e : entries) by_name[e.name] = e;
    EXPECT_EQ(by_name["dim_user"].status, JournalStatus::failed);
    EXPECT_EQ(by_name["dim_user"].kind, ObjectKind::table);
    EXPECT_EQ(by_name["dim_user"].message, "outcome of dim_user");
    EXPECT_EQ(by_name["dim_user"].owner_after, "alice");
    EXPECT_EQ(by_name["dim_user"].engine_instance, "mc_prod");
    EXPECT_FALSE(by_name["dim_user"].updated_at.empty());

    // The marks a resumed run reads: the same entries, only kind, name, status and fingerprint.
    const auto marks = cat.list_journal_marks("t1", d);
    ASSERT_EQ(marks.size(), entries.size());
    for (const auto& m : marks) {
        const JournalEntry& e = by_name.at(m.name);
        EXPECT_EQ(m.kind, e.kind) << m.name;
        EXPECT_EQ(m.status, e.status) << m.name;
        EXPECT_EQ(m.sha256, e.sha256) << m.name;
    }

    EXPECT_EQ(cat.reset_journal("t1", d), 4);
    for (const auto& e : cat.list_journal("t1", d))
        EXPECT_EQ(e.status, e.name == "udf.jar" ? JournalStatus::succeeded : JournalStatus::pending) << e.name;
    EXPECT_EQ(cat.list_journal("t2", d).at(0).status, JournalStatus::failed);  // other tasks untouched
    EXPECT_FALSE(d.has_errors()) << all_diags(d);
}

TYPED_TEST(CatalogTest, JournalCountsAndFingerprintLookups) {
    Diagnostics d;
    auto& cat = *this->catalog;
    auto a = node("a", "x");
    ASSERT_TRUE(cat.put_object("ws", a, d));
    const std::pair<const char*, JournalStatus> rows[] = {
        {"a", JournalStatus::succeeded}, {"b", JournalStatus::succeeded}, {"c", JournalStatus::conflict}};
    for (const auto& [name, status] : rows) {
        JournalEntry e;
        e.task = "t";
        e.name = name;
        e.status = status;
        ASSERT_TRUE(cat.upsert_journal(e, d)) << all_diags(d);
    }
    JournalEntry other;
    other.task = "t2";
    other.name = "a";
    other.status = JournalStatus::failed;
    ASSERT_TRUE(cat.upsert_journal(other, d));
    auto counts = cat.count_journal("t", d);
    ASSERT_EQ(counts.size(), 2u) << all_diags(d);
    std::map<JournalStatus, std::int64_t> by_status;
    for (const auto& c : counts) {
        EXPECT_EQ(c.kind, ObjectKind::node);
        by_status[c.status] = c.count;
    }
    EXPECT_EQ(by_status[JournalStatus::succeeded], 2);
    EXPECT_EQ(by_status[JournalStatus::conflict], 1);
    EXPECT_EQ(cat.object_sha256("ws", ObjectKind::node, "a", d), std::optional<std::string>("ab12"));
    EXPECT_FALSE(cat.object_sha256("ws", ObjectKind::node, "zz", d));
    EXPECT_FALSE(d.has_errors()) << all_diags(d);
}

TYPED_TEST(CatalogTest, TheRunDigestLivesAndDiesWithItsTask) {
    Diagnostics d;
    auto& cat = *this->catalog;
    Task t;
    t.name = "t";
    t.workspace = "ws";
    ASSERT_TRUE(cat.create_task(t, d)) << all_diags(d);
    EXPECT_EQ(cat.run_digest("t", d), "");
    ASSERT_TRUE(cat.set_run_digest("t", "feed", d)) << all_diags(d);
    EXPECT_EQ(cat.run_digest("t", d), "feed");
    ASSERT_TRUE(cat.delete_task("t", d));
    ASSERT_TRUE(cat.create_task(t, d));
    EXPECT_EQ(cat.run_digest("t", d), "");
    EXPECT_FALSE(d.has_errors()) << all_diags(d);
}

TYPED_TEST(CatalogTest, APreparedStatementThatFailsReportsAndStaysUsable) {
    Diagnostics d;
    auto& cat = *this->catalog;
    JournalEntry e;
    e.task = "t";
    e.name = "n";
    e.status = JournalStatus::succeeded;
    ASSERT_TRUE(cat.upsert_journal(e, d)) << all_diags(d);  // prepared and kept (SQLite)
    // The table goes away under the kept statement: the next run of it must fail as a diagnostic...
    this->raw("ALTER TABLE journal RENAME TO journal_away");
    EXPECT_FALSE(cat.upsert_journal(e, d));
    ASSERT_EQ(d.items().size(), 1u);
    EXPECT_EQ(d.items()[0].code, codes::database_error);
    EXPECT_NE(d.items()[0].summary.find("cannot journal node n of task t"), std::string::npos) << all_diags(d);
    EXPECT_NE(d.items()[0].detail.find("journal"), std::string::npos) << all_diags(d);
    // ... and work again once it is back.
    this->raw("ALTER TABLE journal_away RENAME TO journal");
    Diagnostics after;
    e.message = "again";
    EXPECT_TRUE(cat.upsert_journal(e, after)) << all_diags(after);
    ASSERT_EQ(cat.list_journal("t", after).size(), 1u);
    EXPECT_EQ(cat.list_journal("t", after)[0].message, "again");
}

// ---- transactions -------------------------------------------------------------------------------

TYPED_TEST(CatalogTest, ObjectAndJournalCommitTogetherOrNotAtAll) {
    Diagnostics d;
    auto& cat = *this->catalog;
    JournalEntry e;
    e.task = "t";
    e.name = "n";
    e.status = JournalStatus::succeeded;
    {
        Transaction tx(cat, d);
        ASSERT_TRUE(tx.active()) << all_diags(d);
        auto r = node("n", "a");
        ASSERT_TRUE(cat.put_object("ws", r, d));
        ASSERT_TRUE(cat.upsert_journal(e, d));
        // Destroyed without commit: as if the process died here.
    }
    EXPECT_FALSE(cat.find_object("ws", ObjectKind::node, "n", d));
    EXPECT_TRUE(cat.list_journal("t", d).empty());
    {
        Transaction tx(cat, d);
        auto r = node("n", "a");
        ASSERT_TRUE(cat.put_object("ws", r, d));
        ASSERT_TRUE(cat.upsert_journal(e, d));
        ASSERT_TRUE(tx.commit(d)) << all_diags(d);
    }
    EXPECT_EQ(cat.find_object("ws", ObjectKind::node, "n", d)->version, 1);
    EXPECT_EQ(cat.list_journal("t", d).size(), 1u);
    EXPECT_FALSE(d.has_errors()) << all_diags(d);
}

// What the importer's batch relies on (task/object_lander.cpp): a statement that fails anywhere in
// a batch fails the batch's commit and leaves nothing of it; redone object by object, each object
// lands with its journal entry or neither does. On PostgreSQL the batch's writes are queued and sent
// with the next statement that waits (here: the commit), so a refusal surfaces later than the
// statement it refused: the commit must fail all the same.
TYPED_TEST(CatalogTest, AStatementThatFailsInABatchFailsTheBatchAndObjectsRedoneAloneMatchTheJournal) {
    auto& cat = *this->catalog;
    if (std::string(TypeParam::name) == "postgresql") {
        this->raw("CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN"
                  " IF NEW.name = ''poison'' THEN RAISE EXCEPTION ''poisoned journal row''; END IF;"
                  " RETURN NEW; END'");
        this->raw("CREATE TRIGGER refuse_poison BEFORE INSERT ON journal FOR EACH ROW EXECUTE FUNCTION refuse_poison()");
    } else {
        this->raw("CREATE TRIGGER refuse_poison BEFORE INSERT ON journal WHEN NEW.name = 'poison'"
                  " BEGIN SELECT RAISE(ABORT, 'poisoned journal row'); END");
    }
    const std::vector<std::string> names = {"a", "poison", "b", "c"};
    // As the importer lands an object: written (not read back), its fingerprint checked, journaled.
    auto land = [&](const std::string& name, Diagnostics& d) {
        const auto r = node(name, "select 1");
        JournalEntry e;
        e.task = "t";
        e.name = name;
        e.status = JournalStatus::succeeded;
        return cat.write_object("ws", r, d) && cat.object_sha256("ws", ObjectKind::node, name, d) == r.sha256 &&
               cat.upsert_journal(e, d);
    };
    {
        Diagnostics d;
        Transaction batch(cat, d);
        ASSERT_TRUE(batch.active()) << all_diags(d);
        for (const auto& name : names)
            if (!land(name, d)) break;
        EXPECT_FALSE(batch.commit(d));
        EXPECT_NE(all_diags(d).find("poisoned journal row"), std::string::npos) << all_diags(d);
    }
    Diagnostics d;
    EXPECT_EQ(cat.count_objects("ws", std::nullopt, d), 0);
    EXPECT_TRUE(cat.list_journal("t", d).empty());
    EXPECT_FALSE(d.has_errors()) << all_diags(d);

    for (const auto& name : names) {
        Diagnostics one;
        Transaction tx(cat, one);
        const bool landed = land(name, one) && tx.commit(one);
        EXPECT_EQ(landed, name != "poison") << name << ": " << all_diags(one);
    }
    std::set<std::string> objects, journaled;
    for (const auto& o : cat.list_objects("ws", std::nullopt, d)) {
        objects.insert(o.name);
        EXPECT_EQ(o.version, 1) << o.name;
    }
    for (const auto& e : cat.list_journal("t", d)) journaled.insert(e.name);
    EXPECT_EQ(objects, (std::set<std::string>{"a", "b", "c"}));
    EXPECT_EQ(journaled, objects);
    EXPECT_EQ(cat.workspace_revision("ws", d), 3);  // rolled-back writes took no revision
    EXPECT_FALSE(d.has_errors()) << all_diags(d);
}

// A transaction counts the workspace's revisions on from the one its first write took, and the
// commit stores the last: every object still has a revision of its own, in order.
TYPED_TEST(CatalogTest, ObjectsWrittenInOneTransactionTakeConsecutiveRevisions) {
    Diagnostics d;
    auto& cat = *this->catalog;
    auto first = node("first", "a");
    ASSERT_TRUE(cat.put_object("ws", first, d)) << all_diags(d);
    EXPECT_EQ(first.revision, 1);
    {
        Transaction tx(cat, d);
        for (const char* name : {"b", "c", "d"}) ASSERT_TRUE(cat.write_object("ws", node(name, "x"), d)) << all_diags(d);
        auto e = node("e", "x");
        ASSERT_TRUE(cat.put_object("ws", e, d)) << all_diags(d);
        EXPECT_EQ(e.revision, 5);
        EXPECT_EQ(cat.workspace_revision("ws", d), 5);
        ASSERT_TRUE(tx.commit(d)) << all_diags(d);
    }
    EXPECT_EQ(cat.workspace_revision("ws", d), 5);
    std::map<std::string, std::int64_t> revisions;
    for (const auto& o : cat.list_objects("ws", std::nullopt, d)) revisions[o.name] = o.revision;
    EXPECT_EQ(revisions, (std::map<std::string, std::int64_t>{{"b", 2}, {"c", 3}, {"d", 4}, {"e", 5}, {"first", 1}}));
    {
        Transaction rolled_back(cat, d);
        ASSERT_TRUE(cat.write_object("ws", node("f", "x"), d));
        ASSERT_TRUE(cat.write_object("ws", node("g", "x"), d));
    }
    auto h = node("h", "x");
    ASSERT_TRUE(cat.put_object("ws", h, d)) << all_diags(d);
    EXPECT_EQ(h.revision, 6);  // what a rolled-back transaction took is given again
    EXPECT_FALSE(d.has_errors()) << all_diags(d);
}

TYPED_TEST(CatalogTest, AFailedInnerTransactionDoomsTheOuterOne) {
    Diagnostics d;
    auto& cat = *this->catalog;
    Transaction outer(cat, d);
    auto r = node("n", "a");
    ASSERT_TRUE(cat.put_object("ws", r, d));
    {
        Transaction inner(cat, d);
        inner.rollback();
    }
    Diagnostics cd;
    EXPECT_FALSE(outer.commit(cd));
    ASSERT_EQ(cd.items().size(), 1u);
    EXPECT_EQ(cd.items()[0].code, codes::transaction_failed);
    EXPECT_FALSE(cat.find_object("ws", ObjectKind::node, "n", d));
    // The catalog is usable again afterwards.
    ASSERT_TRUE(cat.put_object("ws", r, d)) << all_diags(d);
    EXPECT_EQ(r.version, 1);
}

// ---- locks --------------------------------------------------------------------------------------

TYPED_TEST(CatalogTest, ASecondAcquireIsRefusedWithHolderAndSince) {
    Diagnostics d;
    auto& cat = *this->catalog;
    auto first = cat.try_acquire_lock("sales_prod", "task_a", "alice@host1", d);
    ASSERT_TRUE(first.acquired) << all_diags(d);
    EXPECT_EQ(first.lock.holder, "alice@host1");
    EXPECT_FALSE(first.lock.since.empty());

    // From another connection, as a second host would.
    auto other = this->open_catalog();
    ASSERT_TRUE(other);
    auto second = other->try_acquire_lock("sales_prod", "task_b", "bob@host2", d);
    EXPECT_FALSE(second.acquired);
    EXPECT_EQ(second.lock.task, "task_a");
    EXPECT_EQ(second.lock.holder, "alice@host1");
    EXPECT_EQ(second.lock.since, first.lock.since);

    // The same task may take it again (a killed import resuming); others still may not.
    EXPECT_TRUE(other->try_acquire_lock("sales_prod", "task_a", "alice@host3", d).acquired);
    EXPECT_TRUE(other->try_acquire_lock("another_ws", "task_b", "bob@host2", d).acquired);
    EXPECT_FALSE(other->release_lock("sales_prod", "task_b", d));
    EXPECT_TRUE(cat.release_lock("sales_prod", "task_a", d));
    EXPECT_FALSE(cat.lock_of("sales_prod", d));
    EXPECT_TRUE(other->try_acquire_lock("sales_prod", "task_b", "bob@host2", d).acquired);
    EXPECT_EQ(cat.lock_of("sales_prod", d)->holder, "bob@host2");
    EXPECT_FALSE(d.has_errors()) << all_diags(d);
}

TYPED_TEST(CatalogTest, ClaimSkipsLockedWorkspacesAndTakesTheOldestQueuedTask) {
    Diagnostics d;
    auto& cat = *this->catalog;
    EXPECT_FALSE(cat.claim_next_queued_task("w1", d));
    Task editing;
    editing.name = "not_queued";
    editing.workspace = "free_ws";
    ASSERT_TRUE(cat.create_task(editing, d));
    this->queued_task("t_busy", "busy_ws");
    ASSERT_TRUE(cat.try_acquire_lock("busy_ws", "someone_else", "h", d).acquired);
    EXPECT_FALSE(cat.claim_next_queued_task("w1", d));

    ASSERT_TRUE(cat.release_lock("busy_ws", "someone_else", d));
    auto claimed = cat.claim_next_queued_task("w1", d);
    ASSERT_TRUE(claimed) << all_diags(d);
    EXPECT_EQ(claimed->name, "t_busy");
    EXPECT_EQ(claimed->state, task_state::importing);
    EXPECT_EQ(claimed->claimed_by, "w1");
    auto stored = cat.get_task("t_busy", d);
    EXPECT_EQ(stored->state, task_state::importing);
    EXPECT_EQ(stored->claimed_by, "w1");
    EXPECT_EQ(stored->claimed_at, claimed->claimed_at);
    auto lock = cat.lock_of("busy_ws", d);
    ASSERT_TRUE(lock);
    EXPECT_EQ(lock->task, "t_busy");
    EXPECT_EQ(lock->holder, "w1");
    EXPECT_FALSE(cat.claim_next_queued_task("w2", d));
    EXPECT_FALSE(d.has_errors()) << all_diags(d);
}

TYPED_TEST(CatalogTest, ConcurrentWorkersNeverClaimOneTaskTwiceNorShareAWorkspace) {
    constexpr int kTasks = 30, kWorkspaces = 5, kWorkers = 3;
    for (int i = 0; i < kTasks; ++i) {
        char name[16];
        std::snprintf(name, sizeof name, "task_%02d", i);
        this->queued_task(name, "ws_" + std::to_string(i % kWorkspaces));
    }
    std::mutex m;
    std::multiset<std::string> claimed;
    std::map<std::string, int> busy;  // workspace -> tasks running in it now
    std::atomic<bool> overlap{false};
    std::vector<std::string> errors;
    auto worker = [&](int id) {
        Diagnostics d;
        auto cat = Catalog::open(this->backend.uri, d);
        if (!cat) {
            std::lock_guard g(m);
            errors.push_back(all_diags(d));
            return;
        }
        const std::string me = "worker_" + std::to_string(id);
        int idle = 0;
        while (idle < 200) {
            auto t = cat->claim_next_queued_task(me, d);
            if (!t) {
                {
                    std::lock_guard g(m);
                    if (claimed.size() == kTasks) break;
                }
                ++idle;
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
                continue;
            }
            idle = 0;
            {
                std::lock_guard g(m);
                claimed.insert(t->name);
                if (++busy[t->workspace] > 1) overlap = true;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(2));  // the import
            {
                std::lock_guard g(m);
                --busy[t->workspace];
            }
            cat->update_task_state(t->name, task_state::import_success, d, std::string(task_state::importing));
            cat->release_lock(t->workspace, t->name, d);
        }
        if (d.has_errors()) {
            std::lock_guard g(m);
            errors.push_back(all_diags(d));
        }
    };
    std::vector<std::thread> threads;
    for (int i = 0; i < kWorkers; ++i) threads.emplace_back(worker, i);
    for (auto& t : threads) t.join();

    for (const auto& e : errors) ADD_FAILURE() << e;
    EXPECT_FALSE(overlap) << "two tasks of one workspace ran at once";
    EXPECT_EQ(claimed.size(), static_cast<std::size_t>(kTasks));
    for (const auto& name : claimed) EXPECT_EQ(claimed.count(name), 1u) << name << " was claimed twice";
    Diagnostics d;
    for (const auto& t : this->catalog->list_tasks(d)) EXPECT_EQ(t.state, task_state::import_success) << t.name;
}

}  // namespace
