#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "chain/evm/rpc_client.hpp"
#include "chain/evm/types.hpp"
#include "infra/backoff.hpp"
#include "net/ws_client.hpp"

namespace tokensync::chain::evm {

enum class HeadSource { kWebSocket, kPoll };
enum class HeadTrackerMode { kWebSocket, kPolling };

std::string_view to_string(HeadTrackerMode mode) noexcept;

// A chain head as the tracker learned it. WebSocket heads carry the whole
// header; polled heads are a number only (one eth_blockNumber per poll):
// the follower only needs "the head is now at least N" and re-reads the
// headers it uses itself.
struct Head {
    uint64_t number = 0;
    std::optional<BlockHeader> header;  // set for kWebSocket heads
    HeadSource source = HeadSource::kPoll;
    std::chrono::steady_clock::time_point received_at{};
};

// Same number, and hashes that are not known to differ. A number-only head
// and a header of that number are the same head; a header of that number
// with another hash (a reorg at the same height) is not.
bool same_head(const Head& a, const Head& b) noexcept;

struct HeadTrackerOptions {
    // eth_blockNumber while polling, and the safety poll. Its sleep hook is
    // replaced by one that stop() interrupts.
    RpcClientOptions rpc;
    std::optional<std::string> ws_url;  // "ws://..."; without it the tracker only polls
    std::chrono::milliseconds poll_interval{1'000};
    // While on WebSocket, eth_blockNumber this often; zero disables. A head the
    // node reported one safety poll earlier and the subscription still has not
    // delivered counts as a stuck subscription (a WebSocket failure).
    std::chrono::milliseconds safety_poll_interval{10'000};
    // Waits between reconnect attempts; max_attempts is ignored (the tracker
    // never gives up). The count of failures restarts once a connection
    // delivers a valid head.
    infra::BackoffPolicy reconnect{std::chrono::milliseconds{500}, std::chrono::milliseconds{30'000}, 1};
    // connect_timeout also bounds how long stop() can wait while a connect is
    // under way; close_timeout bounds the closing handshake on stop().
    net::WebSocketClient::Options ws = default_ws_options();
    std::optional<uint64_t> seed;  // reconnect jitter, for deterministic tests

    static net::WebSocketClient::Options default_ws_options();
};

struct HeadTrackerStatus {
    HeadTrackerMode mode = HeadTrackerMode::kPolling;
    // When the current subscription was confirmed; unset while polling.
    std::optional<std::chrono::system_clock::time_point> connected_since;
    uint64_t reconnects = 0;      // subscriptions confirmed after the first one
    uint64_t ws_failures = 0;     // connects, subscriptions and connections that failed
    uint64_t heads_received = 0;  // heads published (changes only)
    std::string last_error;       // the newest failure, host:port only, never a URL path or query
    std::optional<Head> last_head;
};

// Follows the chain head on a background thread: a newHeads subscription
// when a WebSocket URL is given, polling eth_blockNumber otherwise and while
// the socket is down (reconnecting with back-off meanwhile). Every change is
// published as is, a lower number too (a lagging node after fail-over): the
// caller decides. Errors never leave the thread; they show in status() and
// in the log. All public members are thread-safe.
class HeadTracker {
  public:
    // Throws std::invalid_argument for an unusable RPC URL and
    // net::WebSocketError for an unusable WebSocket URL.
    explicit HeadTracker(HeadTrackerOptions options);
    ~HeadTracker();  // stops
    HeadTracker(const HeadTracker&) = delete;
    HeadTracker& operator=(const HeadTracker&) = delete;

    // Starts the thread; a no-op while it runs. May be called again after stop().
    void start();
    // Stops the thread and drops the socket. Returns within about 200 ms,
    // except while a connect or an HTTP request is under way (bounded by
    // their timeouts). Waiters return at once.
    void stop();

    // The newest head as soon as it differs from last_seen (any head when
    // last_seen is empty): at once when it already does. nullopt when the
    // timeout passes, or on stop(), without a change.
    std::optional<Head> wait_for_change(const std::optional<Head>& last_seen, std::chrono::milliseconds timeout);
    // As above, comparing block numbers only.
    std::optional<Head> wait_for_change(uint64_t last_seen_number, std::chrono::milliseconds timeout);
    std::optional<Head> latest() const;
    HeadTrackerStatus status() const;

  private:
    class Worker;

    template <class Changed>
    std::optional<Head> wait_until(Changed&& changed, std::chrono::milliseconds timeout);

    friend class Worker;
    // Publishes a head unless it is the same as the newest one; a header
    // for a number-only head of the same number replaces it silently.
    void publish(Head head);
    // Sleeps up to `d`; false when stop() was called.
    bool sleep_unless_stopped(std::chrono::milliseconds d);
    bool stopping() const;

    HeadTrackerOptions options_;
    std::mutex lifecycle_;  // start() and stop() from several threads
    mutable std::mutex mutex_;
    std::condition_variable changed_;  // a new head, or stop()
    std::condition_variable wake_;     // the worker's sleeps end on stop()
    bool stopping_ = false;
    HeadTrackerStatus status_;
    std::unique_ptr<Worker> worker_;  // owned state of the thread: RpcClient, WebSocketClient
    std::thread thread_;
};

}  // namespace tokensync::chain::evm
