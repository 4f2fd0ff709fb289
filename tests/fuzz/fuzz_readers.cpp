// The reader plugins (DolphinScheduler, Azkaban, DWMA) on packages the fuzzer writes. A package is
// its entries encoded as `path NUL bytes NUL path NUL bytes ...` (an input without a NUL is one
// entry, "package.json"), so the fuzzer can grow entries and names alike. Every reader reads every
// package, whatever it recognizes: a user's `--format` forces one. What a reader writes must keep
// the host's rules, or the run stops as a crash: paths the host accepts (a reader's unsafe path is
// FERRY-READER-PATH, a bug in the reader), documents that are JSON. An exception out of a reader,
// or one it caught and reported as its own *-INTERNAL failure, is a crash too.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "azkaban_reader.hpp"
#include "dolphinscheduler_reader.hpp"
#include "dwma_reader.hpp"
#include "fuzz_targets.hpp"
#include "package/archive_walker.hpp"
#include "package/reader_stage.hpp"

namespace ferry::fuzz {

namespace {

using Entries = std::vector<std::pair<std::string, std::string>>;

Entries entries_of(const std::uint8_t* data, std::size_t size) {
    const std::string all(reinterpret_cast<const char*>(data), size);
    if (all.find('\0') == std::string::npos) return {{"package.json", all}};
    Entries out;
    std::size_t at = 0;
    while (at < all.size()) {
        const std::size_t name_end = all.find('\0', at);
        if (name_end == std::string::npos) break;
        std::size_t bytes_end = all.find('\0', name_end + 1);
        if (bytes_end == std::string::npos) bytes_end = all.size();
        // The archive walkers hand over only paths entry_path_problem accepts (UTF-8, relative, no
        // control character, no "..": FERRY-PKG-UNSAFE-PATH), normalised: so does this.
        std::string path;
        if (host::entry_path_problem(all.substr(at, name_end - at), path).empty())
            out.emplace_back(std::move(path), all.substr(name_end + 1, bytes_end - name_end - 1));
        at = bytes_end + 1;
    }
    return out;
}

class Bytes : public sdk::EntryBytes {
  public:
    explicit Bytes(const std::string& s) : s_(s) {}
    std::ptrdiff_t read(char* buffer, std::size_t size) override {
        // Uneven reads, as an archive's decompressor hands them over.
        const std::size_t n = std::min({size, s_.size() - at_, std::size_t(1) + (at_ * 131 + 7) % 4093});
        std::memcpy(buffer, s_.data() + at_, n);
        at_ += n;
        return static_cast<std::ptrdiff_t>(n);
    }

  private:
    const std::string& s_;
    std::size_t at_ = 0;
};

[[noreturn]] void broken(const char* what, const std::string& path) {
    std::fprintf(stderr, "fuzz_readers: a reader %s: '%s'\n", what, path.c_str());
    std::abort();
}

// What the host checks of a reader's output, as hard failures.
class Checked : public sdk::ReaderOutput {
  public:
    void document(const std::string& path, const std::string& text) override {
        if (!host::safe_path(path)) broken("wrote a document at an unsafe path", path);
        if (!nlohmann::json::accept(text)) broken("wrote a document that is not JSON", path);
    }
    void file(const std::string& path, const std::string&) override {
        if (!host::safe_path(path)) broken("wrote a file at an unsafe path", path);
    }
    void file_from(const std::string& path, sdk::EntryBytes& bytes) override {
        if (!host::safe_path(path)) broken("wrote a file at an unsafe path", path);
        std::string all;
        bytes.read_all(all);
    }
};

// As the host runs a reader: recognition on the first 32 entries' first 64 KiB, then every entry,
// then finish.
void run(sdk::Reader& reader, const Entries& entries) {
    std::vector<sdk::EntryPeek> first;
    for (std::size_t i = 0; i < entries.size() && i < 32; ++i)
        first.push_back({entries[i].first, entries[i].second.substr(0, 64 * 1024),
                         static_cast<std::int64_t>(entries[i].second.size())});
    reader.recognize(first);
    Checked out;
    sdk::Diagnostics diags;
    for (const auto& [path, bytes] : entries) {
        Bytes b(bytes);
        reader.read_entry(path, b, out, diags);
    }
    reader.finish(out, diags);
    // A reader that catches its own failures (the DolphinScheduler reader's FERRY-DS-INTERNAL) has
    // still failed: that is a bug to find, not an answer.
    for (const auto& d : diags.items())
        if (d.code.size() > 9 && d.code.compare(d.code.size() - 9, 9, "-INTERNAL") == 0) broken("failed inside", d.summary);
}

}  // namespace

int fuzz_readers(const std::uint8_t* data, std::size_t size) {
    const Entries entries = entries_of(data, size);
    run(*reader::ds::make_dolphinscheduler_reader(), entries);
    {
        reader::azkaban::AzkabanReader azkaban;
        run(azkaban, entries);
    }
    {
        reader::dwma::DwmaReader dwma;
        run(dwma, entries);
    }
    return 0;
}

}  // namespace ferry::fuzz
