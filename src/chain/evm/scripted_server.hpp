#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace tokensync::chain::evm::testing {

// What the server does with one request.
struct Reply {
    enum class Action {
        kAnswer,       // the whole response
        kCloseMidway,  // promises the whole body, sends half of it, closes
        kDrop,         // closes without answering
    };
    Reply() = default;
    Reply(int status_code, std::string answer_body, std::vector<std::pair<std::string, std::string>> extra_headers = {},
          Action what = Action::kAnswer, std::chrono::milliseconds wait = std::chrono::milliseconds{0})
        : status(status_code),
          body(std::move(answer_body)),
          headers(std::move(extra_headers)),
          action(what),
          delay(wait) {}

    int status = 200;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    Action action = Action::kAnswer;
    std::chrono::milliseconds delay{0};  // before answering (a slow node)
};

// A JSON-RPC stand-in for client tests: an HTTP/1.1 server on 127.0.0.1,
// on raw sockets, one keep-alive connection at a time, that asks a handler
// how to answer each request body.
class ScriptedServer {
  public:
    using Handler = std::function<Reply(const std::string& request_body)>;

    explicit ScriptedServer(Handler handler);
    ~ScriptedServer();
    ScriptedServer(const ScriptedServer&) = delete;
    ScriptedServer& operator=(const ScriptedServer&) = delete;

    uint16_t port() const noexcept { return port_; }
    // "http://127.0.0.1:<port><path>"
    std::string url(std::string_view path = "/") const;
    std::vector<std::string> bodies() const;
    std::size_t requests() const;

  private:
    void serve();
    void serve_connection(int fd);

    Handler handler_;
    int listen_fd_ = -1;
    uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    mutable std::mutex mutex_;
    std::vector<std::string> bodies_;
    std::thread thread_;
};

}  // namespace tokensync::chain::evm::testing
