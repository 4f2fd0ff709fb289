#include "ferry/sdk/engine.hpp"
#include "ownership.hpp"
#include "pg_engine.hpp"

namespace {
std::unique_ptr<ferry::engines::pg::PgEngine> make(const ferry::sdk::CreateContext& ctx, ferry::sdk::Diagnostics& diags) {
    return ferry::engines::pg::make_engine(ferry::engine::Dialect::hologres, ctx, diags);
}
}  // namespace

FERRY_PLUGIN(engine, "hologres", "0.1.0", "Hologres through PostgreSQL's protocol (libpq)", ferry::engines::pg::kSchema,
             ferry::engines::hologres::kOwns, make)
