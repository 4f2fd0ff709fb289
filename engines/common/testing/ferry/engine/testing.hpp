// Test helpers shared by the engine plugins' tests: configs built in code, a host that records logs,
// and the server environment variables (a missing one fails the test, naming the script to run).
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "ferry/sdk/config.hpp"
#include "ferry/sdk/diagnostic.hpp"
#include "ferry/sdk/plugin.hpp"

namespace ferry::engine::testing {

// A Config as the host hands it over: string values only unless typed below.
inline sdk::Config make_config(std::initializer_list<std::pair<std::string, std::string>> strings,
                               std::initializer_list<std::pair<std::string, std::int64_t>> integers = {}) {
    sdk::Config c;
    c.where = "test.toml:1:1";
    for (const auto& [k, v] : strings) {
        sdk::ConfigValue value;
        value.type = sdk::ValueType::string;
        value.text = v;
        value.where = "test.toml:" + k;
        c.values[k] = value;
    }
    for (const auto& [k, v] : integers) {
        sdk::ConfigValue value;
        value.type = sdk::ValueType::integer;
        value.integer = v;
        value.text = std::to_string(v);
        value.where = "test.toml:" + k;
        c.values[k] = value;
    }
    return c;
}

class RecordingHost : public sdk::HostServices {
  public:
    void log(sdk::Severity, const std::string& message) override { lines.push_back(message); }
    std::vector<std::string> lines;
};

// Reads a server variable; an unset one fails the test with the script that starts the server.
inline std::string require_env(const char* name, const char* script) {
    const char* v = std::getenv(name);
    if (!v || !*v) {
        ADD_FAILURE() << name << " is not set: start the server with `" << script
                      << "` and export what it prints (this test never skips)";
        return {};
    }
    return v;
}

inline std::string describe(const sdk::Diagnostics& d) {
    std::string out;
    for (const auto& i : d.items())
        out += std::string(sdk::to_string(i.severity)) + " " + i.code + ": " + i.summary +
               (i.detail.empty() ? "" : " (" + i.detail + ")") + (i.where.empty() ? "" : " @" + i.where) + "\n";
    return out;
}

inline std::vector<std::string> codes_of(const sdk::Diagnostics& d) {
    std::vector<std::string> out;
    for (const auto& i : d.items()) out.push_back(i.code);
    return out;
}

}  // namespace ferry::engine::testing
