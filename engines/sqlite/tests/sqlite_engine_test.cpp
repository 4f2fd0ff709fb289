#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>

#include "ferry/engine/testing.hpp"
#include "sqlite_engine.hpp"

namespace fs = std::filesystem;
using namespace ferry;
using namespace ferry::engine::testing;
using engines::sqlite::make_engine;

namespace {

class SqliteEngineTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("ferry-sqlite-" + std::to_string(::getpid()) + "-" +
                                            ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        path_ = (dir_ / "rehearsal.db").string();
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::unique_ptr<engines::sqlite::SqliteEngine> engine(const std::string& path) {
        config_ = make_config({{"path", path}}, {{"busy_timeout_ms", 1000}});
        sdk::CreateContext ctx{&config_, &host_, "rehearsal"};
        sdk::Diagnostics diags;
        auto e = make_engine(ctx, diags);
        EXPECT_FALSE(diags.has_errors()) << describe(diags);
        return e;
    }

    fs::path dir_;
    std::string path_;
    sdk::Config config_;
    RecordingHost host_;
};

TEST(SqliteOwnership, DeclaresItsObjects) {
    std::vector<std::string> owns(std::begin(engines::sqlite::kOwns), std::end(engines::sqlite::kOwns));
    EXPECT_EQ(owns, (std::vector<std::string>{"command:SQLITE", "datasource:sqlite", "table:SQLite", "table:SQLITE"}));
}

TEST_F(SqliteEngineTest, CreatingDoesNotTouchTheFile) {
    auto e = engine(path_);
    ASSERT_TRUE(e);
    EXPECT_FALSE(fs::exists(path_));
    EXPECT_EQ(e->dialect(), "sqlite");
}

TEST_F(SqliteEngineTest, CreatesAMaxComputeTableAndSeesIt) {
    auto e = engine(path_);
    sdk::TableRequest req;
    req.name = "ods_orders";
    req.source_dialect = "maxcompute";
    req.ddl = "CREATE TABLE IF NOT EXISTS sales_dev.ods_orders (\n  id BIGINT,\n  code STRING,\n  amount DECIMAL(10,2),\n"
              "  tags ARRAY<STRING>\n) PARTITIONED BY (ds STRING) LIFECYCLE 7;";
    auto r = e->render_table(req);
    ASSERT_FALSE(r.diagnostics.has_errors()) << describe(r.diagnostics);
    EXPECT_EQ(codes_of(r.diagnostics), (std::vector<std::string>{"FERRY-ENGINE-CLAUSE-DROPPED", "FERRY-ENGINE-TYPE-LOSSY",
                                                                 "FERRY-ENGINE-CLAUSE-DROPPED"}));

    auto before = e->exists({sdk::ObjectKind::table, req.name});
    EXPECT_FALSE(before.diagnostics.has_errors()) << describe(before.diagnostics);
    EXPECT_FALSE(before.exists);

    auto applied = e->apply({sdk::ObjectKind::table, req.name, r.statements, "", ""});
    ASSERT_TRUE(applied.applied) << describe(applied.diagnostics);
    EXPECT_TRUE(e->exists({sdk::ObjectKind::table, req.name}).exists);
    // IF NOT EXISTS: a re-import converges.
    EXPECT_TRUE(e->apply({sdk::ObjectKind::table, req.name, r.statements, "", ""}).applied);

    // STRING became TEXT: '0123' stays a string (NUMERIC affinity would make it 123).
    ASSERT_TRUE(e->apply({sdk::ObjectKind::table, "x", {"INSERT INTO ods_orders (id, code) VALUES (1, '0123')"}, "", ""}).applied);
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT typeof(code), code FROM ods_orders", -1, &st, nullptr), SQLITE_OK);
    ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
    EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "text");
    EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 1)), "0123");
    sqlite3_finalize(st);
    sqlite3_close(db);
}

