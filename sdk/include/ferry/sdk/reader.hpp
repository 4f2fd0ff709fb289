// Reader plugins: package formats. A reader recognises its format from a package's first entries
// and turns the package, entry by entry, into ferry's one model: FlowSpec documents (and the files
// beside them: node code, resource bytes) laid out as a SPEC package. The host parses what a reader
// writes exactly as it parses a SPEC package, so every format gets the same checks, plan, import,
// export and round trip, and `ferry convert` writes what a reader wrote as a SPEC package.
//
// Lossless: what a reader cannot carry into FlowSpec is a named diagnostic (a stable code, the
// entry, what was lost), never a silent drop; what FlowSpec has no field for is kept in the object's
// document under a key of the reader's own (e.g. "dolphinscheduler": {...}), so nothing is lost.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "ferry/sdk/diagnostic.hpp"
#include "ferry/sdk/plugin.hpp"

namespace ferry::sdk {

// The start of one entry, for recognition: its path and its first bytes (at most 64 KiB).
struct EntryPeek {
    std::string path;
    std::string head;
    std::int64_t size = -1;  // declared, -1 when unknown
};

struct Recognition {
    int confidence = 0;   // 0: not this format; 100: certainly it. The host takes the highest.
    std::string format;   // as `ferry check` reports it: "dolphinscheduler-1.3", "dwma", "azkaban"...
    // When a reader knows the package is of a family it does not read (an Airflow DAG folder, an
    // Oozie workflow.xml), it says so with confidence 0 and this sentence; the host names it.
    std::string unsupported;
};

// An entry's bytes, streamed; read_all() for the documents a reader parses whole.
class FERRY_SDK_EXPORT EntryBytes {
  public:
    virtual ~EntryBytes() = default;
    // Bytes read, 0 at the end, -1 after the host added an error (stop reading).
    virtual std::ptrdiff_t read(char* buffer, std::size_t size) = 0;
    // The whole entry, refused (false, with an error) above `limit` bytes.
    bool read_all(std::string& out, std::size_t limit = std::size_t(256) << 20);
};

// What a reader writes: a SPEC package's entries. Paths are relative, '/'-separated, in the SPEC
// layout (docs/package-format.md): `DataStudio/<folder>/<name>/<name>.schedule.json` and its code
// file beside it, `DataSource/<type>/<subType>/<ENV>/<name>/<name>.json`, resource files...
class FERRY_SDK_EXPORT ReaderOutput {
  public:
    virtual ~ReaderOutput() = default;
    virtual void document(const std::string& path, const std::string& flowspec_json) = 0;
    virtual void file(const std::string& path, const std::string& bytes) = 0;
    // A large file passed through without holding it (a resource's bytes).
    virtual void file_from(const std::string& path, EntryBytes& bytes) = 0;
};

class FERRY_SDK_EXPORT Reader : public PluginObject {
  public:
    // Looks at the package's first entries (up to 32, in the order they come).
    virtual Recognition recognize(const std::vector<EntryPeek>& first) = 0;
    // Every entry, in order (the first ones again, from their start). Diagnostics name the entry.
    virtual void read_entry(const std::string& path, EntryBytes& bytes, ReaderOutput& out, Diagnostics& diags) = 0;
    // After the last entry: write what needs the whole package (relations across files).
    virtual void finish(ReaderOutput& out, Diagnostics& diags) = 0;
};

// The one rule for a path a reader writes, as for an archive's entries: relative, '/'-separated, no
// empty, "." or ".." segment, no backslash, no control character. The host refuses any other
// (FERRY-READER-PATH, a bug in the reader); a reader that builds a path from package content checks
// it with this first and says what it does instead.
inline bool safe_output_path(const std::string& p) {
    if (p.empty()) return false;
    std::size_t start = 0;
    for (;;) {
        const std::size_t end = p.find('/', start) == std::string::npos ? p.size() : p.find('/', start);
        const std::size_t length = end - start;
        if (length == 0 || (length == 1 && p[start] == '.') || (length == 2 && p[start] == '.' && p[start + 1] == '.'))
            return false;
        if (end == p.size()) break;
        start = end + 1;
    }
    for (const char c : p)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '\\') return false;
    return true;
}

inline bool EntryBytes::read_all(std::string& out, std::size_t limit) {
    out.clear();
    char buf[1 << 16];
    for (;;) {
        const std::ptrdiff_t n = read(buf, sizeof buf);
        if (n < 0) return false;
        if (n == 0) return true;
        if (out.size() + static_cast<std::size_t>(n) > limit) return false;
        out.append(buf, static_cast<std::size_t>(n));
    }
}

}  // namespace ferry::sdk
