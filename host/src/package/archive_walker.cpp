#include "package/archive_walker.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <langinfo.h>

#include <algorithm>
#include <cctype>
#include <clocale>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

#include "package/walk_parts.hpp"
#include "package/zip_directory.hpp"
#include "package/zip_records.hpp"
#include "package/zip_walker.hpp"
#include "util/utf8.hpp"

namespace ferry::host {

namespace {

constexpr std::size_t kChunk = 1 << 16;

// Feeds libarchive from the metered stream, first replaying the bytes peeked.
la_ssize_t feed_read(struct archive*, void* data, const void** out) {
    const char* bytes = nullptr;
    const std::ptrdiff_t n = static_cast<Feed*>(data)->next(&bytes);
    *out = bytes;
    return static_cast<la_ssize_t>(n);
}

bool is_zip(struct archive* a) { return (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_ZIP; }
bool is_tar(struct archive* a) { return (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_TAR; }
bool compressed(struct archive* a) { return archive_filter_count(a) > 1; }

// libarchive's words for input that ran out, in its readers and in gzip, bzip2, zstd and (liblzma's
// LZMA_BUF_ERROR) xz; where it says nothing (a gzip trailer, a zip header) its read-ahead came back
// empty.
bool says_truncated(const char* why) {
    if (!why) return true;
    std::string s = why;
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (const char* words : {"truncated", "premature end", "no progress is possible"})
        if (s.find(words) != std::string::npos) return true;
    return false;
}

// The names libarchive gives the decompressors ferry enables, told by their magic bytes.
std::string compression_named_by(const std::vector<char>& head) {
    const auto starts = [&](std::string_view magic) {
        return head.size() >= magic.size() && std::equal(magic.begin(), magic.end(), head.begin());
    };
    if (starts("\x1f\x8b")) return "gzip";
    if (starts("BZh")) return "bzip2";
    if (starts(std::string_view("\xfd" "7zXZ\0", 6))) return "xz";
    if (starts("\x28\xb5\x2f\xfd")) return "zstd";
    return "compressed";
}

// Tells why libarchive stopped and says so: the package was cut short, is damaged, or is no
// archive at all.
class Verdicts {
  public:
    Verdicts(struct archive* a, const Feed& feed, const WalkErrors& errors, sdk::Diagnostics& diags)
        : a_(a), feed_(feed), errors_(errors), display_name_(errors.display_name()), diags_(diags) {}

    void opened() { opened_ = true; }

    // libarchive wanted bytes past the end. Without a decompressor it only asks for bytes it needs;
    // a decompressor reads ahead, so there it must also say its input ran out. (Opening reads only
    // through a decompressor, looking for the format inside.)
    bool ran_out() const {
        return feed_.ended && ((opened_ && !compressed(a_)) || says_truncated(archive_error_string(a_)));
    }

    void truncated(const std::string& expected) const { errors_.truncated(expected); }

    // An entry header could not be read. Unrecognised from the first bytes on, with no compression
    // recognised either: not an archive at all.
    void header_failed(bool first) const {
        if (feed_.source_failed) return;  // the source's own error says it
        const char* why = archive_error_string(a_);
        const std::string reason = why ? why : "unreadable";
        if (first && archive_format(a_) == 0 && archive_filter_code(a_, 0) == ARCHIVE_FILTER_NONE) {
            diags_.error("FERRY-PKG-NOT-ARCHIVE", "the package is not an archive ferry reads: " + reason,
                         "give a zip, tar or tar.gz package, or a FlowSpec JSON document", display_name_);
        } else if (ran_out()) {
            truncated(expected_next());
        } else {
            damaged(reason, display_name_);
        }
    }

    // An entry's data could not be read.
    void data_failed(const std::string& path) const {
        if (feed_.source_failed) return;
        if (ran_out()) {
            // A zip entry's data had all arrived when libarchive looks for room for a data descriptor
            // (it wants 24 bytes past the data, however long the descriptor is).
            const char* why = archive_error_string(a_);
            const bool past_data = is_zip(a_) && why && std::strcmp(why, "Truncated ZIP end-of-file record") == 0;
            // Behind a decompressor the cut is in the compressed stream, wherever the entry ends.
            truncated(past_data || compressed(a_) ? expected_next() + in_entry(path)
                                                  : "the rest of entry '" + path + "' was expected");
        } else {
            const char* why = archive_error_string(a_);
            damaged(why ? why : "read error", path);
        }
    }

    void damaged(const std::string& reason, const std::string& where) const { errors_.damaged(reason, where); }

  private:
    std::string in_entry(const std::string& path) const {
        return compressed(a_) ? " (it breaks off in entry '" + path + "')" : "";
    }

    std::string expected_next() const {
        // A failed open has dropped its decompressor: name it by its magic bytes.
        if (!opened_) return "the rest of the " + compression_named_by(feed_.peeked) + " stream was expected";
        if (compressed(a_)) return std::string("the rest of the ") + archive_filter_name(a_, 0) + " stream was expected";
        if (is_zip(a_)) return "the next entry or the zip's central directory was expected";
        if (is_tar(a_)) return "the next entry or the tar's end-of-archive blocks were expected";
        return "the rest of the archive was expected";
    }

    struct archive* a_;
    bool opened_ = false;
    const Feed& feed_;
    const WalkErrors& errors_;
    const std::string& display_name_;
    sdk::Diagnostics& diags_;
};

class ArchiveEntryReader : public EntryReader {
  public:
    // `sum`: keep the CRC-32 of what is read (a zip's entries, for their central directory).
    ArchiveEntryReader(struct archive* a, const std::string& path, Budget& budget, const Verdicts& verdicts, bool sum)
        : a_(a), path_(path), budget_(budget), verdicts_(verdicts), sum_(sum) {}

    std::ptrdiff_t read(char* buffer, std::size_t size) override {
        if (failed_) return -1;
        const la_ssize_t n = archive_read_data(a_, buffer, size);
        if (n < 0) {  // ARCHIVE_WARN (a bad CRC) counts: its bytes cannot be trusted
            failed_ = true;
            verdicts_.data_failed(path_);
            return -1;
        }
        total_ += static_cast<std::uint64_t>(n);
        if (sum_) crc_ = zip::crc32(crc_, buffer, static_cast<std::size_t>(n));
        if (!budget_.account(path_, total_, static_cast<std::size_t>(n))) {
            failed_ = true;
            return -1;
        }
        return n;
    }
    bool failed() const { return failed_; }
    std::uint32_t crc() const { return crc_; }
    std::uint64_t total() const { return total_; }

  private:
    struct archive* a_;
    const std::string& path_;
    Budget& budget_;
    const Verdicts& verdicts_;
    const bool sum_;
    std::uint64_t total_ = 0;
    std::uint32_t crc_ = 0;
    bool failed_ = false;
};

// The package is one JSON document: the bytes peeked, then the rest of the stream.
class LoneDocumentReader : public EntryReader {
  public:
    LoneDocumentReader(Feed& feed, Budget& budget, const std::string& path)
        : feed_(feed), budget_(budget), path_(path) {}
    std::ptrdiff_t read(char* buffer, std::size_t size) override {
        std::ptrdiff_t n = 0;
        if (feed_.peeked_used < feed_.peeked.size()) {
            n = static_cast<std::ptrdiff_t>(std::min(size, feed_.peeked.size() - feed_.peeked_used));
            std::memcpy(buffer, feed_.peeked.data() + feed_.peeked_used, static_cast<std::size_t>(n));
            feed_.peeked_used += static_cast<std::size_t>(n);
        } else {
            n = feed_.stream->read(buffer, size, *feed_.diags);
            if (n < 0) return -1;
        }
        total_ += static_cast<std::uint64_t>(n);
        if (n > 0 && !budget_.account(path_, total_, static_cast<std::size_t>(n))) return -1;
        return n;
    }

  private:
    Feed& feed_;
    Budget& budget_;
    const std::string& path_;
    std::uint64_t total_ = 0;
};

// The name bytes of the zip local header at `header`, as the window holds them; `out` is left as it
// was when they are no longer held.
void local_header_name(const ReadAheadWindow& window, std::uint64_t header, std::string& out) {
    unsigned char size[2];
    if (!window.copy(header + 26, 2, reinterpret_cast<char*>(size))) return;
    std::string name(static_cast<std::size_t>(size[0] | (size[1] << 8)), '\0');
    if (window.copy(header + 30, name.size(), name.data())) out = std::move(name);
}

// The compression method in the local header at `header`; -1 when the window no longer holds it.
int local_header_method(const ReadAheadWindow& window, std::uint64_t header) {
    char h[10];
    if (!window.copy(header, sizeof h, h) || zip::le32(h) != zip::kLocalHeader) return -1;
    return zip::le16(h + 8);
}

bool looks_like_json(const std::vector<char>& head) {
    std::size_t i = 0;
    if (head.size() >= 3 && static_cast<unsigned char>(head[0]) == 0xEF &&
        static_cast<unsigned char>(head[1]) == 0xBB && static_cast<unsigned char>(head[2]) == 0xBF)
        i = 3;
    for (; i < head.size(); ++i) {
        const char c = head[i];
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
        // An object (FlowSpec), or an array (a DolphinScheduler 2.x/3.x export of workflows).
        return c == '{' || c == '[';
    }
    return false;
}

// A zip's entries were read from their local headers; libarchive stopped where its central
// directory starts. Reads the directory and end records from there, as the rest streams in, and
// compares. False after adding an error.
bool finish_zip(struct archive* a, Feed& feed, const ZipDirectory& directory, const Verdicts& verdicts,
                const WalkErrors& errors, const std::string& display_name, sdk::Diagnostics& diags) {
    const std::uint64_t start = static_cast<std::uint64_t>(archive_filter_bytes(a, 0));
    std::string_view held[2];
    if (!feed.window.tail(start, held[0], held[1])) {
        // MeteredStream's whole chunks make this impossible; say so rather than pass unchecked.
        verdicts.damaged("the zip's central directory at byte " + std::to_string(start) + " was no longer held",
                         display_name);
        return false;
    }
    std::size_t next_held = 0;
    const ZipDirectory::NextPiece next = [&](const char** out) -> std::ptrdiff_t {
        while (next_held < 2) {
            const std::string_view piece = held[next_held++];
            if (piece.empty()) continue;
            *out = piece.data();
            return static_cast<std::ptrdiff_t>(piece.size());
        }
        const std::ptrdiff_t n = feed.stream->read_view(out, diags);
        if (n < 0) feed.source_failed = true;
        return n;
    };
    return errors.zip_verdict(directory.verify(start, next));
}

// Checked at the first entry (or the end of an empty archive): a zip's end cannot be found inside a
// decompressed stream, so such a zip is not read.
bool zip_in_compressed_stream(struct archive* a, const std::string& display_name, sdk::Diagnostics& diags) {
    if (!is_zip(a) || !compressed(a)) return false;
    diags.error("FERRY-PKG-FORMAT-UNSUPPORTED",
                std::string("a zip inside a ") + archive_filter_name(a, 0) +
                    " stream is not read: ferry cannot check that it is whole",
                "give ferry the zip itself", display_name);
    return true;
}

}  // namespace

std::string entry_path_problem(const std::string& raw, std::string& normalised) {
    if (!valid_utf8(raw)) return "is not valid UTF-8";
    if (raw.empty()) return "is empty";
    // A NUL ends the name for everything that takes it as a C string (libarchive's zip reader
    // among them: it would read "a.sql" where ferry read "a.sql\0.json"), and other control
    // characters make a name that reads as another; an export never writes one either.
    for (const char c : raw)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return "contains a control character";
    if (raw[0] == '/' || raw[0] == '\\' || (raw.size() > 1 && raw[1] == ':')) return "is absolute";
    // Every entry's path goes through here: views of its parts, appended in place.
    std::string out;
    out.reserve(raw.size());
    const std::string_view whole(raw);
    std::size_t start = 0;
    while (start <= whole.size()) {
        // Not find_first_of: it calls memchr on the two separators once per byte of the name.
        std::size_t end = start;
        while (end < whole.size() && whole[end] != '/' && whole[end] != '\\') ++end;
        const std::string_view part = whole.substr(start, end - start);
        if (part == "..") return "contains '..'";
        if (!part.empty() && part != ".") {
            if (!out.empty()) out += '/';
            out += part;
        }
        start = end + 1;
    }
    normalised = std::move(out);
    return {};
}

bool walk_package(MeteredStream& stream, const std::string& display_name, const PackageLimits& limits,
                  const EntryHandler& handler, WalkStats& stats, sdk::Diagnostics& diags) {
    // libarchive converts entry names through the C library's character type; under the default
    // "C" locale every non-ASCII name would fail to convert.
    static const bool utf8_ctype_set = std::setlocale(LC_CTYPE, "C.UTF-8") != nullptr;
    (void)utf8_ctype_set;
    // Asked on each walk: something in the process may have set another character type since.
    const bool utf8_ctype = std::strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
    Feed feed;
    feed.stream = &stream;
    feed.diags = &diags;
    Budget budget(limits, stream, stats, diags);

    // Peek the first bytes: a package may be a bare FlowSpec document.
    feed.peeked.resize(kChunk);
    std::size_t got = 0;
    while (got < 512) {
        const std::ptrdiff_t n = stream.read(feed.peeked.data() + got, feed.peeked.size() - got, diags);
        if (n < 0) return false;
        if (n == 0) break;
        got += static_cast<std::size_t>(n);
    }
    feed.peeked.resize(got);
    if (got == 0) {
        diags.error("FERRY-PKG-NOT-ARCHIVE", "the package is empty (0 bytes)",
                    "export the package again; a package is a zip, tar or tar.gz file or a FlowSpec JSON document",
                    display_name);
        return false;
    }
    if (looks_like_json(feed.peeked)) {
        stats.lone_document = true;
        stats.entries = 1;
        LoneDocumentReader reader(feed, budget, display_name);
        EntryInfo info{display_name, -1, true};
        return handler(info, reader) && !stream.failed();
    }
    const WalkErrors errors(stream, stats, display_name, diags);
    if (!limits.zip_through_libarchive && zip_walker_takes(feed.peeked))
        return walk_zip(feed, budget, errors, limits, handler, stats, diags) && !feed.source_failed;

    // Freed however the walk ends: a handler may throw (a merge that could not write its spool is
    // rethrown in the handler), and a long-running server must not keep the reader's buffers.
    const std::unique_ptr<struct archive, int (*)(struct archive*)> reader(archive_read_new(), archive_read_free);
    struct archive* a = reader.get();
    archive_read_support_format_zip(a);
    archive_read_support_format_tar(a);
    archive_read_support_format_gnutar(a);
    archive_read_support_filter_gzip(a);
    archive_read_support_filter_bzip2(a);
    archive_read_support_filter_xz(a);
    archive_read_support_filter_zstd(a);
    bool ok = true;
    Verdicts verdicts(a, feed, errors, diags);
    if (archive_read_open(a, &feed, nullptr, feed_read, nullptr) != ARCHIVE_OK) {
        verdicts.header_failed(true);
        return false;
    }
    verdicts.opened();
    ZipDirectory zip_directory;  // the entries as their local headers say, for the zip's own list
    bool first = true;
    for (;;) {
        struct archive_entry* e = nullptr;
        const int r = archive_read_next_header(a, &e);
        if (r == ARCHIVE_EOF) {
            // Where the archive says it ends must be there: a zip's central directory and end record,
            // a tar's blocks of zeros. Without them entries may be missing.
            if (zip_in_compressed_stream(a, display_name, diags)) {
                ok = false;
            } else if (is_zip(a)) {
                ok = finish_zip(a, feed, zip_directory, verdicts, errors, display_name, diags) && ok;
            } else if (is_tar(a) &&
                       archive_filter_bytes(a, 0) < archive_read_header_position(a) + 512) {
                verdicts.truncated("the tar's end-of-archive blocks were expected");
                ok = false;
            }
            break;
        }
        // ARCHIVE_RETRY is a damaged header libarchive would skip over: entries would go missing.
        if (r < ARCHIVE_WARN || r == ARCHIVE_RETRY) {
            verdicts.header_failed(first);
            ok = false;
            break;
        }
        if (first && zip_in_compressed_stream(a, display_name, diags)) {
            ok = false;
            break;
        }
        first = false;
        // The name as UTF-8. Under the UTF-8 character type libarchive holds it so already (a zip's
        // UTF-8 flag and a pax name are converted to it, other names are kept as written), and
        // asking for its UTF-8 form converted every name again, a twentieth of the walker's time in
        // a package of small files. A name that is not UTF-8 comes raw, and is refused as such below.
        const char* raw_name = utf8_ctype ? archive_entry_pathname(e) : archive_entry_pathname_utf8(e);
        if (!raw_name) raw_name = archive_entry_pathname(e);
        std::string raw = raw_name ? raw_name : "";
        if (is_zip(a)) {
            // libarchive looked for the header from where the previous entry ended, and has consumed it.
            const std::uint64_t header =
                locate_local_header(feed.window, static_cast<std::uint64_t>(archive_read_header_position(a)),
                                    static_cast<std::uint64_t>(archive_filter_bytes(a, 0)));
            // No name at all: libarchive could not convert it (flagged UTF-8, and it is not). Its bytes
            // as written are refused for their encoding below, and are what the directory lists.
            if (!raw_name) local_header_name(feed.window, header, raw);
            zip_directory.add_local(header, raw, local_header_method(feed.window, header));
        }
        const auto filetype = archive_entry_filetype(e);
        const EntryType type = filetype == AE_IFLNK                 ? EntryType::symlink
                               : archive_entry_hardlink(e) != nullptr ? EntryType::hardlink
                               : filetype == AE_IFDIR                ? EntryType::directory
                               : filetype == AE_IFREG                ? EntryType::file
                                                                     : EntryType::special;
        std::string path;
        bool offer = false;
        if (!admit_entry(raw, type, limits, stats, display_name, diags, ok, path, offer)) break;
        if (!offer) continue;
        EntryInfo info{path, archive_entry_size_is_set(e) ? static_cast<std::int64_t>(archive_entry_size(e)) : -1,
                       false};
        ArchiveEntryReader reader(a, info.path, budget, verdicts, is_zip(a));
        if (!handler(info, reader)) {
            ok = false;
            break;
        }
        // Skip what the handler did not read, still counting it against the caps.
        char sink[kChunk];
        std::ptrdiff_t n = 0;
        while ((n = reader.read(sink, sizeof sink)) > 0) {
        }
        if (n < 0) {
            ok = false;
            break;
        }
        if (is_zip(a)) zip_directory.content_read(reader.crc(), reader.total());
    }
    if (feed.source_failed) ok = false;
    return ok;
}

}  // namespace ferry::host
