// The parser thread of a package read: results come back in submission order whatever the queue's
// bound, errors travel with their document, and a pipeline dropped mid-way stops cleanly.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "package/document_pipeline.hpp"

using namespace ferry::host;

namespace {

std::string doc(int i) {
    return R"({"version":"1.1.0","kind":"CycleWorkflow","spec":{"nodes":[{"id":"n)" + std::to_string(i) +
           R"(","name":"node_)" + std::to_string(i) + R"(","script":{"runtime":{"command":"ODPS_SQL"}}}]}})";
}

std::unique_ptr<DocumentPipeline::Job> job(std::string text, const std::string& path) {
    auto j = std::make_unique<DocumentPipeline::Job>();
    j->text = std::move(text);
    j->path = path;
    return j;
}

struct Merged {
    std::vector<std::string> paths;
    std::vector<std::string> nodes;
    std::vector<std::string> codes;
};

void run(std::size_t bound, int count, Merged& out) {
    DocumentPipeline p(ParseOptions{}, bound, [&](DocumentPipeline::Job& j) {
        out.paths.push_back(j.path);
        for (const auto& n : j.doc.nodes) out.nodes.push_back(n.name);
        for (const auto& d : j.diags.items()) out.codes.push_back(d.code);
    });
    for (int i = 0; i < count; ++i) p.submit(job(i == 7 ? "{not json" : doc(i), "d" + std::to_string(i) + ".json"));
    p.finish();
}

}  // namespace

TEST(DocumentPipeline, MergesInSubmissionOrderWhateverTheBound) {
    for (std::size_t bound : {std::size_t{1}, std::size_t{300}, std::size_t{1} << 20}) {
        Merged m;
        run(bound, 200, m);
        ASSERT_EQ(m.paths.size(), 200u) << bound;
        for (int i = 0; i < 200; ++i) EXPECT_EQ(m.paths[i], "d" + std::to_string(i) + ".json") << bound;
        ASSERT_EQ(m.nodes.size(), 199u) << bound;  // document 7 is not JSON
        EXPECT_EQ(m.nodes[6], "node_6");
        EXPECT_EQ(m.nodes[7], "node_8");
        EXPECT_EQ(m.codes, std::vector<std::string>{"FERRY-PKG-JSON"}) << bound;
    }
}

TEST(DocumentPipeline, TooDeepADocumentIsRefusedOnTheParserThread) {
    Merged m;
    ParseOptions shallow;
    shallow.max_depth = 4;
    DocumentPipeline p(shallow, 1 << 20, [&](DocumentPipeline::Job& j) {
        for (const auto& d : j.diags.items()) m.codes.push_back(d.code);
        EXPECT_FALSE(j.ok);
    });
    p.submit(job("[[[[[[[[1]]]]]]]]", "deep.json"));
    p.finish();
    EXPECT_EQ(m.codes, std::vector<std::string>{"FERRY-PKG-JSON-DEPTH"});
}

TEST(DocumentPipeline, DroppedWithWorkQueuedStopsWithoutMerging) {
    int merged = 0;
    {
        DocumentPipeline p(ParseOptions{}, 1 << 20, [&](DocumentPipeline::Job&) { ++merged; });
        for (int i = 0; i < 50; ++i) p.submit(job(doc(i), "d.json"));
        // No finish(): an error elsewhere ended the read.
    }
    EXPECT_LE(merged, 50);
}
