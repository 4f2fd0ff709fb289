#include "folder_tar_stream.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>

namespace ferry::local {

namespace {

std::filesystem::file_type type_of(mode_t mode) {
    using std::filesystem::file_type;
    if (S_ISFIFO(mode)) return file_type::fifo;
    if (S_ISSOCK(mode)) return file_type::socket;
    if (S_ISBLK(mode)) return file_type::block;
    if (S_ISCHR(mode)) return file_type::character;
    if (S_ISDIR(mode)) return file_type::directory;
    return file_type::unknown;
}

ssize_t read_retrying(int fd, char* buffer, std::size_t size) {
    for (;;) {
        const ssize_t n = ::read(fd, buffer, size);
        if (n >= 0 || errno != EINTR) return n;
    }
}

}  // namespace

std::unique_ptr<FolderTarStream> FolderTarStream::open(const std::string& folder, std::vector<FolderFile> files,
                                                       sdk::Diagnostics& diags) {
    // Files are opened relative to this descriptor, so the tar is of the folder that was listed
    // even if the path is renamed or replaced meanwhile.
    const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        diags.error("FERRY-SRC-LOCAL-READ", "cannot open the package folder " + folder + ": " + std::strerror(errno),
                    "check the folder's permissions", folder);
        return nullptr;
    }
    return std::unique_ptr<FolderTarStream>(new FolderTarStream(folder, fd, std::move(files)));
}

FolderTarStream::FolderTarStream(std::string folder, int folder_fd, std::vector<FolderFile> files)
    : folder_(std::move(folder)), folder_fd_(folder_fd), files_(std::move(files)) {}

FolderTarStream::~FolderTarStream() {
    close_file();
    if (archive_) {
        // Freeing an unfinished writer closes it: it would pad the open entry to its size and write
        // the end blocks. Refusing the first block stops that at once, and the writer still frees
        // its buffers (archive_write_fail() would skip the close and, in libarchive 3.6, leak them).
        abandoned_ = true;
        archive_write_free(archive_);
    }
    if (folder_fd_ >= 0) ::close(folder_fd_);
}

std::ptrdiff_t FolderTarStream::read(char* buffer, std::size_t size, sdk::Diagnostics& diags) {
    if (failed_) return -1;
    try {
        if (out_.size() - out_pos_ < size && !finished_) {
            // Only what was not handed out yet is kept (less than one step's output).
            out_.erase(out_.begin(), out_.begin() + static_cast<std::ptrdiff_t>(out_pos_));
            out_pos_ = 0;
            while (out_.size() < size && !finished_) {
                if (!step(diags)) {
                    failed_ = true;
                    return -1;
                }
            }
        }
    } catch (const std::exception& e) {
        diags.error("FERRY-SRC-LOCAL-READ", "reading the package folder " + folder_ + " failed: " + e.what(),
                    "check the disk and the folder", folder_);
        failed_ = true;
        return -1;
    }
    const std::size_t n = std::min(size, out_.size() - out_pos_);
    if (n > 0) std::memcpy(buffer, out_.data() + out_pos_, n);
    out_pos_ += n;
    return static_cast<std::ptrdiff_t>(n);
}

bool FolderTarStream::step(sdk::Diagnostics& diags) {
    if (!archive_) return start_archive(diags);
    if (file_fd_ >= 0) return file_left_ > 0 ? copy_chunk(diags) : finish_file(diags);
    if (next_ < files_.size()) return start_file(diags);
    return finish_archive(diags);
}

ssize_t FolderTarStream::on_write(struct archive*, void* self, const void* data, std::size_t size) {
    // An exception must not unwind through libarchive's C frames.
    auto* stream = static_cast<FolderTarStream*>(self);
    if (stream->abandoned_) return -1;
    try {
        auto& out = stream->out_;
        const char* bytes = static_cast<const char*>(data);
        out.insert(out.end(), bytes, bytes + size);
        return static_cast<ssize_t>(size);
    } catch (...) {
        return -1;
    }
}

bool FolderTarStream::start_archive(sdk::Diagnostics& diags) {
    archive_ = archive_write_new();
    if (!archive_) return archive_failed("starting", diags);
    // pax_restricted: plain ustar headers, with a pax extended header only where ustar cannot hold
    // a name or size. BINARY: names go in as their bytes, whatever the locale. The last block is
    // not padded to libarchive's 10 KB: the tar ends with its two zero blocks.
    if (archive_write_set_format_pax_restricted(archive_) != ARCHIVE_OK ||
        archive_write_set_format_option(archive_, "pax", "hdrcharset", "BINARY") != ARCHIVE_OK ||
        archive_write_set_bytes_in_last_block(archive_, 1) != ARCHIVE_OK ||
        archive_write_open(archive_, this, nullptr, &FolderTarStream::on_write, nullptr) != ARCHIVE_OK)
        return archive_failed("starting", diags);
    return true;
}

