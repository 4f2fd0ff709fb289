// Builds test packages with libarchive: zip, tar, tar.gz; regular files, links, raw names.
#pragma once

#include <string>
#include <vector>

namespace ferry::test {

struct Entry {
    enum class Type { file, symlink, hardlink, directory };
    std::string path;
    std::string content;  // file bytes, or the link target
    Type type = Type::file;
};

enum class Format { zip, tar, tar_gz };

void write_package(const std::string& file, Format format, const std::vector<Entry>& entries);
std::string read_file(const std::string& file);
void write_file(const std::string& file, const std::string& content);

// A SPEC package (SPEC.FORMAT + DataStudio layout) built from the FlowSpec samples: one node per
// .schedule.json with its code file beside it, a resource, a table, a function and a data source.
std::vector<Entry> spec_package_entries(const std::string& samples_dir);

// A FlowSpec document with one node, as text.
std::string one_node_spec(const std::string& name, const std::string& command = "ODPS_SQL",
                          const std::string& extra_node_fields = "", const std::string& version = "1.1.0",
                          const std::string& kind = "CycleWorkflow");

}  // namespace ferry::test
