#include "ferry/sdk/engine.hpp"
#include "hive_engine.hpp"
#include "ownership.hpp"

namespace {
std::unique_ptr<ferry::engines::hive::HiveEngine> make(const ferry::sdk::CreateContext& ctx, ferry::sdk::Diagnostics& diags) {
    return ferry::engines::hive::make_engine("CDH", ctx, diags);
}
}  // namespace

FERRY_PLUGIN(engine, "cdh", "0.1.0", "CDH (Hive, Spark, Impala, ...): rewrite and Hive DDL; statements rendered, not executed",
             ferry::engines::hive::kSchema, ferry::engines::cdh::kOwns, make)
