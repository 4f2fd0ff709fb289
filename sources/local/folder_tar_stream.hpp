// A package folder read as one byte stream: an uncompressed POSIX (pax) tar of its regular files,
// written by libarchive as read() asks for bytes.
//
// Nothing is staged: no thread, no temporary file, no copy of the package. read() writes the tar
// only as far as the bytes it was asked for (a header, a chunk of a file, the end blocks), so memory
// stays at about one read's worth whatever the folder's size.
//
// The bytes depend only on the files' paths and contents: entries in path order, each with mode
// 0644, mtime 0, uid and gid 0 and no user or group name; names are written as bytes (pax
// hdrcharset=BINARY), never converted through the process's locale. The host records the
// package's SHA-256 to tell whether anything changed, so the same files must give the same bytes
// on any machine.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ferry/sdk/source.hpp"
#include "folder_listing.hpp"

struct archive;

namespace ferry::local {

class FolderTarStream : public sdk::ByteStream {
  public:
    // `files` as list_folder gave them (sorted); the folder is opened now, the files as the tar
    // reaches them. Null after adding FERRY-SRC-LOCAL-READ when the folder cannot be opened.
    static std::unique_ptr<FolderTarStream> open(const std::string& folder, std::vector<FolderFile> files,
                                                 sdk::Diagnostics& diags);
    ~FolderTarStream() override;
    FolderTarStream(const FolderTarStream&) = delete;
    FolderTarStream& operator=(const FolderTarStream&) = delete;

    // A file whose size differs between its header and its end (it changed while it was read) is
    // FERRY-SRC-LOCAL-CHANGED: the header already promised a size, and a tar padded or cut to it
    // would hand the host bytes that were never in the folder under a hash it would trust.
    std::ptrdiff_t read(char* buffer, std::size_t size, sdk::Diagnostics& diags) override;

    // Bytes read from each file per step; with libarchive's 10 KB block, what read() may hold
    // beyond the bytes asked for.
    static constexpr std::size_t kFileChunk = 64u << 10;

  private:
    FolderTarStream(std::string folder, int folder_fd, std::vector<FolderFile> files);

    // Writes the next piece of the tar (starts the archive, or a file's header, or one chunk of its
    // data, or its end, or the archive's end). False after adding an error.
    bool step(sdk::Diagnostics& diags);
    bool start_archive(sdk::Diagnostics& diags);
    bool start_file(sdk::Diagnostics& diags);
    bool copy_chunk(sdk::Diagnostics& diags);
    bool finish_file(sdk::Diagnostics& diags);
    bool finish_archive(sdk::Diagnostics& diags);
    void close_file();
    bool archive_failed(const std::string& what, sdk::Diagnostics& diags);
    bool changed(const std::string& how, sdk::Diagnostics& diags);

    static ssize_t on_write(struct archive*, void* self, const void* data, std::size_t size);

    std::string folder_;
    int folder_fd_ = -1;
    std::vector<FolderFile> files_;
    std::size_t next_ = 0;          // index of the next file to start
    struct archive* archive_ = nullptr;
    int file_fd_ = -1;              // the file being copied, or -1 between files
    std::uint64_t file_left_ = 0;   // bytes its header promised that are still to copy
    std::uint64_t file_size_ = 0;   // what its header says
    bool finished_ = false;         // the end blocks are written
    bool failed_ = false;           // an error was reported; read() keeps returning -1
    bool abandoned_ = false;        // being destroyed: libarchive's last writes are refused
    std::vector<char> out_;         // tar bytes written by libarchive, not yet handed to read()
    std::size_t out_pos_ = 0;
    std::vector<char> chunk_;       // one file read
};

}  // namespace ferry::local
