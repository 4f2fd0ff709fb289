// Where an object goes in a SPEC package when the package it came from gave it no place (a loose
// FlowSpec document): "业务流程/<workflow>/<engine>/<label>", from what it is. The reader gives such
// objects this folder and the exporter writes them there, so a round trip keeps it.
#pragma once

#include <string>

#include <nlohmann/json_fwd.hpp>

#include "ferry/sdk/object.hpp"

namespace ferry::host {

// What the folder is made of, read from the object's own FlowSpec document.
struct FolderFacts {
    std::string workflow;  // the document spec's `name` (a string, else none)
    std::string command;   // a node's script.runtime.command
    std::string type;      // a data source's type and subType
    std::string sub_type;
};

std::string default_folder(sdk::ObjectKind kind, const FolderFacts& facts);
// The same with the facts read from `document`, the object's own FlowSpec document.
std::string default_folder(sdk::ObjectKind kind, const nlohmann::json& document);

}  // namespace ferry::host
