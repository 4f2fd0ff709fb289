// The realistic package imported onto real PostgreSQL and MariaDB servers (issue 4): the
// MaxCompute instance mapped across engines, tables created with the type mapping, a re-import
// unchanged. Servers come from tests/servers/postgres.sh and mariadb.sh (tests/run.sh starts them).
#include <cstdlib>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "package_builder.hpp"
#include "test_env.hpp"

namespace ferry::test {
namespace {

using nlohmann::json;

std::string required_env(const char* name, const char* script) {
    const char* v = std::getenv(name);
    if (!v || !*v) {
        ADD_FAILURE() << name << " is not set: start the server with tests/servers/" << script
                      << " start DIR PORT (tests/run.sh does)";
        return {};
    }
    return v;
}

// Runs a shell command and returns its standard output.
std::string capture(const std::string& cmd) {
    std::string out;
    if (FILE* p = ::popen(cmd.c_str(), "r")) {
        char buf[4096];
        std::size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
        ::pclose(p);
    }
    return out;
}

std::string task_text(const std::string& name, const std::string& engine_table) {
    return R"([task]
name = ")" + name + R"("
[source]
plugin = "local"
path = "sales_dw.zip"
[workspace]
name = ")" + name + R"(_ws"
catalog = "sqlite:catalog.db"
importer = "bob"
)" + engine_table + R"(
[mapping.engines]
odps_first = { instance = "target", cross_engine = true }
[mapping.workspaces]
sales_dev = "sales_prod"
[commit]
functions = false
on_conflict = "overwrite"
)";
}

json import_and_report(const std::string& dir, const std::string& task) {
    const auto r = run_ferry("import --yes --json " + dir + "/task.toml");
    EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
    return json::parse(r.out, nullptr, false);
}

TEST(EngineImport, OntoRealPostgreSQL) {
    const std::string dsn = required_env("FERRY_TEST_PG_DSN", "postgres.sh");
    ASSERT_FALSE(dsn.empty());
    const std::string dir = scratch_dir();
    write_package(dir + "/sales_dw.zip", Format::zip, spec_package_entries(samples_dir()));
    const std::string schema = "ferry_e2e_" + std::to_string(::getpid());
    write_file(dir + "/task.toml",
               task_text("pg_e2e", "[[workspace.engines]]\nname = \"target\"\ntype = \"postgresql\"\ndsn = \"" + dsn +
                                       "\"\nschema = \"" + schema + "\"\n"));
    json doc = import_and_report(dir, "pg_e2e");
    ASSERT_TRUE(doc.is_object());
    EXPECT_EQ(doc["state"], "IMPORT_SUCCESS");
    EXPECT_EQ(doc["report"]["results"]["table"]["succeeded"], 1);
    // The table is on the server, with the documented types.
    const std::string cols = capture("psql \"" + dsn + "\" -Atc \"SELECT column_name || ':' || data_type FROM "
                                     "information_schema.columns WHERE table_schema = '" + schema +
                                     "' AND table_name = 'dwd_orders' ORDER BY ordinal_position\"");
    EXPECT_EQ(cols, "id:bigint\namount:numeric\ndt:text\n");
    // Again: nothing changes.
    doc = import_and_report(dir, "pg_e2e");
    EXPECT_EQ(doc["report"]["results"]["total"]["unchanged"], 9);
    capture("psql \"" + dsn + "\" -qc 'DROP SCHEMA " + schema + " CASCADE' 2>/dev/null");
}

TEST(EngineImport, OntoRealMariaDB) {
    const std::string host = required_env("FERRY_TEST_MYSQL_HOST", "mariadb.sh");
    const std::string port = required_env("FERRY_TEST_MYSQL_PORT", "mariadb.sh");
    const std::string user = required_env("FERRY_TEST_MYSQL_USER", "mariadb.sh");
    const std::string db = required_env("FERRY_TEST_MYSQL_DB", "mariadb.sh");
    ASSERT_FALSE(host.empty() || port.empty() || user.empty() || db.empty());
    const std::string dir = scratch_dir();
    write_package(dir + "/sales_dw.zip", Format::zip, spec_package_entries(samples_dir()));
    const std::string mysql = "mysql -h " + host + " -P " + port + " -u " + user + " " + db;
    capture(mysql + " -e 'DROP TABLE IF EXISTS dwd_orders' 2>&1");
    write_file(dir + "/task.toml",
               task_text("mysql_e2e", "[[workspace.engines]]\nname = \"target\"\ntype = \"mysql\"\nhost = \"" + host +
                                          "\"\nport = " + port + "\ndatabase = \"" + db + "\"\nuser = \"" + user + "\"\n"));
    json doc = import_and_report(dir, "mysql_e2e");
    ASSERT_TRUE(doc.is_object());
    EXPECT_EQ(doc["state"], "IMPORT_SUCCESS");
    EXPECT_EQ(doc["report"]["results"]["table"]["succeeded"], 1);
    const std::string cols = capture(mysql + " -N -e \"SELECT CONCAT(column_name, ':', data_type) FROM "
                                             "information_schema.columns WHERE table_schema = '" + db +
                                             "' AND table_name = 'dwd_orders' ORDER BY ordinal_position\"");
    EXPECT_EQ(cols, "id:bigint\namount:decimal\ndt:longtext\n");  // STRING -> LONGTEXT on MySQL
    doc = import_and_report(dir, "mysql_e2e");
    EXPECT_EQ(doc["report"]["results"]["total"]["unchanged"], 9);
}

}  // namespace
}  // namespace ferry::test
