// Committer "table": creates tables on their engine when tables are committed, then stores them
#include <memory>

#include "ferry/committer/land.hpp"

namespace {
const char* const kOwns[] = {"kind:table"};
std::unique_ptr<ferry::sdk::Committer> make(const ferry::sdk::CreateContext&, ferry::sdk::Diagnostics&) {
    return std::make_unique<ferry::committer::Lander<ferry::committer::EngineStep::statements>>();
}
}  // namespace

FERRY_PLUGIN(committer, "table", "0.1.0", "creates tables on their engine when tables are committed, then stores them", nullptr, kOwns, make)
