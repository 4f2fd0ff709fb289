#include <iostream>

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/output.hpp"

namespace ferry::host {
namespace po = boost::program_options;

namespace {

int describe(App& app, const std::string& name, bool as_json) {
    const PluginInfo* p = app.registry().find(name);
    if (!p) {
        std::cerr << "error[FERRY-PLUGIN-MISSING]: no plugin named '" << name << "' is loaded\n"
                  << "  hint: run `ferry plugins` to list the loaded plugins\n";
        return kExitUsage;
    }
    if (as_json) {
        nlohmann::json keys = nlohmann::json::array();
        for (const auto& k : p->schema)
            keys.push_back({{"name", k.name},
                            {"type", sdk::to_string(k.type)},
                            {"required", k.required},
                            {"default", k.default_value ? nlohmann::json(k.default_value) : nlohmann::json()},
                            {"description", k.description ? k.description : ""}});
        std::cout << nlohmann::json{{"name", p->name},
                                    {"kind", sdk::to_string(p->kind)},
                                    {"version", p->version},
                                    {"summary", p->summary},
                                    {"sdk_abi", std::to_string(p->abi_major) + "." + std::to_string(p->abi_minor)},
                                    {"build_id", p->build_id},
                                    {"path", p->path},
                                    {"owns", p->owns},
                                    {"config", keys}}
                         .dump(2)
                  << "\n";
        return kExitOk;
    }
    std::cout << p->name << " (" << sdk::to_string(p->kind) << " plugin, version " << p->version << ")\n"
              << "  " << p->summary << "\n"
              << "  file:     " << p->path << "\n"
              << "  SDK ABI:  " << p->abi_major << "." << p->abi_minor << ", build " << p->build_id << "\n";
    if (!p->owns.empty()) {
        std::cout << "  owns:    ";
        for (const auto& o : p->owns) std::cout << " " << o;
        std::cout << "\n";
    }
    std::cout << "\nConfiguration keys:\n";
    if (p->schema.empty()) std::cout << "  (none)\n";
    TextTable table({"  KEY", "TYPE", "REQUIRED", "DEFAULT", "DESCRIPTION"});
    for (const auto& k : p->schema)
        table.add({std::string("  ") + k.name, sdk::to_string(k.type), k.required ? "yes" : "no",
                   k.default_value ? k.default_value : "", k.description ? k.description : ""});
    if (!p->schema.empty()) table.print(std::cout);
    return kExitOk;
}

}  // namespace

int cmd_plugins(App& app, const Args& args) {
    po::options_description opts("ferry plugins [--json] | ferry plugins describe NAME [--json]");
    opts.add_options()("json", "print one JSON document")("help,h", "show this help");
    po::options_description hidden;
    hidden.add_options()("words", po::value<std::vector<std::string>>()->default_value({}, ""), "");
    po::options_description all;
    all.add(opts).add(hidden);
    po::positional_options_description pos;
    pos.add("words", -1);
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
    if (vm.count("help")) {
        std::cout << opts << "\nLists the loaded plugins and the libraries refused, or describes one plugin.\n";
        return kExitOk;
    }
    const auto words = vm["words"].as<std::vector<std::string>>();
    const bool as_json = vm.count("json") != 0;
    if (!words.empty()) {
        if (words[0] != "describe" || words.size() != 2) {
            std::cerr << "error[FERRY-USAGE]: usage: ferry plugins describe NAME\n";
            return kExitUsage;
        }
        return describe(app, words[1], as_json);
    }
    const auto& reg = app.registry();
    if (as_json) {
        nlohmann::json doc{{"plugins", nlohmann::json::array()}, {"rejected", nlohmann::json::array()}};
        for (const auto& p : reg.plugins())
            doc["plugins"].push_back({{"name", p.name},
                                      {"kind", sdk::to_string(p.kind)},
                                      {"version", p.version},
                                      {"sdk_abi", std::to_string(p.abi_major) + "." + std::to_string(p.abi_minor)},
                                      {"path", p.path},
                                      {"summary", p.summary}});
        for (const auto& r : reg.rejected())
            doc["rejected"].push_back({{"path", r.path}, {"code", r.code}, {"message", r.message}});
        std::cout << doc.dump(2) << "\n";
        return kExitOk;
    }
    TextTable table({"NAME", "KIND", "VERSION", "SDK ABI", "SUMMARY"});
    for (const auto& p : reg.plugins())
        table.add({p.name, sdk::to_string(p.kind), p.version,
                   std::to_string(p.abi_major) + "." + std::to_string(p.abi_minor), p.summary});
    if (table.empty()) std::cout << "No plugins loaded.\n";
    else table.print(std::cout);
    for (const auto& r : reg.rejected()) std::cerr << "error[" << r.code << "]: " << r.message << "\n";
    return kExitOk;
}

}  // namespace ferry::host
