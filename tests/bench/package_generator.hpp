// Generates SPEC packages of any size for benchmarks and fault tests: nodes (with code beside each
// document, or inline when several nodes share one), tables with DDL, functions and file resources.
// Everything is streamed into libarchive entry by entry and resources in 1 MiB chunks, so a 1 GB
// package never sits in memory. The output is a pure function of the options (seeded PRNG).
#pragma once

#include <cstdint>
#include <string>

namespace ferry::bench {

struct GeneratorOptions {
    std::uint64_t nodes = 1000;
    std::uint64_t tables = 100;
    std::uint64_t functions = 30;
    std::uint64_t resources = 20;
    std::uint64_t code_bytes = 2048;       // per node
    std::uint64_t resource_bytes = 4096;   // per resource
    double compressibility = 0.5;          // share of each resource chunk that is repeated text (0..1)
    std::uint64_t nodes_per_document = 1;  // >1: inline code, fewer entries (100k nodes stay under the entry cap)
    std::uint64_t nodes_per_workflow = 100;
    std::string format = "zip";            // zip | tar.gz
    std::string project = "sales_dev";     // named in the code: what a workspace mapping rewrites
    std::string name_prefix;               // before every object name and id: distinct packages for one workspace
    std::uint64_t seed = 1;
};

struct GeneratorStats {
    std::uint64_t entries = 0;
    std::uint64_t uncompressed_bytes = 0;
    std::uint64_t file_bytes = 0;
};

// Writes the package; false with `error` set when libarchive refuses.
bool generate_package(const std::string& path, const GeneratorOptions& options, GeneratorStats& stats,
                      std::string& error);

// Parses "200MB", "1GB", "4096" (powers of 1024).
bool parse_size(const std::string& text, std::uint64_t& out);

}  // namespace ferry::bench
