#include "cli/progress.hpp"

#include <cstdio>
#include <iostream>

#include "cli/output.hpp"

namespace ferry::host {

namespace {

using Clock = std::chrono::steady_clock;

double rate(std::size_t done, Clock::time_point start) {
    const double secs = std::chrono::duration<double>(Clock::now() - start).count();
    return secs > 0 ? static_cast<double>(done) / secs : 0.0;
}

class BarProgress : public ProgressSink {
  public:
    void begin(std::size_t total) override {
        total_ = total;
        start_ = Clock::now();
    }
    void step(const PlannedObject& o, const std::string&) override {
        ++done_;
        // Redraw at most ~20 times a second: a terminal is slower than the import.
        const auto now = Clock::now();
        if (done_ != total_ && now - last_ < std::chrono::milliseconds(50)) return;
        last_ = now;
        const int width = 30;
        const int filled = total_ ? static_cast<int>(width * done_ / total_) : width;
        std::string name = o.name.size() > 28 ? o.name.substr(0, 27) + "~" : o.name;
        std::fprintf(stderr, "\r[%s%s] %zu/%zu %-8s %-28s %6.0f obj/s", std::string(filled, '#').c_str(),
                     std::string(width - filled, ' ').c_str(), done_, total_, sdk::to_string(o.kind), name.c_str(),
                     rate(done_, start_));
        std::fflush(stderr);
    }
    void end() override {
        if (total_) std::fprintf(stderr, "\n");
    }

  private:
    std::size_t total_ = 0, done_ = 0;
    Clock::time_point start_, last_;
};

class LineProgress : public ProgressSink {
  public:
    void begin(std::size_t total) override {
        total_ = total;
        start_ = Clock::now();
        std::cerr << "importing " << total << " objects\n";
    }
    void step(const PlannedObject& o, const std::string& status) override {
        ++done_;
        if (o.kind != kind_ || done_ == total_ || done_ % 1000 == 0) {
            kind_ = o.kind;
            std::cerr << "  " << done_ << "/" << total_ << " " << sdk::to_string(o.kind) << " " << printable(o.name) << " "
                      << status << " (" << static_cast<long>(rate(done_, start_)) << " obj/s)\n";
        }
    }
    void end() override {}

  private:
    std::size_t total_ = 0, done_ = 0;
    sdk::ObjectKind kind_ = sdk::ObjectKind::datasource;
    Clock::time_point start_;
};

}  // namespace

std::unique_ptr<ProgressSink> make_progress(bool json_output) {
    if (json_output) return nullptr;
    if (stderr_is_terminal()) return std::make_unique<BarProgress>();
    return std::make_unique<LineProgress>();
}

}  // namespace ferry::host
