#pragma once

namespace ferry::engines::postgresql {

// Database nodes on PostgreSQL and AnalyticDB for PostgreSQL (the command is spelled both ways in
// the wild), their data sources, and PostgreSQL tables.
inline constexpr const char* kOwns[] = {
    "command:POSTGRESQL",         "command:ADB_FOR_POSTGRESQL",  "command:ADB for PostgreSQL",
    "datasource:postgresql",      "datasource:hybriddb_for_postgresql", "datasource:analyticdb_for_postgresql",
    "table:PostgreSQL",           "table:POSTGRESQL"};

}  // namespace ferry::engines::postgresql
