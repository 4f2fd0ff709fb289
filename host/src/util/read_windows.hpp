// Many small reads of one file, mostly each where the last one ended (a pass over spooled objects,
// a package's documents read back in the order they were written), served from a few read-ahead
// windows: one system call per window instead of one per read. Several passes at once (two threads,
// or a list beside its documents) each keep a window of their own; a read elsewhere, or one larger
// than a window, reads just its bytes.
//
// Not thread-safe, and the file is not owned: ObjectSpool and spool_reads (util/spool_reads.hpp)
// call it under their own locks with their own descriptors. The bytes read must not change while
// windows hold them: both files are append-only.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace ferry::host {

class ReadWindows {
  public:
    static constexpr std::size_t kWindow = 256u << 10;

    // Reads `size` bytes at `offset` of `fd` into `out` (replacing its content); the file's bytes
    // end at `limit` or at its end, whichever is first. False when fewer bytes are there (errno
    // says why when a read failed).
    bool read(int fd, std::uint64_t limit, std::uint64_t offset, std::uint64_t size, std::string& out);

  private:
    struct Window {
        std::uint64_t offset = 0;
        std::string bytes;
        std::uint64_t last_end = 0;  // where the last read it served or followed ended
        std::uint64_t used = 0;      // clock_ then
    };
    std::array<Window, 4> windows_;
    std::uint64_t clock_ = 0;
};

// Reads up to `n` bytes of `fd` at `offset` into `into`; how many it got (short only at an error or
// the file's end).
std::uint64_t pread_full(int fd, char* into, std::uint64_t n, std::uint64_t offset);

}  // namespace ferry::host
