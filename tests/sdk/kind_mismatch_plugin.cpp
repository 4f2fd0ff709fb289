// Compiled by tests/sdk/plugin_kind_check.sh, never built into the tree: a plugin library whose
// FERRY_PLUGIN kind is chosen by AS_ENGINE, AS_SOURCE or AS_DESTINATION while its factory makes an engine.
#include <memory>

#include "ferry/sdk/sdk.hpp"

namespace {
class NullEngine : public ferry::sdk::Engine {
  public:
    std::string dialect() const override { return "sqlite"; }
    ferry::sdk::RewriteResponse rewrite(const ferry::sdk::RewriteRequest&) override { return {}; }
    ferry::sdk::TableResponse render_table(const ferry::sdk::TableRequest&) override { return {}; }
    ferry::sdk::FunctionResponse render_function(const ferry::sdk::FunctionRequest&) override { return {}; }
    ferry::sdk::ExistsResponse exists(const ferry::sdk::ExistsRequest&) override { return {}; }
    ferry::sdk::ApplyResponse apply(const ferry::sdk::ApplyRequest&) override { return {}; }
};
std::unique_ptr<NullEngine> make(const ferry::sdk::CreateContext&, ferry::sdk::Diagnostics&) {
    return std::make_unique<NullEngine>();
}
}  // namespace

// Each kind spelled out: the macro stringizes its KIND argument as written.
#if defined(AS_ENGINE)
FERRY_PLUGIN(engine, "kind_check", "0.1.0", "an engine factory", nullptr, nullptr, make)
#elif defined(AS_SOURCE)
FERRY_PLUGIN(source, "kind_check", "0.1.0", "an engine factory", nullptr, nullptr, make)
#elif defined(AS_DESTINATION)
FERRY_PLUGIN(destination, "kind_check", "0.1.0", "an engine factory", nullptr, nullptr, make)
#endif
