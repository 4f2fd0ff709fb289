// Runs a command as a child process and measures it: wall time, and peak RSS from wait4's rusage
// (so the figure is the child's own, not the benchmark driver's).
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace ferry::bench {

struct ChildResult {
    int exit_code = -1;   // -1 when killed by a signal or not started
    double seconds = 0;
    long max_rss_kb = 0;
    // With `sample_memory`: the largest RssAnon (heap, stacks: what the process itself holds) and
    // RssFile (mapped file pages: binaries, and SQLite's mmap of the catalog) seen in
    // /proc/PID/status, polled every few milliseconds. max_rss_kb counts both at once, so these
    // say which one grew. Sampled, so a peak shorter than the interval can be missed.
    long peak_anon_kb = 0;
    long peak_file_kb = 0;
};

// stdout goes to `stdout_path` ("" = /dev/null), stderr to `stderr_path` ("" = /dev/null); `stdin_path`
// ("" = /dev/null) feeds stdin.
ChildResult run_child(const std::vector<std::string>& argv, const std::string& stdout_path = "",
                      const std::string& stderr_path = "", const std::string& stdin_path = "",
                      bool sample_memory = false);

// The same in two steps, for children that must run at once (workers): start_child returns the
// process id (-1 when fork failed), wait_child waits for it and measures from `started`.
struct StartedChild {
    int pid = -1;
    std::chrono::steady_clock::time_point started;
};
StartedChild start_child(const std::vector<std::string>& argv, const std::string& stdout_path = "",
                         const std::string& stderr_path = "", const std::string& stdin_path = "");
ChildResult wait_child(const StartedChild& child, bool sample_memory = false);

}  // namespace ferry::bench
