// ferry_bench_genpkg: writes a generated SPEC package (see package_generator.hpp) and prints its
// entry count and sizes. Used by the benchmarks and by the crash and worker tests.
#include <cstdio>
#include <cstring>
#include <string>

#include "package_generator.hpp"

using ferry::bench::GeneratorOptions;

static int usage() {
    std::fprintf(stderr,
                 "usage: ferry_bench_genpkg OUT.zip|OUT.tar.gz [--nodes N] [--tables N] [--functions N]\n"
                 "         [--resources N] [--code-bytes SIZE] [--resource-bytes SIZE | --size SIZE]\n"
                 "         [--compressibility 0..1] [--nodes-per-doc N] [--seed N] [--project NAME] [--prefix TEXT]\n"
                 "  --size spreads SIZE uncompressed bytes over the resources (at least one).\n");
    return 2;
}

int main(int argc, char** argv) {
    if (argc < 2 || argv[1][0] == '-') return usage();
    const std::string out = argv[1];
    GeneratorOptions o;
    if (out.size() > 7 && out.compare(out.size() - 7, 7, ".tar.gz") == 0) o.format = "tar.gz";
    std::uint64_t total_size = 0;
    for (int i = 2; i < argc; ++i) {
        const std::string key = argv[i];
        if (i + 1 >= argc) return usage();
        const std::string value = argv[++i];
        std::uint64_t n = 0;
        const bool is_size = ferry::bench::parse_size(value, n);
        if (key == "--compressibility") o.compressibility = std::stod(value);
        else if (key == "--project") o.project = value;
        else if (key == "--prefix") o.name_prefix = value;
        else if (!is_size) return usage();
        else if (key == "--nodes") o.nodes = n;
        else if (key == "--tables") o.tables = n;
        else if (key == "--functions") o.functions = n;
        else if (key == "--resources") o.resources = n;
        else if (key == "--code-bytes") o.code_bytes = n;
        else if (key == "--resource-bytes") o.resource_bytes = n;
        else if (key == "--size") total_size = n;
        else if (key == "--nodes-per-doc") o.nodes_per_document = n;
        else if (key == "--seed") o.seed = n;
        else return usage();
    }
    if (total_size > 0) {
        if (o.resources == 0) o.resources = 1;
        o.resource_bytes = total_size / o.resources;
    }
    ferry::bench::GeneratorStats stats;
    std::string error;
    if (!ferry::bench::generate_package(out, o, stats, error)) {
        std::fprintf(stderr, "ferry_bench_genpkg: %s\n", error.c_str());
        return 1;
    }
    std::printf("%s: %llu entries, %llu bytes uncompressed, %llu bytes on disk\n", out.c_str(),
                static_cast<unsigned long long>(stats.entries), static_cast<unsigned long long>(stats.uncompressed_bytes),
                static_cast<unsigned long long>(stats.file_bytes));
    return 0;
}
