// Against a real PostgreSQL: FERRY_TEST_PG_DSN from tests/servers/postgres.sh.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>

#include "ferry/engine/testing.hpp"
#include "ownership.hpp"
#include "pg_engine.hpp"

using namespace ferry;
using namespace ferry::engine::testing;

namespace {

constexpr const char* kScript = "tests/servers/postgres.sh start /tmp/ferry-pg 55433";

struct Made {
    sdk::Config config;
    RecordingHost host;
    sdk::Diagnostics diags;
    std::unique_ptr<engines::pg::PgEngine> engine;
};

std::unique_ptr<Made> make(std::initializer_list<std::pair<std::string, std::string>> cfg) {
    auto m = std::make_unique<Made>();
    m->config = make_config(cfg);
    sdk::CreateContext ctx{&m->config, &m->host, "pg_rehearsal"};
    m->engine = engines::pg::make_engine(engine::Dialect::postgresql, ctx, m->diags);
    return m;
}

// Each test gets its own schema (dropped after it), so runs in parallel do not meet.
std::string unique_schema() {
    static int n = 0;
    return "ferry_t_" + std::to_string(::getpid()) + "_" + std::to_string(++n);
}

TEST(PostgresOwnership, DeclaresDatabaseNodes) {
    std::vector<std::string> owns(std::begin(engines::postgresql::kOwns), std::end(engines::postgresql::kOwns));
    for (const char* want : {"command:POSTGRESQL", "datasource:postgresql", "table:PostgreSQL"})
        EXPECT_NE(std::find(owns.begin(), owns.end(), want), owns.end()) << want;
}

struct ConfigCase {
    const char* name;
    const char* dsn;
    const char* schema;
    const char* summary;  // empty: accepted
};
class PostgresConfigTest : public ::testing::TestWithParam<ConfigCase> {};
TEST_P(PostgresConfigTest, ValidatesWithoutConnecting) {
    const ConfigCase& c = GetParam();
    auto m = make({{"dsn", c.dsn}, {"schema", c.schema}});
    if (std::string(c.summary).empty()) {
        EXPECT_TRUE(m->engine) << describe(m->diags);
        return;
    }
    EXPECT_FALSE(m->engine);
    ASSERT_EQ(m->diags.items().size(), 1u);
    EXPECT_EQ(m->diags.items()[0].code, "FERRY-ENGINE-CONFIG");
    EXPECT_EQ(m->diags.items()[0].summary, c.summary);
    EXPECT_EQ(m->diags.items()[0].summary.find("hunter2"), std::string::npos);
}
INSTANTIATE_TEST_SUITE_P(
    Cases, PostgresConfigTest,
    ::testing::Values(
        // An address nobody listens on: creating the engine must still succeed (no connection yet).
        ConfigCase{"unreachable_is_fine", "host=127.0.0.1 port=1 dbname=x user=y", "public", ""},
        ConfigCase{"password_inline", "host=127.0.0.1 dbname=x user=y password=hunter2", "public",
                   "postgresql: 'dsn' carries a password"},
        ConfigCase{"garbage", "host=127.0.0.1 nonsense", "public",
                   "postgresql: 'dsn' does not parse: missing \"=\" after \"nonsense\" in connection info string"},
        ConfigCase{"bad_schema", "host=127.0.0.1", "a\"b",
                   "postgresql: 'schema' cannot be an identifier: the name contains the quote character \""}),
    [](const ::testing::TestParamInfo<ConfigCase>& i) { return std::string(i.param.name); });

TEST(PostgresEngine, DownEngineFailsEachCallWithItsMessageAndNoPassword) {
    ::setenv("FERRY_TEST_PG_SECRET", "s3cret-value", 1);
    auto m = make({{"dsn", "host=127.0.0.1 port=1 dbname=x user=y connect_timeout=2"}, {"password_env", "FERRY_TEST_PG_SECRET"}});
    ASSERT_TRUE(m->engine);
    auto r = m->engine->exists({sdk::ObjectKind::table, "t"});
    ASSERT_TRUE(r.diagnostics.has_errors());
    EXPECT_EQ(r.diagnostics.items()[0].code, "FERRY-ENGINE-CONNECT");
    EXPECT_NE(r.diagnostics.items()[0].summary.find("Connection refused"), std::string::npos) << r.diagnostics.items()[0].summary;
    EXPECT_EQ(describe(r.diagnostics).find("s3cret-value"), std::string::npos);
    auto a = m->engine->apply({sdk::ObjectKind::table, "t", {"SELECT 1"}, "", ""});
    EXPECT_FALSE(a.applied);
    EXPECT_EQ(codes_of(a.diagnostics), (std::vector<std::string>{"FERRY-ENGINE-CONNECT"}));
}

TEST(PostgresEngine, MissingPasswordVariableIsNamed) {
    ::unsetenv("FERRY_TEST_PG_NO_SUCH_VAR");
    auto m = make({{"dsn", "host=127.0.0.1 port=1"}, {"password_env", "FERRY_TEST_PG_NO_SUCH_VAR"}});
    ASSERT_TRUE(m->engine);
    auto r = m->engine->exists({sdk::ObjectKind::table, "t"});
    ASSERT_TRUE(r.diagnostics.has_errors());
    EXPECT_NE(r.diagnostics.items()[0].summary.find("environment variable FERRY_TEST_PG_NO_SUCH_VAR (password_env) is not set"),
              std::string::npos)
        << r.diagnostics.items()[0].summary;
}

class PostgresServerTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dsn_ = require_env("FERRY_TEST_PG_DSN", kScript);
        if (dsn_.empty()) GTEST_FAIL() << "no server";
        schema_ = unique_schema();
        m_ = make({{"dsn", dsn_}, {"schema", schema_}});
        ASSERT_TRUE(m_->engine) << describe(m_->diags);
    }
    void TearDown() override {
        if (m_ && m_->engine)
            m_->engine->apply({sdk::ObjectKind::table, "cleanup", {"DROP SCHEMA IF EXISTS \"" + schema_ + "\" CASCADE"}, "", ""});
    }
    bool query(const std::string& sql) {
        sdk::ApplyResponse r = m_->engine->apply({sdk::ObjectKind::table, "q", {sql}, "", ""});
        return r.applied;
    }
    std::string dsn_, schema_;
    std::unique_ptr<Made> m_;
};

