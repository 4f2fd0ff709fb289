#include "package/command_types.hpp"

#include <unordered_map>

namespace ferry::host {

const std::vector<CommandType>& all_command_types() {
    // name, code, route, kind, extension, upstream CalcEngineType, alias
    static const std::vector<CommandType> table = {
        // CalcEngineType.GENERAL
        {"SHELL", 2, "general", "node", ".sh", "GENERAL", ""},
        {"DIDE_SHELL", 6, "general", "node", ".sh", "GENERAL", ""},
        {"PERL", 31, "general", "node", ".pl", "GENERAL", ""},
        {"VIRTUAL_WORKFLOW", 97, "general", "node", "", "GENERAL", ""},
        {"COMBINED_NODE", 98, "general", "node", "", "GENERAL", ""},
        {"VIRTUAL", 99, "general", "node", ".vi", "GENERAL", ""},
        {"CONTROLLER_ASSIGNMENT", 1100, "general", "node", ".assign.json", "GENERAL", ""},
        {"CONTROLLER_BRANCH", 1101, "general", "node", ".branch.json", "GENERAL", ""},
        {"CONTROLLER_JOIN", 1102, "general", "node", ".join.json", "GENERAL", ""},
        {"CONTROLLER_CYCLE", 1103, "general", "node", ".do-while.json", "GENERAL", ""},
        {"CONTROLLER_CYCLE_START", 1104, "general", "node", ".do-while-start", "GENERAL", ""},
        {"CONTROLLER_CYCLE_END", 1105, "general", "node", ".do-while-end", "GENERAL", ""},
        {"CONTROLLER_TRAVERSE", 1106, "general", "node", ".for-each.json", "GENERAL", ""},
        {"CONTROLLER_TRAVERSE_START", 1107, "general", "node", ".for-each-start", "GENERAL", ""},
        {"CONTROLLER_TRAVERSE_END", 1108, "general", "node", ".for-each-end", "GENERAL", ""},
        {"CONTROLLER_WAIT", 1109, "general", "node", ".wait.json", "GENERAL", ""},
        {"SCHEDULER_TRIGGER", 1114, "general", "node", ".json", "GENERAL", ""},
        {"PARAM_HUB", 1115, "general", "node", ".param-hub.json", "GENERAL", ""},
        {"FTP_CHECK", 1320, "general", "node", ".json", "GENERAL", ""},
        {"SSH", 1321, "general", "node", ".ssh.sh", "GENERAL", ""},
        {"CHECK", 19, "general", "node", ".json", "GENERAL", ""},
        {"OSS_INSPECT", 239, "general", "node", ".json", "GENERAL", ""},
        {"CROSS_TENANTS", 1089, "general", "node", ".json", "GENERAL", ""},
        {"PYTHON", 1322, "general", "node", ".py", "GENERAL", ""},
        {"DATA_PUSH", 1332, "general", "node", ".json", "GENERAL", ""},
        {"DATA_QUALITY_MONITOR", 1333, "general", "node", ".json", "GENERAL", ""},
        // CalcEngineType.ODPS
        // Upstream files HIVE (code 3) under ODPS, not under EMR or CDH; so does ferry.
        {"HIVE", 3, "maxcompute", "node", ".sql", "ODPS", ""},
        {"YSF_DESEN", 82, "maxcompute", "node", ".mc.data.masking.sql", "ODPS", ""},
        {"ODPS_XLIB", 8, "maxcompute", "node", ".mc.xlib.py", "ODPS", ""},
        {"ODPS_PERL", 9, "maxcompute", "node", ".mc.pl", "ODPS", "odps_pl"},
        {"ODPS_SQL", 10, "maxcompute", "node", ".sql", "ODPS", ""},
        {"EXTREME_STORAGE", 30, "maxcompute", "node", ".mc.extreme.store.sh", "ODPS", ""},
        {"ODPS_SPARK_SQL", 226, "maxcompute", "node", ".sql", "ODPS", ""},
        {"ODPS_MR", 11, "maxcompute", "node", ".mr.sql", "ODPS", ""},
        {"PYODPS3", 1221, "maxcompute", "node", ".py", "ODPS", ""},
        {"ODPS_SCRIPT", 24, "maxcompute", "node", ".ms", "ODPS", "ODPS_SQL_SCRIPT"},
        {"PYODPS", 221, "maxcompute", "node", ".py", "ODPS", "PY_ODPS"},
        {"ODPS_SHARK", 223, "maxcompute", "node", ".mc.shark.json", "ODPS", ""},
        {"ODPS_SPARK", 225, "maxcompute", "node", ".mc.spark.json", "ODPS", ""},
        {"COMPONENT_SQL", 1010, "maxcompute", "node", ".sql", "ODPS", ""},
        {"SQL_COMPONENT", 3010, "maxcompute", "component", ".sql", "ODPS", ""},
        {"ODPS_PYTHON", 12, "maxcompute", "resource", ".json", "ODPS", ""},
        {"ODPS_JAR", 13, "maxcompute", "resource", ".json", "ODPS", ""},
        {"ODPS_ARCHIVE", 14, "maxcompute", "resource", ".json", "ODPS", ""},
        {"ODPS_FILE", 15, "maxcompute", "resource", ".json", "ODPS", ""},
        // Upstream labels ODPS_DDL a resource (its resource codes run 12..18), not a table.
        {"ODPS_DDL", 18, "maxcompute", "resource", ".json", "ODPS", ""},
        {"ODPS_TABLE", 16, "maxcompute", "table", ".json", "ODPS", ""},
        {"ODPS_FUNCTION", 17, "maxcompute", "function", ".json", "ODPS", ""},
        {"DATASERVICE_STUDIO", 238, "maxcompute", "node", ".json", "ODPS", "DataService_studio"},
        // CalcEngineType.DI
        // Data Integration runs on a DI resource group, mapped separately; no engine instance.
        {"DATAX", 4, "general", "node", ".json", "DI", ""},
        {"DATAX2", 20, "general", "node", ".json", "DI", ""},
        {"DT", 21, "general", "node", ".json", "DI", ""},
        {"CDP", 22, "general", "node", ".json", "DI", ""},
        {"DI", 23, "general", "node", ".json", "DI", ""},
        {"RI", 900, "general", "node", ".json", "DI", ""},
        {"DD_MERGE", 222, "general", "node", ".json", "DI", ""},
        {"TT_MERGE", 200, "general", "node", ".json", "DI", ""},
        // CalcEngineType.EMR
        {"EMR_HIVE", 227, "emr", "node", ".sql", "EMR", ""},
        {"EMR_SPARK", 228, "emr", "node", ".sh", "EMR", ""},
        {"EMR_SPARK_SQL", 229, "emr", "node", ".sql", "EMR", ""},
        {"EMR_MR", 230, "emr", "node", ".sh", "EMR", ""},
        {"EMR_SHELL", 257, "emr", "node", ".sh", "EMR", ""},
        {"EMR_SPARK_SHELL", 258, "emr", "node", ".sh", "EMR", ""},
        {"EMR_PRESTO", 259, "emr", "node", ".sql", "EMR", ""},
        {"EMR_IMPALA", 260, "emr", "node", ".sql", "EMR", ""},
        {"EMR_SCOOP", 263, "emr", "node", "", "EMR", ""},
        {"EMR_SPARK_STREAMING", 264, "emr", "node", ".sh", "EMR", ""},
        {"EMR_HIVE_CLI", 265, "emr", "node", "", "EMR", ""},
        {"EMR_STREAMING_SQL", 266, "emr", "node", ".sql", "EMR", ""},
        {"EMR_TRINO", 267, "emr", "node", ".sql", "EMR", ""},
        {"EMR_KYUUBI", 268, "emr", "node", ".sql", "EMR", ""},
        {"EMR_JAR", 231, "emr", "resource", "", "EMR", ""},
        {"EMR_FILE", 232, "emr", "resource", "", "EMR", ""},
        {"EMR_TABLE", 261, "emr", "table", "", "EMR", ""},
        {"EMR_FUNCTION", 262, "emr", "function", "", "EMR", ""},
        // CalcEngineType.HADOOP_CDH
        {"CDH_HIVE", 270, "cdh", "node", ".sql", "HADOOP_CDH", ""},
        {"CDH_SPARK", 271, "cdh", "node", ".sh", "HADOOP_CDH", ""},
        {"CDH_SPARK_SQL", 272, "cdh", "node", ".sql", "HADOOP_CDH", ""},
        {"CDH_MR", 273, "cdh", "node", "", "HADOOP_CDH", ""},
        {"CDH_SHELL", 276, "cdh", "node", ".sh", "HADOOP_CDH", ""},
        {"CDH_SPARK_SHELL", 277, "cdh", "node", ".sh", "HADOOP_CDH", ""},
        {"CDH_PRESTO", 278, "cdh", "node", ".sql", "HADOOP_CDH", ""},
        {"CDH_IMPALA", 279, "cdh", "node", ".sql", "HADOOP_CDH", ""},
        {"CDH_JAR", 274, "cdh", "resource", "", "HADOOP_CDH", ""},
        {"CDH_FILE", 275, "cdh", "resource", "", "HADOOP_CDH", ""},
        {"CDH_TABLE", 280, "cdh", "table", "", "HADOOP_CDH", ""},
        {"CDH_FUNCTION", 281, "cdh", "function", "", "HADOOP_CDH", ""},
        // CalcEngineType.ALGORITHM
        // Engine types with no ferry plugin yet (pai, flink, clickhouse, several databases) keep their
        // own type: the destination needs an instance of it, so they must not import engine-less.
        {"PAI", 1002, "pai", "node", ".json", "ALGORITHM", "pai"},
        {"PAI_STUDIO", 1117, "pai", "node", ".json", "ALGORITHM", "pai_studio"},
        {"RECOMMEND_PLUS", 1116, "pai", "node", ".json", "ALGORITHM", ""},
        {"PAI_DLC", 1119, "pai", "node", ".pai.dlc.sh", "ALGORITHM", "pai_dlc"},
        {"ALINK", 240, "pai", "node", ".alink.py", "ALGORITHM", "alink"},
        {"XLAB", 87, "pai", "node", ".xlab.json", "ALGORITHM", "xlab"},
        // CalcEngineType.HOLO
        {"HOLOGRES_DEVELOP", 1091, "hologres", "node", ".sql", "HOLO", ""},
        // Upstream spells HOLOGRES_SYNC "HOLOGRES_DEVELOP", another constant's name: no alias.
        {"HOLOGRES_SYNC", 1092, "hologres", "node", ".json", "HOLO", ""},
        {"HOLOGRES_SQL", 1093, "hologres", "node", ".sql", "HOLO", ""},
        {"HOLOGRES_SYNC_DDL", 1094, "hologres", "node", ".hologres.ddl.sync.json", "HOLO", ""},
        {"HOLOGRES_SYNC_DATA", 1095, "hologres", "node", ".hologres.data.sync.json", "HOLO", ""},
        // CalcEngineType.FLINK
        {"BLINK_SQL", 2010, "flink", "node", ".json", "FLINK", "BLINK_STREAM_SQL"},
        {"FLINK_SQL_BATCH", 2011, "flink", "node", ".json", "FLINK", ""},
        {"FLINK_SQL_STREAM", 2012, "flink", "node", ".json", "FLINK", ""},
        {"BLINK_BATCH_SQL", 2020, "flink", "node", ".json", "FLINK", ""},
        {"BLINK_DATASTREAM", 2019, "flink", "node", ".json", "FLINK", ""},
        // CalcEngineType.CLICKHOUSE
        {"CLICK_SQL", 1301, "clickhouse", "node", ".sql", "CLICKHOUSE", ""},
        // CalcEngineType.DATABASE
        {"POSTGRESQL", 1302, "postgresql", "node", ".sql", "DATABASE", ""},
        {"MYSQL", 1303, "mysql", "node", ".sql", "DATABASE", ""},
        {"SQLSERVER", 1304, "sqlserver", "node", ".sql", "DATABASE", "Sql Server"},
        {"Oracle", 1305, "oracle", "node", ".sql", "DATABASE", ""},
        {"StarRocks", 1306, "starrocks", "node", ".sql", "DATABASE", ""},
        // PolarDB-X speaks MySQL but its DDL adds dbpartition clauses: its own type.
        {"DRDS", 1307, "drds", "node", ".sql", "DATABASE", ""},
        {"Doris", 1308, "doris", "node", ".sql", "DATABASE", ""},
        // The mysql plugin serves MariaDB (its description says so).
        {"Mariadb", 1309, "mysql", "node", ".sql", "DATABASE", ""},
        {"Selectdb", 1310, "selectdb", "node", ".sql", "DATABASE", ""},
        {"Redshift", 1311, "redshift", "node", ".sql", "DATABASE", ""},
        {"Saphana", 1312, "saphana", "node", ".sql", "DATABASE", ""},
        {"Vertica", 1313, "vertica", "node", ".sql", "DATABASE", ""},
        {"OceanBase", 1314, "oceanbase", "node", ".sql", "DATABASE", ""},
        {"DB2", 1315, "db2", "node", ".sql", "DATABASE", ""},
        // The postgresql and mysql plugins own "ADB for PostgreSQL" / "ADB for MySQL".
        {"ADB_for_PostgreSQL", 1316, "postgresql", "node", ".sql", "DATABASE", "ADB for PostgreSQL"},
        {"ADB_for_MySQL", 1317, "mysql", "node", ".sql", "DATABASE", "ADB for MySQL"},
        // CalcEngineType.CUSTOM
        // MigrationX's placeholder for a source task it could not convert: no engine owns it.
        {"CUSTOM", 9999, "custom", "node", ".json", "CUSTOM", ""},
    };
    return table;
}

const CommandType* find_command_type(std::string_view name) {
    // Names are indexed before aliases, so an alias never hides a name.
    static const auto index = [] {
        std::unordered_map<std::string_view, const CommandType*> m;
        for (const auto& t : all_command_types()) m.emplace(t.name, &t);
        for (const auto& t : all_command_types())
            if (!t.alias.empty()) m.emplace(t.alias, &t);
        return m;
    }();
    auto it = index.find(name);
    return it == index.end() ? nullptr : it->second;
}

const CommandType* find_command_type_by_code(int code) {
    static const auto index = [] {
        std::unordered_map<int, const CommandType*> m;
        for (const auto& t : all_command_types()) m.emplace(t.code, &t);
        return m;
    }();
    auto it = index.find(code);
    return it == index.end() ? nullptr : it->second;
}

}  // namespace ferry::host
