#include "server/import_jobs.hpp"

#include <chrono>
#include <deque>

#include "cli/output.hpp"
#include "ferry/catalog/catalog.hpp"
#include "task/task_service.hpp"

namespace ferry::host::web {
using nlohmann::json;

struct JobProgress : ProgressSink {
    mutable std::mutex mutex;
    std::string kind;  // import | reimport
    std::string user;
    bool running = true;
    std::size_t total = 0, done = 0;
    std::map<std::string, std::size_t> statuses;
    std::string current;
    std::deque<json> recent;  // the last few objects, newest last
    std::string state;        // the run's end state, or "REFUSED"
    json diagnostics = json::array();
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

    void begin(std::size_t n) override {
        std::lock_guard lock(mutex);
        total = n;
    }
    void step(const PlannedObject& object, const std::string& status) override {
        std::lock_guard lock(mutex);
        ++done;
        ++statuses[status];
        current = std::string(sdk::to_string(object.kind)) + " " + object.name;
        recent.push_back({{"kind", sdk::to_string(object.kind)}, {"name", object.name}, {"status", status}});
        if (recent.size() > 20) recent.pop_front();
    }
    void end() override {}

    json to_json(const std::string& name) const {
        std::lock_guard lock(mutex);
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
        return {{"task", name},       {"kind", kind},       {"running", running},
                {"total", total},     {"done", done},       {"statuses", statuses},
                {"current", current}, {"recent", json(std::vector<json>(recent.begin(), recent.end()))},
                {"result", state},    {"elapsed_ms", ms.count()}, {"diagnostics", diagnostics}};
    }
};

ImportJobs::ImportJobs(const PluginRegistry& registry, std::string catalog_uri)
    : registry_(registry), catalog_uri_(std::move(catalog_uri)) {}

ImportJobs::~ImportJobs() {
    std::vector<std::thread> threads;
    {
        std::lock_guard lock(mutex_);
        threads.swap(threads_);
    }
    for (auto& t : threads)
        if (t.joinable()) t.join();
}

bool ImportJobs::running(const std::string& name) const {
    std::lock_guard lock(mutex_);
    auto it = jobs_.find(name);
    if (it == jobs_.end()) return false;
    std::lock_guard job_lock(it->second->mutex);
    return it->second->running;
}

bool ImportJobs::launch(const std::string& name, std::function<void(JobProgress&)> work) {
    std::lock_guard lock(mutex_);
    if (auto it = jobs_.find(name); it != jobs_.end()) {
        std::lock_guard job_lock(it->second->mutex);
        if (it->second->running) return false;
    }
    auto job = std::make_shared<JobProgress>();
    jobs_[name] = job;
    threads_.emplace_back([job, work = std::move(work)] {
        try {
            work(*job);
        } catch (const std::exception& e) {
            std::lock_guard lock(job->mutex);
            job->state = "IMPORT_ERROR";
            job->diagnostics.push_back({{"severity", "error"}, {"code", "FERRY-INTERNAL"}, {"message", e.what()}});
        }
        std::lock_guard lock(job->mutex);
        job->running = false;
    });
    return true;
}

namespace {

void finish(JobProgress& job, const RunResult& result, const sdk::Diagnostics& diags) {
    std::lock_guard lock(job.mutex);
    job.state = result.refused ? "REFUSED" : result.state;
    job.diagnostics = diagnostics_json(diags);
}

}  // namespace

bool ImportJobs::start_import(const TaskConfig& task, const std::string& user) {
    return launch(task.name, [this, task, user](JobProgress& job) {
        job.kind = "import";
        job.user = user;
        sdk::Diagnostics diags;
        // One catalog connection per thread: a Catalog is not shared.
        auto catalog = catalog::Catalog::open(catalog_uri_, diags);
        RunResult result;
        result.refused = true;
        if (catalog) result = import_task(registry_, *catalog, task, {}, &job, diags);
        finish(job, result, diags);
    });
}

bool ImportJobs::start_reimport(const std::string& name, const std::string& user) {
    return launch(name, [this, name, user](JobProgress& job) {
        job.kind = "reimport";
        job.user = user;
        sdk::Diagnostics diags;
        auto catalog = catalog::Catalog::open(catalog_uri_, diags);
        RunResult result;
        result.refused = true;
        if (catalog) result = reimport_task(registry_, *catalog, name, &job, diags);
        finish(job, result, diags);
    });
}

json ImportJobs::progress(const std::string& name) const {
    std::shared_ptr<JobProgress> job;
    {
        std::lock_guard lock(mutex_);
        if (auto it = jobs_.find(name); it != jobs_.end()) job = it->second;
    }
    return job ? job->to_json(name) : json();
}

}  // namespace ferry::host::web
