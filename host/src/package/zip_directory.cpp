#include "package/zip_directory.hpp"

#include "package/zip_records.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <optional>

namespace ferry::host {

namespace {

using namespace zip;

std::string hex32(std::uint32_t v) {
    char buf[11];
    std::snprintf(buf, sizeof buf, "0x%08x", static_cast<unsigned>(v));
    return buf;
}

std::string entries(std::uint64_t n) { return std::to_string(n) + (n == 1 ? " entry" : " entries"); }

// Hands out runs of contiguous bytes from the pieces, in order. A run that spans pieces is gathered
// in a small buffer: never more than one record (46 bytes, a name and an extra field).
class PieceReader {
  public:
    PieceReader(const ZipDirectory::NextPiece& next, std::uint64_t offset) : next_(next), offset_(offset) {}

    // The next `n` bytes, readable until the next call; null when the package ends first (or the
    // source failed: failed()).
    const char* take(std::size_t n) {
        if (left_ >= n) {
            const char* run = p_;
            p_ += n;
            left_ -= n;
            offset_ += n;
            return run;
        }
        run_.assign(p_ ? p_ : "", left_);
        left_ = 0;
        while (run_.size() < n) {
            if (!more()) return nullptr;
            const std::size_t k = std::min(left_, n - run_.size());
            run_.append(p_, k);
            p_ += k;
            left_ -= k;
        }
        offset_ += n;
        return run_.data();
    }

    // Passes over `n` bytes without keeping them; false when the package ends first.
    bool skip(std::uint64_t n) {
        while (n > 0) {
            if (left_ == 0 && !more()) return false;
            const std::size_t k = static_cast<std::size_t>(std::min<std::uint64_t>(left_, n));
            p_ += k;
            left_ -= k;
            offset_ += k;
            n -= k;
        }
        return true;
    }

    // Reads to the end of the package; how many bytes were left.
    std::uint64_t rest() {
        std::uint64_t n = left_;
        left_ = 0;
        while (more()) {
            n += left_;
            left_ = 0;
        }
        return n;
    }

    std::uint64_t offset() const { return offset_; }
    bool failed() const { return failed_; }

  private:
    bool more() {
        const char* piece = nullptr;
        const std::ptrdiff_t n = next_(&piece);
        if (n < 0) failed_ = true;
        if (n <= 0) return false;
        p_ = piece;
        left_ = static_cast<std::size_t>(n);
        return true;
    }

