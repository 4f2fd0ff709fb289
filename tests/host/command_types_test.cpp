// The table of DataWorks command types (package/command_types.*): it holds upstream's whole
// CodeProgramType enum, each name once, and routes each command to the engine type ferry uses.
#include <set>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "package/command_types.hpp"

namespace ferry::host {
namespace {

// aliyun/dataworks-spec CodeProgramType.java at b5d8136 (master, 2024-09-24) declares 121 constants.
constexpr std::size_t kUpstreamCommandTypes = 121;

TEST(CommandTypes, HoldsEveryUpstreamConstant) { EXPECT_EQ(all_command_types().size(), kUpstreamCommandTypes); }

TEST(CommandTypes, NamesAliasesAndCodesAreUnique) {
    std::set<std::string_view> spellings;
    std::set<int> codes;
    for (const auto& t : all_command_types()) {
        EXPECT_TRUE(spellings.insert(t.name).second) << "name twice: " << t.name;
        if (!t.alias.empty()) {
            EXPECT_TRUE(spellings.insert(t.alias).second) << "alias twice: " << t.alias;
        }
        EXPECT_NE(t.alias, t.name) << "an alias equal to its name: " << t.name;
        EXPECT_TRUE(codes.insert(t.code).second) << "code twice: " << t.code;
    }
}

TEST(CommandTypes, EveryRowHasAKnownRouteAndKind) {
    const std::set<std::string_view> routes = {
        kGeneralRoute, "maxcompute", "emr",      "cdh",      "hologres", "postgresql", "mysql",  "flink",
        "clickhouse",  "pai",        "sqlserver", "oracle", "starrocks", "drds",      "doris",  "selectdb",
        "redshift",    "saphana",    "vertica",  "oceanbase", "db2",     "custom"};
    const std::set<std::string_view> kinds = {"node", "resource", "table", "function", "component"};
    for (const auto& t : all_command_types()) {
        EXPECT_TRUE(routes.count(t.route)) << t.name << " routes to " << t.route;
        EXPECT_TRUE(kinds.count(t.kind)) << t.name << " is a " << t.kind;
        EXPECT_FALSE(t.calc_engine.empty()) << t.name;
        EXPECT_GT(t.code, 0) << t.name;
        EXPECT_TRUE(t.extension.empty() || t.extension.front() == '.') << t.name << ": " << t.extension;
    }
}

struct Known {
    std::string_view spelling;  // as a package writes it
    std::string_view name;      // upstream's constant
    int code;
    std::string_view route;
    std::string_view kind;
};

TEST(CommandTypes, KnownCommandsRouteToTheirEngine) {
    const Known cases[] = {
        {"ODPS_SQL", "ODPS_SQL", 10, "maxcompute", "node"},
        {"PYODPS3", "PYODPS3", 1221, "maxcompute", "node"},
        {"PY_ODPS", "PYODPS", 221, "maxcompute", "node"},  // alias: upstream's getName()
        {"PYODPS", "PYODPS", 221, "maxcompute", "node"},
        {"ODPS_SQL_SCRIPT", "ODPS_SCRIPT", 24, "maxcompute", "node"},
        {"odps_pl", "ODPS_PERL", 9, "maxcompute", "node"},
        {"HIVE", "HIVE", 3, "maxcompute", "node"},  // upstream files it under ODPS
        {"COMPONENT_SQL", "COMPONENT_SQL", 1010, "maxcompute", "node"},
        {"SQL_COMPONENT", "SQL_COMPONENT", 3010, "maxcompute", "component"},
        {"ODPS_JAR", "ODPS_JAR", 13, "maxcompute", "resource"},
        {"ODPS_TABLE", "ODPS_TABLE", 16, "maxcompute", "table"},
        {"ODPS_FUNCTION", "ODPS_FUNCTION", 17, "maxcompute", "function"},
        {"EMR_HIVE", "EMR_HIVE", 227, "emr", "node"},
        {"EMR_SPARK_STREAMING", "EMR_SPARK_STREAMING", 264, "emr", "node"},
        {"EMR_TABLE", "EMR_TABLE", 261, "emr", "table"},
        {"CDH_HIVE", "CDH_HIVE", 270, "cdh", "node"},
        {"CDH_FILE", "CDH_FILE", 275, "cdh", "resource"},
        {"HOLOGRES_SQL", "HOLOGRES_SQL", 1093, "hologres", "node"},
        {"HOLOGRES_DEVELOP", "HOLOGRES_DEVELOP", 1091, "hologres", "node"},  // not HOLOGRES_SYNC's spelling
        {"SHELL", "SHELL", 2, "general", "node"},
        {"DIDE_SHELL", "DIDE_SHELL", 6, "general", "node"},
        {"VIRTUAL", "VIRTUAL", 99, "general", "node"},
        {"CONTROLLER_BRANCH", "CONTROLLER_BRANCH", 1101, "general", "node"},
        {"CONTROLLER_CYCLE", "CONTROLLER_CYCLE", 1103, "general", "node"},
        {"PARAM_HUB", "PARAM_HUB", 1115, "general", "node"},
        {"DI", "DI", 23, "general", "node"},  // runs on a DI resource group
        {"CLICK_SQL", "CLICK_SQL", 1301, "clickhouse", "node"},
        {"BLINK_STREAM_SQL", "BLINK_SQL", 2010, "flink", "node"},
        {"pai_dlc", "PAI_DLC", 1119, "pai", "node"},
        {"POSTGRESQL", "POSTGRESQL", 1302, "postgresql", "node"},
        {"ADB for PostgreSQL", "ADB_for_PostgreSQL", 1316, "postgresql", "node"},
        {"MYSQL", "MYSQL", 1303, "mysql", "node"},
        {"ADB for MySQL", "ADB_for_MySQL", 1317, "mysql", "node"},
        {"Mariadb", "Mariadb", 1309, "mysql", "node"},
        {"DRDS", "DRDS", 1307, "drds", "node"},
        {"Sql Server", "SQLSERVER", 1304, "sqlserver", "node"},
        {"StarRocks", "StarRocks", 1306, "starrocks", "node"},
        {"CUSTOM", "CUSTOM", 9999, "custom", "node"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(std::string(c.spelling));
        const CommandType* t = find_command_type(c.spelling);
        ASSERT_NE(t, nullptr);
        EXPECT_EQ(t->name, c.name);
        EXPECT_EQ(t->code, c.code);
        EXPECT_EQ(t->route, c.route);
        EXPECT_EQ(t->kind, c.kind);
        EXPECT_EQ(find_command_type_by_code(c.code), t);
    }
}

// The commands ferry's engine plugins claim (engines/*/ownership.hpp, *_engine.hpp `kOwns`) route to
// that plugin, and the commands the host treats as general (package_check.cpp) route to general.
TEST(CommandTypes, AgreesWithThePluginsAndTheHost) {
    const std::pair<std::string_view, std::string_view> owned[] = {
        {"ODPS_SQL", "maxcompute"},      {"ODPS_SQL_SCRIPT", "maxcompute"}, {"PY_ODPS", "maxcompute"},
        {"PYODPS3", "maxcompute"},       {"ODPS_SPARK", "maxcompute"},      {"ODPS_SPARK_SQL", "maxcompute"},
        {"ODPS_MR", "maxcompute"},       {"ODPS_SHARK", "maxcompute"},      {"COMPONENT_SQL", "maxcompute"},
        {"ODPS_PYTHON", "maxcompute"},   {"ODPS_JAR", "maxcompute"},        {"ODPS_ARCHIVE", "maxcompute"},
        {"ODPS_FILE", "maxcompute"},     {"ODPS_TABLE", "maxcompute"},      {"ODPS_FUNCTION", "maxcompute"},
        {"EMR_HIVE", "emr"},             {"EMR_SPARK", "emr"},              {"EMR_SPARK_SQL", "emr"},
        {"EMR_MR", "emr"},               {"EMR_SHELL", "emr"},              {"EMR_PRESTO", "emr"},
        {"EMR_IMPALA", "emr"},           {"EMR_TRINO", "emr"},              {"EMR_KYUUBI", "emr"},
        {"EMR_JAR", "emr"},              {"EMR_FILE", "emr"},               {"EMR_TABLE", "emr"},
        {"EMR_FUNCTION", "emr"},         {"CDH_HIVE", "cdh"},               {"CDH_SPARK", "cdh"},
        {"CDH_SPARK_SQL", "cdh"},        {"CDH_MR", "cdh"},                 {"CDH_SHELL", "cdh"},
        {"CDH_PRESTO", "cdh"},           {"CDH_IMPALA", "cdh"},             {"CDH_JAR", "cdh"},
        {"CDH_FILE", "cdh"},             {"CDH_TABLE", "cdh"},              {"CDH_FUNCTION", "cdh"},
        {"HOLOGRES_SQL", "hologres"},    {"HOLOGRES_DEVELOP", "hologres"},  {"HOLOGRES_SYNC_DDL", "hologres"},
        {"HOLOGRES_SYNC_DATA", "hologres"}, {"POSTGRESQL", "postgresql"},   {"ADB for PostgreSQL", "postgresql"},
        {"MYSQL", "mysql"},              {"ADB for MySQL", "mysql"}};
    for (const auto& [command, route] : owned) {
        SCOPED_TRACE(std::string(command));
        const CommandType* t = find_command_type(command);
        ASSERT_NE(t, nullptr);
        EXPECT_EQ(t->route, route);
    }
    const std::string_view general[] = {
        "SHELL",           "DIDE_SHELL",         "PYTHON",           "VIRTUAL",
        "VIRTUAL_WORKFLOW", "COMBINED_NODE",     "PARAM_HUB",        "FTP_CHECK",
        "SSH",             "CHECK",              "OSS_INSPECT",      "CONTROLLER_BRANCH",
        "CONTROLLER_JOIN", "CONTROLLER_CYCLE",   "CONTROLLER_CYCLE_START", "CONTROLLER_CYCLE_END",
        "CONTROLLER_TRAVERSE", "CONTROLLER_TRAVERSE_START", "CONTROLLER_TRAVERSE_END", "CONTROLLER_ASSIGNMENT",
        "DI",              "DATAX",              "DATAX2"};
    for (std::string_view command : general) {
        SCOPED_TRACE(std::string(command));
        const CommandType* t = find_command_type(command);
        ASSERT_NE(t, nullptr);
        EXPECT_EQ(t->route, kGeneralRoute);
    }
}

TEST(CommandTypes, UnknownSpellingsFindNothing) {
    const std::string_view unknown[] = {
        "",
        "NOT_A_COMMAND",
        "odps_sql",            // case matters, unlike upstream's getNodeTypeByName
        "ADB_FOR_POSTGRESQL",  // upstream's constant is ADB_for_PostgreSQL
        "ODPS_SHELL",          // in upstream's example documents, not in its enum
        "PYODPS2",             // likewise
        "WORKFLOW",            // a 1.2.0 workflow's own script.runtime.command
        "ODPS_SQL ",
    };
    for (std::string_view name : unknown) EXPECT_EQ(find_command_type(name), nullptr) << "'" << name << "'";
    EXPECT_EQ(find_command_type_by_code(0), nullptr);
    EXPECT_EQ(find_command_type_by_code(1111), nullptr);
}

TEST(CommandTypes, LookupsReturnTheTablesOwnRows) {
    const auto& all = all_command_types();
    for (const auto& t : all) {
        EXPECT_EQ(find_command_type(t.name), &t) << t.name;
        if (!t.alias.empty()) {
            EXPECT_EQ(find_command_type(t.alias), &t) << t.alias;
        }
    }
}

}  // namespace
}  // namespace ferry::host
