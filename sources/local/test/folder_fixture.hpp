// What the folder tests share: a scratch folder, the built `local` plugin opened on it, and the
// stream's tar read back through libarchive's reader.
#pragma once

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "plugin_harness.hpp"
#include "source_test_support.hpp"

namespace ferry::local::testing {

namespace fs = std::filesystem;
using source::testing::describe;
using source::testing::drain;
using source::testing::Drained;

inline source::testing::PluginHarness& plugin() {
    static source::testing::PluginHarness harness(FERRY_PLUGIN_PATH);
    return harness;
}

// A fresh folder under /tmp (short paths: a unix socket's path must fit in 108 bytes), readable by
// everyone so an unprivileged child can read it too; removed with everything in it.
class Folder {
  public:
    Folder() {
        std::string pattern = "/tmp/ferry-local-XXXXXX";
        if (!::mkdtemp(pattern.data())) ADD_FAILURE() << "mkdtemp failed";
        path_ = pattern;
        ::chmod(path_.c_str(), 0755);
    }
    ~Folder() {
        std::error_code ec;
        // Put back permissions a test took away, so everything can be removed.
        fs::permissions(path_, fs::perms::owner_all, ec);
        for (auto it = fs::recursive_directory_iterator(path_, ec); !ec && it != fs::recursive_directory_iterator();
             it.increment(ec))
            if (std::error_code e; it->is_directory(e) && !it->is_symlink(e))
                fs::permissions(it->path(), fs::perms::owner_all, e);
        fs::remove_all(path_, ec);
    }
    Folder(const Folder&) = delete;
    Folder& operator=(const Folder&) = delete;

    const std::string& path() const { return path_; }
    std::string at(const std::string& relative) const { return path_ + "/" + relative; }

    void write(const std::string& relative, const std::string& content) const {
        const fs::path p = at(relative);
        fs::create_directories(p.parent_path());
        std::ofstream(p, std::ios::binary) << content;
    }
    void mkdir(const std::string& relative) const { fs::create_directories(at(relative)); }

  private:
    std::string path_;
};

struct Opened {
    sdk::OpenResponse response;
    std::string open_diagnostics;  // describe() of the response's diagnostics
};

inline Opened open_path(const std::string& path, std::uint64_t max_size = 0) {
    Opened o;
    source::testing::RecordingHost host;
    sdk::Diagnostics create_diags;
    auto source = plugin().create({{"path", path}}, create_diags, host);
    if (!source) {
        ADD_FAILURE() << describe(create_diags);
        return o;
    }
    sdk::OpenRequest request;
    request.max_size = max_size;
    o.response = source->open(request);
    o.open_diagnostics = describe(o.response.diagnostics);
    return o;
}

// The whole stream of a folder, in pulls of `pull` bytes; empty and a failure when it did not open.
inline Drained read_folder(const std::string& path, std::size_t pull = 16 * 1024) {
    Opened o = open_path(path);
    if (!o.response.stream) {
        ADD_FAILURE() << "the folder did not open: " << o.open_diagnostics;
        return {};
    }
    return drain(*o.response.stream, pull);
}

struct TarEntry {
    std::string path;
    std::string content;
    bool regular = false;
    int perm = 0;
    long long mtime = -1;
    long long uid = -1, gid = -1;
    std::string uname, gname;
    bool operator==(const TarEntry&) const = default;
};

inline std::ostream& operator<<(std::ostream& os, const TarEntry& e) {
    return os << e.path << " (" << e.content.size() << " bytes, perm " << std::oct << e.perm << std::dec << ", mtime "
              << e.mtime << ", " << e.uid << "/" << e.gid << " '" << e.uname << "'/'" << e.gname << "')";
}

// A regular file as the folder's tar must hold it.
inline TarEntry file_entry(const std::string& path, const std::string& content) {
    return {path, content, true, 0644, 0, 0, 0, "", ""};
}

// The tar's entries, read back with libarchive's tar reader (as the host reads packages).
inline std::vector<TarEntry> tar_entries(const std::string& tar) {
    std::vector<TarEntry> out;
    struct archive* a = archive_read_new();
    archive_read_support_format_tar(a);
    if (archive_read_open_memory(a, tar.data(), tar.size()) != ARCHIVE_OK) {
        ADD_FAILURE() << "not a tar: " << archive_error_string(a);
        archive_read_free(a);
        return out;
    }
    struct archive_entry* e = nullptr;
    int r = ARCHIVE_OK;
    while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
        TarEntry t;
        t.path = archive_entry_pathname(e);
        t.regular = archive_entry_filetype(e) == AE_IFREG;
        t.perm = static_cast<int>(archive_entry_perm(e));
        t.mtime = archive_entry_mtime(e);
        t.uid = archive_entry_uid(e);
        t.gid = archive_entry_gid(e);
        t.uname = archive_entry_uname(e) ? archive_entry_uname(e) : "";
        t.gname = archive_entry_gname(e) ? archive_entry_gname(e) : "";
        char buf[8192];
        la_ssize_t n = 0;
        while ((n = archive_read_data(a, buf, sizeof buf)) > 0) t.content.append(buf, static_cast<std::size_t>(n));
        if (n < 0) ADD_FAILURE() << "reading " << t.path << ": " << archive_error_string(a);
        out.push_back(std::move(t));
    }
    if (r != ARCHIVE_EOF) ADD_FAILURE() << "tar header: " << archive_error_string(a);
    archive_read_free(a);
    return out;
}

// Runs `body` in a child process without root's right to read anything (uid and gid nobody), and
// returns what it wrote to its pipe: a file with mode 000 is unreadable only to such a process.
template <typename Body>
std::string as_unprivileged(Body body) {
    int fds[2];
    if (::pipe(fds) != 0) return "pipe failed";
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::close(fds[0]);
        if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) ::_exit(3);
        const std::string text = body();
        std::size_t done = 0;
        while (done < text.size()) {
            const ssize_t n = ::write(fds[1], text.data() + done, text.size() - done);
            if (n <= 0) ::_exit(4);
            done += static_cast<std::size_t>(n);
        }
        ::_exit(0);
    }
    ::close(fds[1]);
    std::string out;
    char buf[4096];
    ssize_t n = 0;
    while ((n = ::read(fds[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        out += "child failed with status " + std::to_string(status);
    return out;
}

}  // namespace ferry::local::testing
