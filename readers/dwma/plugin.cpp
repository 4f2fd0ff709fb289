// Reader plugin "dwma" (dwma_reader.hpp).
#include <memory>

#include "dwma_reader.hpp"

namespace {

std::unique_ptr<ferry::reader::dwma::DwmaReader> make(const ferry::sdk::CreateContext&, ferry::sdk::Diagnostics&) {
    return std::make_unique<ferry::reader::dwma::DwmaReader>();
}

}  // namespace

FERRY_PLUGIN(reader, "dwma", "0.1.0",
             "DataWorks Migration Assistant packages (project.xml, src/workflows/...): nodes, resources, functions, "
             "tables, data sources",
             nullptr, nullptr, make)
