// The parser threads of a package read: results are merged and reported in submission order
// whatever the queue's bound, merges run one at a time off the submitting thread and reports on it,
// errors travel with their document, what a merge throws reaches the submitter, and a pipeline
// dropped mid-way stops cleanly.
#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
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
    std::vector<std::string> reported;
    DocumentPipeline p(
        ParseOptions{}, bound,
        [&](DocumentPipeline::Job& j) {
            out.paths.push_back(j.path);
            for (const auto& n : j.doc.nodes) out.nodes.push_back(n.name);
        },
        [&](DocumentPipeline::Job& j) {
            reported.push_back(j.path);
            for (const auto& d : j.diags.items()) out.codes.push_back(d.code);
        });
    for (int i = 0; i < count; ++i) p.submit(job(i == 7 ? "{not json" : doc(i), "d" + std::to_string(i) + ".json"));
    p.finish();
    EXPECT_EQ(reported, out.paths);
}

void ignore(DocumentPipeline::Job&) {}

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
    DocumentPipeline p(shallow, 1 << 20, ignore, [&](DocumentPipeline::Job& j) {
        for (const auto& d : j.diags.items()) m.codes.push_back(d.code);
        EXPECT_FALSE(j.ok);
    });
    p.submit(job("[[[[[[[[1]]]]]]]]", "deep.json"));
    p.finish();
    EXPECT_EQ(m.codes, std::vector<std::string>{"FERRY-PKG-JSON-DEPTH"});
}

TEST(DocumentPipeline, DroppedWithWorkQueuedStopsWithoutMerging) {
    std::atomic<int> merged{0};
    {
        DocumentPipeline p(ParseOptions{}, 1 << 20, [&](DocumentPipeline::Job&) { ++merged; }, ignore);
        for (int i = 0; i < 50; ++i) p.submit(job(doc(i), "d.json"));
        // No finish(): an error elsewhere ended the read.
    }
    EXPECT_LE(merged, 50);
}

TEST(DocumentPipeline, MergesOffTheSubmittingThreadOneAtATimeAndReportsOnIt) {
    const auto submitter = std::this_thread::get_id();
    std::atomic<int> inside{0};
    int overlapped = 0, merged_here = 0, reported_elsewhere = 0;
    std::vector<std::string> merged, reported;
    {
        DocumentPipeline p(
            ParseOptions{}, 1 << 20,
            [&](DocumentPipeline::Job& j) {
                if (inside.fetch_add(1) != 0) ++overlapped;
                if (std::this_thread::get_id() == submitter) ++merged_here;
                merged.push_back(j.path);
                j.diags.warning("MERGED", j.path);  // a merge's diagnostics travel with the job
                inside.fetch_sub(1);
            },
            [&](DocumentPipeline::Job& j) {
                if (std::this_thread::get_id() != submitter) ++reported_elsewhere;
                reported.push_back(j.diags.items().at(0).summary);
            });
        for (int i = 0; i < 300; ++i) p.submit(job(doc(i), "d" + std::to_string(i) + ".json"));
        p.finish();
    }
    EXPECT_EQ(overlapped, 0);
    EXPECT_EQ(merged_here, 0);
    EXPECT_EQ(reported_elsewhere, 0);
    ASSERT_EQ(merged.size(), 300u);
    for (int i = 0; i < 300; ++i) EXPECT_EQ(merged[i], "d" + std::to_string(i) + ".json");
    EXPECT_EQ(reported, merged);
}

TEST(DocumentPipeline, WhatAMergeThrowsReachesTheSubmitterAfterTheDocumentsBeforeIt) {
    std::vector<std::string> merged, reported;
    DocumentPipeline p(
        ParseOptions{}, 1 << 20,
        [&](DocumentPipeline::Job& j) {
            if (j.path == "d5.json") throw std::runtime_error("spool full");
            merged.push_back(j.path);
        },
        [&](DocumentPipeline::Job& j) { reported.push_back(j.path); });
    try {
        for (int i = 0; i < 40; ++i) p.submit(job(doc(i), "d" + std::to_string(i) + ".json"));
        p.finish();
        FAIL() << "the merge's exception was swallowed";
    } catch (const std::runtime_error& e) {
        EXPECT_STREQ(e.what(), "spool full");
    }
    // Nothing after the document whose merge failed is merged: the model stops where it broke.
    EXPECT_EQ(merged, (std::vector<std::string>{"d0.json", "d1.json", "d2.json", "d3.json", "d4.json"}));
    EXPECT_EQ(reported, merged);
}
