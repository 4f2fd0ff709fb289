#include "child_process.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>

namespace ferry::bench {

ChildResult run_child(const std::vector<std::string>& argv, const std::string& stdout_path,
                      const std::string& stderr_path, const std::string& stdin_path) {
    ChildResult result;
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const auto t0 = std::chrono::steady_clock::now();
    const pid_t pid = ::fork();
    if (pid < 0) return result;
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
    int status = 0;
    rusage usage{};
    ::wait4(pid, &status, 0, &usage);
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    result.max_rss_kb = usage.ru_maxrss;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

}  // namespace ferry::bench
