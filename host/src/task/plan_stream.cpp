#include "task/plan_stream.hpp"

namespace ferry::host {

PlanStream::PlanStream(const PluginRegistry& registry, const TaskConfig& task, const PackageModel& model,
                       std::unique_ptr<catalog::Catalog> catalog, std::size_t queued)
    : queued_(queued), catalog_(std::move(catalog)) {
    thread_ = std::thread([this, &registry, &task, &model] {
        std::exception_ptr error;
        try {
            make_plan_into(registry, task, model, *catalog_, plan_, *this);
        } catch (...) {
            error = std::current_exception();  // nothing may escape a thread: finish() rethrows it
        }
        std::lock_guard<std::mutex> lock(mutex_);
        error_ = error;
        done_ = true;
        changed_.notify_all();
    });
}

PlanStream::~PlanStream() { stop(); }

void PlanStream::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    changed_.notify_all();
    if (thread_.joinable()) thread_.join();
}

bool PlanStream::stopped() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return stopping_;
}

void PlanStream::ready(const Plan& plan) {
    std::lock_guard<std::mutex> lock(mutex_);
    blocked_ = plan.blocked();
    blocked_reason_ = plan.blocked_reason();
    ready_ = true;
    changed_.notify_all();
}

bool PlanStream::take(PlannedObject&& object) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [this] { return stopping_ || queue_.size() < queued_; });
    if (stopping_) return false;
    queue_.push_back(std::move(object));
    changed_.notify_all();
    return true;
}

bool PlanStream::wait_ready() {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [this] { return ready_ || done_; });
    return ready_;
}

bool PlanStream::next(PlannedObject& out) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [this] { return !queue_.empty() || done_; });
    if (queue_.empty()) return false;
    out = std::move(queue_.front());
    queue_.pop_front();
    changed_.notify_all();
    return true;
}

void PlanStream::finish() {
    if (thread_.joinable()) thread_.join();
    if (error_) std::rethrow_exception(error_);
}

}  // namespace ferry::host