const char* kOrders = R"(CREATE TABLE IF NOT EXISTS sales_dev.Orders (
  id BIGINT NOT NULL COMMENT 'order id',
  amount DECIMAL(10,2),
  price DECIMAL,
  code VARCHAR(8),
  ok BOOLEAN,
  at DATETIME,
  raw BINARY,
  tags ARRAY<STRING>,
  small ARRAY<TINYINT>,
  attrs MAP<STRING,STRUCT<a:INT,b:ARRAY<STRING>>>
) COMMENT 'orders of the day'
PARTITIONED BY (ds STRING, region STRING)
LIFECYCLE 30;)";

TEST_F(PostgresServerTest, CreatesMaxComputeTableWithSchemaCommentsAndWarnings) {
    sdk::TableRequest req{"Orders", kOrders, "maxcompute", false};
    auto r = m_->engine->render_table(req);
    ASSERT_FALSE(r.diagnostics.has_errors()) << describe(r.diagnostics);
    std::vector<std::string> warnings;
    for (const auto& d : r.diagnostics.items())
        if (d.severity == sdk::Severity::warning) warnings.push_back(d.summary);
    EXPECT_EQ(warnings, (std::vector<std::string>{
                            "column 'small' ARRAY<TINYINT> becomes jsonb on postgresql",
                            "column 'attrs' MAP<STRING,STRUCT<a:INT,b:ARRAY<STRING>>> becomes jsonb on postgresql"}));
    ASSERT_FALSE(r.statements.empty());
    EXPECT_EQ(r.statements[0], "CREATE SCHEMA IF NOT EXISTS \"" + schema_ + "\"");

    EXPECT_FALSE(m_->engine->exists({sdk::ObjectKind::table, "Orders"}).exists);
    auto a = m_->engine->apply({sdk::ObjectKind::table, "Orders", r.statements, "", ""});
    ASSERT_TRUE(a.applied) << describe(a.diagnostics);
    auto e = m_->engine->exists({sdk::ObjectKind::table, "Orders"});
    EXPECT_FALSE(e.diagnostics.has_errors()) << describe(e.diagnostics);
    EXPECT_TRUE(e.exists);
    // A re-import converges (IF NOT EXISTS), and the types hold what MaxCompute holds.
    ASSERT_TRUE(m_->engine->apply({sdk::ObjectKind::table, "Orders", r.statements, "", ""}).applied);
    EXPECT_TRUE(query("INSERT INTO \"" + schema_ + "\".orders (id, amount, price, tags, small, attrs, ds) VALUES "
                      "(1, 12345678.91, 0.000000000000000001, ARRAY['a','b'], '[1,2]', '{\"k\":{\"a\":1}}', '20240101')"));
    EXPECT_FALSE(query("INSERT INTO \"" + schema_ + "\".orders (id) VALUES (NULL)"));  // NOT NULL kept
}

