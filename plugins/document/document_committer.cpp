// Committer "document": stores the objects no engine takes part in (workflows with their inner
// nodes, components, data-quality rules, data services) in the destination workspace, as their
// FlowSpec documents.
#include <memory>

#include "ferry/committer/land.hpp"

namespace {
const char* const kOwns[] = {"kind:workflow", "kind:component", "kind:quality", "kind:service"};
std::unique_ptr<ferry::sdk::Committer> make(const ferry::sdk::CreateContext&, ferry::sdk::Diagnostics&) {
    return std::make_unique<ferry::committer::Lander<ferry::committer::EngineStep::none>>();
}
}  // namespace

FERRY_PLUGIN(committer, "document", "0.1.0",
             "stores workflows, components, quality rules and data services in the destination workspace", nullptr,
             kOwns, make)
