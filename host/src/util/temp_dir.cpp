#include "util/temp_dir.hpp"

#include <cstdlib>
#include <stdexcept>
#include <vector>

namespace ferry::host {

TempDir::TempDir(const std::string& prefix) {
    std::filesystem::path base = std::filesystem::temp_directory_path();
    std::string templ = (base / (prefix + "XXXXXX")).string();
    std::vector<char> buf(templ.begin(), templ.end());
    buf.push_back('\0');
    if (::mkdtemp(buf.data()) == nullptr) throw std::runtime_error("cannot create a temporary folder in " + base.string());
    path_ = buf.data();
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

}  // namespace ferry::host
