#include "ferry/sdk/engine.hpp"
#include "sqlite_engine.hpp"

using ferry::engines::sqlite::kOwns;
using ferry::engines::sqlite::kSchema;
using ferry::engines::sqlite::make_engine;

FERRY_PLUGIN(engine, "sqlite", "0.1.0", "SQLite database file: cross-engine rehearsals and the bundled example",
             kSchema, kOwns, make_engine)