TEST_F(PostgresServerTest, OverwriteReplacesTheTable) {
    sdk::TableRequest req{"t", "CREATE TABLE t (a INT)", "maxcompute", false};
    ASSERT_TRUE(m_->engine->apply({sdk::ObjectKind::table, "t", m_->engine->render_table(req).statements, "", ""}).applied);
    req.ddl = "CREATE TABLE t (a INT, b STRING)";
    req.overwrite = true;
    auto r = m_->engine->render_table(req);
    EXPECT_EQ(r.statements[1], "DROP TABLE IF EXISTS \"" + schema_ + "\".\"t\"");
    ASSERT_TRUE(m_->engine->apply({sdk::ObjectKind::table, "t", r.statements, "", ""}).applied);
    EXPECT_TRUE(query("INSERT INTO \"" + schema_ + "\".t (a, b) VALUES (1, 'x')"));
}

// Issue 11: PostgreSQL DDL onto PostgreSQL is read and rendered again under the table's own name
// in this instance's schema. The attacks are refused before anything runs: `canary` stays and
// nothing else appears in the schema; overwrite drops only the table itself.
TEST_F(PostgresServerTest, PostgresDdlIsRenderedNotRunAsWritten) {
    ASSERT_TRUE(query("CREATE SCHEMA IF NOT EXISTS \"" + schema_ + "\""));
    ASSERT_TRUE(query("CREATE TABLE \"" + schema_ + "\".canary (x int)"));
    ASSERT_TRUE(query("CREATE TABLE public.\"" + schema_ + "_canary\" (x int)"));

    sdk::TableRequest req{"c", "CREATE TABLE IF NOT EXISTS public.C (\n  id bigint NOT NULL PRIMARY KEY,\n"
                               "  name character varying(20) DEFAULT 'it''s' NOT NULL,\n  at timestamptz DEFAULT now(),\n"
                               "  tags text[] DEFAULT '{}'::text[],\n  CONSTRAINT c_name UNIQUE (name)\n);",
                          "postgresql", false};
    auto r = m_->engine->render_table(req);
    ASSERT_FALSE(r.diagnostics.has_errors()) << describe(r.diagnostics);
    const std::string s = "\"" + schema_ + "\"";
    EXPECT_EQ(r.statements, (std::vector<std::string>{
                                "CREATE SCHEMA IF NOT EXISTS " + s,
                                "CREATE TABLE IF NOT EXISTS " + s + ".\"c\" (\n  \"id\" int8 NOT NULL PRIMARY KEY,\n"
                                "  \"name\" varchar(20) NOT NULL DEFAULT 'it''s',\n  \"at\" timestamptz DEFAULT now(),\n"
                                "  \"tags\" text[] DEFAULT '{}'::text[],\n  UNIQUE (\"name\")\n)"}));
    ASSERT_TRUE(m_->engine->apply({sdk::ObjectKind::table, "c", r.statements, "", ""}).applied);
    EXPECT_TRUE(query("INSERT INTO " + s + ".c (id) VALUES (1)"));

    struct Attack {
        const char* name;
        std::string ddl;
        const char* code;
    };
    const Attack attacks[] = {
        {"c2", "CREATE TABLE c2 (a int); DROP TABLE " + schema_ + ".canary;", "FERRY-ENGINE-DDL-STATEMENTS"},
        {"c_pg_other", "CREATE TABLE pwned_by_pkg (a int)", "FERRY-ENGINE-DDL-NAME"},
        {"c3", "CREATE TABLE c3 (a int DEFAULT (SELECT count(*) FROM " + schema_ + ".canary))", "FERRY-ENGINE-DDL-UNSUPPORTED"},
        {"c4", "CREATE TABLE c4 (a text DEFAULT $$x$$); DROP TABLE " + schema_ + ".canary", "FERRY-ENGINE-DDL-STATEMENTS"},
        {"c5", "CREATE TABLE c5 (a int) INHERITS (" + schema_ + ".canary)", "FERRY-ENGINE-DDL-UNSUPPORTED"},
        {"c6", "CREATE TABLE c6 (a int REFERENCES " + schema_ + ".canary (x) ON DELETE CASCADE)", "FERRY-ENGINE-DDL-UNSUPPORTED"},
    };
    for (const auto& a : attacks) {
        auto refused = m_->engine->render_table({a.name, a.ddl, "postgresql", true});
        EXPECT_TRUE(refused.statements.empty()) << a.ddl;
        EXPECT_EQ(codes_of(refused.diagnostics), (std::vector<std::string>{a.code})) << a.ddl;
    }
    // A constraint name would name an index beside the table: it is left out.
    auto named = m_->engine->render_table({"c7", "CREATE TABLE c7 (a int CONSTRAINT pwned_by_pkg PRIMARY KEY)", "postgresql", false});
    ASSERT_TRUE(m_->engine->apply({sdk::ObjectKind::table, "c7", named.statements, "", ""}).applied);

    // A string ends where PostgreSQL ends it whatever standard_conforming_strings says (E'...').
    ASSERT_TRUE(query("SET standard_conforming_strings = off"));
    auto commented = m_->engine->render_table(
        {"c8", "CREATE TABLE c8 (a STRING COMMENT 'x\\\\\\'; DROP TABLE " + schema_ + ".canary; --')", "maxcompute", false});
    ASSERT_FALSE(commented.diagnostics.has_errors()) << describe(commented.diagnostics);
    EXPECT_EQ(commented.statements.back(),
              "COMMENT ON COLUMN " + s + ".\"c8\".\"a\" IS E'x\\\\''; DROP TABLE " + schema_ + ".canary; --'");
    ASSERT_TRUE(m_->engine->apply({sdk::ObjectKind::table, "c8", commented.statements, "", ""}).applied);
    EXPECT_TRUE(query("DO $$ BEGIN IF col_description('" + s + ".c8'::regclass, 1) <> E'x\\\\''; DROP TABLE " + schema_ +
                      ".canary; --' THEN RAISE EXCEPTION 'comment changed'; END IF; END $$"));
    ASSERT_TRUE(query("SET standard_conforming_strings = on"));

    // Overwrite: the only DROP is of this table, in this schema.
    auto o = m_->engine->render_table({"c", "CREATE TABLE canary (a int)", "postgresql", true});
    EXPECT_EQ(codes_of(o.diagnostics), (std::vector<std::string>{"FERRY-ENGINE-DDL-NAME"}));
    o = m_->engine->render_table({"c", "CREATE TABLE public.c (a int, b text)", "postgresql", true});
    EXPECT_EQ(o.statements, (std::vector<std::string>{"CREATE SCHEMA IF NOT EXISTS " + s, "DROP TABLE IF EXISTS " + s + ".\"c\"",
                                                      "CREATE TABLE " + s + ".\"c\" (\n  \"a\" int4,\n  \"b\" text\n)"}));
    ASSERT_TRUE(m_->engine->apply({sdk::ObjectKind::table, "c", o.statements, "", ""}).applied);
    EXPECT_TRUE(query("INSERT INTO " + s + ".c (a, b) VALUES (1, 'x')"));

    // What is in the schema: c, c7 (with its index named by PostgreSQL) and canary; nothing else, and
    // the other schema's table is untouched.
    EXPECT_TRUE(m_->engine->exists({sdk::ObjectKind::table, "canary"}).exists);
    EXPECT_FALSE(m_->engine->exists({sdk::ObjectKind::table, "pwned_by_pkg"}).exists);
    EXPECT_TRUE(query("DO $$ BEGIN IF (SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class c JOIN pg_namespace n "
                      "ON n.oid = c.relnamespace WHERE n.nspname = '" + schema_ + "') <> 'c,c7,c7_pkey,c8,canary' THEN "
                      "RAISE EXCEPTION 'unexpected relations'; END IF; END $$"));
    EXPECT_TRUE(query("SELECT x FROM public.\"" + schema_ + "_canary\""));
    EXPECT_TRUE(query("DROP TABLE public.\"" + schema_ + "_canary\""));
}

