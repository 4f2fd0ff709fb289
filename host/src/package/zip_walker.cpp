#include "package/zip_walker.hpp"

#include "package/zip_records.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string_view>

namespace ferry::host {

namespace {

using namespace zip;

constexpr std::uint32_t kAllOnes = 0xffffffffu;

// The package's bytes at a cursor, across the feed's pieces: a header cut by a piece's end is
// gathered into a buffer of its own; data is read where the piece holds it.
class ZipInput {
  public:
    explicit ZipInput(Feed& feed) : feed_(feed) {}

    std::uint64_t offset() const { return offset_; }
    // Why the last peek failed: the source (its own error says so), else the package ended.
    bool source_failed() const { return feed_.source_failed; }

    // How many bytes the cursor's piece holds (fetching the next piece when it is used up): 0 at
    // the end of the package, -1 when the source failed.
    std::ptrdiff_t available() {
        while (cur_n_ == 0) {
            if (rest_n_ > 0) {
                cur_ = rest_;
                cur_n_ = rest_n_;
                rest_n_ = 0;
                break;
            }
            const char* p = nullptr;
            const std::ptrdiff_t n = feed_.next(&p);
            if (n <= 0) return n;
            cur_ = p;
            cur_n_ = static_cast<std::size_t>(n);
        }
        return static_cast<std::ptrdiff_t>(cur_n_);
    }
    const char* data() const { return cur_; }
    void skip(std::size_t n) {
        cur_ += n;
        cur_n_ -= n;
        offset_ += n;
    }

    // Points `out` at the `n` bytes at the cursor, whole, without consuming them; false when the
    // package ends (or its source fails) first. Bytes gathered across pieces take up to kGather
    // more of the last piece along: a stored entry with a descriptor peeks at every step, and
    // gathering only what one step wants moved it 8 bytes a step until that piece was used up.
    bool peek(std::size_t n, const char** out) {
        if (available() <= 0) return false;
        if (cur_n_ >= n) {
            *out = cur_;
            return true;
        }
        std::string joined;
        joined.reserve(n);
        joined.append(cur_, cur_n_);
        bool whole = true;
        while (joined.size() < n) {
            const char* p = nullptr;
            std::size_t pn = 0;
            if (rest_n_ > 0) {
                p = rest_;
                pn = rest_n_;
                rest_n_ = 0;
            } else {
                const std::ptrdiff_t got = feed_.next(&p);
                if (got <= 0) {
                    whole = false;
                    break;
                }
                pn = static_cast<std::size_t>(got);
            }
            const std::size_t take = std::min(pn, n - joined.size() + kGather);
            joined.append(p, take);
            if (take < pn) {
                rest_ = p + take;
                rest_n_ = pn - take;
            }
        }
        carry_ = std::move(joined);
        cur_ = carry_.data();
        cur_n_ = carry_.size();
        *out = cur_;
        return whole;
    }

    // The rest of the package from the cursor on, piece by piece (ZipDirectory::verify's input).
    ZipDirectory::NextPiece rest() {
        return [this](const char** out) -> std::ptrdiff_t {
            if (const std::ptrdiff_t n = available(); n <= 0) return n;
            *out = cur_;
            const auto n = static_cast<std::ptrdiff_t>(cur_n_);
            skip(cur_n_);
            return n;
        };
    }

  private:
    static constexpr std::size_t kGather = 64u << 10;
    Feed& feed_;
    const char* cur_ = nullptr;
    std::size_t cur_n_ = 0;
    // A piece's bytes after those gathered into carry_: read next, before any other piece, so the
    // piece is still held (a feed's piece stays readable until the call after next).
    const char* rest_ = nullptr;
    std::size_t rest_n_ = 0;
    std::string carry_;
    std::uint64_t offset_ = 0;
};

// One entry as its local header describes it.
struct LocalEntry {
    std::uint64_t header_offset = 0;
    std::uint16_t flags = 0;
    std::uint16_t method = 0;
    std::uint32_t crc = 0;
    std::uint64_t compressed = 0;
    std::uint64_t uncompressed = 0;
    bool zip64 = false;          // it has a zip64 field: its data descriptor's sizes are 8 bytes
    unsigned system = 0;         // who made it, as libarchive tells: 0 is DOS, 3 is Unix
    std::uint32_t mode = 0;      // a Unix mode, when an Info-ZIP "xl" field gives one
    std::string name;

