#include "test_util/process.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <stdexcept>
#include <thread>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include "test_util/temp_dir.hpp"

namespace tokensync::test_util {
namespace {

int decode_status(int raw) {
    if (WIFEXITED(raw)) return WEXITSTATUS(raw);
    if (WIFSIGNALED(raw)) return 128 + WTERMSIG(raw);
    return -1;
}

[[noreturn]] void child_fail(const char* what) {
    // Only async-signal-safe calls between fork and exec.
    const char* msg = strerror(errno);
    (void)!::write(STDERR_FILENO, what, strlen(what));
    (void)!::write(STDERR_FILENO, ": ", 2);
    (void)!::write(STDERR_FILENO, msg, strlen(msg));
    (void)!::write(STDERR_FILENO, "\n", 1);
    ::_exit(127);
}

}  // namespace

Process::Process(const Options& options) {
    if (options.argv.empty()) throw std::invalid_argument("Process: empty argv");

    // Everything the child needs is prepared before fork.
    std::vector<char*> argv;
    argv.reserve(options.argv.size() + 1);
    for (const auto& a : options.argv)
        argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    uid_t uid = 0;
    gid_t gid = 0;
    bool switch_user = !options.run_as_user.empty();
    if (switch_user) {
        passwd* pw = ::getpwnam(options.run_as_user.c_str());
        if (pw == nullptr) throw std::runtime_error("Process: no user " + options.run_as_user);
        uid = pw->pw_uid;
        gid = pw->pw_gid;
    }
    std::string out_path = options.stdout_path.empty() ? "/dev/null" : options.stdout_path;
    std::string err_path = options.stderr_path.empty() ? out_path : options.stderr_path;
    pid_t parent = ::getpid();

    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error(fmt::format("fork: {}", strerror(errno)));
    if (pid_ == 0) {
        ::setpgid(0, 0);
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(127);
        int in = ::open("/dev/null", O_RDONLY);
        int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (in < 0 || out < 0) child_fail("open");
        int err = err_path == out_path ? out : ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (err < 0) child_fail("open");
        if (switch_user) {
            (void)!::fchown(out, uid, gid);
            if (::setgid(gid) != 0 || ::setuid(uid) != 0) child_fail("setuid");
            // setuid clears the death signal; set it again so a crashed test
            // cannot leave a server running as another user.
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (::getppid() != parent) ::_exit(127);
        }
        ::dup2(in, STDIN_FILENO);
        ::dup2(out, STDOUT_FILENO);
        ::dup2(err, STDERR_FILENO);
        // No inherited sockets: a server started by a test (PostgreSQL) that
        // kept a copy of the test's own connections would hold them open
        // after the test closes them (a proxy's dropped connection never
        // reaching its client).
        ::close_range(3, ~0U, 0);
        for (const auto& e : options.env)
            ::putenv(const_cast<char*>(e.c_str()));
        ::execvp(argv[0], argv.data());
        child_fail(argv[0]);
    }
    ::setpgid(pid_, pid_);
}

Process::~Process() { stop(); }

Process::Process(Process&& other) noexcept : pid_{other.pid_}, status_{other.status_} { other.pid_ = -1; }

Process& Process::operator=(Process&& other) noexcept {
    if (this != &other) {
        stop();
        pid_ = other.pid_;
        status_ = other.status_;
        other.pid_ = -1;
    }
    return *this;
}

bool Process::running() {
    if (pid_ <= 0) return false;
    int raw = 0;
    pid_t r = ::waitpid(pid_, &raw, WNOHANG);
    if (r == pid_) {
        status_ = decode_status(raw);
        pid_ = -1;
        return false;
    }
    return r == 0;
}

int Process::wait() {
    if (pid_ > 0) {
        int raw = 0;
        while (::waitpid(pid_, &raw, 0) < 0 && errno == EINTR) {
        }
        status_ = decode_status(raw);
        pid_ = -1;
    }
    return status_;
}

void Process::kill(int signal) {
    if (pid_ > 0) ::kill(-pid_, signal);
}

void Process::stop() {
    if (pid_ <= 0) return;
    kill(SIGTERM);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (running() && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (pid_ > 0) {
        kill(SIGKILL);
        wait();
    }
}

CommandResult run_command(const std::vector<std::string>& argv, const std::string& run_as_user) {
    TempDir dir("tokensync-cmd");
    std::string out_path = (dir / "out").string();
    Process p({.argv = argv, .stdout_path = out_path, .stderr_path = "", .run_as_user = run_as_user, .env = {}});
    CommandResult result;
    result.status = p.wait();
    if (FILE* f = std::fopen(out_path.c_str(), "rb")) {
        char buf[4096];
        size_t n = 0;
        while ((n = std::fread(buf, 1, sizeof buf, f)) > 0)
            result.output.append(buf, n);
        std::fclose(f);
    }
    return result;
}

uint16_t free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) throw std::runtime_error("free_port: socket");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        ::close(fd);
        throw std::runtime_error("free_port: bind");
    }
    ::close(fd);
    return ntohs(addr.sin_port);
}

}  // namespace tokensync::test_util
