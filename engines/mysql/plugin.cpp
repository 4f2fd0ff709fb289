#include "ferry/sdk/engine.hpp"
#include "mysql_engine.hpp"

using ferry::engines::mysql::kOwns;
using ferry::engines::mysql::kSchema;
using ferry::engines::mysql::make_engine;

FERRY_PLUGIN(engine, "mysql", "0.1.0", "MySQL, MariaDB and AnalyticDB for MySQL through libmariadb", kSchema, kOwns,
             make_engine)