    bool sizes_at_end() const { return (flags & 0x0008) != 0; }
    bool encrypted() const { return (flags & 0x0041) != 0; }  // traditional or strong encryption
};

// The extra fields libarchive reads from a local header: zip64 sizes (0x0001), an Info-ZIP
// Unicode Path written for this very name (0x7075, the same rule as zip_directory.cpp), and
// Info-ZIP's "xl" field with the maker's system and the file's attributes (0x6c78).
// False when the block is damaged where libarchive refuses it: too short to hold a field, a field
// running past its end, a WinZip AES field too short for its fields.
bool read_extra(std::string_view extra, LocalEntry& e) {
    if (!extra.empty() && extra.size() < 4) return false;
    bool whole = true;
    const bool fields = for_each_extra(extra, [&](std::uint16_t id, const char* data, std::size_t size) {
        if (id == 0x9901 && size < 6) whole = false;
        if (id == 0x0001) {
            e.zip64 = true;
            std::size_t at = 0;
            if (e.uncompressed == kAllOnes && at + 8 <= size) {
                e.uncompressed = le64(data + at);
                at += 8;
            }
            if (e.compressed == kAllOnes && at + 8 <= size) e.compressed = le64(data + at);
        } else if (id == 0x7075) {
            std::string unicode;
            if (unicode_path(e.name, data, size, unicode)) e.name = std::move(unicode);
        } else if (id == 0x6c78 && size >= 1) {
            const unsigned bitmap = static_cast<unsigned char>(data[0]);
            std::size_t at = 1;
            if ((bitmap & 1) && at + 2 <= size) {
                e.system = le16(data + at) >> 8;
                at += 2;
            }
            if (bitmap & 2) at += 2;
            if ((bitmap & 4) && at + 4 <= size) {
                const std::uint32_t attributes = le32(data + at);
                if (e.system == 3) e.mode = attributes >> 16;
                else if (e.system == 0) e.mode = (attributes & 0x10) ? 0040000 : 0100000;
                else e.mode = 0;
            }
        }
    });
    return fields && whole;
}

EntryType type_of(const LocalEntry& e) {
    if (!e.name.empty() && e.name.back() == '/') return EntryType::directory;
    switch (e.mode & 0170000) {
        case 0:
        case 0100000:
        case 0010000:  // Info-ZIP stats a pipe it reads from: libarchive takes it as a file
            return EntryType::file;
        case 0040000: return EntryType::directory;
        case 0120000: return EntryType::symlink;
        default: return EntryType::special;
    }
}

std::string method_name(std::uint16_t method) {
    switch (method) {
        case 1: return "shrink";
        case 6: return "implode";
        case 9: return "deflate64";
        case 12: return "bzip2";
        case 14: return "lzma";
        case 93: return "zstd";
        case 95: return "xz";
        case 98: return "ppmd";
        case 99: return "AES";
        default: return "unknown";
    }
}

struct Inflater {
    z_stream z{};
    bool ready = false;
    Inflater() { ready = inflateInit2(&z, -MAX_WBITS) == Z_OK; }
    ~Inflater() {
        if (ready) inflateEnd(&z);
    }
    Inflater(const Inflater&) = delete;
    Inflater& operator=(const Inflater&) = delete;
};

// An entry's bytes, unpacked as the handler reads them; at their end, the sizes and CRC-32 the zip
// gives (its data descriptor's, when it has one) must be what was read.
class ZipEntryData : public EntryReader {
  public:
    ZipEntryData(ZipInput& in, Inflater& inflater, const LocalEntry& e, const std::string& path, Budget& budget,
                 const WalkErrors& errors)
        : in_(in), z_(inflater.z), e_(e), path_(path), budget_(budget), errors_(errors) {
        inflateReset(&z_);
    }

    std::ptrdiff_t read(char* buffer, std::size_t size) override {
        if (failed_) return -1;
        if (done_ || size == 0) return 0;
        std::ptrdiff_t n = e_.method == 8 ? inflate_some(buffer, size) : copy_some(buffer, size);
        if (n < 0) return fail();
        if (n == 0) {
            if (!finish()) return fail();
            done_ = true;
            return 0;
        }
        crc_ = zip::crc32(crc_, buffer, static_cast<std::size_t>(n));
        produced_ += static_cast<std::uint64_t>(n);
        if (!budget_.account(path_, produced_, static_cast<std::size_t>(n))) return fail();
        return n;
    }

