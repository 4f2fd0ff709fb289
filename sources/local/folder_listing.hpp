// What a package folder holds: its regular files, by path relative to the folder, in byte order.
//
// The order is what makes a folder's tar (and so its SHA-256) the same on every machine: a
// directory's own order depends on the file system and on the order files were created.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "ferry/sdk/diagnostic.hpp"

namespace ferry::local {

struct FolderFile {
    std::string path;        // relative to the folder, '/'-separated, as the tar entry will be named
    std::uint64_t size = 0;  // when listed; the tar uses the size seen when the file is opened
};

struct FolderListing {
    std::vector<FolderFile> files;  // sorted by path (byte order)
    std::uint64_t total_size = 0;   // sum of the listed sizes
    std::size_t skipped = 0;        // version-control entries left out (see is_version_control_name)
};

// Names a version-control tool keeps inside a working copy; they are not part of a package and are
// left out (with everything under them) at any depth: `.git` (a folder, or the file a worktree or
// submodule has instead), `.svn`, `.hg`. Nothing else is skipped.
bool is_version_control_name(std::string_view name);

// Lists `folder`'s regular files. Symbolic links, devices, sockets and fifos are refused
// (FERRY-SRC-LOCAL-LINK, FERRY-SRC-LOCAL-SPECIAL-FILE), as is a folder that cannot be listed
// (FERRY-SRC-LOCAL-READ); every such problem is reported, in path order. False after adding errors.
bool list_folder(const std::string& folder, FolderListing& out, sdk::Diagnostics& diags);

// "X in the package folder F": how every diagnostic about a file of the folder names it.
std::string in_folder(const std::string& relative, const std::string& folder);

// What the listing refuses, and the stream again if a file became one since it was listed.
sdk::Diagnostic link_refused(const std::string& relative, const std::string& folder);
// `type`: a fifo, socket, block or character device, or anything else that is not a regular file.
sdk::Diagnostic special_file_refused(const std::string& relative, const std::string& folder,
                                     std::filesystem::file_type type);
sdk::Diagnostic unreadable_file(const std::string& relative, const std::string& folder, const std::string& why);

}  // namespace ferry::local
