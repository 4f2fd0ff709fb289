// Where each object of a workspace goes in a SPEC package, the layout ferry reads (and the
// product writes):
//   SPEC.FORMAT
//   DataStudio/<folder>/<name>/<name>.schedule.json        a node, workflow, table, function,
//   DataStudio/<folder>/<name>/<name><ext>                 component, quality rule or data service,
//                                                          and a node's code file
//   DataStudio/<folder>/<name>  and  <name>.schedule.json  a resource's bytes and its document
//   DataSource/<folder>/<name>/<name>.json                 a data source
// `<folder>` is where the object sat in the package it came from (ObjectRecord::path), else one
// derived from what it is ("业务流程/<workflow>/<engine>/<label>"). Everything is deterministic: the
// same object gives the same files, byte for byte (canonical JSON, two-space indent, a final
// newline), so a workspace kept as a folder in git changes only where its objects changed.
#pragma once

#include <string>
#include <vector>

#include "ferry/sdk/diagnostic.hpp"
#include "ferry/sdk/object.hpp"

namespace ferry::host {

struct PackageFile {
    std::string path;   // relative to the package's root, '/' separated
    std::string bytes;
};

// The files of one object, in a stable order; false (with a diagnostic naming the object) when it
// cannot be written: a document stored by a ferry older than FlowSpec objects.
bool spec_files_of(const sdk::ObjectRecord& object, std::vector<PackageFile>& out, sdk::Diagnostics& diags);

// The marker file every SPEC package starts with.
inline constexpr const char* kSpecMarker = "SPEC.FORMAT";

}  // namespace ferry::host
