#pragma once

namespace ferry::engines::emr {

inline constexpr const char* kOwns[] = {
    "command:EMR_HIVE",   "command:EMR_SPARK",  "command:EMR_SPARK_SQL", "command:EMR_MR",    "command:EMR_SHELL",
    "command:EMR_PRESTO", "command:EMR_IMPALA", "command:EMR_TRINO",     "command:EMR_KYUUBI", "resource:EMR_JAR",
    "resource:EMR_FILE",  "table:EMR_TABLE",    "table:EMR",             "function:EMR_FUNCTION", "datasource:emr"};

}  // namespace ferry::engines::emr
