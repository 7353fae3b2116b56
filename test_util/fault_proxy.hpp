#pragma once

#include <array>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "test_util/http_test_server.hpp"

namespace tokensync::net {
class HttpClient;
}

namespace tokensync::test_util {

// The faults FaultProxy injects into whole requests (a batch is one request).
enum class Fault {
    kRateLimit,          // HTTP 429 with Retry-After
    kHttp500,            // HTTP 500
    kHttp502,            // HTTP 502
    kHttp503,            // HTTP 503
    kCloseBeforeAnswer,  // the connection closes; the request never reaches the node
    kCloseMidAnswer,     // the node answers; half of that answer arrives, then the connection closes
    kSlow,               // waits slow_delay, then forwards
    kTruncatedJson,      // HTTP 200 whose body is the first half of the node's answer
};
inline constexpr std::size_t kFaultKinds = 8;
std::string_view fault_name(Fault fault);

// How eth_getLogs range refusals are worded.
enum class RangeErrorStyle {
    kHint,    // Alchemy: -32602 "Log response size exceeded. ... this block range should work: [0x.., 0x..]"
    kNoHint,  // -32005 "query returned more than N results" (so the client halves)
};

// An HTTP/1.1 proxy on a free loopback port in front of a JSON-RPC node, for
// fault tests. Each request is forwarded to the node over kept-alive
// connections and its answer passed back, unless a fault is injected: one
// drawn per request from a seeded RNG with each kind's rate, or forced for
// the next requests. eth_getLogs calls over more than max_log_span blocks, or
// whose answer holds more than max_logs logs, are refused the way providers
// do (calls with numbered blocks, alone or in a batch; a blockHash query is
// never refused). Starts in the constructor; thread-safe.
class FaultProxy {
  public:
    struct Options {
        std::string upstream;  // the node's URL, "http://127.0.0.1:8545"
        uint64_t seed = 1;
        std::array<double, kFaultKinds> rates{};  // per Fault, summing to at most 1
        int retry_after_seconds = 1;              // in kRateLimit answers
        std::chrono::milliseconds slow_delay{300};
        std::optional<uint64_t> max_log_span;  // blocks per eth_getLogs range
        std::optional<uint64_t> max_logs;      // logs per eth_getLogs answer
        RangeErrorStyle range_error = RangeErrorStyle::kHint;
        // Per eth_getLogs range answer (alone or in a batch; not by blockHash): the
        // chance that it leaves out the logs of the node's two newest blocks,
        // as a provider whose log index lags its blocks does (and anvil while
        // it applies anvil_reorg). Drawn apart from the faults above.
        double lagging_logs = 0.0;
    };

    // Throws std::runtime_error when it cannot listen, net::HttpError for an unusable upstream URL.
    explicit FaultProxy(Options options);
    ~FaultProxy();
    FaultProxy(const FaultProxy&) = delete;
    FaultProxy& operator=(const FaultProxy&) = delete;

    // Stops accepting, ends every connection and waits for them. Idempotent.
    void stop();
    std::string url() const;

    void set_rate(Fault fault, double rate);
    void set_rates(double rate_each);  // every kind; 0 turns faults off
    void set_log_limits(std::optional<uint64_t> max_log_span, std::optional<uint64_t> max_logs,
                        RangeErrorStyle style = RangeErrorStyle::kHint);
    void set_lagging_logs(double rate);  // Options::lagging_logs
    // The next `count` requests get this fault, before any drawn one.
    void force(Fault fault, std::size_t count = 1);

    struct Counters {
        uint64_t requests = 0;                         // received
        uint64_t forwarded = 0;                        // sent to the node
        std::array<uint64_t, kFaultKinds> injected{};  // per Fault
        uint64_t range_refusals = 0;                   // eth_getLogs refused for span or size
        uint64_t upstream_failures = 0;                // the node gave no answer (answered 502 then)
        uint64_t peak_in_flight = 0;                   // the most requests handled at one time
        uint64_t lagged_answers = 0;                   // eth_getLogs answers that left out logs
        uint64_t lagged_logs = 0;                      // the logs they left out

        uint64_t of(Fault fault) const { return injected[static_cast<std::size_t>(fault)]; }
        uint64_t faults() const;  // injected, all kinds
    };
    Counters counters() const;
    int connections_accepted() const noexcept { return server_->connections_accepted(); }

  private:
    struct Upstream;  // a pool of kept-alive connections to the node
    struct Answer {
        int status = 0;
        std::string body;
    };

    HttpTestReply handle(const HttpTestRequest& request);
    HttpTestReply handle_one(const HttpTestRequest& request);
    // A request's answer when no fault is drawn for it: serve_batch's for a
    // batch it takes, else serve_one's.
    HttpTestReply serve(const std::string& body);
    // One call's answer: forward_and_check's, then lag_logs applied.
    HttpTestReply serve_one(const std::string& body);
    // A batch holding eth_getLogs range calls while log limits or lagging
    // answers are set: each of those calls is checked and answered as if it
    // came alone (as providers check each call of a batch). nullopt for any
    // other request.
    std::optional<HttpTestReply> serve_batch(const std::string& body);
    std::optional<Fault> next_fault();
    // The node's answer; nullopt (and a count) when it gave none.
    std::optional<Answer> forward(const std::string& body);
    // Forwards, refusing eth_getLogs calls beyond the log limits.
    HttpTestReply forward_and_check(const std::string& body);
    // Options::lagging_logs applied to an answer of forward_and_check.
    void lag_logs(const std::string& body, HttpTestReply& reply);

    Options options_;
    std::unique_ptr<Upstream> upstream_;
    mutable std::mutex mutex_;  // options_ after construction, rng_, forced_, counters
    std::condition_variable stopping_cv_;
    bool stopping_ = false;
    std::mt19937_64 rng_;
    std::deque<Fault> forced_;
    Counters counters_;
    uint64_t in_flight_ = 0;
    std::unique_ptr<HttpTestServer> server_;  // last: its threads end before the rest goes
};

}  // namespace tokensync::test_util
