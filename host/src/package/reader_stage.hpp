// Between the archive walker and the collector: chooses the package's reader plugin and feeds it.
//
// The first entries (up to 32) are held (small ones in memory, large ones in a private temporary
// folder) while every loaded reader looks at them; the most confident one reads the package. The
// "spec" reader (DataWorks' own formats) passes entries straight to the collector, as they stream;
// any other reader gets every entry and writes a SPEC package, whose entries go to the collector as
// if they had been in the archive. No reader, or a family a reader names but does not read, is
// FERRY-PKG-FORMAT-UNSUPPORTED naming it, never "empty".
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ferry/sdk/diagnostic.hpp"
#include "package/archive_walker.hpp"

namespace ferry::host {

class PluginRegistry;

// The collector's entry handler, and what a reader's output must look like to it.
using EntrySink = std::function<bool(const EntryInfo&, EntryReader&)>;

// Paths a reader writes must be as safe as an archive's (sdk::safe_output_path: relative, no "..",
// "." or empty segment, no backslash or control character). Others are FERRY-READER-PATH.
bool safe_path(const std::string& p);

class ReaderStage {
  public:
    // `registry` may be null: every package is then read as DataWorks' own format.
    ReaderStage(const PluginRegistry* registry, EntrySink sink, sdk::Diagnostics& diags);
    ~ReaderStage();

    bool on_entry(const EntryInfo& info, EntryReader& reader);
    // After the last entry: decides if it has not yet, and lets the reader write what needs the
    // whole package. False after an error.
    bool finish();

    // The format the chosen reader named ("dolphinscheduler-1.3"...); empty for the "spec" reader,
    // whose layout the collector tells itself.
    const std::string& format() const { return format_; }
    // Whether the collector saw the archive's own entries (the "spec" reader).
    bool passthrough() const { return passthrough_; }

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    std::string format_;
    bool passthrough_ = true;
};

}  // namespace ferry::host
