// What the machine was like while ferry_bench measured. On the shared 2-core virtual machines
// ferry is measured on, the same pair of commands gave ratios a third apart within an hour
// (docs/performance.md): one CPU ran a fixed loop 25% slower than the other, the host took CPU
// time away (steal), and memory touched for the first time cost from 10 to 300 ms per 100 MB.
// ferry runs on two cores and touches more fresh memory than the single-threaded floors it is
// measured against, so those states move its ratios; printing them beside the figures says which
// state a run was taken in.
#pragma once

#include <string>

namespace ferry::bench {

// The CPU time counters of /proc/stat's first line, in clock ticks.
struct CpuTimes {
    unsigned long long total = 0;
    unsigned long long steal = 0;
};
CpuTimes read_cpu_times();

// One line: a fixed loop's time on each CPU the process may run on, and the time to touch 64 MiB
// of fresh memory in 4 KiB pages and in 2 MiB pages.
std::string probe_host();

// "steal N.N% of CPU time" since `before`, or an empty string when /proc/stat cannot be read.
std::string steal_since(const CpuTimes& before);

}  // namespace ferry::bench
