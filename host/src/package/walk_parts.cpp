#include "package/walk_parts.hpp"

namespace ferry::host {

namespace {

std::string count_of(std::uint64_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

const char* const kNextZipRecordExpected = "the next entry or the zip's central directory was expected";

std::ptrdiff_t Feed::next(const char** out) {
    if (peeked_used < peeked.size()) {
        const char* rest = peeked.data() + peeked_used;
        const std::size_t n = peeked.size() - peeked_used;
        peeked_used = peeked.size();
        window.push(rest, n);
        *out = rest;
        return static_cast<std::ptrdiff_t>(n);
    }
    // Straight from the read-ahead's chunk: no copy of the package on its way to the reader.
    const char* bytes = nullptr;
    const std::ptrdiff_t n = stream->read_view(&bytes, *diags);
    if (n < 0) {
        source_failed = true;
        return -1;
    }
    if (n == 0) ended = true;
    else window.push(bytes, static_cast<std::size_t>(n));
    *out = bytes;
    return n;
}

bool Budget::account(const std::string& path, std::uint64_t entry_bytes, std::size_t n) {
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

bool Budget::bomb(const std::string& path, const std::string& why) {
    diags_.error("FERRY-PKG-BOMB", "refused as a decompression bomb: " + why,
                 "a real migration package does not expand like this; rebuild it from the source workspace", path);
    return false;
}

void WalkErrors::truncated(const std::string& expected) const {
    diags_.error("FERRY-PKG-TRUNCATED",
                 "the package is cut short after " + count_of(stream_.bytes(), "byte", "bytes") + " and " +
                     count_of(stats_.entries, "entry", "entries") + ": " + expected,
                 "download or copy the package again", display_name_);
}

void WalkErrors::damaged(const std::string& reason, const std::string& where) const {
    diags_.error("FERRY-PKG-CORRUPT", "the archive is damaged: " + reason, "export the package again and copy it whole",
                 where);
}

bool WalkErrors::zip_verdict(const ZipVerdict& verdict) const {
    switch (verdict.kind) {
        case ZipVerdict::Kind::whole: return true;
        case ZipVerdict::Kind::source_failed: return false;
        case ZipVerdict::Kind::truncated: truncated(verdict.text); return false;
        case ZipVerdict::Kind::damaged: damaged(verdict.text, display_name_); return false;
        case ZipVerdict::Kind::mismatch:
            diags_.error("FERRY-PKG-ZIP-MISMATCH", verdict.text,
                         "other tools would read other entries or other content than ferry does; export the "
                         "package again from its source, and do not import a package that was altered",
                         display_name_);
            return false;
        case ZipVerdict::Kind::trailing:
            diags_.error("FERRY-PKG-TRAILING-DATA",
                         count_of(verdict.trailing_bytes, "byte follows", "bytes follow") +
                             " the end of the zip (its end-of-central-directory record ends at byte " +
                             std::to_string(verdict.end_offset) + ")",
                         "the file is not one whole zip (two joined, or an older file's tail left behind by a copy); "
                         "download or copy the package again",
                         display_name_);
            return false;
    }
    return false;
}

bool admit_entry(const std::string& raw_name, EntryType type, const PackageLimits& limits, WalkStats& stats,
                 const std::string& display_name, sdk::Diagnostics& diags, bool& ok, std::string& path,
                 bool& offer) {
    offer = false;
    if (++stats.entries > limits.max_entries) {
        diags.error("FERRY-PKG-TOO-MANY-ENTRIES", "the package has more than " + std::to_string(limits.max_entries) +
                                                      " entries",
                    "split the package into several imports", display_name);
        ok = false;
        return false;
    }
    const std::string problem = entry_path_problem(raw_name, path);
    if (!problem.empty()) {
        const bool encoding = problem == "is not valid UTF-8";
        diags.error(encoding ? "FERRY-PKG-NAME-ENCODING" : "FERRY-PKG-UNSAFE-PATH",
                    "entry path " + problem + (encoding ? "" : ": '" + raw_name + "'"),
                    encoding ? "re-create the package with UTF-8 file names"
                             : "a package holds only relative paths inside itself; rebuild it",
                    encoding ? display_name : raw_name);
        ok = false;
        return true;
    }
    switch (type) {
        case EntryType::symlink:
        case EntryType::hardlink:
            diags.error("FERRY-PKG-LINK",
                        std::string(type == EntryType::symlink ? "symbolic" : "hard") + " link entries are refused",
                        "a package holds regular files only; rebuild it without links", path);
            ok = false;
            return true;
        case EntryType::special:
            diags.error("FERRY-PKG-ENTRY-TYPE", "special file entries (devices, pipes) are refused",
                        "a package holds regular files only", path);
            ok = false;
            return true;
        case EntryType::directory: return true;
        case EntryType::file: offer = true; return true;
    }
    return true;
}

}  // namespace ferry::host
