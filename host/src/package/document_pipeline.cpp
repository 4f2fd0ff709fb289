#include "package/document_pipeline.hpp"

#include <exception>

namespace ferry::host {

DocumentPipeline::DocumentPipeline(ParseOptions options, std::size_t max_queued_bytes, Merge merge)
    : options_(options), max_queued_bytes_(max_queued_bytes), merge_(std::move(merge)) {
    for (std::size_t i = 0; i < kParsers; ++i) threads_.emplace_back([this] { run(); });
}

DocumentPipeline::~DocumentPipeline() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    work_.notify_all();
    for (auto& t : threads_) t.join();
}

void DocumentPipeline::run() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
        work_.wait(lock, [this] { return stopping_ || next_ < jobs_.size(); });
        if (stopping_) return;
        Job* job = jobs_[next_++].get();
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
        progress_.notify_all();
    }
}

void DocumentPipeline::wake_parsers() {
    unwoken_jobs_ = 0;
    unwoken_bytes_ = 0;
    work_.notify_all();
}

void DocumentPipeline::merge_finished(std::unique_lock<std::mutex>& lock, bool wait_all) {
    for (;;) {
        if (jobs_.empty()) return;
        if (!jobs_.front()->done) {
            if (!wait_all) return;
            if (unwoken_jobs_ > 0) wake_parsers();  // they may be asleep with the very job waited for
            progress_.wait(lock, [this] { return jobs_.front()->done; });
        }
        std::unique_ptr<Job> job = std::move(jobs_.front());
        jobs_.pop_front();
        --next_;
        queued_bytes_ -= job->text.size();
        // Merged without the lock: the parsers can go on with the next documents meanwhile.
        lock.unlock();
        merge_(*job);
        lock.lock();
    }
}

void DocumentPipeline::submit(std::unique_ptr<Job> job) {
    std::unique_lock<std::mutex> lock(mutex_);
    // Room for it, or an empty queue: one document larger than the bound still goes through.
    while (!jobs_.empty() && queued_bytes_ + job->text.size() > max_queued_bytes_) {
        if (jobs_.front()->done) {
            merge_finished(lock, false);
            continue;
        }
        if (unwoken_jobs_ > 0) wake_parsers();
        progress_.wait(lock, [this] { return jobs_.front()->done; });
    }
    queued_bytes_ += job->text.size();
    ++unwoken_jobs_;
    unwoken_bytes_ += job->text.size();
    jobs_.push_back(std::move(job));
    if (unwoken_jobs_ >= kWakeJobs || unwoken_bytes_ >= kWakeBytes) wake_parsers();
    merge_finished(lock, false);
}

void DocumentPipeline::finish() {
    std::unique_lock<std::mutex> lock(mutex_);
    merge_finished(lock, true);
}

}  // namespace ferry::host
