// Writes an export's files, one at a time (never the whole package in memory), as a zip or as a
// folder. Both are deterministic: a zip's entries carry a fixed time and mode in the order they
// were added (the exporter adds them sorted); a folder's files are rewritten only when their bytes
// change, so exporting an unchanged workspace again touches nothing.
#pragma once

#include <filesystem>
#include <memory>
#include <set>
#include <string>

#include "ferry/sdk/diagnostic.hpp"

namespace ferry::host {

class PackageWriter {
  public:
    virtual ~PackageWriter() = default;
    // False after adding an error (the export then stops).
    virtual bool add(const std::string& path, const std::string& bytes, sdk::Diagnostics& diags) = 0;
    // Completes the package; `prune` (a full export into a folder): files below DataStudio/ and
    // DataSource/ that this export did not write are removed, so the folder mirrors the workspace.
    virtual bool finish(bool prune, sdk::Diagnostics& diags) = 0;
    // Files written (changed or new) and left as they were.
    std::size_t written = 0, unchanged = 0, removed = 0;
};

// A zip at `file`, written to a temporary file beside it and renamed into place when finished (a
// killed export leaves no half package under the name).
std::unique_ptr<PackageWriter> zip_writer(const std::filesystem::path& file, sdk::Diagnostics& diags);

// The files laid out below `folder` (created if missing).
std::unique_ptr<PackageWriter> folder_writer(const std::filesystem::path& folder, sdk::Diagnostics& diags);

}  // namespace ferry::host
