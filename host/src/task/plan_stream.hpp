// A plan made on a thread of its own while the importer writes the objects already planned.
//
// Planning keeps both cores busy (util/read_ahead.hpp) and so does reading the package; writing is
// SQLite's, one core. Done one after the other, a large import left a core idle for the whole
// write. A PlanStream overlaps them: the planner hands each object over as it is settled, in plan
// order, through a short queue (memory stays flat), and the importer writes it. What makes that
// safe is that the plan's verdict on the whole task is known before its first object: the
// destination, the engines, the workspace's stamps and every object's placement come first
// (PlanBuilder::place_everything), and nothing after can block the plan. The planner reads the
// catalog through a connection of its own; it reads only what is there before this run writes
// (each object's record before the object itself is written).
//
// Only for imports where the planner and the importer share no plugin: no object goes to an
// engine (every commission rule off) and the destination is ferry's catalog. The importer decides
// (task_service.cpp); engines and remote destinations keep the plan-then-write order, where one
// object at a time on the engine is the cost anyway.
#pragma once

#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "ferry/catalog/catalog.hpp"
#include "task/planner.hpp"

namespace ferry::host {

class PlanStream : private PlanSink {
  public:
    // Objects planned and not yet taken, at most: a few of the planner's read-ahead batches.
    static constexpr std::size_t kQueued = 1024;

    // Starts planning. `catalog` is the planner's own connection to the task's catalog.
    PlanStream(const PluginRegistry& registry, const TaskConfig& task, const PackageModel& model,
               std::unique_ptr<catalog::Catalog> catalog, std::size_t queued = kQueued);
    // Stops the planner if it still runs, and waits for it.
    ~PlanStream();
    PlanStream(const PlanStream&) = delete;
    PlanStream& operator=(const PlanStream&) = delete;

    // Waits until the plan is ready (PlanSink::ready) or the planner ended without getting there.
    // False in the second case: finish() says why.
    bool wait_ready();
    // Whether the plan is blocked, and the first error's summary: taken when it got ready.
    bool blocked() const { return blocked_; }
    const std::string& blocked_reason() const { return blocked_reason_; }
    // The plan: destination and engines once ready; its diagnostics complete after finish().
    Plan& plan() { return plan_; }

    // The next planned object, waiting for it; false once every object was handed over.
    bool next(PlannedObject& out);
    // Waits for the planner to end; rethrows what it threw.
    void finish();
    // Stops the planner wherever it is and waits for it; what it threw is dropped. The plan's
    // diagnostics then hold what it noted so far.
    void stop();

  private:
    void ready(const Plan& plan) override;
    bool take(PlannedObject&& object) override;
    bool stopped() const override;

    const std::size_t queued_;
    std::unique_ptr<catalog::Catalog> catalog_;
    Plan plan_;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<PlannedObject> queue_;
    bool ready_ = false;
    bool done_ = false;      // the planner returned (or threw)
    bool stopping_ = false;  // the importer gave up: the planner stops at its next object
    bool blocked_ = false;
    std::string blocked_reason_;
    std::exception_ptr error_;
    std::thread thread_;  // last: it starts once everything above is built
};

}  // namespace ferry::host
