// A check reads FlowSpec fields straight from simdjson's DOM (package/json_view.hpp); an import,
// and any document with references, through nlohmann's. The two must give the same model and the
// same diagnostics for every text: these tests read each document both ways and compare all of it.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "package/flowspec_parser.hpp"
#include "parsed_document_text.hpp"
#include "test_env.hpp"

namespace ferry::test {
namespace {

struct Read {
    bool through_view = false;
    std::string text;  // parsed_document_text
};

Read read(const std::string& text, const host::DocumentHints& hints, bool through_dom, int max_depth = 64) {
    host::ParseOptions options;
    options.max_depth = max_depth;
    options.through_dom = through_dom;
    host::ParsedDocument doc;
    sdk::Diagnostics diags;
    const bool ok = host::parse_flowspec(text, "flows/doc.schedule.json", hints, options, doc, diags);
    return {host::reads_through_view(text, options), parsed_document_text(ok, doc, diags)};
}

host::DocumentHints placed() {
    host::DocumentHints hints;
    hints.workflow = "wf";
    hints.folder = "业务流程/wf/MaxCompute/数据开发";
    hints.environment = "PRD";
    return hints;
}

// Reads `text` both ways, with and without a place in a layout; returns whether the view read it.
bool expect_same(const std::string& text, const std::string& label, int max_depth = 64) {
    bool viewed = false;
    for (const auto& hints : {host::DocumentHints{}, placed()}) {
        const Read view = read(text, hints, false, max_depth);
        const Read dom = read(text, hints, true, max_depth);
        EXPECT_FALSE(dom.through_view) << label;
        EXPECT_EQ(view.text, dom.text) << label;
        viewed = view.through_view;
    }
    return viewed;
}

TEST(FlowSpecView, EveryRepositoryDocumentReadsAlikeBothWays) {
    std::size_t viewed = 0, files = 0;
    for (const auto& [path, text] : repository_json_files()) {
        ++files;
        if (expect_same(text, path)) ++viewed;
        // Without a reference, the view reads it: the comparison above compared two paths.
        if (text.find("{{") == std::string::npos && host::looks_like_flowspec(text)) {
            EXPECT_TRUE(host::reads_through_view(text, host::ParseOptions{})) << path;
        }
    }
    EXPECT_GT(files, 30u);
    EXPECT_GT(viewed, 20u);
}

std::string doc(const std::string& spec, const std::string& kind = "CycleWorkflow") {
    return R"({"version":"1.1.0","kind":")" + kind + R"(","metadata":{"owner":"o1"},"spec":)" + spec + "}";
}

std::string nested(int levels) {
    return doc(R"({"nodes":[{"id":"n","x":)" + std::string(levels, '[') + std::string(levels, ']') + "}]}");
}

TEST(FlowSpecView, TextsThatTellTheTwoApartReadAlike) {
    const std::vector<std::pair<const char*, std::string>> cases = {
        {"a key written twice: the last wins",
         doc(R"({"nodes":[{"id":"a","name":"x","name":"y","script":{"runtime":{"command":"ODPS_SQL"},)"
             R"("runtime":{"command":"SHELL"}}}]})")},
        {"the spec written twice", R"({"version":"1.1.0","kind":"CycleWorkflow","spec":{"nodes":[{"id":"a"}]},)"
                                   R"("spec":{"nodes":[{"id":"b"},{"id":"c"}]}})"},
        {"numbers of every kind where text and integers are read",
         doc(R"({"nodes":[{"id":18446744073709551615,"name":-7,"owner":1.5,"priority":18446744073709551615,)"
             R"("timeout":-3,"rerunTimes":3.9,"rerunInterval":"12","description":true,)"
             R"("script":{"parameters":[{"name":"p","value":1e300},{"name":"q","value":null},)"
             R"({"name":"r","value":-0},{"name":"s","value":[1,{"b":2,"a":1}]},7,"t"]}},)"
             R"({"id":-9223372036854775808,"priority":1e300,"timeout":-1e300,"rerunTimes":"x"}]})")},
        {"escaped keys and values", doc(R"({"nodes":[{"\u0069d":"n\u00e9","n\u0061me":"\ud83d\ude00 \"q\""}]})")},
        {"inline code as text and as a number",
         doc(R"({"nodes":[{"id":"a","script":{"content":"select 1;"}},{"id":"b","script":{"content":7,"code":"x"}}],)"
             R"("fileResources":[{"id":"r","script":{"code":"print 1"}}],)"
             R"("components":[{"id":"c","script":{"content":"select 2;","runtime":{"command":"SQL"}}}]})")},
        {"a data source's configuration in nlohmann's text",
         doc(R"({"datasources":[{"id":"d","name":"pg","type":"postgresql","subType":"rds",)"
             R"("config":{"b":1.10,"a":[1,2,{"z":null}],"a":"last","c":{"y":1e-7,"x":-0.0}}},)"
             R"({"name":"s","config":"jdbc:x"},{"name":"t"}],"datasource":{"name":"one","type":"mysql"}})",
             "DataSource")},
        {"containers, inner nodes and their edges",
         doc(R"({"nodes":[{"id":"loop","script":{"runtime":{"command":"CONTROLLER_CYCLE"}},)"
             R"("do-while":{"nodes":[{"id":"i1"},{"id":"i2","name":"second"}],"while":{"id":"w"},)"
             R"("flow":[{"nodeId":"i2","depends":[{"nodeId":"i1","type":"Normal"},{"output":"o"}]}]},)"
             R"("for-each":{"nodes":[{"id":"f1"}],"dependencies":[{"nodeId":"f1","depends":[{"nodeId":"i1"}]}],)"
             R"("flow":[{"nodeId":"f1","depends":[{"nodeId":"w"}]}]}}],)"
             R"("flow":[{"nodeId":"loop","depends":[{"output":"up.out","type":"CrossCycleDependsOnSelf"}]},)"
             R"({"nodeId":"elsewhere","depends":[{"nodeId":"x"}]},{"depends":[]}]})")},
        {"workflows with nodes, dependencies and a flow",
         doc(R"({"workflows":[{"id":"w1","trigger":{"type":"Scheduler","cron":"0 0 * * * ?"},)"
             R"("script":{"parameters":[{"name":"bizdate","value":"$[yyyymmdd]"}]},)"
             R"("nodes":[{"id":"a","inputs":{"nodeOutputs":[{"data":"up"}],"tables":[{"guid":"t1"},"t2"]},)"
             R"("outputs":{"nodeOutputs":["a.out",{"output":"a.o2"}]}},{"id":"b"}],)"
             R"("dependencies":[],"flow":[{"nodeId":"b","depends":[{"nodeId":"a"}]}]},{"name":""}],)"
             R"("flow":[{"nodeId":"w1","depends":[{"nodeId":"root"}]}]})",
             "CycleWorkflow")},
        {"tables, functions and quality rules",
         doc(R"({"artifacts":{"tables":[{"guid":"odps.p.s.t","ddl":"CREATE TABLE t"},{"guid":"ref.only"}]},)"
             R"("tables":[{"name":"u","calcEngine":{"type":"MaxCompute","database":"db"}},{"id":"nothing"}],)"
             R"("functions":[{"name":"f","className":"C","fileResources":["r1",{"id":"r2"},{"name":"r3"}]}],)"
             R"("dqcRules":[{"id":"q","table":{"name":"t"},"schedulerNode":{"nodeId":"n"}},{"table":"plain"}]})")},
        {"FlowSpec 1.0 without the wrapper",
         R"({"version":"1.0.0","kind":"Node","name":"legacy","nodes":[{"id":"a","script":{"runtime":{"command":"SHELL"}}}]})"},
        {"a DataService document", doc(R"({"name":"api","x":[1,{"y":2}]})", "DataService")},
        {"a reference written with escapes goes through the DOM",
         doc(R"({"scripts":[{"id":"s","path":"from/script"}],"nodes":[{"id":"a","script":"\u007b{scripts.s}}"}]})")},
        {"a reference to nothing", doc(R"({"nodes":[{"id":"a","script":"{{scripts.none}}"}]})")},
        {"levels up to the limit", nested(60)},
        {"levels up to the limit, none empty", doc(R"({"nodes":[{"id":"n","x":)" + std::string(60, '[') + "1" +
                                                    std::string(60, ']') + "}]}")},
        {"a level past the limit", nested(61)},
        {"not an object", "[1,2]"},
        {"no version", R"({"kind":"Node","spec":{}})"},
        {"an unknown kind", R"({"version":"1.1.0","kind":"Nope","spec":{}})"},
        {"a spec that is not an object", R"({"version":"1.1.0","kind":"Node","spec":[]})"},
        {"not JSON", R"({"version":"1.1.0",)"},
    };
    for (const auto& [label, text] : cases) expect_same(text, label);
}

