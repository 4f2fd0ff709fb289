// Paths the build gives the tests, and a registry loaded with the plugins this build made.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "ferry/sdk/diagnostic.hpp"
#include "package/model.hpp"
#include "package/package_reader.hpp"
#include "plugin/plugin_registry.hpp"

namespace ferry::test {

std::string plugin_dir();          // build/lib/ferry/plugins
std::string fixture_plugin_dir();  // build/tests/fixture-plugins
std::string samples_dir();         // tests/data/dataworks-spec
std::string ferry_binary();        // build/bin/ferry
std::string scratch_dir();         // a fresh folder per test, under the build tree
// Every *.json file under tests/data (FlowSpec, DolphinScheduler and other samples): path and text.
std::vector<std::pair<std::string, std::string>> repository_json_files();

host::PluginRegistry& built_plugins();

struct ReadResult {
    bool read_ok = false;
    host::PackageModel model;
    sdk::Diagnostics diags;
};

// Reads a package file through the real `local` source plugin, then runs the package checks.
ReadResult check_file(const std::string& path, host::ReadOptions options = {});

// The first diagnostic with this code, or null.
const sdk::Diagnostic* find_code(const sdk::Diagnostics& diags, const std::string& code);
std::string codes_of(const sdk::Diagnostics& diags);

struct RunResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};
// Runs the built ferry binary with arguments (shell-quoted by the caller) and captures output.
RunResult run_ferry(const std::string& args, const std::string& env = "");

}  // namespace ferry::test
