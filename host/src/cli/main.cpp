// ferry: the command-line host. Git-style: `ferry COMMAND [options]`.
#include <cstdlib>
#include <clocale>
#include <cstring>
#include <iostream>
#include <map>
#include <string_view>

#include <boost/program_options/errors.hpp>
#ifdef FERRY_WITH_MIMALLOC
#include <mimalloc.h>
#endif

#include "cli/commands.hpp"
#include "cli/output.hpp"

namespace {

using namespace ferry::host;

struct Command {
    int (*run)(App&, const Args&);
    const char* summary;
};

const std::map<std::string, Command>& commands() {
    static const std::map<std::string, Command> table = {
        {"plugins", {cmd_plugins, "list loaded plugins and refused libraries; `plugins describe NAME`"}},
        {"check", {cmd_check, "check that a package is sound"}},
        {"convert", {cmd_convert, "write a package of any format ferry reads as a SPEC package"}},
        {"preview", {cmd_preview, "show the objects a package holds"}},
        {"plan", {cmd_plan, "show what an import task would do to each object; changes nothing"}},
        {"import", {cmd_import, "run an import task from its TASK.toml"}},
        {"reimport", {cmd_reimport, "redo what did not succeed in a task"}},
        {"tasks", {cmd_tasks, "list import tasks"}},
        {"task", {cmd_task, "show, create, edit or delete a task"}},
        {"report", {cmd_report, "print a task's import report (text, json, html)"}},
        {"objects", {cmd_objects, "list the objects of a destination workspace"}},
        {"show", {cmd_show, "print an object's code or DDL"}},
        {"serve", {cmd_serve, "serve the Import Tasks web console and its REST API"}},
        {"queue", {cmd_queue, "store a task as QUEUED for a `ferry worker`"}},
        {"worker", {cmd_worker, "claim queued tasks from the catalog and import them"}},
        {"unlock", {cmd_unlock, "break a workspace's import lock by hand"}},
        {"export", {cmd_export, "write a workspace's objects as a SPEC package (zip or folder)"}},
    };
    return table;
}

void print_help() {
    std::cout << "ferry " FERRY_SDK_VERSION
                 ": migrate DataWorks workspace objects (nodes, resources, tables, functions)\n\n"
                 "Usage: ferry [--plugin-dir DIR]... COMMAND [options]\n\nCommands:\n";
    for (const auto& [name, c] : commands()) {
        std::cout << "  " << name << std::string(name.size() < 12 ? 12 - name.size() : 1, ' ') << c.summary << "\n";
    }
    std::cout << "\nRun `ferry COMMAND --help` for a command's options.\n\n"
                 "Global options:\n"
                 "  --plugin-dir DIR  look for plugins in DIR first (repeatable); then FERRY_PLUGIN_PATH\n"
                 "                    (colon separated), then lib/ferry/plugins beside the binary\n"
                 "  --version         print the version and the plugin ABI this host accepts\n"
                 "  catalog           commands that use the catalog take --catalog URI (sqlite:PATH or\n"
                 "                    postgresql:...); else the task's, else FERRY_CATALOG, else the\n"
                 "                    embedded one in $FERRY_DATA_DIR (default ~/.local/share/ferry)\n"
                 "  --help            print this help\n\n"
                 "Exit codes:\n"
                 "  0  success\n"
                 "  1  the package or the task failed (diagnostics on stderr)\n"
                 "  2  bad usage or bad configuration\n";
}

#ifdef FERRY_WITH_MIMALLOC
// Reading and importing a package allocate fresh memory all the time (inflated entries, parsed
// documents, spool and statement buffers), and the first touch of each 4 KiB page is a page fault:
// on a virtual machine those faults were a tenth or more of `ferry check` and of an import. mimalloc
// maps its memory with 2 MiB pages where the kernel's transparent huge pages allow it (Debian's
// default, "madvise") when its large-page option is on (docs/performance.md has what it gained).
// mimalloc settles its options as it starts, before main() (turning this one on in main() changed
// nothing measurable), so it is made the default from the executable's pre-initialisers, which run
// before any library's constructor and are given the arguments. A default only: the environment's
// MIMALLOC_LARGE_OS_PAGES still decides.
//
// Not for the commands that keep running: mimalloc never hands memory mapped with large pages back
// to the system, so `serve` and `worker` would keep their largest import's peak for good.
void prefer_large_pages(int argc, char** argv, char**) {
    for (int i = 1; i < argc; ++i) {  // the command, as main() finds it below
        const std::string_view arg = argv[i];
        if (arg == "--plugin-dir") {
            ++i;
            continue;
        }
        if (arg.empty() || arg[0] == '-') continue;
        if (arg == "serve" || arg == "worker") return;
        break;
    }
    mi_option_set_default(mi_option_large_os_pages, 1);
}
__attribute__((section(".preinit_array"), used)) void (*const ferry_prefer_large_pages)(int, char**, char**) =
    prefer_large_pages;
#endif

}  // namespace

int main(int argc, char** argv) {
    // UTF-8 names in archives and terminal widths need a UTF-8 character type.
    std::setlocale(LC_CTYPE, "C.UTF-8");
    // libarchive turns each zip entry's DOS time into time_t with mktime(); with TZ unset, glibc
    // stats /etc/localtime on every call (two syscalls per entry, 6% of checking a 10,000-node
    // package). Naming the same zone explicitly lets glibc read it once. Set before any thread starts.
    if (!std::getenv("TZ")) ::setenv("TZ", ":/etc/localtime", 0);
    GlobalOptions global;
    std::string command;
    Args rest;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--plugin-dir" && i + 1 < argc) {
            global.plugin_dirs.emplace_back(argv[++i]);
        } else if (arg.rfind("--plugin-dir=", 0) == 0) {
            global.plugin_dirs.push_back(arg.substr(13));
        } else if (command.empty() && (arg == "--help" || arg == "-h" || arg == "help")) {
            print_help();
            return kExitOk;
        } else if (command.empty() && arg == "--version") {
            std::cout << "ferry " FERRY_SDK_VERSION "\nplugins: " << host_abi_text() << "\n";
            return kExitOk;
        } else if (command.empty() && !arg.empty() && arg[0] != '-') {
            command = arg;
        } else {
            rest.push_back(arg);
        }
    }
    if (command.empty()) {
        print_help();
        return kExitUsage;
    }
    const auto it = commands().find(command);
    if (it == commands().end()) {
        std::cerr << "error[FERRY-USAGE]: unknown command '" << command << "'\n  hint: run `ferry --help`\n";
        return kExitUsage;
    }
    try {
        App app(global);
        return it->second.run(app, rest);
    } catch (const boost::program_options::error& e) {
        std::cerr << "error[FERRY-USAGE]: " << e.what() << "\n  hint: run `ferry " << command << " --help`\n";
        return kExitUsage;
    } catch (const std::exception& e) {
        std::cerr << "error[FERRY-INTERNAL]: " << e.what() << "\n";
        return kExitFailed;
    }
}
