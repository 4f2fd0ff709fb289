// Builds test packages with libarchive: zip, tar, tar.gz/xz/zst/bz2; regular files, links, raw
// names. Reads and rewrites a zip's central directory for tests that cut or alter it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ferry::test {

struct Entry {
    enum class Type { file, symlink, hardlink, directory };
    std::string path;
    std::string content;  // file bytes, or the link target
    Type type = Type::file;
};

enum class Format { zip, tar, tar_gz, tar_xz, tar_zst, tar_bz2 };

void write_package(const std::string& file, Format format, const std::vector<Entry>& entries);
// With libarchive writer options as well ("zip:zip64" writes zip64 records whatever the sizes).
void write_package(const std::string& file, Format format, const std::vector<Entry>& entries,
                   const std::string& options);
std::string extension_of(Format format);  // ".zip", ".tar.gz"...

// One entry of a zip's central directory, as written.
struct ZipDirectoryRecord {
    std::string bytes;  // 46 fixed bytes, the name, the extra field and the comment
    std::string name() const;
    std::uint32_t local_offset() const;  // the 32-bit field
    void rename(const std::string& name);
    void set_local_offset(std::uint32_t offset);
};

// Where a zip's parts are (a test may seek, ferry may not).
struct ZipLayout {
    std::vector<ZipDirectoryRecord> directory;  // in order
    std::uint64_t directory_offset = 0;
    std::uint64_t end_records_offset = 0;  // the zip64 end record when there is one, else the end record
    bool zip64 = false;
};
ZipLayout zip_layout(const std::string& zip);
// `zip` with its central directory and end records replaced by `records` and an end record that
// agrees with them.
std::string with_zip_directory(const std::string& zip, const std::vector<ZipDirectoryRecord>& records);

// A zip written byte by byte (stored entries), for what libarchive's writer does not write: Info-ZIP
// Unicode Path extra fields (0x7075) and zip64 local-header offsets (0x0001) in the directory, or
// a directory that disagrees with them.
struct HandmadeEntry {
    std::string raw_name;                // the header's name bytes, as written (no UTF-8 flag)
    std::string content;
    std::string unicode_name;            // a 0x7075 field in both headers, for raw_name; empty for none
    std::string directory_unicode_name;  // the directory's 0x7075 name instead, when not empty
    bool zip64_offset = false;           // the directory's offset as all ones plus a 0x0001 field
    std::int64_t directory_offset_shift = 0;  // added to the offset the directory gives
    bool deflate = false;                // the content deflated (method 8), else stored (method 0)
    // Flag 8: the local header's CRC and sizes are zero, a data descriptor (with its signature)
    // follows the data; the directory has them all the same.
    bool sizes_after = false;
    std::uint16_t flags = 0;             // more flag bits (1: encrypted)
    int method = -1;                     // written instead of 0 or 8, the data left as `deflate` says
    std::uint16_t version_needed = 20;   // libarchive takes its high byte for the maker's system
    std::uint32_t xl_mode = 0;           // a Unix mode in an Info-ZIP "xl" field (0x6c78); 0 for none
    std::string after_data;              // bytes written between this entry and the next record
    std::int64_t crc = -1;               // the CRC-32 written instead of the content's, when not -1
    std::string local_extra;             // bytes added to the local header's extra field, as given
    // What the central directory says instead of what the local header and the data say, when set.
    int directory_method = -1;
    std::int64_t directory_crc = -1;
    std::int64_t directory_size = -1;    // the uncompressed size
};
std::string handmade_zip(const std::vector<HandmadeEntry>& entries);
std::uint32_t crc32_of(const std::string& bytes);

// `bytes` compressed as one gzip stream (a .zip.gz, say).
std::string gzip_of(const std::string& bytes);

std::string read_file(const std::string& file);
void write_file(const std::string& file, const std::string& content);

// A SPEC package (SPEC.FORMAT + DataStudio layout) built from the FlowSpec samples: one node per
// .schedule.json with its code file beside it, a resource, a table, a function and a data source.
std::vector<Entry> spec_package_entries(const std::string& samples_dir);

// A FlowSpec document with one node, as text.
std::string one_node_spec(const std::string& name, const std::string& command = "ODPS_SQL",
                          const std::string& extra_node_fields = "", const std::string& version = "1.1.0",
                          const std::string& kind = "CycleWorkflow");

}  // namespace ferry::test
