#include "host_state.hpp"

#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

namespace ferry::bench {

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// A loop of integer work the compiler cannot drop, on one CPU.
double spin_ms(int cpu) {
    double ms = -1;
    std::thread t([&] {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(cpu, &set);
        if (pthread_setaffinity_np(pthread_self(), sizeof set, &set) != 0) return;
        const auto start = Clock::now();
        volatile std::uint64_t x = 0;
        for (std::uint64_t i = 0; i < 100'000'000; ++i) x = x + i * i;
        ms = ms_since(start);
    });
    t.join();
    return ms;
}

// Maps `bytes` of fresh anonymous memory (aligned to 2 MiB when `huge`, and advised so), writes one
// byte per 4 KiB page, and unmaps it.
double touch_ms(std::size_t bytes, bool huge) {
    constexpr std::size_t kHuge = 2u << 20;
    const auto start = Clock::now();
    const std::size_t mapped = bytes + (huge ? kHuge : 0);
    void* p = ::mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return -1;
    auto* base = static_cast<char*>(p);
    if (huge) {
        base += (kHuge - reinterpret_cast<std::uintptr_t>(base) % kHuge) % kHuge;
        ::madvise(base, bytes, MADV_HUGEPAGE);
    }
    for (std::size_t i = 0; i < bytes; i += 4096) static_cast<volatile char*>(base)[i] = 1;
    const double ms = ms_since(start);
    ::munmap(p, mapped);
    return ms;
}

}  // namespace

CpuTimes read_cpu_times() {
    CpuTimes t;
    std::ifstream in("/proc/stat");
    std::string label;
    unsigned long long field = 0;
    if (!(in >> label) || label != "cpu") return t;
    // user nice system idle iowait irq softirq steal guest guest_nice; guest time is counted in
    // user already.
    for (int i = 0; i < 8 && in >> field; ++i) {
        t.total += field;
        if (i == 7) t.steal = field;
    }
    return t;
}

std::string probe_host() {
    std::ostringstream out;
    out << "host: a fixed loop took";
    cpu_set_t allowed;
    CPU_ZERO(&allowed);
    sched_getaffinity(0, sizeof allowed, &allowed);
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
        if (CPU_ISSET(cpu, &allowed)) {
            char buf[48];
            std::snprintf(buf, sizeof buf, " %.0f ms on CPU %d,", spin_ms(cpu), cpu);
            out << buf;
        }
    char buf[160];
    std::snprintf(buf, sizeof buf, " and 64 MiB of fresh memory %.0f ms to touch in 4 KiB pages, %.0f ms in 2 MiB pages",
                  touch_ms(64u << 20, false), touch_ms(64u << 20, true));
    out << buf;
    return out.str();
}

std::string steal_since(const CpuTimes& before) {
    const CpuTimes now = read_cpu_times();
    if (now.total <= before.total) return {};
    char buf[64];
    std::snprintf(buf, sizeof buf, "steal %.1f%% of CPU time",
                  100.0 * static_cast<double>(now.steal - before.steal) / static_cast<double>(now.total - before.total));
    return buf;
}

}  // namespace ferry::bench
