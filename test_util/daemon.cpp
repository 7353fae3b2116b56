#include "test_util/daemon.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

namespace tokensync::test_util {
namespace {

bool iequals(std::string_view a, std::string_view b) {
    return std::ranges::equal(a, b, [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
    });
}

class Socket {
  public:
    explicit Socket(int fd) : fd_(fd) {}
    ~Socket() {
        if (fd_ >= 0) ::close(fd_);
    }
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;
    int fd() const noexcept { return fd_; }

  private:
    int fd_;
};

// Splits what the server sent into status, headers and body.
void parse_response(const std::string& raw, DaemonResponse& out) {
    const auto end_of_head = raw.find("\r\n\r\n");
    if (end_of_head == std::string::npos || !raw.starts_with("HTTP/1.")) {
        out.error = raw.empty() ? "the server closed the connection without answering"
                                : fmt::format("not an HTTP response: {:.80}", raw);
        return;
    }
    std::istringstream head(raw.substr(0, end_of_head));
    std::string line;
    std::getline(head, line);
    const auto space = line.find(' ');
    if (space == std::string::npos) {
        out.error = "no status code";
        return;
    }
    out.status = std::atoi(line.c_str() + space + 1);
    while (std::getline(head, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        out.headers.emplace_back(line.substr(0, colon), value);
    }
    out.body = raw.substr(end_of_head + 4);
    if (auto length = out.header("Content-Length")) {
        const auto n = static_cast<std::size_t>(std::stoull(std::string(*length)));
        if (out.body.size() > n) out.body.resize(n);
    }
}

std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

std::optional<std::string_view> DaemonResponse::header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
        if (iequals(k, name)) return v;
    }
    return std::nullopt;
}

DaemonResponse http_request(uint16_t port, std::string_view method, std::string_view target, const Headers& headers,
                            std::string_view body, std::chrono::milliseconds timeout) {
    DaemonResponse out;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    Socket sock(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
    if (sock.fd() < 0) {
        out.error = fmt::format("socket: {}", std::strerror(errno));
        return out;
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    if (::connect(sock.fd(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 && errno != EINPROGRESS) {
        out.error = fmt::format("connect to port {}: {}", port, std::strerror(errno));
        return out;
    }
    std::string request =
        fmt::format("{} {} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n", method, target, port);
    bool has_length = false;
    for (const auto& [k, v] : headers) {
        request += fmt::format("{}: {}\r\n", k, v);
        has_length = has_length || iequals(k, "Content-Length");
    }
    if (!has_length && (!body.empty() || method == "POST"))
        request += fmt::format("Content-Length: {}\r\n", body.size());
    request += "\r\n";
    request.append(body);

    std::size_t sent = 0;
    bool writing = true;
    std::string received;
    char buf[65536];
    for (;;) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            out.error = fmt::format("no complete answer within {} ms", timeout.count());
            break;
        }
        pollfd pfd{sock.fd(), static_cast<short>(POLLIN | (writing ? POLLOUT : 0)), 0};
        const int ready = ::poll(&pfd, 1, static_cast<int>(std::min<int64_t>(left.count(), 100)));
        if (ready < 0 && errno != EINTR) {
            out.error = fmt::format("poll: {}", std::strerror(errno));
            break;
        }
        if (ready <= 0) continue;
        if (writing && (pfd.revents & POLLOUT) != 0) {
            const ssize_t n = ::send(sock.fd(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
            if (n > 0) {
                sent += static_cast<std::size_t>(n);
                if (sent == request.size()) writing = false;
            } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
                writing = false;  // the server stopped reading (413): read what it answered
            }
        }
        if ((pfd.revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
            const ssize_t n = ::recv(sock.fd(), buf, sizeof buf, 0);
            if (n > 0) {
                received.append(buf, static_cast<std::size_t>(n));
            } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
                if (n < 0 && received.empty()) out.error = fmt::format("recv: {}", std::strerror(errno));
                break;
            }
        }
    }
    if (!received.empty() || out.error.empty()) {
        const std::string why = out.error;
        out.error.clear();
        parse_response(received, out);
        if (out.status == 0 && out.error.empty()) out.error = why;
    }
    return out;
}

std::filesystem::path tokensync_binary() { return std::filesystem::path(TOKENSYNC_BUILD_DIR) / "src/cli/tokensync"; }

Daemon::Daemon(std::string config_yaml) : Daemon(std::move(config_yaml), Options{}) {}

Daemon::Daemon(std::string config_yaml, Options options) {
    port_ = free_port();
    const std::string port_text = std::to_string(port_);
    for (auto at = config_yaml.find("{port}"); at != std::string::npos; at = config_yaml.find("{port}", at))
        config_yaml.replace(at, 6, port_text);
    const bool has_server = config_yaml.starts_with("server:") || config_yaml.find("\nserver:") != std::string::npos;
    if (!has_server) config_yaml += fmt::format("\nserver:\n  listen: 127.0.0.1:{}\n", port_);
    config_path_ = dir_.path() / "tokensync.yaml";
    std::ofstream(config_path_) << config_yaml;
    std::vector<std::string> argv{tokensync_binary().string(), "--config", config_path_.string(), "run"};
    argv.insert(argv.end(), options.extra_args.begin(), options.extra_args.end());
    process_ = Process({.argv = argv,
                        .stdout_path = (dir_.path() / "daemon.log").string(),
                        .stderr_path = "",
                        .run_as_user = "",
                        .env = options.env});
    const auto deadline = std::chrono::steady_clock::now() + options.start_timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (!process_.running()) {
            throw std::runtime_error(
                fmt::format("tokensync run exited with status {} before serving:\n{}", process_.wait(), output_tail()));
        }
        if (http_get(port_, "/health/live", {}).status == 200) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    throw std::runtime_error(fmt::format("tokensync run did not answer GET /health/live on port {} within {} ms:\n{}",
                                         port_, options.start_timeout.count(), output_tail()));
}

Daemon::~Daemon() { process_.stop(); }

std::string Daemon::base_url() const { return fmt::format("http://127.0.0.1:{}", port_); }

std::string Daemon::output() const { return read_text(dir_.path() / "daemon.log"); }

std::string Daemon::output_tail(std::size_t max_lines) const {
    const std::string text = output();
    std::size_t at = text.size();
    for (std::size_t lines = 0; at > 0 && lines <= max_lines;) {
        --at;
        if (text[at] == '\n') ++lines;
    }
    return text.substr(at);
}

bool Daemon::wait_for_status(std::string_view target, int status, std::chrono::milliseconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    do {
        if (http_get(port_, target, {}).status == status) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    } while (std::chrono::steady_clock::now() < deadline);
    return false;
}

int Daemon::stop(int sig, std::chrono::milliseconds timeout) {
    process_.kill(sig);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (process_.running() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (process_.running()) process_.kill(SIGKILL);
    return process_.wait();
}

}  // namespace tokensync::test_util
