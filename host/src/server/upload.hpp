// multipart/form-data read as a stream: the file part goes straight to a private file (0600) under
// the data dir while its bytes are counted, so a body over the cap is refused without ever being
// held in memory; text fields are capped too.
#pragma once

#include <cstdint>
#include <istream>
#include <map>
#include <string>

namespace ferry::host::web {

struct UploadLimits {
    std::uint64_t max_file = 30ull << 20;
    std::size_t max_field = 64 << 10;
    std::size_t max_parts = 16;
};

struct Upload {
    std::map<std::string, std::string> fields;
    std::string file_field;   // the form field that held the file ("package")
    std::string file_path;    // the private copy; empty when no file was sent
    std::string file_name;    // the client's name for it, reduced to [A-Za-z0-9._-]
    std::uint64_t file_size = 0;
};

enum class UploadStatus { ok, too_large, bad_form };

struct UploadOutcome {
    UploadStatus status = UploadStatus::ok;
    std::string message;
};

// Reads the whole form, which must end with its closing boundary. On failure nothing is left on disk.
UploadOutcome read_multipart(std::istream& body, const std::string& content_type, const UploadLimits& limits,
                             const std::string& spool_dir, Upload& out);

// Reads and drops up to `limit` bytes, so a refused client sees the answer instead of a reset.
void drain(std::istream& body, std::uint64_t limit);

}  // namespace ferry::host::web
