#include "server/export_jobs.hpp"

#include "ferry/catalog/catalog.hpp"

namespace ferry::host::web {

namespace {

// What the request waits for: the task row made, or the export over before it was.
struct Handoff {
    std::mutex mutex;
    std::condition_variable cv;
    bool decided = false;
    bool created = false;
    std::string task;
    sdk::Diagnostics diags;
};

// An export that threw after its row was made must not stay EXPORTING for ever.
void mark_failed(const std::string& catalog_uri, const std::string& task) {
    sdk::Diagnostics ignore;
    auto catalog = catalog::Catalog::open(catalog_uri, ignore);
    if (!catalog) return;
    auto row = catalog->get_task(task, ignore);
    if (!row || row->state != catalog::task_state::exporting) return;
    row->state = catalog::task_state::export_error;
    row->finished_at = catalog::now_iso8601_utc();
    catalog->update_task(*row, ignore);
}

}  // namespace

ExportJobs::ExportJobs(const PluginRegistry& registry, std::string catalog_uri)
    : registry_(registry), catalog_uri_(std::move(catalog_uri)) {}

ExportJobs::~ExportJobs() {
    std::vector<std::thread> threads;
    {
        std::lock_guard lock(mutex_);
        threads.swap(threads_);
    }
    for (auto& t : threads)
        if (t.joinable()) t.join();
}

bool ExportJobs::running(const std::string& task) const {
    std::lock_guard lock(mutex_);
    return running_.count(task) != 0;
}

bool ExportJobs::start(ExportOptions options, std::string& task, sdk::Diagnostics& diags) {
    auto handoff = std::make_shared<Handoff>();
    options.on_task_created = [this, handoff](const std::string& name) {
        {
            std::lock_guard lock(mutex_);
            running_.insert(name);
        }
        std::lock_guard lock(handoff->mutex);
        handoff->decided = handoff->created = true;
        handoff->task = name;
        handoff->cv.notify_all();
    };
    {
        std::lock_guard lock(mutex_);
        threads_.emplace_back([this, options = std::move(options), handoff] {
            sdk::Diagnostics d;
            try {
                // One catalog connection per thread: a Catalog is not shared.
                auto catalog = catalog::Catalog::open(catalog_uri_, d);
                ExportResult result;
                if (catalog) run_export(registry_, *catalog, options, result, d);
            } catch (const std::exception& e) {
                d.error("FERRY-INTERNAL", std::string("the export failed: ") + e.what(), "", "");
            }
            std::string made;
            {
                std::lock_guard lock(handoff->mutex);
                if (!handoff->decided) {
                    handoff->decided = true;
                    handoff->diags = d;
                    handoff->cv.notify_all();
                }
                if (handoff->created) made = handoff->task;
            }
            if (made.empty()) return;
            if (d.has_errors()) mark_failed(catalog_uri_, made);  // a no-op when run_export ended it
            std::lock_guard lock(mutex_);
            running_.erase(made);
        });
    }
    std::unique_lock lock(handoff->mutex);
    handoff->cv.wait(lock, [&] { return handoff->decided; });
    if (!handoff->created) {
        diags.append(handoff->diags);
        return false;
    }
    task = handoff->task;
    return true;
}

}  // namespace ferry::host::web
