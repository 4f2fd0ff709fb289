// `ferry convert`: a package of any format a reader plugin reads (DolphinScheduler, DWMA, Azkaban,
// or DataWorks' own) written as a SPEC package, with no workspace and no task. The package is read
// and checked exactly as `ferry check` reads it; then each object's canonical FlowSpec document and
// content are written in the layout export writes (spec_layout.hpp), one object at a time.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "ferry/sdk/diagnostic.hpp"
#include "package/model.hpp"
#include "plugin/plugin_registry.hpp"

namespace ferry::host {

struct ConvertResult {
    std::string path;
    bool folder = false;
    std::string sha256;
    std::uint64_t size = 0;
    std::map<std::string, std::size_t> counts;  // objects written, per kind
};

// Writes `model` (read with its documents kept: ReadOptions::spool_dir set) to `output` (OUT.zip or
// DIR/). Nothing is written when the model has errors in `diags`. False after an error.
bool write_converted(const PluginRegistry& registry, const PackageModel& model, const std::string& output,
                     ConvertResult& result, sdk::Diagnostics& diags);

}  // namespace ferry::host
