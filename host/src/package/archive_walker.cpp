#include "package/archive_walker.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <clocale>
#include <cstring>
#include <vector>

#include "util/utf8.hpp"

namespace ferry::host {

namespace {

constexpr std::size_t kChunk = 1 << 16;

// Feeds libarchive from the metered stream, first replaying the bytes peeked to tell a lone JSON
// document from an archive.
struct Feed {
    MeteredStream* stream = nullptr;
    sdk::Diagnostics* diags = nullptr;
    std::vector<char> peeked;
    std::size_t peeked_used = 0;
    bool source_failed = false;
};

la_ssize_t feed_read(struct archive*, void* data, const void** out) {
    auto* f = static_cast<Feed*>(data);
    if (f->peeked_used < f->peeked.size()) {
        *out = f->peeked.data() + f->peeked_used;
        const std::size_t n = f->peeked.size() - f->peeked_used;
        f->peeked_used = f->peeked.size();
        return static_cast<la_ssize_t>(n);
    }
    // Straight from the read-ahead's chunk: no copy of the package on its way to libarchive.
    const char* bytes = nullptr;
    const std::ptrdiff_t n = f->stream->read_view(&bytes, *f->diags);
    if (n < 0) {
        f->source_failed = true;
        return -1;
    }
    *out = bytes;
    return static_cast<la_ssize_t>(n);
}

// Caps apply to bytes as decompressed, never to sizes the archive declares (they can lie).
class Budget {
  public:
    Budget(const PackageLimits& limits, MeteredStream& stream, WalkStats& stats, sdk::Diagnostics& diags)
        : limits_(limits), stream_(stream), stats_(stats), diags_(diags) {}

    bool account(const std::string& path, std::uint64_t entry_bytes, std::size_t n) {
        stats_.uncompressed += n;
        if (entry_bytes > limits_.max_entry_size) {
            return bomb(path, "the entry unpacks to more than " + std::to_string(limits_.max_entry_size) +
                                  " bytes (the per-entry cap)");
        }
        if (stats_.uncompressed > limits_.max_total_size) {
            return bomb(path, "the package unpacks to more than " + std::to_string(limits_.max_total_size) +
                                  " bytes (the total cap)");
        }
        if (stats_.uncompressed > limits_.ratio_floor && stream_.bytes() > 0 &&
            static_cast<double>(stats_.uncompressed) / static_cast<double>(stream_.bytes()) > limits_.max_ratio) {
            return bomb(path, "the package expands more than " + std::to_string(static_cast<int>(limits_.max_ratio)) +
                                  " times its compressed size");
        }
        return true;
    }

  private:
    bool bomb(const std::string& path, const std::string& why) {
        diags_.error("FERRY-PKG-BOMB", "refused as a decompression bomb: " + why,
                     "a real migration package does not expand like this; rebuild it from the source workspace",
                     path);
        return false;
    }
    const PackageLimits& limits_;
    MeteredStream& stream_;
    WalkStats& stats_;
    sdk::Diagnostics& diags_;
};

class ArchiveEntryReader : public EntryReader {
  public:
    ArchiveEntryReader(struct archive* a, const std::string& path, Budget& budget, sdk::Diagnostics& diags,
                       Feed& feed)
        : a_(a), path_(path), budget_(budget), diags_(diags), feed_(feed) {}

    std::ptrdiff_t read(char* buffer, std::size_t size) override {
        if (failed_) return -1;
        const la_ssize_t n = archive_read_data(a_, buffer, size);
        if (n < 0) {  // ARCHIVE_WARN (a bad CRC) counts: its bytes cannot be trusted
            failed_ = true;
            if (!feed_.source_failed) {
                diags_.error("FERRY-PKG-CORRUPT",
                             std::string("the archive is corrupt or truncated: ") +
                                 (archive_error_string(a_) ? archive_error_string(a_) : "read error"),
                             "export the package again and copy it whole", path_);
            }
            return -1;
        }
        total_ += static_cast<std::uint64_t>(n);
        if (!budget_.account(path_, total_, static_cast<std::size_t>(n))) {
            failed_ = true;
            return -1;
        }
        return n;
    }
    bool failed() const { return failed_; }

