// Replays every input under tests/fuzz/regressions/<target>/ through its fuzz target: each one once
// crashed ferry (see the README there), and must now be refused cleanly. Under the sanitizer
// build a regression shows as an AddressSanitizer or UBSan report.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fuzz_targets.hpp"

namespace {

namespace fs = std::filesystem;

struct Target {
    const char* name;
    int (*run)(const std::uint8_t*, std::size_t);
};

const Target kTargets[] = {
    {"package", ferry::fuzz::fuzz_package},
    {"flowspec", ferry::fuzz::fuzz_flowspec},
    {"ddl", ferry::fuzz::fuzz_ddl},
    {"task_config", ferry::fuzz::fuzz_task_config},
#ifdef FERRY_FUZZ_READERS
    {"readers", ferry::fuzz::fuzz_readers},
#endif
};

class FuzzRegression : public ::testing::TestWithParam<Target> {};

TEST_P(FuzzRegression, EveryCheckedInInputIsHandled) {
    const fs::path dir = fs::path(FERRY_FUZZ_DIR) / "regressions" / GetParam().name;
    std::vector<fs::path> inputs;
    if (fs::exists(dir))
        for (const auto& e : fs::directory_iterator(dir))
            if (e.is_regular_file() && e.path().extension() != ".md" && e.path().filename().string()[0] != '.')
                inputs.push_back(e.path());
    for (const auto& input : inputs) {
        SCOPED_TRACE(input.string());
        std::ifstream in(input, std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        EXPECT_EQ(GetParam().run(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()), 0);
    }
}

// The targets themselves must accept the trivial inputs every fuzzer starts from.
TEST_P(FuzzRegression, EmptyAndTinyInputsAreHandled) {
    for (const std::string& bytes : {std::string(), std::string("{"), std::string("PK\x03\x04", 4), std::string(512, '\0')})
        EXPECT_EQ(GetParam().run(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()), 0);
}

INSTANTIATE_TEST_SUITE_P(Targets, FuzzRegression, ::testing::ValuesIn(kTargets),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
