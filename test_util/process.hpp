#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <sys/types.h>

namespace tokensync::test_util {

// A child process started with fork/exec. Move-only; the destructor sends
// SIGTERM, waits up to two seconds, then SIGKILL, so no test leaks a node or a
// server. The child is in its own process group and dies with the parent
// (PR_SET_PDEATHSIG), so a crashed test leaves nothing behind either.
class Process {
  public:
    struct Options {
        std::vector<std::string> argv;  // argv[0] is looked up on PATH
        std::string stdout_path;        // "" = /dev/null
        std::string stderr_path;        // "" = same as stdout
        std::string run_as_user;        // "" = this user; else setuid to it (needs root)
        std::vector<std::string> env;   // extra NAME=value entries
    };

    Process() = default;
    explicit Process(const Options& options);  // throws std::runtime_error
    ~Process();
    Process(Process&& other) noexcept;
    Process& operator=(Process&& other) noexcept;
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;

    pid_t pid() const noexcept { return pid_; }
    bool running();         // false once the child has exited (reaps it)
    int wait();             // exit status (128+signal when killed)
    void kill(int signal);  // to the child's process group
    void stop();            // SIGTERM, then SIGKILL after 2 s

  private:
    pid_t pid_ = -1;
    int status_ = -1;
};

// Runs a command to completion; returns its exit status and stdout+stderr.
struct CommandResult {
    int status = -1;
    std::string output;
};
CommandResult run_command(const std::vector<std::string>& argv, const std::string& run_as_user = "");

// A TCP port on 127.0.0.1 that was free a moment ago.
uint16_t free_port();

}  // namespace tokensync::test_util
