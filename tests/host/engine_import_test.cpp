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
    EXPECT_EQ(doc["report"]["results"]["total"]["unchanged"], 8);
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
    EXPECT_EQ(doc["report"]["results"]["total"]["unchanged"], 8);
}

// ---- issue 11 §1: a package's DDL never runs as written ----------------------------------------

struct PackageTable {
    std::string name, type, project, ddl;
    std::string schema = "public";
};

// A package of one FlowSpec document holding tables (calcEngine type and project, DDL).
void write_tables_package(const std::string& file, const std::vector<PackageTable>& tables) {
    json list = json::array();
    int id = 0;
    for (const auto& t : tables)
        list.push_back({{"id", "t" + std::to_string(++id)},
                        {"name", t.name},
                        {"calcEngine", {{"type", t.type}, {"project", t.project}, {"schema", t.schema}}},
                        {"ddl", t.ddl}});
    const json doc = {{"version", "1.1.0"}, {"kind", "CycleWorkflow"}, {"spec", {{"artifacts", {{"tables", list}}}}}};
    write_package(file, Format::zip, {{"tables.json", doc.dump()}});
}

// A task importing tables.zip from its folder onto one engine instance "target", the package's
// instance `source` mapped onto it.
std::string tables_task(const std::string& name, const std::string& engine_table, const std::string& source,
                        const std::string& on_conflict) {
    return "[task]\nname = \"" + name + "\"\n[source]\nplugin = \"local\"\npath = \"tables.zip\"\n[workspace]\nname = \"" + name +
           "_ws\"\ncatalog = \"sqlite:catalog.db\"\nimporter = \"bob\"\n" + engine_table + "[mapping.engines]\n" + source +
           " = { instance = \"target\" }\n[commit]\non_conflict = \"" + on_conflict + "\"\n";
}

std::vector<std::string> codes_in(const json& diagnostics) {
    std::vector<std::string> out;
    if (diagnostics.is_array())
        for (const auto& d : diagnostics) out.push_back(d.value("code", ""));
    return out;
}

// The two attacks of issue 11 (a second statement; a DDL naming another table) are refused at
// `ferry check` and at import, before any engine is touched: `canary` keeps its row, no
// `pwned_by_pkg` appears anywhere.
TEST(EngineImport, PackageDdlNeverRunsAsWrittenOnPostgreSQL) {
    const std::string dsn = required_env("FERRY_TEST_PG_DSN", "postgres.sh");
    ASSERT_FALSE(dsn.empty());
    const std::string psql = "psql \"" + dsn + "\" -qAtc ";
    const std::string schema = "ferry_ddl_" + std::to_string(::getpid());
    capture(psql + "'DROP SCHEMA IF EXISTS " + schema + " CASCADE; CREATE SCHEMA " + schema + "; CREATE TABLE " + schema + ".canary (x int); INSERT INTO " + schema +
            ".canary VALUES (7)' 2>&1");
    const std::string dir = scratch_dir();
    write_tables_package(dir + "/tables.zip",
                         {{"c", "PostgreSQL", "pg_src", "CREATE TABLE c (a int); DROP TABLE " + schema + ".canary;"},
                          {"c_pg_other", "PostgreSQL", "pg_src", "CREATE TABLE pwned_by_pkg (a int)"}});

    const auto check = run_ferry("check " + dir + "/tables.zip");
    EXPECT_EQ(check.exit_code, 1) << check.out << check.err;
    EXPECT_NE(check.err.find("error[FERRY-PKG-DDL-STATEMENTS] tables.json: table 'c': the DDL holds a second statement after "
                             "';': 'DROP TABLE " + schema + ".canary;'\n"),
              std::string::npos)
        << check.err;
    EXPECT_NE(check.err.find("error[FERRY-PKG-DDL-NAME] tables.json: table 'c_pg_other': the DDL creates 'pwned_by_pkg', not "
                             "'c_pg_other'\n"),
              std::string::npos)
        << check.err;

    write_file(dir + "/task.toml",
               tables_task("pg_attack", "[[workspace.engines]]\nname = \"target\"\ntype = \"postgresql\"\ndsn = \"" + dsn +
                                            "\"\nschema = \"" + schema + "\"\n",
                           "pg_src", "overwrite"));
    const auto plan = run_ferry("plan --json " + dir + "/task.toml");
    EXPECT_EQ(plan.exit_code, 1) << plan.out << plan.err;
    const auto imported = run_ferry("import --yes --json " + dir + "/task.toml");
    EXPECT_EQ(imported.exit_code, 1) << imported.out << imported.err;
    const json doc = json::parse(imported.out, nullptr, false);
    ASSERT_TRUE(doc.is_object()) << imported.out;
    EXPECT_EQ(doc["ok"], false);
    EXPECT_EQ(codes_in(doc["diagnostics"]), (std::vector<std::string>{"FERRY-PKG-DDL-STATEMENTS", "FERRY-PKG-DDL-NAME"}));

    EXPECT_EQ(capture(psql + "'SELECT x FROM " + schema + ".canary'"), "7\n");
    EXPECT_EQ(capture(psql + "\"SELECT count(*) FROM pg_class WHERE relname = 'pwned_by_pkg'\""), "0\n");
    EXPECT_EQ(capture(psql + "\"SELECT string_agg(relname, ',') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                             "WHERE n.nspname = '" + schema + "'\""),
              "canary\n");
    capture(psql + "'DROP SCHEMA " + schema + " CASCADE' 2>/dev/null");
}