TEST_F(PostgresServerTest, FailureRollsBackTheWholeObjectWithTheEnginesMessage) {
    auto a = m_->engine->apply({sdk::ObjectKind::table, "t",
                                {"CREATE SCHEMA IF NOT EXISTS \"" + schema_ + "\"",
                                 "CREATE TABLE \"" + schema_ + "\".kept_if_no_tx (a int)", "CREATE TABLE broken (a nosuchtype)"},
                                "", ""});
    EXPECT_FALSE(a.applied);
    ASSERT_EQ(a.diagnostics.items().size(), 1u);
    EXPECT_EQ(a.diagnostics.items()[0].summary,
              "table 't': statement 3 of 3 failed on PostgreSQL instance 'pg_rehearsal': type \"nosuchtype\" does not exist "
              "(SQLSTATE 42704)");
    EXPECT_FALSE(m_->engine->exists({sdk::ObjectKind::table, "kept_if_no_tx"}).exists);
    // The connection is usable after the rollback.
    EXPECT_TRUE(query("SELECT 1"));
}

TEST_F(PostgresServerTest, FunctionsExistQueryAndMaxComputeUdfsAreRefused) {
    EXPECT_FALSE(m_->engine->exists({sdk::ObjectKind::function, "my_upper"}).exists);
    ASSERT_TRUE(query("CREATE SCHEMA IF NOT EXISTS \"" + schema_ + "\""));
    ASSERT_TRUE(query("CREATE FUNCTION \"" + schema_ + "\".my_upper(text) RETURNS text LANGUAGE sql AS $$ SELECT upper($1) $$"));
    EXPECT_TRUE(m_->engine->exists({sdk::ObjectKind::function, "my_upper"}).exists);
    auto f = m_->engine->render_function({"my_upper", "com.example.Upper", {"udf.jar"}, "maxcompute", false});
    EXPECT_EQ(codes_of(f.diagnostics), (std::vector<std::string>{"FERRY-ENGINE-FUNCTION-UNSUPPORTED"}));
}

