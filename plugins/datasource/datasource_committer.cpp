// Committer "datasource": stores data sources in the destination workspace
#include <memory>

#include "ferry/committer/land.hpp"

namespace {
const char* const kOwns[] = {"kind:datasource"};
std::unique_ptr<ferry::sdk::Committer> make(const ferry::sdk::CreateContext&, ferry::sdk::Diagnostics&) {
    return std::make_unique<ferry::committer::Lander<ferry::committer::EngineStep::none>>();
}
}  // namespace

FERRY_PLUGIN(committer, "datasource", "0.1.0", "stores data sources in the destination workspace", nullptr, kOwns, make)
