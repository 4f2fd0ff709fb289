// Reads one FlowSpec document (versions 1.0.0, 1.1.0, 1.2.0) into the package model, losing nothing.
//
// A document holds objects in its `spec` lists (nodes, workflows, fileResources, functions,
// artifacts.tables, datasources, components, dqcRules; a DataService document is one object as a
// whole). Each top-level entry becomes one object whose own document is:
//   {<the document's envelope: version, kind, metadata, any other top-level key>,
//    "spec": {<the spec's own fields>, "<list>": [<the entry>], "flow": [<its edges>]}}
// with every `{{id}}` reference resolved in place (the lists that only serve references --
// variables, triggers, scripts, files, runtimeResources, artifacts' outputs and variables -- are
// then not needed; an entry no object uses is carried in every object's document, so nothing of
// the document is dropped; a reference to no entry is a warning, FERRY-PKG-REFERENCE), `nodeId` and
// `output` references written as the plain id, and a top-level node's (or component's, or
// resource's) inline `script.content` moved to the object's content, where a code file's bytes go
// too. Canonical JSON: keys sorted, so equal objects have equal text whatever the package's layout.
//
// Inner nodes (do-while, for-each, combined, sub-flow, and a workflow's nodes) stay inside their
// container's document and are read as views for the checks and the plan.
//
// The wrapper is read as upstream reads it: `spec`, else `Spec`, else the document itself (the
// FlowSpec 1.0 form, whose fields sit at the top level).
#pragma once

#include <string>
#include <vector>

#include "ferry/sdk/diagnostic.hpp"
#include "package/model.hpp"

namespace ferry::host {

// A flow edge naming a node of another document: kept in the dependent node's view (resolved
// against the whole package once all are read) and said, since the document cannot carry it.
struct PendingEdge {
    std::string node_id;
    Dependency dependency;
    std::string where;
};

struct DocumentHints {
    std::string workflow;     // from the package layout, when the document does not name one
    std::string environment;  // DataSource/<type>/<sub>/<ENV>/...
    std::string folder;       // the document's place below DataStudio/, without the object's own folder
};

struct ParsedDocument {
    std::vector<Node> nodes;
    std::vector<Workflow> workflows;
    std::vector<Resource> resources;
    std::vector<Table> tables;
    std::vector<Function> functions;
    std::vector<DataSource> datasources;
    std::vector<Component> components;
    std::vector<QualityRule> quality_rules;
    std::vector<Service> services;
    std::vector<std::string> workflow_names;
    std::vector<PendingEdge> edges;
};

struct ParseOptions {
    int max_depth = 64;
    // Fill each object's `document` and keep the text of code written in it (an import needs
    // them); without, code in a document is kept as a code file is in a check: present, its size.
    bool keep_documents = false;
    // Read through nlohmann's DOM even where a check could read simdjson's directly: the reference
    // the fast view is compared with (tests, the flowspec fuzz target).
    bool through_dom = false;
};

// Checks that `text` is JSON no deeper than `max_depth`, then reads it. `entry` names the document
// in diagnostics (entry:line:column). Returns false after adding an error.
bool parse_flowspec(const std::string& text, const std::string& entry, const DocumentHints& hints,
                    const ParseOptions& options, ParsedDocument& out, sdk::Diagnostics& diags);

// True when parse_flowspec reads `text` straight from simdjson's DOM (json_view.hpp) rather than
// nlohmann's: a check (no documents kept) of well-formed JSON within the depth limit that holds no
// {{...}} reference. Both give the same result; tests use this to know which one they met.
bool reads_through_view(const std::string& text, const ParseOptions& options);

// True when the text is a JSON object carrying a FlowSpec envelope (version and kind, with or
// without the spec wrapper); used to tell FlowSpec documents from code files that happen to be JSON.
bool looks_like_flowspec(const std::string& text);

// Line and column (1-based) of a byte offset.
void line_column(const std::string& text, std::size_t offset, std::size_t& line, std::size_t& column);

}  // namespace ferry::host
