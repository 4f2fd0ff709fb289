#include "child_process.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

namespace ferry::bench {

namespace {

// Adds /proc/PID/status's RssAnon and RssFile to the peaks (nothing when the process is gone).
void sample_rss(pid_t pid, ChildResult& result) {
    const std::string path = "/proc/" + std::to_string(pid) + "/status";
    std::FILE* f = std::fopen(path.c_str(), "r");
    if (!f) return;
    char line[256];
    long kb = 0;
    while (std::fgets(line, sizeof line, f)) {
        if (std::sscanf(line, "RssAnon: %ld kB", &kb) == 1 && kb > result.peak_anon_kb) result.peak_anon_kb = kb;
        if (std::sscanf(line, "RssFile: %ld kB", &kb) == 1 && kb > result.peak_file_kb) result.peak_file_kb = kb;
    }
    std::fclose(f);
}

}  // namespace

StartedChild start_child(const std::vector<std::string>& argv, const std::string& stdout_path,
                         const std::string& stderr_path, const std::string& stdin_path) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    StartedChild child;
    child.started = std::chrono::steady_clock::now();
    const pid_t pid = ::fork();
    if (pid < 0) return child;
    if (pid == 0) {
        auto redirect = [](const std::string& path, int fd, int flags) {
            const int f = ::open(path.empty() ? "/dev/null" : path.c_str(), flags, 0644);
            if (f >= 0) {
                ::dup2(f, fd);
                ::close(f);
            }
        };
        redirect(stdin_path, 0, O_RDONLY);
        redirect(stdout_path, 1, O_WRONLY | O_CREAT | O_TRUNC);
        redirect(stderr_path, 2, O_WRONLY | O_CREAT | O_TRUNC);
        ::execvp(args[0], args.data());
        ::_exit(127);
    }
    child.pid = pid;
    return child;
}

ChildResult wait_child(const StartedChild& child, bool sample_memory) {
    ChildResult result;
    if (child.pid < 0) return result;
    int status = 0;
    rusage usage{};
    if (sample_memory) {
        while (::wait4(child.pid, &status, WNOHANG, &usage) == 0) {
            sample_rss(child.pid, result);
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    } else {
        ::wait4(child.pid, &status, 0, &usage);
    }
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - child.started).count();
    result.max_rss_kb = usage.ru_maxrss;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

ChildResult run_child(const std::vector<std::string>& argv, const std::string& stdout_path,
                      const std::string& stderr_path, const std::string& stdin_path, bool sample_memory) {
    return wait_child(start_child(argv, stdout_path, stderr_path, stdin_path), sample_memory);
}

}  // namespace ferry::bench
