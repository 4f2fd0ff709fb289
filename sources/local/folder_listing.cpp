#include "folder_listing.hpp"

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace ferry::local {
namespace fs = std::filesystem;

namespace {

const char* const kRegularOnly = "a package folder holds regular files only: ";

// What a non-regular, non-link file is, for the message.
std::string special_kind(fs::file_type type) {
    switch (type) {
        case fs::file_type::fifo: return "a fifo (named pipe)";
        case fs::file_type::socket: return "a socket";
        case fs::file_type::block: return "a block device";
        case fs::file_type::character: return "a character device";
        case fs::file_type::directory: return "a folder";
        default: return "not a regular file";
    }
}

struct Problem {
    std::string path;
    sdk::Diagnostic diagnostic;
};

}  // namespace

bool is_version_control_name(std::string_view name) { return name == ".git" || name == ".svn" || name == ".hg"; }

std::string in_folder(const std::string& relative, const std::string& folder) {
    return relative + " in the package folder " + folder;
}

sdk::Diagnostic link_refused(const std::string& relative, const std::string& folder) {
    // Following a link could put files from outside the folder into the package, and the same
    // folder would give other bytes on another machine.
    return {sdk::Severity::error, "FERRY-SRC-LOCAL-LINK", in_folder(relative, folder) + " is a symbolic link",
            std::string(kRegularOnly) +
                "replace the link with a copy of the file it points to, or move it out of the folder",
            relative};
}

sdk::Diagnostic special_file_refused(const std::string& relative, const std::string& folder, fs::file_type type) {
    return {sdk::Severity::error, "FERRY-SRC-LOCAL-SPECIAL-FILE",
            in_folder(relative, folder) + " is " + special_kind(type) + ", not a regular file",
            std::string(kRegularOnly) + "remove it or move it out of the folder", relative};
}

sdk::Diagnostic unreadable_file(const std::string& relative, const std::string& folder, const std::string& why) {
    return {sdk::Severity::error, "FERRY-SRC-LOCAL-READ", "cannot read " + in_folder(relative, folder) + ": " + why,
            "check the file's permissions", relative};
}

bool list_folder(const std::string& folder, FolderListing& out, sdk::Diagnostics& diags) {
    std::vector<Problem> problems;
    auto unreadable_folder = [&](const std::string& rel, const std::error_code& ec) {
        const std::string what = rel.empty() ? "the package folder " + folder : in_folder(rel, folder);
        problems.push_back({rel, {sdk::Severity::error, "FERRY-SRC-LOCAL-READ", "cannot list " + what + ": " + ec.message(),
                                  "check the folder's permissions", rel.empty() ? folder : rel}});
    };
    // Folders still to list, relative to `folder` ("" is the folder itself). Each is listed once;
    // links are never followed, so there is no cycle to guard against.
    std::vector<std::string> pending{""};
    while (!pending.empty()) {
        const std::string rel = std::move(pending.back());
        pending.pop_back();
        std::error_code ec;
        fs::directory_iterator it(rel.empty() ? fs::path(folder) : fs::path(folder) / rel, ec);
        for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
            const std::string name = it->path().filename().native();
            if (is_version_control_name(name)) {
                ++out.skipped;
                continue;
            }
            const std::string child = rel.empty() ? name : rel + "/" + name;
            std::error_code entry_ec;
            const fs::file_type type = it->symlink_status(entry_ec).type();
            if (type == fs::file_type::not_found) continue;  // removed since the folder was read: not in it
            if (entry_ec) {
                problems.push_back({child, unreadable_file(child, folder, entry_ec.message())});
                continue;
            }
            if (type == fs::file_type::directory) {
                pending.push_back(child);
            } else if (type == fs::file_type::regular) {
                const std::uintmax_t size = it->file_size(entry_ec);
                if (entry_ec) {
                    problems.push_back({child, unreadable_file(child, folder, entry_ec.message())});
                    continue;
                }
                out.files.push_back({child, static_cast<std::uint64_t>(size)});
                out.total_size += size;
            } else if (type == fs::file_type::symlink) {
                problems.push_back({child, link_refused(child, folder)});
            } else {
                problems.push_back({child, special_file_refused(child, folder, type)});
            }
        }
        if (ec) unreadable_folder(rel, ec);
    }
    // The directory order is the file system's: report problems, and take files, in path order.
    std::stable_sort(problems.begin(), problems.end(),
                     [](const Problem& a, const Problem& b) { return a.path < b.path; });
    for (auto& p : problems) diags.add(std::move(p.diagnostic));
    std::sort(out.files.begin(), out.files.end(),
              [](const FolderFile& a, const FolderFile& b) { return a.path < b.path; });
    return problems.empty();
}

}  // namespace ferry::local