TEST(FlowSpecView, TheViewReadsWhatNeedsNoDomAndNothingElse) {
    const host::ParseOptions check;
    EXPECT_TRUE(host::reads_through_view(doc(R"({"nodes":[{"id":"a"}]})"), check));
    // The document, its spec, the node list and the node are four levels: 60 more reach the limit.
    // simdjson may refuse a text exactly at it (the DOM path then reads it), never one past it.
    EXPECT_TRUE(host::reads_through_view(nested(58), check));
    EXPECT_FALSE(host::reads_through_view(nested(61), check));  // the DOM path's verdict: refused
    EXPECT_FALSE(host::reads_through_view(doc(R"({"nodes":[{"id":"{{x}}"}]})"), check));
    EXPECT_FALSE(host::reads_through_view(doc(R"({"nodes":[{"id":"\u007B"}]})"), check));
    EXPECT_FALSE(host::reads_through_view("{", check));
    host::ParseOptions import;
    import.keep_documents = true;
    EXPECT_FALSE(host::reads_through_view(doc(R"({"nodes":[{"id":"a"}]})"), import));
}

TEST(FlowSpecView, ADocumentPastTheLimitIsRefusedWithTheDomPathsError) {
    host::ParseOptions shallow;
    shallow.max_depth = 4;
    host::ParsedDocument out;
    sdk::Diagnostics diags;
    EXPECT_FALSE(host::parse_flowspec(doc(R"({"nodes":[{"x":[]}]})"), "d.json", {}, shallow, out, diags));
    ASSERT_EQ(diags.items().size(), 1u);
    EXPECT_EQ(diags.items()[0].code, "FERRY-PKG-JSON-DEPTH");
    EXPECT_EQ(diags.items()[0].summary, "the JSON nests deeper than 4 levels");
    out = {};
    diags = {};
    EXPECT_TRUE(host::parse_flowspec(doc(R"({"nodes":[{"x":1}]})"), "d.json", {}, shallow, out, diags));
    EXPECT_TRUE(diags.empty());
}

