#include "ferry/sdk/engine.hpp"
#include "maxcompute_engine.hpp"

using ferry::engines::maxcompute::kOwns;
using ferry::engines::maxcompute::kSchema;
using ferry::engines::maxcompute::make_engine;

FERRY_PLUGIN(engine, "maxcompute", "0.1.0", "MaxCompute (ODPS): SQL instances, tables, functions and resources over REST",
             kSchema, kOwns, make_engine)
