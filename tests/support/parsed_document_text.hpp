// What parse_flowspec gave, as one text: every object in the model's spool form (all of its
// fields), the document's workflow names and cross-document edges, and the diagnostics. Two reads
// of one document agree exactly when their texts are equal (the fast view and nlohmann's DOM:
// tests/host/flowspec_view_test.cpp and the flowspec fuzz target).
#pragma once

#include <string>

#include "ferry/sdk/diagnostic.hpp"
#include "package/flowspec_parser.hpp"

namespace ferry::test {

inline std::string parsed_document_text(bool ok, const host::ParsedDocument& d, const sdk::Diagnostics& diags) {
    std::string out = ok ? "ok\n" : "refused\n";
    std::string one;
    const auto add = [&](const char* kind, const auto& list) {
        for (const auto& o : list) {
            one.clear();
            host::encode(o, one);
            out += std::string(kind) + " " + std::to_string(one.size()) + ":" + one + "\n";
        }
    };
    add("node", d.nodes);
    add("workflow", d.workflows);
    add("resource", d.resources);
    add("table", d.tables);
    add("function", d.functions);
    add("datasource", d.datasources);
    add("component", d.components);
    add("quality", d.quality_rules);
    add("service", d.services);
    for (const auto& w : d.workflow_names) out += "workflow name " + w + "\n";
    for (const auto& e : d.edges)
        out += "edge " + e.node_id + " <- " + e.dependency.target + " (" + e.dependency.type + ") in " + e.where + "\n";
    for (const auto& x : diags.items())
        out += std::string(sdk::to_string(x.severity)) + " " + x.code + " | " + x.summary + " | " + x.detail + " | " +
               x.where + "\n";
    return out;
}

}  // namespace ferry::test
