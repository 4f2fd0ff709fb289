// Work done on a second thread ahead of the one that needs it, handed back in the order it was asked
// for.
//
// The planner maps objects one by one on one thread, because mapping notes warnings, placements and
// engine calls in object order. Reading each object's document back from the spool and parsing it
// does not: it is a pure function of the object's content references. A ReadAhead runs those jobs
// on one worker thread while the planner maps the objects before them, so planning pays
// max(read, map) instead of their sum. The caller bounds how far ahead it asks (memory stays
// flat); results come back strictly in push order, so what the plan says never depends on timing.
#pragma once

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

namespace ferry::host {

template <class R>
class ReadAhead {
  public:
    ReadAhead() : thread_([this] { run(); }) {}
    ~ReadAhead() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_all();
        thread_.join();
    }
    ReadAhead(const ReadAhead&) = delete;
    ReadAhead& operator=(const ReadAhead&) = delete;

    // Queues a job behind those already pushed.
    void push(std::function<R()> job) {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            slots_.push_back(Slot{std::move(job), std::nullopt, nullptr});
        }
        wake_.notify_all();
    }
    std::size_t pending() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return slots_.size();
    }
    // The oldest job's result, waiting for it; an exception the job threw is thrown here.
    R take() {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [this] { return !slots_.empty() && (slots_.front().result || slots_.front().error); });
        Slot slot = std::move(slots_.front());
        slots_.pop_front();
        --next_;
        if (slot.error) std::rethrow_exception(slot.error);
        return std::move(*slot.result);
    }

  private:
    struct Slot {
        std::function<R()> job;
        std::optional<R> result;
        std::exception_ptr error;
    };

    void run() {
        std::unique_lock<std::mutex> lock(mutex_);
        for (;;) {
            wake_.wait(lock, [this] { return stopping_ || next_ < slots_.size(); });
            if (stopping_) return;
            // A deque's elements stay where they are while others are pushed at the back and the
            // taken ones leave the front; `next_` counts from the front, so it follows them.
            Slot& slot = slots_[next_];
            std::function<R()> job = std::move(slot.job);
            lock.unlock();
            std::optional<R> result;
            std::exception_ptr error;
            try {
                result.emplace(job());
            } catch (...) {
                error = std::current_exception();
            }
            lock.lock();
            Slot& done = slots_[next_];
            done.result = std::move(result);
            done.error = error;
            ++next_;
            wake_.notify_all();
        }
    }

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Slot> slots_;  // push order; those before next_ are done
    std::size_t next_ = 0;    // the first slot the worker has not run
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace ferry::host
