// ferry's own reader of a zip's entries, from their local headers as the package streams in.
//
// Most packages are zips of many small files. Through libarchive, the walker's thread (the one
// every check and import waits on) spent more on each entry's header (its name turned into wide
// characters and back, its DOS time through the C library's time zone code) than on inflating
// it. This reader takes the header's bytes as they are and inflates with zlib straight into the
// handler's buffer. It reads what libarchive's streaming zip reader reads, the same way: names as
// written (an Info-ZIP Unicode Path written for this very name replaces it; a name a DOS archiver
// wrote with backslashes and no slash gets slashes), the zip64 sizes, a data descriptor after
// the data, stored or deflated data, a directory entry by its trailing slash, a link or special
// file by the mode an Info-ZIP "xl" field gives. What it does not read it refuses by name:
// encrypted entries, other compression methods. Its central directory is checked against the
// entries read, as before (zip_directory.hpp).
//
// Tar packages, compressed streams and a zip that does not start with a local header (or an end
// record: an empty zip) still go through libarchive (archive_walker.cpp).
#pragma once

#include "package/walk_parts.hpp"

namespace ferry::host {

// True when these first bytes of a package are a zip this reader takes.
bool zip_walker_takes(const std::vector<char>& head);

// Walks the zip whose bytes `feed` holds (the peeked ones not yet handed over). Same contract as
// walk_package.
bool walk_zip(Feed& feed, Budget& budget, const WalkErrors& errors, const PackageLimits& limits,
              const EntryHandler& handler, WalkStats& stats, sdk::Diagnostics& diags);

}  // namespace ferry::host
