// A package's documents and files, copied to a spool in a temporary folder while it is read, are
// read back one document or one file at a time, by the ten thousand, and mostly in the order they
// were written. Opening the file for each read and reading just those bytes (open, pread, close)
// was a tenth of a 10,000-node import's CPU samples, and reading through windows instead cut its
// CPU time by 14% (docs/performance.md). Here each spool file is opened once and read
// through ReadWindows (util/read_windows.hpp), until it is written anew (`forget`) or its folder
// goes (`forget_under`, called by TempDir's destructor). Thread-safe; one lock per file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace ferry::host::spool_reads {

// Reads `size` bytes at `offset` of the spool file `path` into `out`; false when the file cannot be
// opened or holds fewer bytes there.
bool read(const std::string& path, std::uint64_t offset, std::uint64_t size, std::string& out);

// The file at `path` is about to be created or written anew: nothing read of it before may be
// served again.
void forget(const std::string& path);

// Every file under `dir` is about to go: their descriptors are closed.
void forget_under(const std::filesystem::path& dir);

// How many spool files are open (for the tests).
std::size_t open_files();

}  // namespace ferry::host::spool_reads
