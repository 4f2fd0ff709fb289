// ferry serve: the web console and REST API (docs/web.md).
#include <csignal>
#include <filesystem>
#include <iostream>

#include <boost/program_options.hpp>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "ferry/catalog/catalog.hpp"
#include "server/web_server.hpp"
#include "task/task_config.hpp"
#include "util/size_text.hpp"

namespace ferry::host {
namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

// The data dir when none is given: a "web" folder beside the default catalog.
std::string default_data_dir() {
    const std::string uri = default_catalog_uri();  // sqlite:<dir>/catalog.db
    return (fs::path(uri.substr(7)).parent_path() / "web").string();
}

bool parse_listen(const std::string& text, web::ServeOptions& out) {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0) return false;
    std::string host = text.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    try {
        const int port = std::stoi(text.substr(colon + 1));
        if (port < 0 || port > 65535) return false;
        out.port = static_cast<unsigned short>(port);
    } catch (...) {
        return false;
    }
    out.host = host;
    return true;
}

}  // namespace

int cmd_serve(App& app, const Args& args) {
    po::options_description opts(
        "ferry serve [--listen HOST:PORT] [--catalog URI] --users FILE [--data-dir DIR] [--engines FILE] "
        "[--max-upload SIZE]");
    opts.add_options()("listen", po::value<std::string>()->default_value("127.0.0.1:8080"),
                       "address to listen on (port 0: any free port, printed on start)")(
        "catalog", po::value<std::string>(), "catalog URI (default: FERRY_CATALOG, else the embedded one)")(
        "users", po::value<std::string>(), "users file (TOML): [[users]] name, role, token_sha256")(
        "data-dir", po::value<std::string>(), "where uploaded packages and web tasks' TOML go (default: <data>/web)")(
        "engines", po::value<std::string>(),
        "TOML file of [[workspace.engines]]: the destination's engine instances (default: set per task)")(
        "max-upload", po::value<std::string>()->default_value("30MB"), "largest package upload (the product's 30MB)")(
        "secure-cookies", "mark cookies Secure (when a TLS proxy fronts the server)")(
        "threads", po::value<unsigned>()->default_value(8), "request threads")("help,h", "show this help");
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(opts).run(), vm);
    po::notify(vm);
    if (vm.count("help")) {
        std::cout << opts << "\nServes the Import Tasks console and its REST API until SIGINT or SIGTERM.\n"
                             "See docs/web.md.\n";
        return kExitOk;
    }
    web::ServeOptions options;
    if (!parse_listen(vm["listen"].as<std::string>(), options)) {
        std::cerr << "error[FERRY-USAGE]: --listen must be HOST:PORT, e.g. 127.0.0.1:8080\n";
        return kExitUsage;
    }
    const auto cap = parse_size(vm["max-upload"].as<std::string>());
    if (!cap || *cap == 0) {
        std::cerr << "error[FERRY-USAGE]: --max-upload must be a size such as 30MB\n";
        return kExitUsage;
    }
    options.max_upload = *cap;
    if (!vm.count("users")) {
        std::cerr << "error[FERRY-USAGE]: --users FILE is required: nobody may use the console anonymously\n"
                     "  hint: [[users]] name = \"ann\" role = \"admin\" token_sha256 = \"$(printf %s \"$TOKEN\" | "
                     "sha256sum)\"\n";
        return kExitUsage;
    }
    options.users_file = vm["users"].as<std::string>();
    options.catalog_uri = choose_catalog(vm.count("catalog") ? vm["catalog"].as<std::string>() : "", "");
    options.data_dir = vm.count("data-dir") ? vm["data-dir"].as<std::string>() : default_data_dir();
    options.data_dir = fs::absolute(options.data_dir).lexically_normal().string();
    options.secure_cookies = vm.count("secure-cookies") != 0;
    options.threads = std::max(2u, vm["threads"].as<unsigned>());

    sdk::Diagnostics diags;
    std::unique_ptr<web::EnginesFile> engines;
    if (vm.count("engines")) {
        engines = std::make_unique<web::EnginesFile>();
        if (!web::load_engines_file(vm["engines"].as<std::string>(), *engines, diags)) {
            print_diagnostics(std::cerr, diags);
            return kExitUsage;
        }
    }

    // Block the stop signals before any thread starts, so only sigwait below receives them.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

    web::WebServer server(app.registry(), options, std::move(engines));
    if (!server.start(diags)) {
        print_diagnostics(std::cerr, diags);
        bool usage = false;
        for (const auto& d : diags.items())
            usage |= d.code.rfind("FERRY-WEB-USERS", 0) == 0 || d.code.rfind("FERRY-CONFIG", 0) == 0 ||
                     d.code == "FERRY-CATALOG-001";
        return usage ? kExitUsage : kExitFailed;
    }
    print_diagnostics(std::cerr, diags);  // warnings, if any
    std::cout << "ferry serve: listening on http://" << options.host << ":" << server.port() << "/ (catalog "
              << catalog::scrub_secrets(options.catalog_uri) << ", upload limit " << format_size(options.max_upload)
              << ")" << std::endl;
    int sig = 0;
    sigwait(&stop_signals, &sig);
    std::cout << "ferry serve: stopping" << std::endl;
    server.stop();
    return kExitOk;
}

}  // namespace ferry::host