    // Passes over the rest of the entry without unpacking it, when its compressed size is known
    // (an entry the walk refused: libarchive skips those the same way). False when it could not.
    bool skip_unread() {
        if (e_.sizes_at_end()) return drain();
        if (!pass_over(e_.compressed)) return false;
        done_ = true;
        return true;
    }

    // The CRC-32 and size of what was handed over (the entry's, once drain() succeeded).
    std::uint32_t crc() const { return crc_; }
    std::uint64_t produced() const { return produced_; }

    // Reads what is left, still counted against the caps.
    bool drain() {
        char sink[1 << 16];
        std::ptrdiff_t n = 0;
        while ((n = read(sink, sizeof sink)) > 0) {
        }
        return n == 0;
    }

  private:
    std::ptrdiff_t fail() {
        failed_ = true;
        return -1;
    }

    // `left` bytes of the entry's data, not read.
    bool pass_over(std::uint64_t left) {
        while (left > 0) {
            const std::ptrdiff_t n = in_.available();
            if (n <= 0) return cut(n);
            const auto k = static_cast<std::size_t>(std::min<std::uint64_t>(left, static_cast<std::uint64_t>(n)));
            in_.skip(k);
            left -= k;
        }
        return true;
    }

    // The package ended (or its source failed) inside the entry.
    bool cut(std::ptrdiff_t available) {
        if (available == 0) errors_.truncated("the rest of entry '" + path_ + "' was expected");
        return false;
    }

    std::ptrdiff_t copy_some(char* buffer, std::size_t size) {
        if (!e_.sizes_at_end() && consumed_ >= e_.compressed) return 0;
        std::size_t n = 0;
        if (!e_.sizes_at_end()) {
            const std::ptrdiff_t avail = in_.available();
            if (avail <= 0) {
                cut(avail);
                return -1;
            }
            n = static_cast<std::size_t>(
                std::min<std::uint64_t>(std::min(size, static_cast<std::size_t>(avail)), e_.compressed - consumed_));
        } else {
            // Stored with its sizes after it: the data ends at the first descriptor signature
            // followed by the CRC-32 of the data before it (as libarchive reads it: the signature's
            // bytes alone may well be data, a stored zip inside the package for one). Each step
            // wants a whole descriptor and 8 bytes more at hand, or the entry is cut short.
            const std::size_t descriptor = e_.zip64 ? 24 : 16;
            const char* p = nullptr;
            if (!in_.peek(descriptor + 8, &p)) {
                if (!in_.source_failed()) cut(0);
                return -1;
            }
            const std::size_t avail = static_cast<std::size_t>(in_.available());
            const std::string_view starts(in_.data(), avail - descriptor + 3);
            std::size_t at = starts.find("PK\x07\x08");
            // crc_ covers the data before the cursor: a signature there is checked; one further on
            // is where this step ends, and checked by the next.
            if (at == 0 && le32(in_.data() + 4) != crc_) at = starts.find("PK\x07\x08", 1);
            n = std::min(size, at != std::string_view::npos && at < avail - descriptor ? at : avail - descriptor);
        }
        if (n == 0) return 0;
        std::memcpy(buffer, in_.data(), n);
        in_.skip(n);
        consumed_ += n;
        return static_cast<std::ptrdiff_t>(n);
    }