// PostgreSQL DDL onto PostgreSQL is rendered by the engine: `ferry plan` (text and --json) lists
// every statement that will run, on_conflict = overwrite drops the table itself and nothing else,
// and the table lands in the instance's schema under its own name whatever schema the DDL names.
TEST(EngineImport, OverwriteDropsOnlyItsOwnTableAndThePlanShowsIt) {
    const std::string dsn = required_env("FERRY_TEST_PG_DSN", "postgres.sh");
    ASSERT_FALSE(dsn.empty());
    const std::string psql = "psql \"" + dsn + "\" -qAtc ";
    const std::string schema = "ferry_ow_" + std::to_string(::getpid());
    capture(psql + "'DROP SCHEMA IF EXISTS " + schema + " CASCADE; CREATE SCHEMA " + schema + "; CREATE TABLE " + schema + ".c (old int); CREATE TABLE " + schema +
            ".canary (x int); INSERT INTO " + schema + ".canary VALUES (7)' 2>&1");
    const std::string dir = scratch_dir();
    write_tables_package(dir + "/tables.zip",
                         {{"c", "PostgreSQL", "pg_src", "CREATE TABLE public.C (a int PRIMARY KEY, b text NOT NULL DEFAULT 'x');"}});
    write_file(dir + "/task.toml",
               tables_task("pg_overwrite", "[[workspace.engines]]\nname = \"target\"\ntype = \"postgresql\"\ndsn = \"" + dsn +
                                               "\"\nschema = \"" + schema + "\"\n",
                           "pg_src", "overwrite"));
    const std::string q = "\"" + schema + "\"";
    const std::vector<std::string> statements = {
        "CREATE SCHEMA IF NOT EXISTS " + q, "DROP TABLE IF EXISTS " + q + ".\"c\"",
        "CREATE TABLE " + q + ".\"c\" (\n  \"a\" int4 PRIMARY KEY,\n  \"b\" text NOT NULL DEFAULT 'x'\n)"};

    const auto text = run_ferry("plan " + dir + "/task.toml");
    EXPECT_EQ(text.exit_code, 0) << text.out << text.err;
    std::string listed = "\nStatements for the engines\n-- table c on target\n";
    for (const auto& st : statements) listed += st + ";\n";
    EXPECT_NE(text.out.find(listed), std::string::npos) << text.out;
    const auto plan = run_ferry("plan --json " + dir + "/task.toml");
    const json pj = json::parse(plan.out, nullptr, false);
    ASSERT_TRUE(pj.is_object()) << plan.out << plan.err;
    ASSERT_EQ(pj["objects"].size(), 1u);
    EXPECT_EQ(pj["objects"][0]["statements"], json(statements));

    const json doc = import_and_report(dir, "pg_overwrite");
    ASSERT_TRUE(doc.is_object());
    EXPECT_EQ(doc["state"], "IMPORT_SUCCESS");
    EXPECT_EQ(capture(psql + "\"SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns "
                             "WHERE table_schema = '" + schema + "' AND table_name = 'c'\""),
              "a,b\n");
    EXPECT_EQ(capture(psql + "'SELECT x FROM " + schema + ".canary'"), "7\n");
    capture(psql + "'DROP SCHEMA " + schema + " CASCADE' 2>/dev/null");
}

