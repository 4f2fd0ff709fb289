#include "util/temp_dir.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "util/object_spool.hpp"

namespace ferry::host {

TempDir::TempDir(const std::string& prefix) {
    // TMPDIR as the object spools read it; a TMPDIR that is not there is the same clear error.
    const char* t = std::getenv("TMPDIR");
    const std::filesystem::path base = t && *t ? t : "/tmp";
    std::string templ = (base / (prefix + "XXXXXX")).string();
    std::vector<char> buf(templ.begin(), templ.end());
    buf.push_back('\0');
    if (::mkdtemp(buf.data()) == nullptr)
        throw SpoolError("cannot create a temporary folder in " + base.string() + " (" + std::strerror(errno) + ")");
    path_ = buf.data();
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

}  // namespace ferry::host
