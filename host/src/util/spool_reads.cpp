#include "util/spool_reads.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "util/read_windows.hpp"

namespace ferry::host::spool_reads {

namespace {

struct OpenFile {
    explicit OpenFile(int descriptor) : fd(descriptor) {}
    ~OpenFile() { ::close(fd); }
    OpenFile(const OpenFile&) = delete;
    OpenFile& operator=(const OpenFile&) = delete;

    const int fd;
    std::mutex mutex;  // over windows
    ReadWindows windows;
};

// Shared pointers: a read that found its file keeps it open while a forget takes it off the list.
struct Registry {
    std::mutex mutex;
    std::unordered_map<std::string, std::shared_ptr<OpenFile>> files;
};

Registry& registry() {
    static Registry* r = new Registry();  // never destroyed: readers may run while the process exits
    return *r;
}

std::shared_ptr<OpenFile> find_or_open(const std::string& path) {
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    if (auto it = r.files.find(path); it != r.files.end()) return it->second;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return nullptr;
    auto file = std::make_shared<OpenFile>(fd);
    r.files.emplace(path, file);
    return file;
}

}  // namespace

bool read(const std::string& path, std::uint64_t offset, std::uint64_t size, std::string& out) {
    const auto file = find_or_open(path);
    if (!file) return false;
    std::lock_guard<std::mutex> lock(file->mutex);
    return file->windows.read(file->fd, std::numeric_limits<std::uint64_t>::max(), offset, size, out);
}

void forget(const std::string& path) {
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    r.files.erase(path);
}

void forget_under(const std::filesystem::path& dir) {
    std::string prefix = dir.string();
    if (prefix.empty()) return;
    if (prefix.back() != '/') prefix += '/';
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    for (auto it = r.files.begin(); it != r.files.end();)
        it = it->first.compare(0, prefix.size(), prefix) == 0 ? r.files.erase(it) : std::next(it);
}

std::size_t open_files() {
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    return r.files.size();
}

}  // namespace ferry::host::spool_reads