// The same on SQLite (no server): SQLite DDL is rendered for SQLite, the attacks are refused at
// check and import, and overwrite replaces only the table itself.
TEST(EngineImport, PackageDdlNeverRunsAsWrittenOnSQLite) {
    const std::string dir = scratch_dir();
    const std::string db = dir + "/target.db";
    const std::string sqlite = "sqlite3 " + db + " ";
    capture(sqlite + "'CREATE TABLE canary (x INTEGER); INSERT INTO canary VALUES (7); CREATE TABLE c (old INTEGER);'");
    const std::string engine = "[[workspace.engines]]\nname = \"target\"\ntype = \"sqlite\"\npath = \"" + db + "\"\n";

    write_tables_package(dir + "/tables.zip", {{"c", "SQLite", "lite_src", "CREATE TABLE c (a INTEGER); DROP TABLE canary;"},
                                               {"c_sqlite_other", "SQLite", "lite_src", "CREATE TABLE pwned_by_pkg (a)"}});
    const auto check = run_ferry("check " + dir + "/tables.zip");
    EXPECT_EQ(check.exit_code, 1) << check.out << check.err;
    EXPECT_NE(check.err.find("error[FERRY-PKG-DDL-STATEMENTS] tables.json: table 'c': the DDL holds a second statement after "
                             "';': 'DROP TABLE canary;'\n"),
              std::string::npos)
        << check.err;
    EXPECT_NE(check.err.find("error[FERRY-PKG-DDL-NAME] tables.json: table 'c_sqlite_other': the DDL creates 'pwned_by_pkg', "
                             "not 'c_sqlite_other'\n"),
              std::string::npos)
        << check.err;
    write_file(dir + "/task.toml", tables_task("lite_attack", engine, "lite_src", "overwrite"));
    const auto refused = run_ferry("import --yes --json " + dir + "/task.toml");
    EXPECT_EQ(refused.exit_code, 1) << refused.out << refused.err;
    EXPECT_EQ(codes_in(json::parse(refused.out, nullptr, false)["diagnostics"]),
              (std::vector<std::string>{"FERRY-PKG-DDL-STATEMENTS", "FERRY-PKG-DDL-NAME"}));
    EXPECT_EQ(capture(sqlite + "'SELECT group_concat(name) FROM (SELECT name FROM sqlite_master WHERE type = \"table\" ORDER BY name)'"),
              "c,canary\n");

    write_tables_package(dir + "/tables.zip",
                         {{"c", "SQLite", "lite_src", "CREATE TABLE main.c (a INTEGER PRIMARY KEY, b TEXT DEFAULT 'x')", "main"}});
    const auto plan = run_ferry("plan --json " + dir + "/task.toml");
    const json pj = json::parse(plan.out, nullptr, false);
    ASSERT_TRUE(pj.is_object()) << plan.out << plan.err;
    EXPECT_EQ(pj["objects"][0]["statements"],
              json({"DROP TABLE IF EXISTS \"c\"", "CREATE TABLE \"c\" (\n  \"a\" INTEGER PRIMARY KEY,\n  \"b\" TEXT DEFAULT 'x'\n)"}));
    const auto ok = run_ferry("import --yes --json " + dir + "/task.toml");
    EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
    EXPECT_EQ(capture(sqlite + "'SELECT group_concat(name) FROM pragma_table_info(\"c\")'"), "a,b\n");
    EXPECT_EQ(capture(sqlite + "'SELECT x FROM canary'"), "7\n");
    EXPECT_EQ(capture(sqlite + "'SELECT group_concat(name) FROM (SELECT name FROM sqlite_master WHERE type = \"table\" ORDER BY name)'"),
              "c,canary\n");
}

}  // namespace
}  // namespace ferry::test
