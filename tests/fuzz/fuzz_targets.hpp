// The fuzzed entry points, one per input format. Each takes raw bytes and must never crash, hang
// or leak, whatever the bytes; errors are diagnostics. Compiled twice: into libFuzzer binaries
// (fuzz_main.cpp, clang) and into the regression test that replays every checked-in input (gcc).
#pragma once

#include <cstddef>
#include <cstdint>

namespace ferry::fuzz {

int fuzz_package(const std::uint8_t* data, std::size_t size);      // archive walker + package reader + checks
int fuzz_flowspec(const std::uint8_t* data, std::size_t size);     // one FlowSpec document
int fuzz_ddl(const std::uint8_t* data, std::size_t size);          // CREATE TABLE / CREATE FUNCTION
int fuzz_task_config(const std::uint8_t* data, std::size_t size);  // TOML + task settings
int fuzz_readers(const std::uint8_t* data, std::size_t size);      // DolphinScheduler, Azkaban, DWMA readers

}  // namespace ferry::fuzz