    std::ptrdiff_t inflate_some(char* buffer, std::size_t size) {
        if (stream_ended_) return 0;
        z_.next_out = reinterpret_cast<Bytef*>(buffer);
        z_.avail_out = static_cast<uInt>(std::min<std::size_t>(size, 1u << 30));
        const uInt asked = z_.avail_out;
        while (z_.avail_out == asked) {
            const std::ptrdiff_t avail = in_.available();
            if (avail <= 0) {
                cut(avail);
                return -1;
            }
            std::uint64_t feed = static_cast<std::uint64_t>(avail);
            if (!e_.sizes_at_end()) {
                feed = std::min(feed, e_.compressed - consumed_);
                if (feed == 0) {
                    errors_.damaged("entry '" + path_ + "' has more deflated data than the " +
                                        std::to_string(e_.compressed) + " bytes its header gives it",
                                    path_);
                    return -1;
                }
            }
            z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in_.data()));
            z_.avail_in = static_cast<uInt>(std::min<std::uint64_t>(feed, 1u << 30));
            const uInt offered = z_.avail_in;
            const int r = ::inflate(&z_, Z_NO_FLUSH);
            const std::size_t used = offered - z_.avail_in;
            in_.skip(used);
            consumed_ += used;
            if (r == Z_STREAM_END) {
                stream_ended_ = true;
                break;
            }
            if (r != Z_OK && r != Z_BUF_ERROR) {
                errors_.damaged("entry '" + path_ + "' does not inflate (" +
                                    (z_.msg ? std::string(z_.msg) : "zlib error " + std::to_string(r)) + ")",
                                path_);
                return -1;
            }
        }
        return static_cast<std::ptrdiff_t>(asked - z_.avail_out);
    }

    // The entry's data has ended: its descriptor (when its sizes follow it), then the checks.
    bool finish() {
        std::uint32_t crc = e_.crc;
        std::uint64_t compressed = e_.compressed, uncompressed = e_.uncompressed;
        if (e_.sizes_at_end()) {
            const char* p = nullptr;
            // After deflated data libarchive wants 24 bytes, however long the descriptor is.
            if (!in_.peek(e_.method == 8 ? 24 : 4, &p)) return cut_descriptor();
            if (le32(p) == kDescriptor) in_.skip(4);
            const std::size_t size = e_.zip64 ? 20 : 12;
            if (!in_.peek(size, &p)) return cut_descriptor();
            crc = le32(p);
            compressed = e_.zip64 ? le64(p + 4) : le32(p + 4);
            uncompressed = e_.zip64 ? le64(p + 12) : le32(p + 8);
            in_.skip(size);
        } else if (consumed_ < e_.compressed) {
            // The deflate stream ended before the bytes its header gives it: they are passed over.
            if (!pass_over(e_.compressed - consumed_)) return false;
            consumed_ = e_.compressed;
        }
        if (e_.sizes_at_end() && consumed_ != compressed) {
            errors_.damaged("entry '" + path_ + "' has " + std::to_string(consumed_) +
                                " bytes of data, where its data descriptor says " + std::to_string(compressed),
                            path_);
            return false;
        }
        if (produced_ != uncompressed) {
            errors_.damaged("entry '" + path_ + "' unpacks to " + std::to_string(produced_) +
                                " bytes, where the zip says " + std::to_string(uncompressed),
                            path_);
            return false;
        }
        if (crc_ != crc) {
            errors_.damaged("entry '" + path_ + "' fails its CRC-32 check", path_);
            return false;
        }
        return true;
    }

    bool cut_descriptor() {
        if (!in_.source_failed()) errors_.truncated(kNextZipRecordExpected);
        return false;
    }

    ZipInput& in_;
    z_stream& z_;
    const LocalEntry& e_;
    const std::string& path_;
    Budget& budget_;
    const WalkErrors& errors_;
    std::uint64_t consumed_ = 0;  // compressed bytes read
    std::uint64_t produced_ = 0;  // bytes handed over
    std::uint32_t crc_ = 0;
    bool stream_ended_ = false;
    bool done_ = false;
    bool failed_ = false;
};

// Reads the local header at the cursor (its signature checked by the caller). False after adding
// an error.
bool read_local_header(ZipInput& in, LocalEntry& e, const WalkErrors& errors) {
    e.header_offset = in.offset();
    const char* h = nullptr;
    if (!in.peek(kLocalHeaderSize, &h)) {
        if (!in.source_failed()) errors.truncated(kNextZipRecordExpected);
        return false;
    }
    e.system = static_cast<unsigned char>(h[5]);  // libarchive's reading of "version needed"
    e.flags = le16(h + 6);
    e.method = le16(h + 8);
    e.crc = le32(h + 14);
    e.compressed = le32(h + 18);
    e.uncompressed = le32(h + 22);
    const std::size_t name_size = le16(h + 26), extra_size = le16(h + 28);
    const std::size_t whole = kLocalHeaderSize + name_size + extra_size;
    if (!in.peek(whole, &h)) {
        if (!in.source_failed()) errors.truncated(kNextZipRecordExpected);
        return false;
    }
    e.name.assign(h + kLocalHeaderSize, name_size);
    if (!read_extra(std::string_view(h + kLocalHeaderSize + name_size, extra_size), e)) {
        errors.damaged("the extra field of the local header at byte " + std::to_string(e.header_offset) +
                           " is damaged (a field runs past its end)",
                       errors.display_name());
        return false;
    }
    in.skip(whole);
    // DOS archivers may separate with backslashes: a name with no slash gets slashes.
    if (e.system == 0 && e.name.find('/') == std::string::npos && e.name.find('\\') != std::string::npos)
        std::replace(e.name.begin(), e.name.end(), '\\', '/');
    return true;
}

}  // namespace

