// Walks the entries of a package as it streams in: a zip through ferry's own reader
// (zip_walker.hpp), tar, tar.gz/bz2/xz/zst and other zips through libarchive, or a lone JSON
// document, refusing what could harm the machine: unsafe paths, links, decompression
// bombs, too many entries, names that are not UTF-8. Nothing is extracted: entry bytes go to the
// handler as they are decompressed. A package must be whole: cut short (FERRY-PKG-TRUNCATED), a
// zip whose central directory lists other entries (FERRY-PKG-ZIP-MISMATCH) or with bytes after
// its end (FERRY-PKG-TRAILING-DATA) is refused once its entries have been walked.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "ferry/sdk/diagnostic.hpp"
#include "package/metered_stream.hpp"

namespace ferry::host {

struct PackageLimits {
    std::uint64_t max_entries = 200000;
    std::uint64_t max_entry_size = 1ull << 30;      // 1 GiB uncompressed per entry
    std::uint64_t max_total_size = 64ull << 30;     // 64 GiB uncompressed in all
    double max_ratio = 200.0;                       // uncompressed / compressed, checked past the floor
    std::uint64_t ratio_floor = 64ull << 20;        // small packages may compress as well as they like
    std::uint64_t max_json_size = 256ull << 20;     // one FlowSpec document
    int max_json_depth = 64;
    // Not a limit: a zip goes through libarchive as a tar does, not through ferry's own reader.
    // Tests compare the two readers on the same bytes.
    bool zip_through_libarchive = false;
};

struct EntryInfo {
    std::string path;          // normalised: no leading "./", "/" separators
    std::int64_t declared_size = -1;
    bool lone_document = false;  // the package is this one JSON document, not an archive
};

// Reads the current entry's bytes; returns bytes read, 0 at its end, -1 when the walk must stop
// (an error was added to the diagnostics).
class EntryReader {
  public:
    virtual ~EntryReader() = default;
    virtual std::ptrdiff_t read(char* buffer, std::size_t size) = 0;
};

// Called once per regular-file entry. Return false to stop the walk (after adding an error).
using EntryHandler = std::function<bool(const EntryInfo&, EntryReader&)>;

struct WalkStats {
    std::uint64_t entries = 0;
    std::uint64_t uncompressed = 0;
    bool lone_document = false;
};

// Returns false when the package is unsound (errors added); the handler's own errors count too.
bool walk_package(MeteredStream& stream, const std::string& display_name, const PackageLimits& limits,
                  const EntryHandler& handler, WalkStats& stats, sdk::Diagnostics& diags);

// Checks one entry path; returns an empty string when fine, else the problem ("is absolute"...).
std::string entry_path_problem(const std::string& raw, std::string& normalised);

}  // namespace ferry::host
