// A zip's central directory, checked against the entries the stream held.
//
// A package is read once, as a stream, so its zip entries come from their local headers; the
// central directory at the end is the list every other tool reads. A package cut short has lost
// that directory or part of it, and a crafted one can list other entries than its local headers
// hold, or give an entry another method, size or CRC-32 than the data it streamed (a tool reading
// the directory would then show other content than ferry imports): either way ferry would import
// something other than the package. So the walker notes each entry's local-header offset, name and
// method as it reads them, and the CRC-32 and size of each entry's data it handed over; when the
// entries end at the directory, the directory, the zip64 end records and the end record are read
// from the bytes that follow, as they stream, and compared with those notes.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::host {

// The last bytes handed to libarchive: at most two pieces, in stream order, ending at `end()`.
// libarchive keeps bytes it read ahead but did not use among them, and MeteredStream keeps its two
// latest views alive, so they can still be read.
class ReadAheadWindow {
  public:
    void push(const char* data, std::size_t size);
    std::uint64_t begin() const { return end_ - older_.size() - newer_.size(); }
    std::uint64_t end() const { return end_; }
    // Copies the `n` bytes at `offset`; false when they are not all held.
    bool copy(std::uint64_t offset, std::size_t n, char* out) const;
    // The held bytes from `offset` to the end, as up to two pieces; false when `offset` is not held.
    bool tail(std::uint64_t offset, std::string_view& first, std::string_view& second) const;

  private:
    std::string_view older_, newer_;
    std::uint64_t end_ = 0;
};

// Where the local header libarchive has just read starts. libarchive looks for "PK\3\4" from
// `search_from` on, skipping what it does not recognise, and consumes the header (30 bytes, name and
// extra field) up to `header_end`; the header is found again in the window. Falls back to
// `search_from` when the window no longer holds it.
std::uint64_t locate_local_header(const ReadAheadWindow& window, std::uint64_t search_from,
                                  std::uint64_t header_end);

// What the end of a zip said, compared with what the stream held.
struct ZipVerdict {
    enum class Kind {
        whole,          // the directory lists exactly the entries read, and nothing follows the end record
        truncated,      // the package ends inside the directory or the end records; `text` is what was expected
        mismatch,       // the directory disagrees with the entries or with its end record; `text` says how
        damaged,        // bytes that are no zip record where one must be; `text` says where
        trailing,       // `trailing_bytes` follow the end record (and its comment) at byte `end_offset`
        source_failed,  // the source failed; its diagnostics are already added
    };
    Kind kind = Kind::whole;
    std::string text;
    std::uint64_t trailing_bytes = 0;
    std::uint64_t end_offset = 0;
};

class ZipDirectory {
  public:
    // One entry as libarchive read it from its local header (name as libarchive reported it), and
    // its compression method when the header is known (-1 when not).
    void add_local(std::uint64_t offset, std::string_view name, int method = -1);
    // The last entry's data as it was handed over whole: its CRC-32 and size. A tool that reads the
    // central directory reads that data by the directory's method, CRC and size, so those must be
    // these, or the package it shows is not the one ferry imports.
    void content_read(std::uint32_t crc, std::uint64_t size);
    std::size_t locals() const { return locals_.size(); }

    // The package's next bytes: points the argument at them and returns how many; 0 at the end of
    // the package, -1 when the source failed. A piece stays readable until the call after next.
    using NextPiece = std::function<std::ptrdiff_t(const char**)>;
    // Reads everything from `directory_start` (where libarchive stopped) to the end of the package,
    // through `next`, and compares it with the local entries.
    ZipVerdict verify(std::uint64_t directory_start, const NextPiece& next) const;

  private:
    struct Local {
        std::uint64_t offset;
        std::uint64_t size = 0;   // as handed over, when `content`
        std::uint32_t block;      // in names_
        std::uint32_t name_at;    // in that block
        std::uint32_t name_size;
        std::uint32_t crc = 0;    // as handed over, when `content`
        std::int32_t method = -1;
        bool content = false;     // handed over whole (entries not offered are not compared)
    };
    std::string_view name_of(const Local& l) const {
        return std::string_view(names_[l.block]).substr(l.name_at, l.name_size);
    }
    // Offsets rise in stream order, so a directory entry's local entry is found by its offset.
    const Local* local_at(std::uint64_t offset, std::size_t hint) const;

    // Flat on purpose: 200,000 entries cost their names plus 40 bytes each. Names fill blocks of a
    // fixed size that are never moved: one string grown by doubling copied every name again and
    // touched twice the memory.
    std::vector<Local> locals_;
    std::vector<std::string> names_;
};

}  // namespace ferry::host
