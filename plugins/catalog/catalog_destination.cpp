// Destination "catalog": ferry's own workspace catalog (embedded SQLite or PostgreSQL) is where the
// objects land. Tables, functions and resources go to their engines when the commission rules say
// so; every object is then its record in the catalog. Nothing else holds the workspace, so there is
// nothing to list: the plan compares against the catalog itself.
#include <memory>

#include "ferry/committer/land.hpp"
#include "ferry/sdk/destination.hpp"

namespace {

using ferry::committer::EngineStep;
using ferry::committer::Lander;

class CatalogDestination : public ferry::sdk::Destination {
  public:
    std::string describe() const override { return "ferry's workspace catalog"; }
    bool holds(ferry::sdk::ObjectKind) const override { return false; }
    bool list(ferry::sdk::ObjectKind, ferry::sdk::RemoteListing&, ferry::sdk::Diagnostics&) override { return true; }
    ferry::sdk::Committer* committer(ferry::sdk::ObjectKind kind) override {
        switch (ferry::committer::engine_step_of(kind)) {
            case EngineStep::statements: return &statements_;
            case EngineStep::upload: return &upload_;
            case EngineStep::none: return &record_only_;
        }
        return nullptr;
    }

  private:
    Lander<EngineStep::none> record_only_;
    Lander<EngineStep::statements> statements_;
    Lander<EngineStep::upload> upload_;
};

const char* const kOwns[] = {"kind:node",       "kind:workflow", "kind:resource", "kind:table",  "kind:function",
                             "kind:datasource", "kind:component", "kind:quality", "kind:service"};

std::unique_ptr<ferry::sdk::Destination> make(const ferry::sdk::CreateContext&, ferry::sdk::Diagnostics&) {
    return std::make_unique<CatalogDestination>();
}

}  // namespace

FERRY_PLUGIN(destination, "catalog", "0.3.0",
             "ferry's workspace catalog: objects are stored there; tables, functions and resources also go to "
             "their engines when committed",
             nullptr, kOwns, make)