TEST_F(PostgresServerTest, LoginRefusedCarriesTheServersMessage) {
    ::setenv("FERRY_TEST_PG_SECRET", "s3cret-value", 1);
    auto m = make({{"dsn", dsn_ + " user=no_such_role_ferry"}, {"password_env", "FERRY_TEST_PG_SECRET"}});
    ASSERT_TRUE(m->engine);
    auto r = m->engine->exists({sdk::ObjectKind::table, "t"});
    ASSERT_TRUE(r.diagnostics.has_errors());
    EXPECT_NE(r.diagnostics.items()[0].summary.find("role \"no_such_role_ferry\" does not exist"), std::string::npos)
        << r.diagnostics.items()[0].summary;
    EXPECT_EQ(describe(r.diagnostics).find("s3cret-value"), std::string::npos);
}

// ferry's literals are escaped for UTF-8: the connection is UTF8 whatever the DSN asks for.
TEST_F(PostgresServerTest, TheClientEncodingIsUtf8WhateverTheDsnSays) {
    auto m = make({{"dsn", dsn_ + " client_encoding=GBK"}, {"schema", schema_}});
    ASSERT_TRUE(m->engine) << describe(m->diags);
    const auto r = m->engine->apply({sdk::ObjectKind::table, "q",
                                     {"DO $$ BEGIN IF current_setting('client_encoding') <> 'UTF8' THEN "
                                      "RAISE EXCEPTION 'client encoding %', current_setting('client_encoding'); "
                                      "END IF; END $$"},
                                     "", ""});
    EXPECT_TRUE(r.applied) << describe(r.diagnostics);
}

// One statement a call: a text holding two (only a quoting mistake could make one) runs neither.
TEST_F(PostgresServerTest, TwoStatementsInOneCallAreRefusedUnrun) {
    ASSERT_TRUE(query("CREATE SCHEMA IF NOT EXISTS \"" + schema_ + "\""));
    ASSERT_TRUE(query("CREATE TABLE \"" + schema_ + "\".canary (x int)"));
    auto r = m_->engine->apply({sdk::ObjectKind::table, "a",
                                {"CREATE TABLE \"" + schema_ + "\".a (x int); DROP TABLE \"" + schema_ + "\".canary"},
                                "", ""});
    EXPECT_FALSE(r.applied);
    EXPECT_NE(describe(r.diagnostics).find("cannot insert multiple commands into a prepared statement"),
              std::string::npos)
        << describe(r.diagnostics);
    EXPECT_TRUE(m_->engine->exists({sdk::ObjectKind::table, "canary"}).exists);
    EXPECT_FALSE(m_->engine->exists({sdk::ObjectKind::table, "a"}).exists);
}

TEST_F(PostgresServerTest, RewritesDatabaseNodes) {
    auto r = m_->engine->rewrite({"select * from \"sales_dev\".t, sales_dev.u -- sales_dev.v", "POSTGRESQL", {{"sales_dev", "sales"}}});
    EXPECT_EQ(r.code, "select * from \"sales\".t, sales.u -- sales_dev.v");
    EXPECT_TRUE(r.diagnostics.empty());
}

}  // namespace
