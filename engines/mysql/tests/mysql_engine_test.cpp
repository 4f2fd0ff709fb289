// Against a real MariaDB: FERRY_TEST_MYSQL_HOST/PORT/USER/DB from tests/servers/mariadb.sh.
#include <gtest/gtest.h>
#include <unistd.h>

#include "ferry/engine/testing.hpp"
#include "mysql_engine.hpp"

using namespace ferry;
using namespace ferry::engine::testing;

namespace {

constexpr const char* kScript = "tests/servers/mariadb.sh start /tmp/ferry-maria 53306";

TEST(MysqlOwnership, DeclaresDatabaseNodes) {
    std::vector<std::string> owns(std::begin(engines::mysql::kOwns), std::end(engines::mysql::kOwns));
    for (const char* want : {"command:MYSQL", "datasource:mysql", "datasource:analyticdb_for_mysql", "table:MySQL"})
        EXPECT_NE(std::find(owns.begin(), owns.end(), want), owns.end()) << want;
}

struct Made {
    sdk::Config config;
    RecordingHost host;
    sdk::Diagnostics diags;
    std::unique_ptr<engines::mysql::MysqlEngine> engine;
};

std::unique_ptr<Made> make(std::initializer_list<std::pair<std::string, std::string>> strings,
                           std::initializer_list<std::pair<std::string, std::int64_t>> ints) {
    auto m = std::make_unique<Made>();
    m->config = make_config(strings, ints);
    sdk::CreateContext ctx{&m->config, &m->host, "maria_dw"};
    m->engine = engines::mysql::make_engine(ctx, m->diags);
    return m;
}

TEST(MysqlConfig, RefusesBadValuesWithoutConnecting) {
    auto m = make({{"database", "a`b"}, {"user", ""}}, {{"port", 70000}});
    EXPECT_FALSE(m->engine);
    std::vector<std::string> summaries;
    for (const auto& d : m->diags.items()) summaries.push_back(d.summary);
    EXPECT_EQ(summaries, (std::vector<std::string>{"mysql: 'port' must be 1 to 65535",
                                                   "mysql: 'database' cannot be an identifier: the name contains the quote character `",
                                                   "mysql: 'user' is empty"}));
    auto ok = make({{"host", "127.0.0.1"}, {"database", "dw"}, {"user", "etl"}}, {{"port", 1}});
    EXPECT_TRUE(ok->engine) << describe(ok->diags);
}

TEST(MysqlEngine, DownServerFailsWithItsMessageAndNoPassword) {
    ::setenv("FERRY_TEST_MYSQL_SECRET", "s3cret-value", 1);
    auto m = make({{"host", "127.0.0.1"}, {"database", "dw"}, {"user", "etl"}, {"password_env", "FERRY_TEST_MYSQL_SECRET"}},
                  {{"port", 1}, {"connect_timeout_s", 2}});
    ASSERT_TRUE(m->engine);
    auto r = m->engine->exists({sdk::ObjectKind::table, "t"});
    ASSERT_TRUE(r.diagnostics.has_errors());
    EXPECT_EQ(r.diagnostics.items()[0].code, "FERRY-ENGINE-CONNECT");
    EXPECT_NE(r.diagnostics.items()[0].summary.find("Can't connect to server on '127.0.0.1'"), std::string::npos)
        << r.diagnostics.items()[0].summary;
    EXPECT_EQ(describe(r.diagnostics).find("s3cret-value"), std::string::npos);
}

class MysqlServerTest : public ::testing::Test {
  protected:
    void SetUp() override {
        host_ = require_env("FERRY_TEST_MYSQL_HOST", kScript);
        std::string port = require_env("FERRY_TEST_MYSQL_PORT", kScript);
        user_ = require_env("FERRY_TEST_MYSQL_USER", kScript);
        std::string db = require_env("FERRY_TEST_MYSQL_DB", kScript);
        if (host_.empty() || port.empty() || user_.empty() || db.empty()) GTEST_FAIL() << "no server";
        port_ = std::stoi(port);
        // A database per test process, dropped at the end: runs do not meet.
        db_ = "ferry_t_" + std::to_string(::getpid());
        auto admin = make({{"host", host_}, {"database", db}, {"user", user_}}, {{"port", port_}});
        ASSERT_TRUE(admin->engine);
        auto r = admin->engine->apply({sdk::ObjectKind::table, "db", {"CREATE DATABASE IF NOT EXISTS `" + db_ + "`"}, "", ""});
        ASSERT_TRUE(r.applied) << describe(r.diagnostics);
        m_ = make({{"host", host_}, {"database", db_}, {"user", user_}}, {{"port", port_}});
        ASSERT_TRUE(m_->engine) << describe(m_->diags);
    }
    void TearDown() override {
        if (m_ && m_->engine) m_->engine->apply({sdk::ObjectKind::table, "db", {"DROP DATABASE IF EXISTS `" + db_ + "`"}, "", ""});
    }
    bool run(const std::string& sql) { return m_->engine->apply({sdk::ObjectKind::table, "q", {sql}, "", ""}).applied; }

