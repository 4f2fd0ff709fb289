#include "package/document_pipeline.hpp"

#include <exception>

namespace ferry::host {

DocumentPipeline::DocumentPipeline(ParseOptions options, std::size_t max_queued_bytes, Merge merge, Report report)
    : options_(options), max_queued_bytes_(max_queued_bytes), merge_(std::move(merge)), report_(std::move(report)) {
    for (std::size_t i = 0; i < kParsers; ++i) threads_.emplace_back([this] { run(); });
}

DocumentPipeline::~DocumentPipeline() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    work_.notify_all();
    // A parser in the middle of a merge finishes it first: the merge's targets outlive the pipeline.
    for (auto& t : threads_) t.join();
}

void DocumentPipeline::run() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
        while (!stopping_ && next_ >= jobs_.size()) {
            ++idle_parsers_;
            work_.wait(lock);
            --idle_parsers_;
        }
        if (stopping_) return;
        Job* job = jobs_[next_++].get();
        untaken_bytes_ -= job->queued_bytes;
        lock.unlock();
        // The job's fields belong to this thread until `done` is set under the lock.
        try {
            job->ok = parse_flowspec(job->text, job->path, job->hints, options_, job->doc, job->diags);
        } catch (const std::exception& e) {
            // Nothing may escape a thread; a document the reader could not take is an invalid one.
            job->ok = false;
            job->diags.error("FERRY-PKG-SPEC-INVALID", std::string("cannot read the document: ") + e.what(),
                             "fix the document or export the package again", job->path);
        }
        lock.lock();
        job->done = true;
        merge_in_order(lock);
    }
}

void DocumentPipeline::merge_in_order(std::unique_lock<std::mutex>& lock) {
    // One merger at a time keeps the order; the parser that finds another merging leaves its job
    // to it, since the merger looks again under the lock before it stops.
    if (merging_) return;
    merging_ = true;
    while (!stopping_ && unmerged_ < jobs_.size() && jobs_[unmerged_]->done) {
        // The walker removes a job only once it is merged, so the pointer stays good unlocked.
        Job* job = jobs_[unmerged_].get();
        const bool skip = merge_failed_;
        lock.unlock();
        if (!skip) {
            try {
                merge_(*job);
            } catch (...) {
                job->merge_error = std::current_exception();
            }
        }
        // Freed here, not on the walker, which is the bound of a read.
        job->doc = ParsedDocument{};
        std::string().swap(job->text);
        lock.lock();
        if (job->merge_error) merge_failed_ = true;
        job->merged = true;
        ++unmerged_;
        progress_.notify_all();
    }
    merging_ = false;
}

void DocumentPipeline::wake_parsers(bool all) {
    unwoken_jobs_ = 0;
    unwoken_bytes_ = 0;
    if (all || jobs_.size() - next_ >= kBehindJobs || untaken_bytes_ >= kBehindBytes) {
        work_.notify_all();
    } else if (idle_parsers_ == kParsers) {
        // None at work: one starts. One that is at work takes what was queued when it is done, so
        // a second is woken only when they fall behind: where one parser keeps up (a document per
        // node), the walker, which bounds the read, keeps the other core to itself.
        work_.notify_one();
    }
}

void DocumentPipeline::report_merged(std::unique_lock<std::mutex>& lock, bool wait_all) {
    for (;;) {
        if (jobs_.empty()) return;
        if (!jobs_.front()->merged) {
            if (!wait_all) return;
            // A parser may be asleep with the very job waited for.
            if (next_ < jobs_.size()) wake_parsers(true);
            progress_.wait(lock, [this] { return jobs_.front()->merged; });
        }
        std::unique_ptr<Job> job = std::move(jobs_.front());
        jobs_.pop_front();
        --next_;
        --unmerged_;
        queued_bytes_ -= job->queued_bytes;
        // Reported without the lock: the parsers go on meanwhile.
        lock.unlock();
        if (job->merge_error) std::rethrow_exception(job->merge_error);
        report_(*job);
        job.reset();
        lock.lock();
    }
}

void DocumentPipeline::submit(std::unique_ptr<Job> job) {
    std::unique_lock<std::mutex> lock(mutex_);
    // Room for it, or an empty queue: one document larger than the bound still goes through.
    job->queued_bytes = job->text.size();
    while (!jobs_.empty() && queued_bytes_ + job->queued_bytes > max_queued_bytes_) {
        if (jobs_.front()->merged) {
            report_merged(lock, false);
            continue;
        }
        if (next_ < jobs_.size()) wake_parsers(true);
        progress_.wait(lock, [this] { return jobs_.front()->merged; });
    }
    queued_bytes_ += job->queued_bytes;
    ++unwoken_jobs_;
    unwoken_bytes_ += job->queued_bytes;
    untaken_bytes_ += job->queued_bytes;
    jobs_.push_back(std::move(job));
    if (unwoken_jobs_ >= kWakeJobs || unwoken_bytes_ >= kWakeBytes) wake_parsers(false);
    report_merged(lock, false);
}

void DocumentPipeline::finish() {
    std::unique_lock<std::mutex> lock(mutex_);
    report_merged(lock, true);
}

}  // namespace ferry::host
