// What both package walkers share (archive_walker.cpp drives libarchive, zip_walker.cpp reads zips
// itself): the bytes of the package as they stream in, the caps on what it unpacks to, the checks
// every entry passes before its handler sees it, and the words of the errors a walk ends with.
// Internal to the package folder.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "package/archive_walker.hpp"
#include "package/zip_directory.hpp"

namespace ferry::host {

// The package as it streams in: first the bytes peeked to tell a lone JSON document from an
// archive, then the stream's own pieces, uncopied.
struct Feed {
    MeteredStream* stream = nullptr;
    sdk::Diagnostics* diags = nullptr;
    std::vector<char> peeked;
    std::size_t peeked_used = 0;
    bool source_failed = false;
    // A reader asked for more and the package had ended: whatever it says next, it was cut short
    // of what it needed.
    bool ended = false;
    ReadAheadWindow window;  // the last pieces handed over

    // Points `out` at the next bytes; their count, 0 at the end of the package, -1 when the source
    // failed (its diagnostics are added). A piece stays readable until the call after next.
    std::ptrdiff_t next(const char** out);
};

// Caps apply to bytes as decompressed, never to sizes the archive declares (they can lie).
class Budget {
  public:
    Budget(const PackageLimits& limits, MeteredStream& stream, WalkStats& stats, sdk::Diagnostics& diags)
        : limits_(limits), stream_(stream), stats_(stats), diags_(diags) {}
    // `n` more bytes of the entry at `path`, which has unpacked `entry_bytes` so far; false (an
    // error added) past a cap.
    bool account(const std::string& path, std::uint64_t entry_bytes, std::size_t n);

  private:
    bool bomb(const std::string& path, const std::string& why);
    const PackageLimits& limits_;
    MeteredStream& stream_;
    WalkStats& stats_;
    sdk::Diagnostics& diags_;
};

// The words of a walk's end.
class WalkErrors {
  public:
    WalkErrors(const MeteredStream& stream, const WalkStats& stats, const std::string& display_name,
               sdk::Diagnostics& diags)
        : stream_(stream), stats_(stats), display_name_(display_name), diags_(diags) {}
    // FERRY-PKG-TRUNCATED: "cut short after N bytes and M entries: <expected>".
    void truncated(const std::string& expected) const;
    // FERRY-PKG-CORRUPT at `where` (the package, or the entry whose bytes are damaged).
    void damaged(const std::string& reason, const std::string& where) const;
    // What the end of a zip said (zip_directory.hpp), as its error; true when it is whole.
    bool zip_verdict(const ZipVerdict& verdict) const;
    const std::string& display_name() const { return display_name_; }

  private:
    const MeteredStream& stream_;
    const WalkStats& stats_;
    const std::string& display_name_;
    sdk::Diagnostics& diags_;
};

extern const char* const kNextZipRecordExpected;  // "the next entry or the zip's central directory was expected"

// An entry as its archive describes it, before its handler may see it.
enum class EntryType { file, directory, symlink, hardlink, special };

// The checks every entry passes, in this order: the entry cap (false: the walk stops), its path and
// its type. Sets `path` (normalised) and `offer` (true when the handler is to read it); an entry
// refused adds its error and is skipped, the walk going on to report the others.
bool admit_entry(const std::string& raw_name, EntryType type, const PackageLimits& limits, WalkStats& stats,
                 const std::string& display_name, sdk::Diagnostics& diags, bool& ok, std::string& path,
                 bool& offer);

}  // namespace ferry::host
