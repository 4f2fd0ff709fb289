#include "test_env.hpp"

#include <sys/wait.h>

#include <atomic>
#include <clocale>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include "config/schema_validation.hpp"
#include "package/package_check.hpp"
#include "task/engine_routing.hpp"
#include "package_builder.hpp"

namespace ferry::test {

// Archive names and terminal widths are UTF-8, as in ferry's main().
static const bool utf8_locale = std::setlocale(LC_CTYPE, "C.UTF-8") != nullptr;

std::string plugin_dir() { return FERRY_TEST_BUILD_DIR "/lib/ferry/plugins"; }
std::string fixture_plugin_dir() { return FERRY_TEST_BUILD_DIR "/tests/fixture-plugins"; }
std::string samples_dir() { return FERRY_TEST_SOURCE_DIR "/tests/data/dataworks-spec"; }
std::string ferry_binary() { return FERRY_TEST_BUILD_DIR "/bin/ferry"; }

std::vector<std::pair<std::string, std::string>> repository_json_files() {
    std::vector<std::pair<std::string, std::string>> out;
    namespace fs = std::filesystem;
    for (const auto& e : fs::recursive_directory_iterator(fs::path(FERRY_TEST_SOURCE_DIR) / "tests" / "data")) {
        if (!e.is_regular_file() || e.path().extension() != ".json") continue;
        std::ifstream in(e.path(), std::ios::binary);
        out.emplace_back(e.path().string(),
                         std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()));
    }
    return out;
}

std::string scratch_dir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = info ? std::string(info->test_suite_name()) + "." + info->name() : "scratch";
    for (auto& c : name)
        if (c == '/') c = '_';
    const std::filesystem::path dir = std::filesystem::path(FERRY_TEST_BUILD_DIR) / "tests" / "scratch" / name;
    static std::string cleaned_for;  // wipe once per test, so later calls see earlier files
    if (cleaned_for != name) {
        std::filesystem::remove_all(dir);
        cleaned_for = name;
    }
    std::filesystem::create_directories(dir);
    return dir.string();
}

host::PluginRegistry& built_plugins() {
    static host::PluginRegistry* registry = [] {
        auto* r = new host::PluginRegistry();
        r->discover({plugin_dir()});
        return r;
    }();
    return *registry;
}

ReadResult check_file(const std::string& path, host::ReadOptions options) {
    ReadResult result;
    auto& reg = built_plugins();
    const host::PluginInfo* local = reg.find(sdk::PluginKind::source, "local");
    if (!local) {
        ADD_FAILURE() << "the local source plugin was not built into " << plugin_dir();
        return result;
    }
    sdk::Config config;
    host::config_from_pairs({{"path", path}}, local->schema, "local", config, result.diags);
    auto source = reg.create_as<sdk::Source>(*local, config, "", result.diags);
    if (!source) return result;
    if (!options.registry) options.registry = &reg;
    result.read_ok = host::read_package(*source, "local", options, result.model, result.diags);
    if (result.read_ok) host::check_package_with(reg, result.model, result.diags);
    return result;
}

const sdk::Diagnostic* find_code(const sdk::Diagnostics& diags, const std::string& code) {
    for (const auto& d : diags.items())
        if (d.code == code) return &d;
    return nullptr;
}

std::string codes_of(const sdk::Diagnostics& diags) {
    std::string out;
    for (const auto& d : diags.items()) out += d.code + " (" + d.summary + " @ " + d.where + ")\n";
    return out;
}

RunResult run_ferry(const std::string& args, const std::string& env) {
    static std::atomic<int> counter{0};
    const std::string base = scratch_dir() + "/run" + std::to_string(counter++);
    const std::string cmd = env + (env.empty() ? "" : " ") + ferry_binary() + " " + args + " >" + base + ".out 2>" +
                            base + ".err";
    const int status = std::system(cmd.c_str());
    RunResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = read_file(base + ".out");
    r.err = read_file(base + ".err");
    return r;
}

}  // namespace ferry::test
