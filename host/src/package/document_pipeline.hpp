// Parses FlowSpec documents on parser threads while the package goes on being read.
//
// Reading a package is two kinds of work: inflating and hashing the archive, and parsing its
// thousands of JSON documents. Done one after the other on one core, check and import paid their
// sum; here the walker hands each document's text to the parser threads. Two parsers: with one, a
// package whose documents hold their code inline (ten nodes a document) waited on that one thread
// for three fifths of its reading. The second one is woken only when the first falls behind: with
// a document per node, one parser keeps up, and two beside the walker on two cores took the core
// the walker, which bounds that read, needs. The queue holds at most `max_queued_bytes` of text (plus the
// documents being parsed), so memory stays flat whatever the package's size.
//
// Each result is taken in two steps, both in the order the documents came, so the model is the
// same as a serial read whichever thread parsed what:
// - `merge` puts the document's objects into the model. It runs on a parser thread, one document
//   at a time: the walker is the bound of a read (it inflates every entry), and merging there was a
//   tenth of its time. What `merge` writes must therefore be the merge's alone while the walk goes
//   on; it may add diagnostics to the job.
// - `report` runs on the walker's thread (in `submit` and `finish`), after the job's merge, and is
//   where the job's diagnostics join the read's: the walker's own diagnostics need no lock, and
//   they interleave with the documents' as they did when everything ran on one thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ferry/sdk/diagnostic.hpp"
#include "package/flowspec_parser.hpp"

namespace ferry::host {

class DocumentPipeline {
  public:
    struct Job {
        std::string text;
        std::string path;
        DocumentHints hints;
        bool layout_document = false;
        // Filled by the parser thread that took the job, then by the one that merged it.
        bool done = false;
        bool ok = false;
        ParsedDocument doc;
        sdk::Diagnostics diags;
        bool merged = false;
        std::exception_ptr merge_error;  // what `merge` threw; rethrown on the walker's thread
        // The text's size, counted against the queue's bound until the job is reported: the text
        // and the document are freed on the merging thread, so `report` sees neither.
        std::size_t queued_bytes = 0;
    };
    using Merge = std::function<void(Job&)>;
    using Report = std::function<void(Job&)>;

    DocumentPipeline(ParseOptions options, std::size_t max_queued_bytes, Merge merge, Report report);
    ~DocumentPipeline();  // stops the threads; jobs not yet reported are dropped
    DocumentPipeline(const DocumentPipeline&) = delete;
    DocumentPipeline& operator=(const DocumentPipeline&) = delete;

    // Queues a document (waits while the queue is full), then reports whatever has been merged.
    // Rethrows what a merge threw, once the documents before it are reported.
    void submit(std::unique_ptr<Job> job);
    // Waits for every queued document to be merged, and reports it.
    void finish();

  private:
    void run();
    // On a parser thread, with the lock held: merges the finished documents next in line, unless
    // another parser is doing so.
    void merge_in_order(std::unique_lock<std::mutex>& lock);
    void report_merged(std::unique_lock<std::mutex>& lock, bool wait_all);
    // With the lock held. `all`: the walker is about to wait for them.
    void wake_parsers(bool all);

    const ParseOptions options_;
    const std::size_t max_queued_bytes_;
    Merge merge_;
    Report report_;
    std::mutex mutex_;
    std::condition_variable work_;     // the parsers wait for a job
    std::condition_variable progress_; // the walker waits for a merged job or for room
    std::deque<std::unique_ptr<Job>> jobs_;  // submission order; a parser takes the first not taken
    std::size_t queued_bytes_ = 0;
    std::size_t next_ = 0;      // index in jobs_ of the first job no parser has taken
    std::size_t unmerged_ = 0;  // index in jobs_ of the first job not merged
    bool merging_ = false;      // a parser is merging
    bool merge_failed_ = false; // a merge threw: the model is unsound, later documents are not merged
    bool stopping_ = false;
    // Waking a sleeping parser costs the walker a system call, more than parsing a small document
    // takes: queued documents wake the parsers in batches (this many, or this much text), and
    // always before the walker waits for them.
    static constexpr std::size_t kWakeJobs = 16;
    static constexpr std::size_t kWakeBytes = 256 * 1024;
    std::size_t unwoken_jobs_ = 0;   // queued since the parsers were last woken
    std::size_t unwoken_bytes_ = 0;
    static constexpr std::size_t kParsers = 2;
    std::size_t idle_parsers_ = 0;   // parsers waiting for work
    std::size_t untaken_bytes_ = 0;  // text of the jobs no parser has taken
    // Queued and untaken past this, the parsers at work fall behind: all are woken.
    static constexpr std::size_t kBehindJobs = 2 * kWakeJobs;
    static constexpr std::size_t kBehindBytes = 2 * kWakeBytes;
    std::vector<std::thread> threads_;
};

}  // namespace ferry::host