// Issue 11: SQLite DDL onto SQLite is read and rendered again, never run as written. The attacks
// are refused before anything runs; `canary` stays, nothing else is created, overwrite drops only
// the table itself.
TEST_F(SqliteEngineTest, SqliteDdlIsRenderedNotRunAsWritten) {
    auto e = engine(path_);
    ASSERT_TRUE(e->apply({sdk::ObjectKind::table, "canary", {"CREATE TABLE canary (x INTEGER)"}, "", ""}).applied);

    sdk::TableRequest req{"c", "CREATE TABLE IF NOT EXISTS main.C (\n  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
                               "  name TEXT NOT NULL DEFAULT 'it''s' COLLATE NOCASE,\n  raw,\n  UNIQUE (name)\n);",
                          "sqlite", false};
    auto r = e->render_table(req);
    ASSERT_FALSE(r.diagnostics.has_errors()) << describe(r.diagnostics);
    EXPECT_EQ(r.statements, (std::vector<std::string>{
                                "CREATE TABLE IF NOT EXISTS \"c\" (\n  \"id\" INTEGER PRIMARY KEY AUTOINCREMENT,\n"
                                "  \"name\" TEXT COLLATE NOCASE NOT NULL DEFAULT 'it''s',\n  \"raw\",\n  UNIQUE (\"name\")\n)"}));
    ASSERT_TRUE(e->apply({sdk::ObjectKind::table, "c", r.statements, "", ""}).applied);
    EXPECT_TRUE(e->exists({sdk::ObjectKind::table, "c"}).exists);

    struct Attack {
        const char* name;
        const char* ddl;
        const char* code;
    };
    const Attack attacks[] = {
        {"c2", "CREATE TABLE c2 (a INTEGER); DROP TABLE canary;", "FERRY-ENGINE-DDL-STATEMENTS"},
        {"c_sqlite_other", "CREATE TABLE pwned_by_pkg (a INTEGER)", "FERRY-ENGINE-DDL-NAME"},
        {"c3", "CREATE TABLE c3 (a INTEGER REFERENCES canary (x))", "FERRY-ENGINE-DDL-UNSUPPORTED"},
        {"c4", "CREATE TABLE c4 (a TEXT DEFAULT (readfile('/etc/passwd')))", "FERRY-ENGINE-DDL-UNSUPPORTED"},
        {"c5", "CREATE TABLE c5 ([a'] INTEGER); DROP TABLE canary; --']", "FERRY-ENGINE-DDL-STATEMENTS"},
    };
    for (const auto& a : attacks) {
        auto refused = e->render_table({a.name, a.ddl, "sqlite", true});
        EXPECT_TRUE(refused.statements.empty()) << a.ddl;
        EXPECT_EQ(codes_of(refused.diagnostics), (std::vector<std::string>{a.code})) << a.ddl;
    }

    // Overwrite: DROP TABLE IF EXISTS of the rendered own name only.
    auto o = e->render_table({"c", "CREATE TABLE c (a INTEGER, b TEXT)", "sqlite", true});
    EXPECT_EQ(o.statements, (std::vector<std::string>{"DROP TABLE IF EXISTS \"c\"",
                                                      "CREATE TABLE \"c\" (\n  \"a\" INTEGER,\n  \"b\" TEXT\n)"}));
    ASSERT_TRUE(e->apply({sdk::ObjectKind::table, "c", o.statements, "", ""}).applied);

    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master WHERE type = 'table' "
                                     "AND name NOT LIKE 'sqlite_%' ORDER BY name)",
                                 -1, &st, nullptr),
              SQLITE_OK);
    ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
    EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "c,canary");
    sqlite3_finalize(st);
    sqlite3_close(db);
}

TEST_F(SqliteEngineTest, OtherDatabasesDdlIsNotTranslated) {
    auto e = engine(path_);
    auto r = e->render_table({"t", "CREATE TABLE t (a int4)", "postgresql", false});
    EXPECT_TRUE(r.statements.empty());
    EXPECT_EQ(codes_of(r.diagnostics), (std::vector<std::string>{"FERRY-ENGINE-DIALECT"}));
}

TEST_F(SqliteEngineTest, FailedStatementRollsBackTheWholeObject) {
    auto e = engine(path_);
    auto res = e->apply({sdk::ObjectKind::table, "t", {"CREATE TABLE a (x INTEGER)", "CREATE TABLE broken ("}, "", ""});
    EXPECT_FALSE(res.applied);
    ASSERT_EQ(res.diagnostics.items().size(), 1u);
    EXPECT_EQ(res.diagnostics.items()[0].code, "FERRY-ENGINE-EXECUTE");
    EXPECT_NE(res.diagnostics.items()[0].summary.find("statement 2 of 2 failed"), std::string::npos)
        << res.diagnostics.items()[0].summary;
    EXPECT_NE(res.diagnostics.items()[0].summary.find("incomplete input"), std::string::npos);
    EXPECT_FALSE(e->exists({sdk::ObjectKind::table, "a"}).exists);
}

