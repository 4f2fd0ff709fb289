// Reader plugin "azkaban" (azkaban_reader.hpp).
#include <memory>

#include "azkaban_reader.hpp"

namespace {

std::unique_ptr<ferry::reader::azkaban::AzkabanReader> make(const ferry::sdk::CreateContext&, ferry::sdk::Diagnostics&) {
    return std::make_unique<ferry::reader::azkaban::AzkabanReader>();
}

}  // namespace

FERRY_PLUGIN(reader, "azkaban", "0.1.0",
             "Azkaban projects (Flow 1.0 .job/.properties, Flow 2.0 .flow YAML) as workflows; names Airflow and "
             "Oozie packages it does not read",
             nullptr, nullptr, make)
