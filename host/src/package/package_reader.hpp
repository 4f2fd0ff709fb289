// Reads a package from a source into the model in one streamed pass: FlowSpec documents are parsed
// as they arrive, other files are only measured (check, preview) or copied into a private spool
// folder (import), never held in memory.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "ferry/sdk/diagnostic.hpp"
#include "ferry/sdk/source.hpp"
#include "package/archive_walker.hpp"
#include "package/model.hpp"

namespace ferry::host {

class PluginRegistry;

struct ReadOptions {
    std::uint64_t max_size = 30ull << 20;  // the product's default cap; 0 = none
    PackageLimits limits;
    // When set, non-document entries are copied here (private temporary folder) so an import can
    // read code and resource bytes after the stream is gone.
    const std::filesystem::path* spool_dir = nullptr;
    // The reader plugins to choose from (package formats); null: DataWorks' own formats only.
    const PluginRegistry* registry = nullptr;
};

// Opens the source, streams and reads the package. Returns false when the package cannot be used
// (errors in diags); `out.info` is filled as far as the bytes went.
bool read_package(sdk::Source& source, const std::string& source_plugin, const ReadOptions& options,
                  PackageModel& out, sdk::Diagnostics& diags);

// Opens the source and streams the package only to measure and hash it (size, SHA-256 in
// `out`), under the same cap; nothing is parsed or kept. How a re-run tells an unchanged package.
bool hash_package(sdk::Source& source, const std::string& source_plugin, std::uint64_t max_size, PackageInfo& out,
                  sdk::Diagnostics& diags);

// A layout's FlowSpec document by its name: `*.schedule.json`, `*.flow`, or a `.json` file in a
// DataSource folder. The collector parses these; everything else is a file it only carries.
bool named_as_document(const std::string& path);

// Reads the bytes of a content reference (inline text or spooled file).
bool load_content(const ContentRef& ref, std::string& out, sdk::Diagnostics& diags);
// SHA-256 of a content reference's bytes, read in chunks (never the whole content in memory).
bool hash_content(const ContentRef& ref, std::string& hex, sdk::Diagnostics& diags);
// Copies a content reference's bytes into a file of their own (an engine upload needs one).
bool write_content(const ContentRef& ref, const std::string& path, sdk::Diagnostics& diags);

}  // namespace ferry::host