    const ZipDirectory::NextPiece& next_;
    const char* p_ = nullptr;
    std::size_t left_ = 0;
    std::string run_;
    std::uint64_t offset_;
    bool failed_ = false;
};

// What a directory entry's extra field adds: its 64-bit uncompressed size and local-header offset
// (0x0001, whose fields are there only for the 32-bit fields set to all ones, in this order:
// uncompressed size, compressed size, offset) and its Info-ZIP Unicode
// Path (0x7075), used only when written for this very name (its CRC-32), as libarchive does.
// False when the offset should be there and is not.
bool read_extra(std::string_view extra, bool usize64, bool csize64, bool offset64, std::uint64_t& offset,
                std::uint64_t& usize, std::string& name) {
    bool offset_found = !offset64;
    std::string unicode;
    bool has_unicode = false;
    for_each_extra(extra, [&](std::uint16_t id, const char* data, std::size_t size) {
        if (id == 0x0001) {
            if (usize64 && size >= 8) usize = le64(data);
            const std::size_t at = (usize64 ? 8 : 0) + (csize64 ? 8 : 0);
            if (offset64 && at + 8 <= size) {
                offset = le64(data + at);
                offset_found = true;
            }
        } else if (id == 0x7075 && unicode_path(name, data, size, unicode)) {
            has_unicode = true;
        }
    });
    if (has_unicode) name = std::move(unicode);
    return offset_found;
}

// libarchive turns a Windows archiver's backslashes into slashes (when a name has no slash); a
// directory entry may still spell them.
bool same_name(std::string_view directory, std::string_view local) {
    if (directory == local) return true;
    if (directory.size() != local.size() || directory.find('/') != std::string_view::npos) return false;
    for (std::size_t i = 0; i < directory.size(); ++i)
        if ((directory[i] == '\\' ? '/' : directory[i]) != local[i]) return false;
    return true;
}

}  // namespace

void ReadAheadWindow::push(const char* data, std::size_t size) {
    older_ = newer_;
    newer_ = std::string_view(data, size);
    end_ += size;
}

bool ReadAheadWindow::copy(std::uint64_t offset, std::size_t n, char* out) const {
    std::string_view first, second;
    if (!tail(offset, first, second) || first.size() + second.size() < n) return false;
    const std::size_t a = std::min(n, first.size());
    // An empty view may carry a null data(); memcpy forbids null even for zero bytes.
    if (a != 0) std::memcpy(out, first.data(), a);
    if (n - a != 0) std::memcpy(out + a, second.data(), n - a);
    return true;
}

bool ReadAheadWindow::tail(std::uint64_t offset, std::string_view& first, std::string_view& second) const {
    if (offset < begin() || offset > end_) return false;
    std::uint64_t skip = offset - begin();
    if (skip < older_.size()) {
        first = older_.substr(static_cast<std::size_t>(skip));
        second = newer_;
    } else {
        first = newer_.substr(static_cast<std::size_t>(skip - older_.size()));
        second = {};
    }
    return true;
}

std::uint64_t locate_local_header(const ReadAheadWindow& window, std::uint64_t search_from, std::uint64_t header_end) {
    std::uint64_t fallback = search_from;
    bool have_fallback = false;
    char h[kLocalHeaderSize];
    for (std::uint64_t at = std::max(search_from, window.begin()); at + kLocalHeaderSize <= header_end; ++at) {
        if (!window.copy(at, kLocalHeaderSize, h)) break;
        if (le32(h) != kLocalHeader) continue;
        const std::uint64_t end = at + kLocalHeaderSize + le16(h + 26) + le16(h + 28);
        if (end == header_end) return at;
        // A link entry's target follows its header, and libarchive has read it too.
        if (end < header_end && !have_fallback) {
            fallback = at;
            have_fallback = true;
        }
    }
    return fallback;
}

void ZipDirectory::content_read(std::uint32_t crc, std::uint64_t size) {
    if (locals_.empty()) return;
    Local& l = locals_.back();
    l.crc = crc;
    l.size = size;
    l.content = true;
}

void ZipDirectory::add_local(std::uint64_t offset, std::string_view name, int method) {
    constexpr std::size_t kBlock = 1 << 20;  // a name is at most 65,535 bytes (its length is 16 bits)
    if (names_.empty() || names_.back().size() + name.size() > names_.back().capacity()) {
        names_.emplace_back();
        names_.back().reserve(std::max(kBlock, name.size()));
    }
    std::string& block = names_.back();
    Local l{};
    l.offset = offset;
    l.block = static_cast<std::uint32_t>(names_.size() - 1);
    l.name_at = static_cast<std::uint32_t>(block.size());
    l.name_size = static_cast<std::uint32_t>(name.size());
    l.method = method;
    locals_.push_back(l);
    block.append(name);
}

const ZipDirectory::Local* ZipDirectory::local_at(std::uint64_t offset, std::size_t hint) const {
    if (hint < locals_.size() && locals_[hint].offset == offset) return &locals_[hint];
    const auto it = std::lower_bound(locals_.begin(), locals_.end(), offset,
                                     [](const Local& l, std::uint64_t o) { return l.offset < o; });
    return it != locals_.end() && it->offset == offset ? &*it : nullptr;
}

ZipVerdict ZipDirectory::verify(std::uint64_t directory_start, const NextPiece& next) const {
    PieceReader in(next, directory_start);
    ZipVerdict verdict;
    std::uint64_t listed = 0;  // directory entries read
    const auto cut = [&](std::string expected) {
        verdict.kind = in.failed() ? ZipVerdict::Kind::source_failed : ZipVerdict::Kind::truncated;
        verdict.text = std::move(expected);
        return verdict;
    };
    const auto cut_in_directory = [&] {
        return cut("the rest of the zip's central directory and its end record were expected (the directory lists " +
                   entries(listed) + " before the cut)");
    };
    const auto cut_in_end = [&] { return cut("the rest of the zip's end-of-central-directory record was expected"); };
    const auto damaged = [&](std::string what) {
        verdict.kind = ZipVerdict::Kind::damaged;
        verdict.text = std::move(what);
        return verdict;
    };
    std::string mismatch;  // the first difference found; reading goes on, since a cut weighs more
    const auto differ = [&](std::string what) {
        if (mismatch.empty()) mismatch = std::move(what);
    };

    // The directory's entries, each matched to the local entry at its offset.
    std::vector<bool> matched(locals_.size(), false);
    std::uint64_t record_at = in.offset();
    const char* p = in.take(4);
    if (!p) return cut_in_directory();
    std::uint32_t signature = le32(p);
    while (signature == kCentralHeader) {
        if (!(p = in.take(42))) return cut_in_directory();
        const std::uint16_t method = le16(p + 6);
        const std::uint32_t crc = le32(p + 12);
        const bool csize64 = le32(p + 16) == 0xFFFFFFFFu;
        const bool usize64 = le32(p + 20) == 0xFFFFFFFFu;
        std::uint64_t usize = le32(p + 20);
        const std::size_t name_size = le16(p + 24), extra_size = le16(p + 26), comment_size = le16(p + 28);
        std::uint64_t offset = le32(p + 38);
        const bool offset64 = offset == 0xFFFFFFFFu;
        if (!(p = in.take(name_size + extra_size))) return cut_in_directory();
        std::string name(p, name_size);
        if (!read_extra(std::string_view(p + name_size, extra_size), usize64, csize64, offset64, offset, usize, name))
            return damaged("the zip's central directory gives no 64-bit local-header offset for '" + name + "'");
        if (!in.skip(comment_size)) return cut_in_directory();
        if (const Local* local = local_at(offset, listed); !local) {
            differ("the zip's central directory lists '" + name + "' at byte " + std::to_string(offset) +
                   ", where the archive holds no entry");
        } else if (matched[static_cast<std::size_t>(local - locals_.data())]) {
            differ("the zip's central directory lists the entry at byte " + std::to_string(offset) + " twice");
        } else if (!same_name(name, name_of(*local))) {
            differ("the zip's central directory lists '" + name + "' at byte " + std::to_string(offset) +
                   ", where the archive holds '" + std::string(name_of(*local)) + "'");
        } else {
            matched[static_cast<std::size_t>(local - locals_.data())] = true;
            // The same bytes read the directory's way: the same method, and the data handed over
            // with the CRC-32 and size the directory gives.
            const auto entry = [&] { return "'" + name + "' (at byte " + std::to_string(offset) + ")"; };
            if (local->method >= 0 && local->method != method)
                differ("the zip's central directory gives " + entry() + " compression method " + std::to_string(method) +
                       ", where its local header gives method " + std::to_string(local->method));
            else if (local->content && local->size != usize)
                differ("the zip's central directory gives " + entry() + " " + std::to_string(usize) +
                       " bytes, where the archive holds " + std::to_string(local->size));
            else if (local->content && local->crc != crc)
                differ("the zip's central directory gives " + entry() + " a CRC-32 of " + hex32(crc) +
                       ", where the archive's data has " + hex32(local->crc));
        }
        ++listed;
        record_at = in.offset();
        if (!(p = in.take(4))) return cut_in_directory();
        signature = le32(p);
    }
    if (signature == kSignature) {  // part of the directory, which nothing checks
        if (!(p = in.take(2)) || !in.skip(le16(p))) return cut_in_directory();
        record_at = in.offset();
        if (!(p = in.take(4))) return cut_in_directory();
        signature = le32(p);
    }
    const std::uint64_t directory_size = record_at - directory_start;

    // The zip64 end record and its locator, when the counts or offsets did not fit the end record.
    bool zip64 = false;
    std::uint64_t total64 = 0, size64 = 0, offset64 = 0;
    if (signature == kEnd64) {
        zip64 = true;
        const std::uint64_t end64_at = record_at;
        if (!(p = in.take(52))) return cut_in_end();
        const std::uint64_t record_size = le64(p);
        total64 = le64(p + 28);
        size64 = le64(p + 36);
        offset64 = le64(p + 44);
        if (record_size < 44)
            return damaged("the zip64 end-of-central-directory record at byte " + std::to_string(end64_at) +
                           " is too short");
        if (!in.skip(record_size - 44)) return cut_in_end();
        record_at = in.offset();
        if (!(p = in.take(4))) return cut_in_end();
        if (le32(p) != kEnd64Locator)
            return damaged("the zip64 end-of-central-directory record is not followed by its locator (at byte " +
                           std::to_string(record_at) + ")");
        if (!(p = in.take(16))) return cut_in_end();
        if (le64(p + 4) != end64_at)
            differ("the zip64 end-of-central-directory locator points at byte " + std::to_string(le64(p + 4)) +
                   ", but the record is at byte " + std::to_string(end64_at));
        record_at = in.offset();
        if (!(p = in.take(4))) return cut_in_end();
        signature = le32(p);
    }
    if (signature != kEnd)
        return damaged("the bytes at byte " + std::to_string(record_at) +
                       " are neither a zip central-directory entry nor an end record");
    if (!(p = in.take(18))) return cut_in_end();
    const std::uint16_t total16 = le16(p + 6);
    const std::uint32_t size32 = le32(p + 8), offset32 = le32(p + 12);
    if (!in.skip(le16(p + 16))) return cut_in_end();  // the comment
    verdict.end_offset = in.offset();

    // Every local entry listed, and the end records agreeing with the directory. A field of the end
    // record may say "see the zip64 record" (all ones) when there is one.
    if (mismatch.empty()) {
        const auto unlisted = std::find(matched.begin(), matched.end(), false);
        if (unlisted != matched.end()) {
            const Local& l = locals_[static_cast<std::size_t>(unlisted - matched.begin())];
            differ("the zip's central directory does not list '" + std::string(name_of(l)) + "' (at byte " +
                   std::to_string(l.offset) + "), which the archive holds");
        }
    }
    // The zip64 record's value, else the end record's, when one differs from the directory's.
    const auto wrong = [&](std::uint64_t given64, std::uint64_t given, std::uint64_t all_ones,
                           std::uint64_t actual) -> std::optional<std::uint64_t> {
        if (zip64 && given64 != actual) return given64;
        if (given != actual && !(zip64 && given == all_ones)) return given;
        return std::nullopt;
    };
    if (const auto n = wrong(total64, total16, 0xFFFFu, listed))
        differ("the zip's end-of-central-directory record counts " + entries(*n) +
               ", but its central directory lists " + std::to_string(listed));
    if (const auto at = wrong(offset64, offset32, 0xFFFFFFFFu, directory_start))
        differ("the zip's end-of-central-directory record places the central directory at byte " +
               std::to_string(*at) + ", but it starts at byte " + std::to_string(directory_start));
    if (const auto size = wrong(size64, size32, 0xFFFFFFFFu, directory_size))
        differ("the zip's end-of-central-directory record gives the central directory " + std::to_string(*size) +
               " bytes, but it has " + std::to_string(directory_size));
    if (!mismatch.empty()) {
        verdict.kind = ZipVerdict::Kind::mismatch;
        verdict.text = std::move(mismatch);
        return verdict;
    }

    // Nothing may follow but the end record's comment.
    verdict.trailing_bytes = in.rest();
    if (in.failed()) verdict.kind = ZipVerdict::Kind::source_failed;
    else if (verdict.trailing_bytes > 0) verdict.kind = ZipVerdict::Kind::trailing;
    return verdict;
}

std::uint32_t zip::crc32(std::uint32_t crc, const char* data, std::size_t n) {
    // zlib's length is an unsigned int: fed in pieces that fit.
    while (n > 0) {
        const auto piece = static_cast<uInt>(std::min<std::size_t>(n, 1u << 30));
        crc = static_cast<std::uint32_t>(::crc32(crc, reinterpret_cast<const Bytef*>(data), piece));
        data += piece;
        n -= piece;
    }
    return crc;
}

bool zip::unicode_path(std::string_view raw_name, const char* data, std::size_t size, std::string& out) {
    if (size < 5 || data[0] != 1 || zip::crc32(0, raw_name.data(), raw_name.size()) != le32(data + 1)) return false;
    out.assign(data + 5, size - 5);
    return true;
}

}  // namespace ferry::host