bool FolderTarStream::start_file(sdk::Diagnostics& diags) {
    const FolderFile& file = files_[next_++];
    // O_NOFOLLOW and O_NONBLOCK: a file swapped for a link or a fifo since it was listed is refused,
    // not followed or waited on.
    file_fd_ = ::openat(folder_fd_, file.path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (file_fd_ < 0) {
        const int err = errno;
        if (err == ENOENT) return changed("was removed while the folder was read", diags);
        diags.add(err == ELOOP ? link_refused(file.path, folder_) : unreadable_file(file.path, folder_, std::strerror(err)));
        return false;
    }
    struct stat st {};
    if (::fstat(file_fd_, &st) != 0) {
        diags.add(unreadable_file(file.path, folder_, std::strerror(errno)));
        return false;
    }
    if (!S_ISREG(st.st_mode)) {
        diags.add(special_file_refused(file.path, folder_, type_of(st.st_mode)));
        return false;
    }
    // The size is the one the file has now, not when it was listed: the header must match the
    // bytes that follow, and these are the bytes about to be read.
    file_size_ = static_cast<std::uint64_t>(st.st_size);
    file_left_ = file_size_;
    struct archive_entry* entry = archive_entry_new();
    if (!entry) return archive_failed("at " + file.path, diags);
    archive_entry_copy_pathname(entry, file.path.c_str());
    archive_entry_set_filetype(entry, AE_IFREG);
    archive_entry_set_perm(entry, 0644);
    archive_entry_set_size(entry, static_cast<la_int64_t>(file_size_));
    archive_entry_set_mtime(entry, 0, 0);
    archive_entry_set_uid(entry, 0);
    archive_entry_set_gid(entry, 0);
    const int r = archive_write_header(archive_, entry);
    archive_entry_free(entry);
    if (r != ARCHIVE_OK) return archive_failed("at " + file.path, diags);
    return true;
}

bool FolderTarStream::copy_chunk(sdk::Diagnostics& diags) {
    const std::string& path = files_[next_ - 1].path;
    chunk_.resize(kFileChunk);
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(file_left_, kFileChunk));
    const ssize_t n = read_retrying(file_fd_, chunk_.data(), want);
    if (n < 0) {
        diags.error("FERRY-SRC-LOCAL-READ", "reading " + in_folder(path, folder_) + " failed: " + std::strerror(errno),
                    "check the disk and the file", path);
        return false;
    }
    if (n == 0)
        return changed("changed while it was read: it had " + std::to_string(file_size_) + " bytes when opened and ended after " +
                           std::to_string(file_size_ - file_left_),
                       diags);
    if (archive_write_data(archive_, chunk_.data(), static_cast<std::size_t>(n)) != n)
        return archive_failed("at " + path, diags);
    file_left_ -= static_cast<std::uint64_t>(n);
    return true;
}

bool FolderTarStream::finish_file(sdk::Diagnostics& diags) {
    const std::string& path = files_[next_ - 1].path;
    // One more byte means the file grew after its header was written.
    char probe = 0;
    const ssize_t n = read_retrying(file_fd_, &probe, 1);
    if (n < 0) {
        diags.error("FERRY-SRC-LOCAL-READ", "reading " + in_folder(path, folder_) + " failed: " + std::strerror(errno),
                    "check the disk and the file", path);
        return false;
    }
    if (n > 0)
        return changed("changed while it was read: it grew past the " + std::to_string(file_size_) +
                           " bytes it had when opened",
                       diags);
    close_file();
    if (archive_write_finish_entry(archive_) != ARCHIVE_OK) return archive_failed("at " + path, diags);
    return true;
}

bool FolderTarStream::finish_archive(sdk::Diagnostics& diags) {
    if (archive_write_close(archive_) != ARCHIVE_OK) return archive_failed("at its end", diags);
    finished_ = true;
    return true;
}

void FolderTarStream::close_file() {
    if (file_fd_ >= 0) ::close(file_fd_);
    file_fd_ = -1;
}

bool FolderTarStream::changed(const std::string& how, sdk::Diagnostics& diags) {
    const std::string& path = files_[next_ - 1].path;
    diags.error("FERRY-SRC-LOCAL-CHANGED", in_folder(path, folder_) + " " + how,
                "read the folder again when nothing is writing to it", path);
    return false;
}

bool FolderTarStream::archive_failed(const std::string& what, sdk::Diagnostics& diags) {
    const char* why = archive_ ? archive_error_string(archive_) : nullptr;
    diags.error("FERRY-SRC-LOCAL-TAR",
                "writing the tar of the package folder " + folder_ + " failed " + what + ": " +
                    (why ? why : "out of memory"),
                "this is a bug in the local source; please report it with the folder's file names", folder_);
    return false;
}

}  // namespace ferry::local