bool zip_walker_takes(const std::vector<char>& head) {
    if (head.size() < 4) return false;
    const std::uint32_t signature = le32(head.data());
    return signature == kLocalHeader || signature == kEnd;
}

bool walk_zip(Feed& feed, Budget& budget, const WalkErrors& errors, const PackageLimits& limits,
              const EntryHandler& handler, WalkStats& stats, sdk::Diagnostics& diags) {
    ZipInput in(feed);
    Inflater inflater;
    if (!inflater.ready) {
        errors.damaged("zlib could not start an inflater", errors.display_name());
        return false;
    }
    ZipDirectory directory;  // the entries as their local headers say, for the zip's own list
    bool ok = true;
    for (;;) {
        // The next record. Bytes that start none are passed over, as libarchive does, up to a local
        // header; the central directory's list then says whether an entry hid there.
        const std::uint64_t search_from = in.offset();
        std::uint32_t signature = 0;
        for (;;) {
            const char* p = nullptr;
            if (!in.peek(4, &p)) {
                if (!in.source_failed()) errors.truncated(kNextZipRecordExpected);
                return false;
            }
            signature = le32(p);
            if (signature == kLocalHeader || signature == kCentralHeader || signature == kEnd ||
                signature == kEnd64)
                break;
            in.skip(1);
        }
        if (signature != kLocalHeader) {
            if (in.offset() != search_from) {
                errors.damaged(std::to_string(in.offset() - search_from) +
                                   " bytes that are no zip record precede its central directory at byte " +
                                   std::to_string(in.offset()),
                               errors.display_name());
                return false;
            }
            return errors.zip_verdict(directory.verify(in.offset(), in.rest())) && ok && !feed.source_failed;
        }
        LocalEntry e;
        if (!read_local_header(in, e, errors)) return false;
        directory.add_local(e.header_offset, e.name, e.method);
        std::string path;
        bool offer = false;
        if (!admit_entry(e.name, type_of(e), limits, stats, errors.display_name(), diags, ok, path, offer))
            return false;
        const std::string& where = path.empty() ? e.name : path;
        if (e.encrypted() || (e.method != 0 && e.method != 8)) {
            const std::string what =
                e.encrypted() ? "is encrypted: ferry reads no encrypted zip entries"
                              : "is compressed with method " + std::to_string(e.method) + " (" + method_name(e.method) +
                                    "): ferry reads stored and deflated zip entries";
            diags.error("FERRY-PKG-FORMAT-UNSUPPORTED", "entry '" + where + "' " + what,
                        e.encrypted() ? "export the package again without a password"
                                      : "re-create the zip with deflate, every zip tool's default",
                        errors.display_name());
            ok = false;
            // Its end is known only from its size: without one the walk cannot go on.
            if (e.sizes_at_end()) return false;
            ZipEntryData skipped(in, inflater, e, where, budget, errors);
            if (!skipped.skip_unread()) return false;
            continue;
        }
        ZipEntryData data(in, inflater, e, where, budget, errors);
        if (!offer) {
            if (!data.skip_unread()) return false;
            continue;
        }
        EntryInfo info{path, e.sizes_at_end() ? -1 : static_cast<std::int64_t>(e.uncompressed), false};
        if (!handler(info, data)) return false;
        // What the handler did not read, still counted against the caps; then the entry's checks.
        if (!data.drain()) return false;
        directory.content_read(data.crc(), data.produced());
    }
}

}  // namespace ferry::host
