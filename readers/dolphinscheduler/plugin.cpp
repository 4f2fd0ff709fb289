// The plugin's one entry: the reader itself lives in the core library the tests link too.
#include "dolphinscheduler_reader.hpp"

namespace {

std::unique_ptr<ferry::sdk::Reader> make(const ferry::sdk::CreateContext&, ferry::sdk::Diagnostics&) {
    return ferry::reader::ds::make_dolphinscheduler_reader();
}

}  // namespace

FERRY_PLUGIN(reader, "dolphinscheduler", "0.1.0",
             "Apache DolphinScheduler exports: 1.3.x whole-project exports and 2.x/3.x workflow definitions", nullptr,
             nullptr, make)
