// Reads one FlowSpec document (versions 1.0.0, 1.1.0, 1.2.0) into the package model.
#pragma once

#include <string>
#include <vector>

#include "ferry/sdk/diagnostic.hpp"
#include "package/model.hpp"

namespace ferry::host {

// A flow edge as written: resolved against every node of the package once all are read.
struct PendingEdge {
    std::string node_id;
    Dependency dependency;
    std::string where;
};

struct DocumentHints {
    std::string workflow;     // from the package layout, when the document does not name one
    std::string environment;  // DataSource/<type>/<sub>/<ENV>/...
};

struct ParsedDocument {
    std::vector<Node> nodes;
    std::vector<Resource> resources;
    std::vector<Table> tables;
    std::vector<Function> functions;
    std::vector<DataSource> datasources;
    std::vector<std::string> workflows;
    std::vector<PendingEdge> edges;
};

// Checks that `text` is JSON no deeper than `max_depth`, then reads it. `entry` names the document
// in diagnostics (entry:line:column). Returns false after adding an error.
bool parse_flowspec(const std::string& text, const std::string& entry, const DocumentHints& hints, int max_depth,
                    ParsedDocument& out, sdk::Diagnostics& diags);

// True when the text is a JSON object carrying a FlowSpec envelope (kind/version/spec); used to
// tell FlowSpec documents from code files that happen to be JSON.
bool looks_like_flowspec(const std::string& text);

// Line and column (1-based) of a byte offset.
void line_column(const std::string& text, std::size_t offset, std::size_t& line, std::size_t& column);

}  // namespace ferry::host
