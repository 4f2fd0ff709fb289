// Parses FlowSpec documents on parser threads while the package goes on being read.
//
// Reading a package is two kinds of work: inflating and hashing the archive, and parsing its
// thousands of JSON documents. Done one after the other on one core, check and import paid their
// sum; here the walker hands each document's text to the parser threads and merges the results
// itself, in the order the documents came, so the model is the same as a serial read whichever
// thread parsed what. Two parsers: with one, a package whose documents hold their code inline (ten
// nodes a document) waited on that one thread for three fifths of its reading. The queue holds at
// most `max_queued_bytes` of text (plus the documents being parsed), so memory stays flat whatever
// the package's size.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
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
        // Filled by the parser thread that took the job.
        bool done = false;
        bool ok = false;
        ParsedDocument doc;
        sdk::Diagnostics diags;
    };
    using Merge = std::function<void(Job&)>;

    DocumentPipeline(ParseOptions options, std::size_t max_queued_bytes, Merge merge);
    ~DocumentPipeline();  // stops the thread; jobs not yet merged are dropped
    DocumentPipeline(const DocumentPipeline&) = delete;
    DocumentPipeline& operator=(const DocumentPipeline&) = delete;

    // Queues a document (waits while the queue is full), then merges whatever has finished.
    void submit(std::unique_ptr<Job> job);
    // Waits for every queued document and merges it.
    void finish();

  private:
    void run();
    void merge_finished(std::unique_lock<std::mutex>& lock, bool wait_all);
    void wake_parsers();  // with the lock held

    const ParseOptions options_;
    const std::size_t max_queued_bytes_;
    Merge merge_;
    std::mutex mutex_;
    std::condition_variable work_;     // the parsers wait for a job
    std::condition_variable progress_; // the walker waits for a result or for room
    std::deque<std::unique_ptr<Job>> jobs_;  // submission order; a parser takes the first not taken
    std::size_t queued_bytes_ = 0;
    std::size_t next_ = 0;  // index in jobs_ of the first job no parser has taken
    bool stopping_ = false;
    // Waking a sleeping parser costs the walker a system call, more than parsing a small document
    // takes: queued documents wake the parsers in batches (this many, or this much text), and
    // always before the walker waits for them.
    static constexpr std::size_t kWakeJobs = 16;
    static constexpr std::size_t kWakeBytes = 256 * 1024;
    std::size_t unwoken_jobs_ = 0;   // queued since the parsers were last woken
    std::size_t unwoken_bytes_ = 0;
    static constexpr std::size_t kParsers = 2;
    std::vector<std::thread> threads_;
};

}  // namespace ferry::host