// Numbers where text or an integer is read, as both views read them: an unsigned integer above
// INT64_MAX as itself (not its wrap to a negative), a float no integer can hold as 0, a float's
// text as std::to_string writes it, and a number written as text read as a number.
TEST(FlowSpecView, NumbersReadAsTheirValue) {
    const std::string text = doc(R"({"nodes":[{"id":18446744073709551615,"name":-7,"owner":1.5,"priority":1e300,)"
                                 R"("timeout":"12","rerunTimes":3.9,"rerunInterval":-2}]})");
    for (bool through_dom : {false, true}) {
        host::ParseOptions options;
        options.through_dom = through_dom;
        host::ParsedDocument out;
        sdk::Diagnostics diags;
        ASSERT_TRUE(host::parse_flowspec(text, "n.json", placed(), options, out, diags));
        ASSERT_EQ(out.nodes.size(), 1u);
        const host::Node& n = out.nodes[0];
        EXPECT_EQ(n.id, "18446744073709551615") << through_dom;
        EXPECT_EQ(n.name, "-7") << through_dom;
        EXPECT_EQ(n.owner, "1.500000") << through_dom;
        EXPECT_EQ(n.priority, 0) << through_dom;
        EXPECT_EQ(n.timeout, 12) << through_dom;
        EXPECT_EQ(n.rerun_times, 3) << through_dom;
        EXPECT_EQ(n.rerun_interval, -2) << through_dom;
    }
}

}  // namespace
}  // namespace ferry::test
