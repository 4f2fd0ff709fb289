#include "export/package_writer.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <system_error>

namespace ferry::host {

namespace fs = std::filesystem;

namespace {

constexpr const char* kCode = "FERRY-EXPORT-WRITE";

class ZipWriter : public PackageWriter {
  public:
    ZipWriter(fs::path file) : file_(std::move(file)) {
        temp_ = file_;
        temp_ += ".part-" + std::to_string(::getpid());
    }
    ~ZipWriter() override {
        if (a_) archive_write_free(a_);
        if (!done_) {
            std::error_code ec;
            fs::remove(temp_, ec);
        }
    }

    bool open(sdk::Diagnostics& diags) {
        a_ = archive_write_new();
        archive_write_set_format_zip(a_);
        archive_write_set_options(a_, "zip:hdrcharset=UTF-8");
        if (archive_write_open_filename(a_, temp_.c_str()) != ARCHIVE_OK) return fail(diags, "cannot create");
        return true;
    }

    bool add(const std::string& path, const std::string& bytes, sdk::Diagnostics& diags) override {
        struct archive_entry* e = archive_entry_new();
        archive_entry_set_pathname_utf8(e, path.c_str());
        archive_entry_set_size(e, static_cast<la_int64_t>(bytes.size()));
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        // A fixed time: the same workspace exports to the same bytes.
        archive_entry_set_mtime(e, 315532800, 0);  // 1980-01-01, the zip format's first day
        bool ok = archive_write_header(a_, e) == ARCHIVE_OK;
        archive_entry_free(e);
        if (ok && !bytes.empty())
            ok = archive_write_data(a_, bytes.data(), bytes.size()) == static_cast<la_ssize_t>(bytes.size());
        if (!ok) return fail(diags, "cannot write '" + path + "' into");
        ++written;
        return true;
    }

    bool finish(bool, sdk::Diagnostics& diags) override {
        const bool closed = archive_write_close(a_) == ARCHIVE_OK;
        archive_write_free(a_);
        a_ = nullptr;
        if (!closed) return fail(diags, "cannot finish");
        std::error_code ec;
        fs::rename(temp_, file_, ec);
        if (ec) {
            diags.error(kCode, "cannot put the export in place at " + file_.string() + ": " + ec.message(),
                        "check that the folder is writable", file_.string());
            return false;
        }
        done_ = true;
        return true;
    }

  private:
    bool fail(sdk::Diagnostics& diags, const std::string& what) {
        const char* why = a_ ? archive_error_string(a_) : nullptr;
        diags.error(kCode, what + " the package " + file_.string() + (why ? std::string(": ") + why : ""),
                    "check free space and that the folder is writable", file_.string());
        return false;
    }

    fs::path file_, temp_;
    struct archive* a_ = nullptr;
    bool done_ = false;
};

class FolderWriter : public PackageWriter {
  public:
    explicit FolderWriter(fs::path root) : root_(std::move(root)) {}

    bool add(const std::string& path, const std::string& bytes, sdk::Diagnostics& diags) override {
        const fs::path file = root_ / fs::u8path(path);
        seen_.insert(file.lexically_normal().string());
        std::error_code ec;
        if (fs::is_regular_file(file, ec) && fs::file_size(file, ec) == bytes.size() && same_bytes(file, bytes)) {
            ++unchanged;
            return true;
        }
        fs::create_directories(file.parent_path(), ec);
        if (ec) return fail(diags, file, "cannot create its folder: " + ec.message());
        const fs::path temp = file.string() + ".part-" + std::to_string(::getpid());
        {
            std::ofstream out(temp, std::ios::binary | std::ios::trunc);
            out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
            if (!out) return fail(diags, file, "cannot write it");
        }
        fs::rename(temp, file, ec);
        if (ec) return fail(diags, file, "cannot put it in place: " + ec.message());
        ++written;
        return true;
    }

    bool finish(bool prune, sdk::Diagnostics& diags) override {
        if (!prune) return true;
        for (const char* top : {"DataStudio", "DataSource"}) {
            const fs::path dir = root_ / top;
            std::error_code ec;
            if (!fs::is_directory(dir, ec)) continue;
            std::vector<fs::path> stale;
            for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
                 it.increment(ec))
                if (it->is_regular_file() && !seen_.count(it->path().lexically_normal().string()))
                    stale.push_back(it->path());
            for (const auto& f : stale) {
                fs::remove(f, ec);
                if (ec) return fail(diags, f, "cannot remove it (the workspace no longer holds it): " + ec.message());
                ++removed;
            }
            remove_empty_folders(dir);
        }
        return true;
    }

  private:
    static bool same_bytes(const fs::path& file, const std::string& bytes) {
        std::ifstream in(file, std::ios::binary);
        std::string have(bytes.size(), '\0');
        in.read(have.data(), static_cast<std::streamsize>(have.size()));
        return in.gcount() == static_cast<std::streamsize>(bytes.size()) && have == bytes;
    }
    static void remove_empty_folders(const fs::path& dir) {
        std::error_code ec;
        for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec))
            if (it->is_directory()) remove_empty_folders(it->path());
        if (fs::is_empty(dir, ec)) fs::remove(dir, ec);
    }
    bool fail(sdk::Diagnostics& diags, const fs::path& file, const std::string& why) {
        diags.error(kCode, file.string() + ": " + why, "check free space and that the folder is writable", file.string());
        return false;
    }

    fs::path root_;
    std::set<std::string> seen_;
};

}  // namespace

std::unique_ptr<PackageWriter> zip_writer(const fs::path& file, sdk::Diagnostics& diags) {
    auto w = std::make_unique<ZipWriter>(file);
    if (!w->open(diags)) return nullptr;
    return w;
}

std::unique_ptr<PackageWriter> folder_writer(const fs::path& folder, sdk::Diagnostics& diags) {
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec || !fs::is_directory(folder, ec)) {
        diags.error(kCode, "cannot create the folder " + folder.string() + (ec ? ": " + ec.message() : ""),
                    "give a folder you may write to", folder.string());
        return nullptr;
    }
    return std::make_unique<FolderWriter>(folder);
}

}  // namespace ferry::host