  private:
    struct archive* a_;
    const std::string& path_;
    Budget& budget_;
    sdk::Diagnostics& diags_;
    Feed& feed_;
    std::uint64_t total_ = 0;
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

bool looks_like_json(const std::vector<char>& head) {
    std::size_t i = 0;
    if (head.size() >= 3 && static_cast<unsigned char>(head[0]) == 0xEF &&
        static_cast<unsigned char>(head[1]) == 0xBB && static_cast<unsigned char>(head[2]) == 0xBF)
        i = 3;
    for (; i < head.size(); ++i) {
        const char c = head[i];
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
        return c == '{';
    }
    return false;
}

// Unrecognised from the first bytes on, with no compression recognised either: not an archive at
// all. Anything else is an archive that breaks off or is damaged.
void report_unreadable(struct archive* a, bool first, const std::string& display_name, sdk::Diagnostics& diags) {
    const char* why = archive_error_string(a);
    const std::string reason = why ? why : "unreadable";
    if (first && archive_format(a) == 0 && archive_filter_code(a, 0) == ARCHIVE_FILTER_NONE) {
        diags.error("FERRY-PKG-NOT-ARCHIVE", "the package is not an archive ferry reads: " + reason,
                    "give a zip, tar or tar.gz package, or a FlowSpec JSON document", display_name);
    } else {
        diags.error("FERRY-PKG-CORRUPT", "the archive is corrupt or truncated: " + reason,
                    "export the package again and copy it whole", display_name);
    }
}

}  // namespace

std::string entry_path_problem(const std::string& raw, std::string& normalised) {
    if (!valid_utf8(raw)) return "is not valid UTF-8";
    if (raw.empty()) return "is empty";
    if (raw[0] == '/' || raw[0] == '\\' || (raw.size() > 1 && raw[1] == ':')) return "is absolute";
    std::string out;
    std::size_t start = 0;
    while (start <= raw.size()) {
        std::size_t end = raw.find_first_of("/\\", start);
        if (end == std::string::npos) end = raw.size();
        const std::string part = raw.substr(start, end - start);
        if (part == "..") return "contains '..'";
        if (!part.empty() && part != ".") out += (out.empty() ? "" : "/") + part;
        start = end + 1;
    }
    normalised = out;
    return {};
}

bool walk_package(MeteredStream& stream, const std::string& display_name, const PackageLimits& limits,
                  const EntryHandler& handler, WalkStats& stats, sdk::Diagnostics& diags) {
    // libarchive converts entry names through the C library's character type; under the default
    // "C" locale every non-ASCII name would fail to convert.
    static const bool utf8_ctype = std::setlocale(LC_CTYPE, "C.UTF-8") != nullptr;
    (void)utf8_ctype;
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

    struct archive* a = archive_read_new();
    archive_read_support_format_zip(a);
    archive_read_support_format_tar(a);
    archive_read_support_format_gnutar(a);
    archive_read_support_filter_gzip(a);
    archive_read_support_filter_bzip2(a);
    archive_read_support_filter_xz(a);
    archive_read_support_filter_zstd(a);
    bool ok = true;
    if (archive_read_open(a, &feed, nullptr, feed_read, nullptr) != ARCHIVE_OK) {
        if (!feed.source_failed) report_unreadable(a, true, display_name, diags);
        archive_read_free(a);
        return false;
    }
    bool first = true;
    for (;;) {
        struct archive_entry* e = nullptr;
        const int r = archive_read_next_header(a, &e);
        if (r == ARCHIVE_EOF) break;
        if (r < ARCHIVE_WARN) {
            if (!feed.source_failed) report_unreadable(a, first, display_name, diags);
            ok = false;
            break;
        }
        first = false;
        if (++stats.entries > limits.max_entries) {
            diags.error("FERRY-PKG-TOO-MANY-ENTRIES",
                        "the package has more than " + std::to_string(limits.max_entries) + " entries",
                        "split the package into several imports", display_name);
            ok = false;
            break;
        }
        const char* raw_name = archive_entry_pathname(e);
        const std::string raw = raw_name ? raw_name : "";
        std::string path;
        const std::string problem = entry_path_problem(raw, path);
        if (!problem.empty()) {
            const bool encoding = problem == "is not valid UTF-8";
            diags.error(encoding ? "FERRY-PKG-NAME-ENCODING" : "FERRY-PKG-UNSAFE-PATH",
                        "entry path " + problem + (encoding ? "" : ": '" + raw + "'"),
                        encoding ? "re-create the package with UTF-8 file names"
                                 : "a package holds only relative paths inside itself; rebuild it",
                        encoding ? display_name : raw);
            ok = false;
            continue;
        }
        const auto type = archive_entry_filetype(e);
        if (type == AE_IFLNK || archive_entry_hardlink(e) != nullptr) {
            diags.error("FERRY-PKG-LINK",
                        std::string(type == AE_IFLNK ? "symbolic" : "hard") + " link entries are refused",
                        "a package holds regular files only; rebuild it without links", path);
            ok = false;
            continue;
        }
        if (type == AE_IFDIR) continue;
        if (type != AE_IFREG) {
            diags.error("FERRY-PKG-ENTRY-TYPE", "special file entries (devices, pipes) are refused",
                        "a package holds regular files only", path);
            ok = false;
            continue;
        }
        EntryInfo info{path, archive_entry_size_is_set(e) ? static_cast<std::int64_t>(archive_entry_size(e)) : -1,
                       false};
        ArchiveEntryReader reader(a, info.path, budget, diags, feed);
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
    }
    archive_read_free(a);
    if (feed.source_failed) ok = false;
    return ok;
}

}  // namespace ferry::host