    std::string host_, user_, db_;
    int port_ = 0;
    std::unique_ptr<Made> m_;
};

TEST_F(MysqlServerTest, CreatesMaxComputeTableWithCommentsAndWarnings) {
    sdk::TableRequest req{"ods_orders",
                          "CREATE TABLE sales_dev.ods_orders (\n  id BIGINT COMMENT 'order id',\n  amount DECIMAL(10,2),\n"
                          "  note STRING COMMENT 'it\\'s free text',\n  at TIMESTAMP,\n  tags ARRAY<STRING>\n)"
                          " COMMENT 'orders' PARTITIONED BY (ds STRING) LIFECYCLE 3",
                          "maxcompute", false};
    auto r = m_->engine->render_table(req);
    ASSERT_FALSE(r.diagnostics.has_errors()) << describe(r.diagnostics);
    std::vector<std::string> warnings;
    for (const auto& d : r.diagnostics.items())
        if (d.severity == sdk::Severity::warning) warnings.push_back(d.where + " " + d.summary);
    EXPECT_EQ(warnings, (std::vector<std::string>{"ddl:5:3 column 'at' TIMESTAMP becomes DATETIME(6) on mysql",
                                                  "ddl:6:3 column 'tags' ARRAY<STRING> becomes JSON on mysql"}));
    EXPECT_FALSE(m_->engine->exists({sdk::ObjectKind::table, req.name}).exists);
    auto a = m_->engine->apply({sdk::ObjectKind::table, req.name, r.statements, "", ""});
    ASSERT_TRUE(a.applied) << describe(a.diagnostics);
    auto e = m_->engine->exists({sdk::ObjectKind::table, req.name});
    EXPECT_FALSE(e.diagnostics.has_errors()) << describe(e.diagnostics);
    EXPECT_TRUE(e.exists);
    EXPECT_TRUE(m_->engine->apply({sdk::ObjectKind::table, req.name, r.statements, "", ""}).applied);  // converges
    EXPECT_TRUE(run("INSERT INTO ods_orders (id, amount, note, tags, ds) VALUES (1, 12345678.91, 'x', '[\"a\"]', '20240101')"));
}

// Issue 11: MySQL DDL onto MySQL is read and rendered again (round trip through a real MariaDB);
// the attacks are refused before anything runs, and overwrite drops only the table itself.
TEST_F(MysqlServerTest, MysqlDdlIsRenderedNotRunAsWritten) {
    ASSERT_TRUE(run("CREATE TABLE canary (x INT)"));
    sdk::TableRequest req{"orders",
                          "CREATE TABLE `shop`.`Orders` (\n"
                          "  `id` bigint(20) unsigned NOT NULL AUTO_INCREMENT COMMENT 'pk',\n"
                          "  `name` varchar(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT 'it''s',\n"
                          "  `state` enum('a','b') DEFAULT 'a',\n"
                          "  `created` datetime(3) NOT NULL DEFAULT current_timestamp(3) ON UPDATE current_timestamp(3),\n"
                          "  PRIMARY KEY (`id`),\n"
                          "  UNIQUE KEY `uk_name` (`name`(10)),\n"
                          "  KEY `idx_state` (`state`)\n"
                          ") ENGINE=InnoDB AUTO_INCREMENT=42 DEFAULT CHARSET=utf8mb4 COMMENT='orders'",
                          "mysql", false};
    auto r = m_->engine->render_table(req);
    ASSERT_FALSE(r.diagnostics.has_errors()) << describe(r.diagnostics);
    EXPECT_EQ(r.statements, (std::vector<std::string>{
                                "CREATE TABLE IF NOT EXISTS `" + db_ + "`.`orders` (\n"
                                "  `id` BIGINT(20) UNSIGNED NOT NULL AUTO_INCREMENT COMMENT 'pk',\n"
                                "  `name` VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT 'it''s',\n"
                                "  `state` ENUM('a','b') DEFAULT 'a',\n"
                                "  `created` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),\n"
                                "  PRIMARY KEY (`id`),\n  UNIQUE KEY `uk_name` (`name`(10)),\n  KEY `idx_state` (`state`)\n"
                                ") ENGINE=InnoDB AUTO_INCREMENT=42 DEFAULT CHARSET=utf8mb4 COMMENT='orders'"}));
    auto a = m_->engine->apply({sdk::ObjectKind::table, "orders", r.statements, "", ""});
    ASSERT_TRUE(a.applied) << describe(a.diagnostics);
    EXPECT_TRUE(run("INSERT INTO orders (name) VALUES ('x')"));

    const std::pair<const char*, const char*> attacks[] = {
        {"CREATE TABLE c (a int); DROP TABLE canary", "FERRY-ENGINE-DDL-STATEMENTS"},
        {"CREATE TABLE c (a int) --; DROP TABLE canary", "FERRY-ENGINE-DDL-STATEMENTS"},
        {"CREATE TABLE c (a int) /*!; DROP TABLE canary */", "FERRY-ENGINE-DDL-UNSUPPORTED"},
        {"CREATE TABLE `pwned_by_pkg` (a int)", "FERRY-ENGINE-DDL-NAME"},
        {"CREATE TABLE c (a int) ENGINE=FEDERATED CONNECTION='mysql://root@127.0.0.1/x/canary'", "FERRY-ENGINE-DDL-UNSUPPORTED"},
    };
    for (const auto& [ddl, code] : attacks) {
        auto refused = m_->engine->render_table({"c", ddl, "mysql", true});
        EXPECT_TRUE(refused.statements.empty()) << ddl;
        EXPECT_EQ(codes_of(refused.diagnostics), (std::vector<std::string>{code})) << ddl;
    }
    auto o = m_->engine->render_table({"orders", "CREATE TABLE orders (a int)", "mysql", true});
    EXPECT_EQ(o.statements, (std::vector<std::string>{"DROP TABLE IF EXISTS `" + db_ + "`.`orders`",
                                                      "CREATE TABLE `" + db_ + "`.`orders` (\n  `a` INT\n)"}));
    ASSERT_TRUE(m_->engine->apply({sdk::ObjectKind::table, "orders", o.statements, "", ""}).applied);
    EXPECT_TRUE(m_->engine->exists({sdk::ObjectKind::table, "canary"}).exists);
    EXPECT_FALSE(m_->engine->exists({sdk::ObjectKind::table, "pwned_by_pkg"}).exists);
    EXPECT_FALSE(m_->engine->exists({sdk::ObjectKind::table, "c"}).exists);
}

TEST_F(MysqlServerTest, LaterFailureSaysWhatStayedApplied) {
    auto a = m_->engine->apply({sdk::ObjectKind::table, "t", {"CREATE TABLE kept (a INT)", "CREATE TABLE broken (a NOSUCHTYPE)"}, "", ""});
    EXPECT_FALSE(a.applied);
    ASSERT_EQ(a.diagnostics.items().size(), 1u);
    const auto& d = a.diagnostics.items()[0];
    EXPECT_EQ(d.code, "FERRY-ENGINE-EXECUTE");
    EXPECT_EQ(d.summary,
              "table 't': statement 2 of 2 failed on MySQL instance 'maria_dw': Unknown data type: 'NOSUCHTYPE' "
              "(error 4161, SQLSTATE HY000)");
    EXPECT_EQ(d.detail, "the 1 statement(s) before it stay applied: MySQL instance 'maria_dw' commits DDL at once");
    EXPECT_TRUE(m_->engine->exists({sdk::ObjectKind::table, "kept"}).exists);
}

TEST_F(MysqlServerTest, FunctionsAndLoginRefusal) {
    EXPECT_FALSE(m_->engine->exists({sdk::ObjectKind::function, "f_upper"}).exists);
    ASSERT_TRUE(run("CREATE FUNCTION f_upper(s TEXT) RETURNS TEXT DETERMINISTIC RETURN UPPER(s)"));
    EXPECT_TRUE(m_->engine->exists({sdk::ObjectKind::function, "f_upper"}).exists);
    auto f = m_->engine->render_function({"f_upper", "com.example.Upper", {"udf.jar"}, "maxcompute", false});
    EXPECT_EQ(codes_of(f.diagnostics), (std::vector<std::string>{"FERRY-ENGINE-FUNCTION-UNSUPPORTED"}));

    ::setenv("FERRY_TEST_MYSQL_SECRET", "s3cret-value", 1);
    auto bad = make({{"host", host_}, {"database", db_}, {"user", "nobody_ferry"}, {"password_env", "FERRY_TEST_MYSQL_SECRET"}},
                    {{"port", port_}});
    auto r = bad->engine->exists({sdk::ObjectKind::table, "t"});
    ASSERT_TRUE(r.diagnostics.has_errors());
    EXPECT_NE(r.diagnostics.items()[0].summary.find("Access denied for user 'nobody_ferry'"), std::string::npos)
        << r.diagnostics.items()[0].summary;
    EXPECT_EQ(describe(r.diagnostics).find("s3cret-value"), std::string::npos);
}

// A server that moves the connection off utf8mb4 after the handshake (init_connect, which MariaDB
// runs for users without CONNECTION ADMIN) is refused at connect: ferry's literals are UTF-8.
TEST_F(MysqlServerTest, AConnectionOffUtf8mb4IsRefused) {
    const std::string user = "ferry_latin1_" + std::to_string(::getpid());
    ASSERT_TRUE(run("CREATE USER IF NOT EXISTS '" + user + "'@'127.0.0.1'"));
    ASSERT_TRUE(run("GRANT ALL ON `" + db_ + "`.* TO '" + user + "'@'127.0.0.1'"));
    auto limited = make({{"host", host_}, {"database", db_}, {"user", user}}, {{"port", port_}});
    ASSERT_TRUE(limited->engine);
    EXPECT_FALSE(limited->engine->exists({sdk::ObjectKind::table, "t"}).diagnostics.has_errors())
        << "the same user connects while nothing changes its character set";
    ASSERT_TRUE(run("SET GLOBAL init_connect = 'SET NAMES latin1'"));
    auto later = make({{"host", host_}, {"database", db_}, {"user", user}}, {{"port", port_}});  // a new connection
    sdk::ExistsResponse r;
    if (later->engine) r = later->engine->exists({sdk::ObjectKind::table, "t"});
    run("SET GLOBAL init_connect = ''");  // before any assertion: the server is shared
    run("DROP USER IF EXISTS '" + user + "'@'127.0.0.1'");
    ASSERT_TRUE(later->engine);
    ASSERT_EQ(r.diagnostics.items().size(), 1u) << describe(r.diagnostics);
    EXPECT_EQ(r.diagnostics.items()[0].code, "FERRY-ENGINE-CONNECT");
    EXPECT_NE(r.diagnostics.items()[0].summary.find(
                  "the server keeps the connection in another character set (character_set_client latin1, "
                  "character_set_connection latin1, character_set_results latin1) than the utf8mb4 ferry writes in"),
              std::string::npos)
        << r.diagnostics.items()[0].summary;
}

TEST_F(MysqlServerTest, RewritesMysqlNodes) {
    auto r = m_->engine->rewrite({"select 1 from `sales_dev`.t # sales_dev.t\n", "MYSQL", {{"sales_dev", "sales"}}});
    EXPECT_EQ(r.code, "select 1 from `sales`.t # sales_dev.t\n");
}

}  // namespace
