#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "test_util/process.hpp"
#include "test_util/temp_dir.hpp"

// A running `tokensync run` for tests that talk to the daemon over HTTP.
namespace tokensync::test_util {

// One HTTP answer as read off the socket.
struct DaemonResponse {
    int status = 0;  // 0 when the connection failed before a status line arrived
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::string error;  // why status is 0 (connect refused, reset...)

    std::optional<std::string_view> header(std::string_view name) const;  // case-insensitive
};

using Headers = std::vector<std::pair<std::string, std::string>>;

// One request on its own connection (`Connection: close`), with any headers
// and body; never throws. A server that answers before reading the whole
// body (413) is handled: what it sent is returned. `timeout` bounds the
// whole exchange.
DaemonResponse http_request(uint16_t port, std::string_view method, std::string_view target,
                            const Headers& headers = {}, std::string_view body = {},
                            std::chrono::milliseconds timeout = std::chrono::milliseconds(10'000));
inline DaemonResponse http_get(uint16_t port, std::string_view target, const Headers& headers = {}) {
    return http_request(port, "GET", target, headers);
}
inline DaemonResponse http_post(uint16_t port, std::string_view target, std::string_view body,
                                const Headers& headers = {}) {
    return http_request(port, "POST", target, headers, body);
}

// The built tokensync binary (TOKENSYNC_BUILD_DIR/src/cli/tokensync).
std::filesystem::path tokensync_binary();

// `tokensync --config <file> run` with the config given as YAML text. The
// text may use `{port}` for the free port chosen for `server.listen`; when it
// has no `server:` section, one is appended (listen 127.0.0.1:{port}).
// The constructor waits until GET /health/live answers 200 (throws with the
// daemon's output tail when it exits or does not answer in `start_timeout`).
// The destructor sends SIGTERM, then SIGKILL after 2 s.
class Daemon {
  public:
    struct Options {
        std::chrono::milliseconds start_timeout{60'000};
        std::vector<std::string> extra_args;  // after "run"
        std::vector<std::string> env;         // NAME=value, e.g. secrets the YAML refers to
    };

    explicit Daemon(std::string config_yaml);
    Daemon(std::string config_yaml, Options options);
    ~Daemon();
    Daemon(const Daemon&) = delete;
    Daemon& operator=(const Daemon&) = delete;

    uint16_t port() const noexcept { return port_; }
    std::string base_url() const;  // "http://127.0.0.1:<port>"
    const std::filesystem::path& config_path() const noexcept { return config_path_; }
    const std::filesystem::path& dir() const noexcept { return dir_.path(); }
    std::string output() const;  // stdout and stderr so far
    std::string output_tail(std::size_t max_lines = 40) const;

    DaemonResponse get(std::string_view target, const Headers& headers = {}) const {
        return http_get(port_, target, headers);
    }
    DaemonResponse post(std::string_view target, std::string_view body, const Headers& headers = {}) const {
        return http_post(port_, target, body, headers);
    }

    // Polls `target` until it answers `status` (true) or `timeout` passes.
    bool wait_for_status(std::string_view target, int status, std::chrono::milliseconds timeout) const;

    bool running() { return process_.running(); }
    void signal(int sig) { process_.kill(sig); }
    // Sends `sig` and waits for the exit (SIGKILL after `timeout`); the exit
    // status (128+signal when killed).
    int stop(int sig, std::chrono::milliseconds timeout);
    Process& process() noexcept { return process_; }

  private:
    TempDir dir_{"tokensync-daemon"};
    uint16_t port_ = 0;
    std::filesystem::path config_path_;
    Process process_;
};

}  // namespace tokensync::test_util
