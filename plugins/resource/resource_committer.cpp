// Committer "resource": uploads resources to their engine when resources are committed, then stores them
#include <memory>

#include "ferry/committer/land.hpp"

namespace {
const char* const kOwns[] = {"kind:resource"};
std::unique_ptr<ferry::sdk::Committer> make(const ferry::sdk::CreateContext&, ferry::sdk::Diagnostics&) {
    return std::make_unique<ferry::committer::Lander<ferry::committer::EngineStep::upload>>();
}
}  // namespace

FERRY_PLUGIN(committer, "resource", "0.1.0", "uploads resources to their engine when resources are committed, then stores them", nullptr, kOwns, make)
