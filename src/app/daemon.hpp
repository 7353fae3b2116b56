#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "infra/config.hpp"

// `tokensync run`: every chain's follower on its own thread, and the HTTP
// server (when the config has a `server:` section) with the ops, webhook,
// read, admin and dashboard routes. docs/service.md describes the
// lifecycle.
namespace tokensync::app {

struct DaemonHooks {
    std::string version;  // shown by /status
    // Run once after the server started and before the followers start
    // (recovery at start-up); returns its result as recovery::to_json gives
    // it and the rows inserted, or nullopt when start-up recovery is off.
    // An exception stops the daemon.
    struct RecoveryRun {
        std::string result_json;
        uint64_t recovered = 0;
    };
    std::function<std::optional<RecoveryRun>()> startup_recovery;
};

class Daemon {
  public:
    // Opens and migrates the store and checks each chain's id (throws with a
    // clear message when something is wrong); starts nothing yet.
    Daemon(const infra::Config& config, DaemonHooks hooks);
    ~Daemon();
    Daemon(const Daemon&) = delete;
    Daemon& operator=(const Daemon&) = delete;

    // Serves and follows until `stop` is set, then stops accepting, lets
    // in-flight requests answer and each follower finish its step (batch and
    // cursor committed), within server.shutdown_timeout_ms. Returns 0, or 1
    // when a chain stopped on an error (a reorg below the finality window).
    int run(const std::atomic<bool>& stop);

  private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace tokensync::app
