// Example source plugin: serves packages dropped into a shared folder, by name.
//
//   [source]
//   plugin = "spool_dir"
//   folder = "/srv/ferry/incoming"
//   name = "sales_dw.zip"
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "ferry/sdk/sdk.hpp"

namespace {
using namespace ferry::sdk;

// The schema is data: the host validates the user's table against it before create() runs.
const ConfigKey kSchema[] = {
    {"folder", ValueType::string, true, nullptr, "the folder packages are dropped into"},
    {"name", ValueType::string, true, nullptr, "the package's file name inside the folder"},
};

class FileStream : public ByteStream {
  public:
    explicit FileStream(std::FILE* f) : f_(f) {}
    ~FileStream() override { std::fclose(f_); }
    std::ptrdiff_t read(char* buf, std::size_t n, Diagnostics& diags) override {
        const std::size_t got = std::fread(buf, 1, n, f_);
        if (got == 0 && std::ferror(f_)) {
            diags.error("SPOOL-READ", "reading the package failed");
            return -1;
        }
        return static_cast<std::ptrdiff_t>(got);
    }

  private:
    std::FILE* f_;
};

class SpoolDirSource : public Source {
  public:
    SpoolDirSource(std::string folder, std::string name) : folder_(std::move(folder)), name_(std::move(name)) {}

    OpenResponse open(const OpenRequest& request) override {
        OpenResponse r;
        // Names only: a name with a slash could walk out of the folder.
        if (name_.find('/') != std::string::npos) {
            r.diagnostics.error("SPOOL-NAME", "the package name must not contain '/'", "give a file name", "name");
            return r;
        }
        const auto path = std::filesystem::path(folder_) / name_;
        r.location = path.string();
        std::error_code ec;
        const auto size = std::filesystem::file_size(path, ec);
        if (ec) {
            r.diagnostics.error("SPOOL-NOT-FOUND", "no package named " + name_ + " in " + folder_,
                                "drop the package into the folder first", path.string());
            return r;
        }
        r.size = static_cast<std::int64_t>(size);
        if (request.max_size && size > request.max_size) {
            r.diagnostics.error("SPOOL-TOO-LARGE", "the package is over the size limit", "raise max_size", r.location);
            return r;
        }
        if (std::FILE* f = std::fopen(path.c_str(), "rb")) r.stream = std::make_unique<FileStream>(f);
        else r.diagnostics.error("SPOOL-OPEN", "cannot open " + r.location);
        return r;
    }

  private:
    std::string folder_, name_;
};

std::unique_ptr<SpoolDirSource> make(const CreateContext& ctx, Diagnostics&) {
    return std::make_unique<SpoolDirSource>(ctx.config->string("folder"), ctx.config->string("name"));
}

}  // namespace

FERRY_PLUGIN(source, "spool_dir", "0.1.0", "Example: packages dropped into a shared folder", kSchema, nullptr, make)
