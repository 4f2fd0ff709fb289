// Source "local": a package file on this machine, streamed in chunks, or a package folder, streamed
// as a tar of its files (folder_tar_stream.hpp).
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>

#include "ferry/sdk/sdk.hpp"
#include "folder_listing.hpp"
#include "folder_tar_stream.hpp"

namespace {
namespace fs = std::filesystem;
namespace local = ferry::local;
using namespace ferry::sdk;

const ConfigKey kSchema[] = {
    {"path", ValueType::string, true, nullptr,
     "the package file or folder (relative paths resolve against the config file)"},
};

class FileStream : public ByteStream {
  public:
    FileStream(std::FILE* f, std::string path) : file_(f), path_(std::move(path)) {}
    ~FileStream() override { std::fclose(file_); }

    std::ptrdiff_t read(char* buffer, std::size_t size, Diagnostics& diags) override {
        const std::size_t n = std::fread(buffer, 1, size, file_);
        if (n == 0 && std::ferror(file_)) {
            diags.error("FERRY-SRC-LOCAL-READ", "reading " + path_ + " failed: " + std::strerror(errno),
                        "check the disk and the file", path_);
            return -1;
        }
        return static_cast<std::ptrdiff_t>(n);
    }

  private:
    std::FILE* file_;
    std::string path_;
};

class LocalSource : public Source {
  public:
    explicit LocalSource(std::string path) : path_(std::move(path)) {}

    OpenResponse open(const OpenRequest& request) override {
        OpenResponse r;
        r.location = path_;
        std::error_code ec;
        const auto status = fs::status(path_, ec);
        if (ec || !fs::exists(status)) {
            r.diagnostics.error("FERRY-SRC-LOCAL-NOT-FOUND", "package file not found: " + path_,
                                "check the path; relative paths resolve against the config file's folder", path_);
            return r;
        }
        if (fs::is_directory(status)) return open_folder(request);
        if (!fs::is_regular_file(status)) {
            r.diagnostics.error("FERRY-SRC-LOCAL-NOT-FILE", path_ + " is not a regular file",
                                "give the path of a package file (zip, tar, tar.gz or FlowSpec JSON)", path_);
            return r;
        }
        const auto size = fs::file_size(path_, ec);
        if (!ec) r.size = static_cast<std::int64_t>(size);
        // Refuse before reading a byte: the cap is known and so is the size.
        if (!ec && request.max_size > 0 && size > request.max_size) {
            r.diagnostics.error("FERRY-SRC-TOO-LARGE",
                                "the package is " + std::to_string(size) + " bytes, over the size limit of " +
                                    std::to_string(request.max_size) + " bytes",
                                "raise the limit with --max-size or max_size in [source] (e.g. 2GB)", path_);
            return r;
        }
        std::FILE* f = std::fopen(path_.c_str(), "rb");
        if (!f) {
            r.diagnostics.error("FERRY-SRC-LOCAL-OPEN", "cannot open " + path_ + ": " + std::strerror(errno),
                                "check the file's permissions", path_);
            return r;
        }
        r.stream = std::make_unique<FileStream>(f, path_);
        return r;
    }

  private:
    // A folder is read as the tar of its regular files; its size is known only as it streams.
    OpenResponse open_folder(const OpenRequest& request) {
        OpenResponse r;
        // "DIR/" and "DIR" are one folder, and the host names the package by the location's last part.
        std::string folder = path_;
        while (folder.size() > 1 && folder.back() == '/') folder.pop_back();
        r.location = folder;
        local::FolderListing listing;
        if (!local::list_folder(folder, listing, r.diagnostics)) return r;
        if (listing.files.empty()) {
            // Refused here rather than handed on as an empty tar, so the message can say why.
            r.diagnostics.error("FERRY-SRC-LOCAL-EMPTY-FOLDER",
                                "the package folder " + folder + " holds no files" +
                                    (listing.skipped ? " (version-control entries .git, .svn and .hg are not read)"
                                                     : ""),
                                "give the folder a package's files (SPEC.FORMAT, DataStudio/...), or give the path "
                                "of a package file",
                                folder);
            return r;
        }
        // The tar is larger still (headers, padding); the host's cap catches the rest as it streams.
        if (request.max_size > 0 && listing.total_size > request.max_size) {
            r.diagnostics.error("FERRY-SRC-TOO-LARGE",
                                "the package folder's files are " + std::to_string(listing.total_size) +
                                    " bytes, over the size limit of " + std::to_string(request.max_size) + " bytes",
                                "raise the limit with --max-size or max_size in [source] (e.g. 2GB)", folder);
            return r;
        }
        r.stream = local::FolderTarStream::open(folder, std::move(listing.files), r.diagnostics);
        return r;
    }

    std::string path_;
};

std::unique_ptr<LocalSource> make_local(const CreateContext& ctx, Diagnostics&) {
    return std::make_unique<LocalSource>(ctx.config->string("path"));
}

}  // namespace

FERRY_PLUGIN(source, "local", "0.1.0", "Reads a package from a file or a folder on this machine", kSchema, nullptr, make_local)
