// Runs a Reader the way the host does (recognition on the first 32 entries, then every entry in
// order, then finish) over a package file (any archive libarchive reads, or a lone JSON document)
// or a folder (files in path order), and keeps everything it writes, for assertions.
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "ferry/sdk/reader.hpp"

namespace ferry::reader::testing {

struct Written {
    std::map<std::string, std::string> documents;  // path -> FlowSpec JSON
    std::map<std::string, std::string> files;      // path -> bytes
    sdk::Recognition recognition;
    sdk::Diagnostics diagnostics;
};

class StringBytes : public sdk::EntryBytes {
  public:
    explicit StringBytes(const std::string& s) : s_(s) {}
    std::ptrdiff_t read(char* buffer, std::size_t size) override {
        const std::size_t n = std::min(size, s_.size() - at_);
        std::copy_n(s_.data() + at_, n, buffer);
        at_ += n;
        return static_cast<std::ptrdiff_t>(n);
    }

  private:
    const std::string& s_;
    std::size_t at_ = 0;
};

class Collect : public sdk::ReaderOutput {
  public:
    explicit Collect(Written& w) : w_(w) {}
    void document(const std::string& path, const std::string& json) override { w_.documents[path] = json; }
    void file(const std::string& path, const std::string& bytes) override { w_.files[path] = bytes; }
    void file_from(const std::string& path, sdk::EntryBytes& bytes) override {
        std::string all;
        bytes.read_all(all);
        w_.files[path] = all;
    }

  private:
    Written& w_;
};

// The entries of a package: (path, bytes), in archive order (a folder: sorted paths).
inline std::vector<std::pair<std::string, std::string>> entries_of(const std::string& path) {
    std::vector<std::pair<std::string, std::string>> out;
    namespace fs = std::filesystem;
    if (fs::is_directory(path)) {
        for (const auto& e : fs::recursive_directory_iterator(path))
            if (e.is_regular_file()) {
                std::ifstream in(e.path(), std::ios::binary);
                std::stringstream s;
                s << in.rdbuf();
                out.emplace_back(fs::relative(e.path(), path).generic_string(), s.str());
            }
        std::sort(out.begin(), out.end());
        return out;
    }
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    const std::string bytes = s.str();
    const auto first = bytes.find_first_not_of(" \t\r\n");
    if (first != std::string::npos && (bytes[first] == '{' || bytes[first] == '[')) {  // a lone JSON document
        out.emplace_back(fs::path(path).filename().string(), bytes);
        return out;
    }
    struct archive* a = archive_read_new();
    archive_read_support_filter_all(a);
    archive_read_support_format_all(a);
    if (archive_read_open_memory(a, bytes.data(), bytes.size()) == ARCHIVE_OK) {
        struct archive_entry* e = nullptr;
        while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
            if (archive_entry_filetype(e) != AE_IFREG) continue;
            std::string data;
            char buf[65536];
            la_ssize_t n;
            while ((n = archive_read_data(a, buf, sizeof buf)) > 0) data.append(buf, static_cast<std::size_t>(n));
            std::string name = archive_entry_pathname(e);
            if (name.rfind("./", 0) == 0) name = name.substr(2);
            out.emplace_back(name, data);
        }
    }
    archive_read_free(a);
    return out;
}

inline Written run_reader(sdk::Reader& reader, const std::string& package) {
    Written w;
    const auto entries = entries_of(package);
    std::vector<sdk::EntryPeek> peeks;
    for (std::size_t i = 0; i < entries.size() && i < 32; ++i)
        peeks.push_back({entries[i].first, entries[i].second.substr(0, 65536),
                         static_cast<std::int64_t>(entries[i].second.size())});
    w.recognition = reader.recognize(peeks);
    if (w.recognition.confidence <= 0) return w;
    Collect out(w);
    for (const auto& [p, bytes] : entries) {
        StringBytes b(bytes);
        reader.read_entry(p, b, out, w.diagnostics);
    }
    reader.finish(out, w.diagnostics);
    return w;
}

}  // namespace ferry::reader::testing
