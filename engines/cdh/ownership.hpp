#pragma once

namespace ferry::engines::cdh {

inline constexpr const char* kOwns[] = {
    "command:CDH_HIVE",   "command:CDH_SPARK",  "command:CDH_SPARK_SQL", "command:CDH_MR",  "command:CDH_SHELL",
    "command:CDH_PRESTO", "command:CDH_IMPALA", "resource:CDH_JAR",      "resource:CDH_FILE", "table:CDH_TABLE",
    "table:CDH",          "table:HADOOP_CDH",   "function:CDH_FUNCTION", "datasource:cdh"};

}  // namespace ferry::engines::cdh