// ferry renders one statement a call; a text holding two (which only a quoting mistake could
// make) is refused before any of it runs, where sqlite3_exec would have run both.
TEST_F(SqliteEngineTest, TwoStatementsInOneCallAreRefusedUnrun) {
    auto e = engine(path_);
    ASSERT_TRUE(e->apply({sdk::ObjectKind::table, "canary", {"CREATE TABLE canary (x INTEGER)"}, "", ""}).applied);
    auto res = e->apply({sdk::ObjectKind::table, "a", {"CREATE TABLE a (x INTEGER); DROP TABLE canary"}, "", ""});
    EXPECT_FALSE(res.applied);
    ASSERT_EQ(res.diagnostics.items().size(), 1u);
    EXPECT_EQ(res.diagnostics.items()[0].code, "FERRY-ENGINE-EXECUTE");
    EXPECT_NE(res.diagnostics.items()[0].summary.find("more than one statement in one call"), std::string::npos)
        << res.diagnostics.items()[0].summary;
    EXPECT_FALSE(e->exists({sdk::ObjectKind::table, "a"}).exists);
    EXPECT_TRUE(e->exists({sdk::ObjectKind::table, "canary"}).exists);
    // A statement's own semicolon is no second statement.
    EXPECT_TRUE(e->apply({sdk::ObjectKind::table, "b", {"CREATE TABLE b (x INTEGER);"}, "", ""}).applied);
}

TEST_F(SqliteEngineTest, BadDdlFailsWithItsPosition) {
    auto e = engine(path_);
    sdk::TableRequest req{"t", "CREATE TABLE t (\n  a INT,\n  b WHATEVER\n)", "maxcompute", false};
    auto r = e->render_table(req);
    EXPECT_TRUE(r.statements.empty());
    ASSERT_EQ(r.diagnostics.items().size(), 1u);
    EXPECT_EQ(r.diagnostics.items()[0].code, "FERRY-ENGINE-DDL-PARSE");
    EXPECT_EQ(r.diagnostics.items()[0].summary, "table 't': unknown column type 'WHATEVER'");
    EXPECT_EQ(r.diagnostics.items()[0].where, "ddl:3:5");
}

TEST_F(SqliteEngineTest, UnreachableFileIsAnErrorNotACrash) {
    auto e = engine((dir_ / "missing-dir" / "x.db").string());
    auto res = e->exists({sdk::ObjectKind::table, "t"});
    ASSERT_TRUE(res.diagnostics.has_errors());
    EXPECT_EQ(res.diagnostics.items()[0].code, "FERRY-ENGINE-CONNECT");
    EXPECT_NE(res.diagnostics.items()[0].summary.find("unable to open database file"), std::string::npos)
        << res.diagnostics.items()[0].summary;
}

TEST_F(SqliteEngineTest, AskingANewDatabaseCreatesNothing) {
    const auto file = dir_ / "not-yet.db";
    auto e = engine(file.string());
    auto res = e->exists({sdk::ObjectKind::table, "t"});
    EXPECT_FALSE(res.exists);
    EXPECT_FALSE(res.diagnostics.has_errors());
    EXPECT_FALSE(std::filesystem::exists(file)) << "`ferry plan` must change nothing on disk";
}

TEST_F(SqliteEngineTest, MaxComputeFunctionsCannotRunHere) {
    auto e = engine(path_);
    auto r = e->render_function({"my_upper", "com.example.Upper", {"udf.jar"}, "maxcompute", false});
    ASSERT_TRUE(r.diagnostics.has_errors());
    EXPECT_EQ(r.diagnostics.items()[0].code, "FERRY-ENGINE-FUNCTION-UNSUPPORTED");
    EXPECT_EQ(r.diagnostics.items()[0].summary,
              "function 'my_upper' (class com.example.Upper, resources udf.jar) is a maxcompute UDF: sqlite cannot run "
              "Java or Python UDF classes");
    auto ex = e->exists({sdk::ObjectKind::function, "my_upper"});
    EXPECT_FALSE(ex.exists);
    EXPECT_FALSE(ex.diagnostics.has_errors());
}

TEST_F(SqliteEngineTest, RewritesCrossEngineNodesAndFlagsThem) {
    auto e = engine(path_);
    auto r = e->rewrite({"select * from sales_dev.t where s = 'sales_dev.t'", "ODPS_SQL", {{"sales_dev", "sales_prod"}}});
    EXPECT_EQ(r.code, "select * from sales_prod.t where s = 'sales_dev.t'");
    EXPECT_EQ(r.replacements, 1u);
    EXPECT_EQ(codes_of(r.diagnostics), (std::vector<std::string>{"FERRY-ENGINE-CROSS-ENGINE-REVIEW"}));
}

TEST_F(SqliteEngineTest, EmptyPathIsRefused) {
    config_ = make_config({{"path", ""}});
    sdk::CreateContext ctx{&config_, &host_, "x"};
    sdk::Diagnostics diags;
    EXPECT_FALSE(make_engine(ctx, diags));
    EXPECT_EQ(codes_of(diags), (std::vector<std::string>{"FERRY-ENGINE-CONFIG"}));
}

}  // namespace
