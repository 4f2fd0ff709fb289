// Rendering and rewriting need nothing; the REST parts run against tests/servers/fake_maxcompute.py
// (FERRY_TEST_MC_ENDPOINT, and the key pair it prints).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "ferry/engine/testing.hpp"
#include "maxcompute_engine.hpp"

using namespace ferry;
using namespace ferry::engine::testing;
using namespace ferry::engines::maxcompute;

namespace {

constexpr const char* kScript = "tests/servers/fake_maxcompute.py start /tmp/ferry-mc 58080";

struct Made {
    sdk::Config config;
    RecordingHost host;
    sdk::Diagnostics diags;
    std::unique_ptr<MaxComputeEngine> engine;
};

std::unique_ptr<Made> make(const std::string& project, const std::string& endpoint,
                           const std::string& ak_env = "FERRY_TEST_MC_ACCESS_KEY_ID",
                           const std::string& sk_env = "FERRY_TEST_MC_ACCESS_KEY_SECRET") {
    auto m = std::make_unique<Made>();
    m->config = make_config({{"project", project}, {"endpoint", endpoint}, {"access_key_id_env", ak_env},
                             {"access_key_secret_env", sk_env}},
                            {{"sql_timeout_s", 30}, {"poll_interval_ms", 10}, {"http_timeout_s", 5}, {"http_retries", 1}});
    sdk::CreateContext ctx{&m->config, &m->host, "odps_prod"};
    m->engine = make_engine(ctx, m->diags);
    return m;
}

TEST(MaxComputeOwnership, DeclaresOdpsObjects) {
    std::vector<std::string> owns(std::begin(kOwns), std::end(kOwns));
    for (const char* want : {"command:ODPS_SQL", "command:PY_ODPS", "command:ODPS_SPARK", "resource:ODPS_JAR", "resource:ODPS_PYTHON",
                             "table:MaxCompute", "table:ODPS", "function:ODPS_FUNCTION", "datasource:odps"})
        EXPECT_NE(std::find(owns.begin(), owns.end(), want), owns.end()) << want;
    for (const std::string& o : owns) EXPECT_EQ(o.find("EMR"), std::string::npos) << o;
}

struct ConfigCase {
    const char* name;
    const char* project;
    const char* endpoint;
    const char* summary;
};
class MaxComputeConfigTest : public testing::TestWithParam<ConfigCase> {};
TEST_P(MaxComputeConfigTest, ValidatesWithoutConnecting) {
    auto m = make(GetParam().project, GetParam().endpoint);
    if (std::string(GetParam().summary).empty()) {
        EXPECT_TRUE(m->engine) << describe(m->diags);
        return;
    }
    EXPECT_FALSE(m->engine);
    ASSERT_FALSE(m->diags.items().empty());
    EXPECT_EQ(m->diags.items()[0].summary, GetParam().summary);
}
INSTANTIATE_TEST_SUITE_P(
    Cases, MaxComputeConfigTest,
    testing::Values(ConfigCase{"ok_unreachable", "sales_prod", "http://127.0.0.1:1/api", ""},
                    ConfigCase{"ok_https", "sales_prod", "https://service.cn-hangzhou.maxcompute.aliyun.com/api", ""},
                    ConfigCase{"bad_project", "sales-prod", "http://127.0.0.1:1/api",
                               "maxcompute: 'project' is not a MaxCompute project name: MaxCompute and Hive names hold "
                               "letters, digits and '_' only, found '-'"},
                    ConfigCase{"bad_scheme", "p", "ftp://x/api",
                               "maxcompute: 'endpoint' is not usable: the scheme 'ftp' is not supported (expected http or https)"},
                    ConfigCase{"query", "p", "https://x/api?a=1", "maxcompute: 'endpoint' is not usable: an endpoint has no query or fragment"}),
    [](const testing::TestParamInfo<ConfigCase>& i) { return std::string(i.param.name); });

TEST(MaxComputeRender, RendersTheDdlForTheDestinationProject) {
    auto m = make("sales_prod", "http://127.0.0.1:1/api");
    const char* ddl = "CREATE TABLE IF NOT EXISTS sales_dev.ods_orders (\n  id BIGINT COMMENT 'id',\n  m MAP<STRING,ARRAY<INT>>\n)"
                      "\nPARTITIONED BY (ds STRING)\nLIFECYCLE 30;";
    auto r = m->engine->render_table({"ods_orders", ddl, "maxcompute", false});
    EXPECT_TRUE(r.diagnostics.empty()) << describe(r.diagnostics);
    EXPECT_EQ(r.statements, (std::vector<std::string>{
                                "CREATE TABLE IF NOT EXISTS `sales_prod`.`ods_orders` (\n  `id` BIGINT COMMENT 'id',\n"
                                "  `m` MAP<STRING,ARRAY<INT>>\n)\nPARTITIONED BY (`ds` STRING)\nLIFECYCLE 30"}));
    // The DDL's project and schema are not used: the table goes to this instance's project.
    auto o = m->engine->render_table({"t", "create or replace table sales_dev.ods.T (a int)", "maxcompute", true});
    EXPECT_EQ(o.statements, (std::vector<std::string>{"DROP TABLE IF EXISTS `sales_prod`.`t`",
                                                      "CREATE TABLE `sales_prod`.`t` (\n  `a` INT\n)"}));
    ASSERT_EQ(o.diagnostics.items().size(), 1u);
    EXPECT_EQ(o.diagnostics.items()[0].summary, "table 't': the DDL's schema 'ods' is not used; the table goes to project sales_prod");
    auto bad = m->engine->render_table({"t", "CREATE TABLE t (\n a DECIMAL(10,20))", "maxcompute", false});
    ASSERT_EQ(bad.diagnostics.items().size(), 1u);
    EXPECT_EQ(bad.diagnostics.items()[0].code, "FERRY-ENGINE-DDL-PARSE");
    EXPECT_EQ(bad.diagnostics.items()[0].summary, "table 't': DECIMAL scale 20 is larger than its precision 10");
    EXPECT_EQ(bad.diagnostics.items()[0].where, "ddl:2:15");
    auto pg = m->engine->render_table({"t", "CREATE TABLE t (a int4)", "postgresql", false});
    EXPECT_EQ(codes_of(pg.diagnostics), (std::vector<std::string>{"FERRY-ENGINE-DIALECT"}));
}

// Issue 11: a package's DDL never runs as written. Each case is refused with its code, or
// rendered with the package's text only inside quotes.
TEST(MaxComputeRender, PackageDdlIsDataNotStatements) {
    auto m = make("sales_prod", "http://127.0.0.1:1/api");
    struct Case {
        const char* name;
        const char* ddl;
        const char* code;
        const char* summary;
    };
    const Case refused[] = {
        {"c", "CREATE TABLE c (a INT); DROP TABLE canary;", "FERRY-ENGINE-DDL-STATEMENTS",
         "table 'c': the DDL holds a second statement after ';': 'DROP TABLE canary;'"},
        {"c_other", "CREATE TABLE pwned_by_pkg (a INT)", "FERRY-ENGINE-DDL-NAME",
         "table 'c_other': the DDL creates 'pwned_by_pkg', not 'c_other'"},
        {"x.canary", "CREATE TABLE x.canary (a INT)", "FERRY-ENGINE-DDL-NAME", "table 'x.canary': the DDL creates 'canary', not 'x.canary'"},
        {"x.canary", "CREATE TABLE `x.canary` (a INT)", "FERRY-ENGINE-IDENTIFIER",
         "table name 'x.canary' cannot be used on maxcompute"},
    };
    for (const auto& c : refused) {
        auto r = m->engine->render_table({c.name, c.ddl, "maxcompute", true});
        EXPECT_TRUE(r.statements.empty()) << c.ddl;
        ASSERT_EQ(r.diagnostics.items().size(), 1u) << c.ddl;
        EXPECT_EQ(r.diagnostics.items()[0].code, c.code);
        EXPECT_EQ(r.diagnostics.items()[0].summary, c.summary);
    }
    auto q = m->engine->render_table(
        {"c", "CREATE TABLE c (a INT) STORED BY 'x'' ; DROP TABLE canary; --' TBLPROPERTIES ('k'='v''); DROP TABLE canary')",
         "maxcompute", false});
    ASSERT_FALSE(q.diagnostics.has_errors()) << describe(q.diagnostics);
    EXPECT_EQ(q.statements, (std::vector<std::string>{"CREATE TABLE IF NOT EXISTS `sales_prod`.`c` (\n  `a` INT\n)\n"
                                                      "STORED BY 'x\\' ; DROP TABLE canary; --'\n"
                                                      "TBLPROPERTIES ('k'='v\\'); DROP TABLE canary')"}));
}

TEST(MaxComputeRender, Functions) {
    auto m = make("sales_prod", "http://127.0.0.1:1/api");
    auto f = m->engine->render_function({"my_upper", "com.example.Upper", {"udf.jar", "other/resources/dep.py"}, "maxcompute", false});
    EXPECT_EQ(f.statements, (std::vector<std::string>{
                                "CREATE FUNCTION IF NOT EXISTS `my_upper` AS 'com.example.Upper' USING 'udf.jar,other/resources/dep.py'"}));
    auto o = m->engine->render_function({"my_upper", "it's.Odd", {}, "maxcompute", true});
    EXPECT_EQ(o.statements, (std::vector<std::string>{"DROP FUNCTION IF EXISTS `my_upper`",
                                                      "CREATE FUNCTION `my_upper` AS 'it\\'s.Odd'"}));
    // Names are quoted whole or refused: never split at a '.', never spliced.
    for (const char* name : {"bad-name", "x.canary", "f`; DROP TABLE canary; --"}) {
        auto bad = m->engine->render_function({name, "a.B", {}, "maxcompute", true});
        EXPECT_TRUE(bad.statements.empty()) << name;
        EXPECT_EQ(codes_of(bad.diagnostics), (std::vector<std::string>{"FERRY-ENGINE-IDENTIFIER"})) << name;
    }
    auto res = m->engine->render_function({"f", "a.B'; DROP TABLE canary; --", {"a.jar'; DROP TABLE canary"}, "maxcompute", false});
    EXPECT_EQ(res.statements, (std::vector<std::string>{"CREATE FUNCTION IF NOT EXISTS `f` AS 'a.B\\'; DROP TABLE canary; --' "
                                                        "USING 'a.jar\\'; DROP TABLE canary'"}));
}

TEST(MaxComputeRender, SqlTaskXmlSplitsCdataTerminators) {
    const std::string xml = sql_task_xml("select ']]>' from t");
    EXPECT_NE(xml.find("<Query><![CDATA[select ']]]]><![CDATA[>' from t]]></Query>"), std::string::npos) << xml;
    EXPECT_NE(xml.find("<Name>AnonymousSQLTask</Name>"), std::string::npos);
}

TEST(MaxComputeEngine, RewritesProjectQualifiers) {
    auto m = make("sales_prod", "http://127.0.0.1:1/api");
    auto r = m->engine->rewrite({"insert overwrite table sales_dev.t select * from `sales_dev`.`s` -- sales_dev.x\n"
                                 "where c = 'sales_dev.t'",
                                 "ODPS_SQL", {{"sales_dev", "sales_prod"}}});
    EXPECT_EQ(r.code, "insert overwrite table sales_prod.t select * from `sales_prod`.`s` -- sales_dev.x\nwhere c = 'sales_dev.t'");
    EXPECT_EQ(r.replacements, 2u);
}

// Names are REST path segments: one MaxCompute's DDL refuses never reaches the path (a table
// "../../projects/other/tables/x" asked about another project).
TEST(MaxComputeEngine, ExistsRefusesNamesThatAreNoPathSegment) {
    auto m = make("sales_prod", "http://127.0.0.1:1/api");
    struct Case {
        sdk::ObjectKind kind;
        std::string name, summary;
    };
    for (const Case& c : {Case{sdk::ObjectKind::table, "../../projects/other/tables/x",
                               "table name '../../projects/other/tables/x' cannot be used on MaxCompute"},
                          Case{sdk::ObjectKind::function, "a/../b", "function name 'a/../b' cannot be used on MaxCompute"},
                          Case{sdk::ObjectKind::resource, "lib/..", "resource name 'lib/..' cannot be used on MaxCompute"}}) {
        const auto r = m->engine->exists({c.kind, c.name});
        ASSERT_EQ(r.diagnostics.items().size(), 1u) << c.name;
        EXPECT_EQ(r.diagnostics.items()[0].code, "FERRY-ENGINE-IDENTIFIER");
        EXPECT_EQ(r.diagnostics.items()[0].summary, c.summary);
        EXPECT_FALSE(r.exists);
    }
}

TEST(MaxComputeEngine, MissingCredentialsAreNamed) {
    ::unsetenv("FERRY_TEST_MC_NO_AK");
    ::unsetenv("FERRY_TEST_MC_NO_SK");
    auto m = make("sales_prod", "http://127.0.0.1:1/api", "FERRY_TEST_MC_NO_AK", "FERRY_TEST_MC_NO_SK");
    auto r = m->engine->exists({sdk::ObjectKind::table, "t"});
    EXPECT_EQ(codes_of(r.diagnostics), (std::vector<std::string>{"FERRY-CLOUD-CREDENTIALS", "FERRY-CLOUD-CREDENTIALS"}));
    ASSERT_EQ(r.diagnostics.items().size(), 2u);
    EXPECT_EQ(r.diagnostics.items()[0].summary,
              "the environment variable FERRY_TEST_MC_NO_AK (named for the AccessKey id) is not set");
    EXPECT_EQ(r.diagnostics.items()[1].summary,
              "the environment variable FERRY_TEST_MC_NO_SK (named for the AccessKey secret) is not set");
}

class MaxComputeServerTest : public testing::Test {
  protected:
    void SetUp() override {
        endpoint_ = require_env("FERRY_TEST_MC_ENDPOINT", kScript);
        if (endpoint_.empty()) GTEST_FAIL() << "no server";
        if (!std::getenv("FERRY_TEST_MC_ACCESS_KEY_ID")) ::setenv("FERRY_TEST_MC_ACCESS_KEY_ID", "ferry-test-ak", 1);
        if (!std::getenv("FERRY_TEST_MC_ACCESS_KEY_SECRET")) ::setenv("FERRY_TEST_MC_ACCESS_KEY_SECRET", "ferry-test-sk", 1);
        m_ = make("sales_prod", endpoint_);
        ASSERT_TRUE(m_->engine) << describe(m_->diags);
        suffix_ = std::to_string(::getpid()) + "_" + std::to_string(++counter_);
    }
    std::string endpoint_, suffix_;
    std::unique_ptr<Made> m_;
    static inline int counter_ = 0;
};

TEST_F(MaxComputeServerTest, CreatesATableThroughASqlInstance) {
    const std::string name = "ods_orders_" + suffix_;
    auto r = m_->engine->render_table({name, "CREATE TABLE sales_dev." + name + " (id BIGINT) LIFECYCLE 3", "maxcompute", false});
    ASSERT_FALSE(r.diagnostics.has_errors()) << describe(r.diagnostics);
    auto before = m_->engine->exists({sdk::ObjectKind::table, name});
    EXPECT_FALSE(before.diagnostics.has_errors()) << describe(before.diagnostics);
    EXPECT_FALSE(before.exists);
    auto a = m_->engine->apply({sdk::ObjectKind::table, name, r.statements, "", ""});
    ASSERT_TRUE(a.applied) << describe(a.diagnostics);
    EXPECT_TRUE(m_->engine->exists({sdk::ObjectKind::table, name}).exists);
    EXPECT_TRUE(m_->engine->apply({sdk::ObjectKind::table, name, r.statements, "", ""}).applied);  // IF NOT EXISTS converges
    auto o = m_->engine->render_table({name, "CREATE TABLE " + name + " (id BIGINT, v STRING)", "maxcompute", true});
    ASSERT_EQ(o.statements.size(), 2u) << describe(o.diagnostics);
    EXPECT_TRUE(m_->engine->apply({sdk::ObjectKind::table, name, o.statements, "", ""}).applied);
}

TEST_F(MaxComputeServerTest, FailedSqlCarriesTheServicesMessage) {
    auto a = m_->engine->apply({sdk::ObjectKind::table, "t", {"CREATE TABLE SYNTAX_ERROR_" + suffix_ + " (a INT)"}, "", ""});
    EXPECT_FALSE(a.applied);
    ASSERT_EQ(a.diagnostics.items().size(), 1u);
    const auto& d = a.diagnostics.items()[0];
    EXPECT_EQ(d.code, "FERRY-ENGINE-SQL-FAILED");
    EXPECT_NE(d.summary.find("ended Failed on MaxCompute project 'sales_prod': ODPS-0130161:[1,1] Parse exception"),
              std::string::npos)
        << d.summary;
}

TEST_F(MaxComputeServerTest, UploadsResourcesThenCreatesTheFunction) {
    const std::string jar = "udf_" + suffix_ + ".jar";
    const auto path = std::filesystem::temp_directory_path() / jar;
    {
        std::ofstream out(path, std::ios::binary);
        out << std::string("PK\x03\x04 not really a jar \0 with a zero", 32);
    }
    EXPECT_FALSE(m_->engine->exists({sdk::ObjectKind::resource, jar}).exists);
    auto up = m_->engine->apply({sdk::ObjectKind::resource, jar, {}, path.string(), "jar"});
    ASSERT_TRUE(up.applied) << describe(up.diagnostics);
    EXPECT_TRUE(m_->engine->exists({sdk::ObjectKind::resource, jar}).exists);
    auto again = m_->engine->apply({sdk::ObjectKind::resource, jar, {}, path.string(), "jar"});  // update with PUT
    EXPECT_TRUE(again.applied) << describe(again.diagnostics);
    std::filesystem::remove(path);

    const std::string fn = "my_upper_" + suffix_;
    auto f = m_->engine->render_function({fn, "com.example.Upper", {jar}, "maxcompute", false});
    auto applied = m_->engine->apply({sdk::ObjectKind::function, fn, f.statements, "", ""});
    ASSERT_TRUE(applied.applied) << describe(applied.diagnostics);
    EXPECT_TRUE(m_->engine->exists({sdk::ObjectKind::function, fn}).exists);

    auto missing = m_->engine->render_function({fn + "_x", "com.example.Upper", {"nowhere.jar"}, "maxcompute", false});
    auto failed = m_->engine->apply({sdk::ObjectKind::function, fn + "_x", missing.statements, "", ""});
    EXPECT_FALSE(failed.applied);
    EXPECT_EQ(codes_of(failed.diagnostics), (std::vector<std::string>{"FERRY-ENGINE-SQL-FAILED"}));

    auto bad_type = m_->engine->apply({sdk::ObjectKind::resource, "x.bin", {}, "/dev/null", "binary"});
    EXPECT_EQ(codes_of(bad_type.diagnostics), (std::vector<std::string>{"FERRY-ENGINE-RESOURCE-UNSUPPORTED"}));
}

TEST_F(MaxComputeServerTest, WrongSecretIsRefusedWithTheServersCode) {
    ::setenv("FERRY_TEST_MC_WRONG_SK", "not-the-secret", 1);
    auto m = make("sales_prod", endpoint_, "FERRY_TEST_MC_ACCESS_KEY_ID", "FERRY_TEST_MC_WRONG_SK");
    auto r = m->engine->exists({sdk::ObjectKind::table, "t"});
    ASSERT_EQ(r.diagnostics.items().size(), 1u);
    EXPECT_EQ(r.diagnostics.items()[0].code, "FERRY-ENGINE-REMOTE");
    EXPECT_NE(r.diagnostics.items()[0].summary.find("403 SignatureNotMatch: The request signature we calculated does not match"),
              std::string::npos)
        << r.diagnostics.items()[0].summary;
    EXPECT_EQ(describe(r.diagnostics).find("not-the-secret"), std::string::npos);
}

TEST_F(MaxComputeServerTest, UnknownProjectIsAnError) {
    auto m = make("no_such_project", endpoint_);
    auto r = m->engine->apply({sdk::ObjectKind::table, "t", {"CREATE TABLE t (a INT)"}, "", ""});
    EXPECT_FALSE(r.applied);
    ASSERT_EQ(r.diagnostics.items().size(), 1u);
    EXPECT_NE(r.diagnostics.items()[0].summary.find("404 NoSuchObject: Project not found - 'no_such_project'"), std::string::npos)
        << r.diagnostics.items()[0].summary;
}

TEST(MaxComputeEngineDown, UnreachableEndpointFailsTheObject) {
    ::setenv("FERRY_TEST_MC_ACCESS_KEY_ID", "ak", 0);
    ::setenv("FERRY_TEST_MC_ACCESS_KEY_SECRET", "sk", 0);
    auto m = make("sales_prod", "http://127.0.0.1:1/api");
    auto r = m->engine->exists({sdk::ObjectKind::table, "t"});
    ASSERT_EQ(r.diagnostics.items().size(), 1u);
    EXPECT_EQ(r.diagnostics.items()[0].code, "FERRY-ENGINE-CONNECT");
    EXPECT_EQ(r.diagnostics.items()[0].summary,
              "cannot reach MaxCompute project 'sales_prod' at http://127.0.0.1:1/api: the connection to 127.0.0.1:1 was refused "
              "(after 2 attempts)");
    EXPECT_EQ(m->host.lines, (std::vector<std::string>{"the connection to 127.0.0.1:1 was refused; retrying in 500 ms (retry 1 of 1)"}));
}

}  // namespace
