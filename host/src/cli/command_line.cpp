#include "cli/command_line.hpp"

#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/output.hpp"
#include "ferry/catalog/catalog.hpp"

namespace ferry::host {
namespace po = boost::program_options;

int parse_command(const Args& args, po::options_description& opts, const std::vector<std::string>& positional,
                  po::variables_map& vm, const std::string& about, std::size_t required) {
    po::options_description hidden;
    po::positional_options_description pos;
    for (const auto& p : positional) {
        hidden.add_options()(p.c_str(), po::value<std::string>(), "");
        pos.add(p.c_str(), 1);
    }
    opts.add_options()("help,h", "show this help");
    po::options_description all;
    all.add(opts).add(hidden);
    po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
    po::notify(vm);
    if (vm.count("help")) {
        std::cout << opts << "\n" << about << "\n";
        return kExitOk;
    }
    for (std::size_t i = 0; i < positional.size() && i < required; ++i)
        if (const auto& p = positional[i]; !vm.count(p)) {
            std::cerr << "error[FERRY-USAGE]: missing " << p << "\n  hint: run with --help for the usage\n";
            return kExitUsage;
        }
    return -1;
}

std::string option(const po::variables_map& vm, const char* key) {
    return vm.count(key) ? vm[key].as<std::string>() : std::string{};
}

int exit_code_for(const sdk::Diagnostics& diags) {
    for (const auto& d : diags.items())
        if (d.severity == sdk::Severity::error &&
            (d.code.rfind("FERRY-CONFIG", 0) == 0 || d.code == "FERRY-TASK-NAME" || d.code == "FERRY-TASK-MAPPING" ||
             d.code == catalog::codes::bad_uri || d.code == catalog::codes::password_in_uri))
            return kExitUsage;
    return kExitFailed;
}

int fail_with(const sdk::Diagnostics& diags, bool as_json) {
    if (as_json) std::cout << nlohmann::json{{"ok", false}, {"diagnostics", diagnostics_json(diags)}}.dump(2) << "\n";
    else print_diagnostics(std::cerr, diags);
    return exit_code_for(diags);
}

}  // namespace ferry::host
