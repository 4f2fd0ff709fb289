// The zip format's small pieces both zip readers use (zip_directory.cpp checks the central
// directory, zip_walker.cpp reads the entries): record signatures, little-endian fields, extra
// fields, and the one rule for an Info-ZIP Unicode Path.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ferry::host::zip {

constexpr std::uint32_t kLocalHeader = 0x04034b50;    // PK\3\4
constexpr std::uint32_t kCentralHeader = 0x02014b50;  // PK\1\2
constexpr std::uint32_t kSignature = 0x05054b50;      // PK\5\5, the directory's digital signature
constexpr std::uint32_t kEnd64 = 0x06064b50;          // PK\6\6
constexpr std::uint32_t kEnd64Locator = 0x07064b50;   // PK\6\7
constexpr std::uint32_t kEnd = 0x06054b50;            // PK\5\6
constexpr std::uint32_t kDescriptor = 0x08074b50;     // PK\7\8
constexpr std::size_t kLocalHeaderSize = 30;

inline std::uint16_t le16(const char* p) {
    const auto* u = reinterpret_cast<const unsigned char*>(p);
    return static_cast<std::uint16_t>(u[0] | u[1] << 8);
}
inline std::uint32_t le32(const char* p) { return le16(p) | static_cast<std::uint32_t>(le16(p + 2)) << 16; }
inline std::uint64_t le64(const char* p) { return le32(p) | static_cast<std::uint64_t>(le32(p + 4)) << 32; }

// Calls `f(id, data, size)` for each whole field of an extra block (fewer than four bytes left at
// its end are no field). False when a field runs past the block's end, which ends the walk.
template <class F>
bool for_each_extra(std::string_view extra, F&& f) {
    std::size_t i = 0;
    while (i + 4 <= extra.size()) {
        const std::uint16_t id = le16(extra.data() + i);
        const std::size_t size = le16(extra.data() + i + 2);
        i += 4;
        if (i + size > extra.size()) return false;
        f(id, extra.data() + i, size);
        i += size;
    }
    return true;
}

// CRC-32 (zlib's) of `n` bytes, continuing from `crc`.
std::uint32_t crc32(std::uint32_t crc, const char* data, std::size_t n);

// The name an Info-ZIP Unicode Path field (0x7075) gives, when it was written for this very name
// (version 1, and the CRC-32 of `raw_name`): libarchive's rule. False, `out` untouched, otherwise.
bool unicode_path(std::string_view raw_name, const char* data, std::size_t size, std::string& out);

}  // namespace ferry::host::zip
