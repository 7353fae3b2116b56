#include "chain/evm/head_tracker.hpp"

#include <algorithm>
#include <exception>
#include <stdexcept>
#include <utility>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <fmt/format.h>

#include "chain/evm/eth_api.hpp"
#include "chain/evm/json_rpc.hpp"
#include "infra/log.hpp"
#include "infra/redact.hpp"

// One thread does everything, so the RpcClient and the WebSocketClient (both
// single-threaded) stay on it. The socket is read in short slices so stop()
// is noticed quickly; every other wait of the thread (the poll interval, the
// reconnect back-off, RpcClient's own retry back-off) is a wait on `wake_`
// that stop() ends.

namespace tokensync::chain::evm {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

constexpr milliseconds kReadSlice{100};
constexpr milliseconds kSubscribeTimeout{10'000};
constexpr uint64_t kSubscribeId = 1;
constexpr unsigned kMaxBackoffFailures = 64;  // the ceiling stops growing long before

// Thrown out of RpcClient's back-off sleep when stop() was called.
struct StopRequested {};

// The WebSocket connection cannot be used any more: garbage, an error answer,
// a stuck subscription. Its message names host:port only.
class SocketFailure : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

std::string safe(std::string_view text) { return infra::redact(text); }

}  // namespace

std::string_view to_string(HeadTrackerMode mode) noexcept {
    switch (mode) {
        case HeadTrackerMode::kWebSocket:
            return "websocket";
        case HeadTrackerMode::kPolling:
            return "polling";
    }
    return "unknown";
}

bool same_head(const Head& a, const Head& b) noexcept {
    if (a.number != b.number) return false;
    if (a.header && b.header) return a.header->hash == b.header->hash;
    return true;
}

net::WebSocketClient::Options HeadTrackerOptions::default_ws_options() {
    net::WebSocketClient::Options options;
    options.connect_timeout = 5'000ms;
    options.close_timeout = 200ms;
    return options;
}

class HeadTracker::Worker {
  public:
    explicit Worker(HeadTracker& owner)
        : owner_(owner), rpc_(rpc_options(owner)), backoff_(backoff_of(owner.options_)) {
        if (owner.options_.ws_url) {
            ws_ = std::make_unique<net::WebSocketClient>(*owner.options_.ws_url, owner.options_.ws);
            authority_ = ws_->authority();
        }
    }

    void run() noexcept {
        try {
            loop();
        } catch (const StopRequested&) {  // NOLINT(bugprone-empty-catch): stop() ends the loop this way too
        } catch (const std::exception& e) {
            fail_thread(safe(e.what()));
        } catch (...) {
            fail_thread("unknown exception");
        }
        if (ws_) ws_->close();
        set_polling();
    }

  private:
    // Nothing but a broken invariant gets here: every expected failure is
    // handled where it happens.
    void fail_thread(const std::string& error) {
        {
            std::lock_guard lock(owner_.mutex_);
            owner_.status_.last_error = error;
        }
        infra::log::error("heads.tracker_failed", {{"error", error}});
    }

    static RpcClientOptions rpc_options(HeadTracker& owner) {
        auto options = owner.options_.rpc;
        // RpcClient's retry back-off must end on stop() as well.
        options.sleep = [&owner](milliseconds d) {
            if (!owner.sleep_unless_stopped(d)) throw StopRequested{};
        };
        return options;
    }

    static infra::Backoff backoff_of(const HeadTrackerOptions& options) {
        return options.seed ? infra::Backoff(options.reconnect, *options.seed) : infra::Backoff(options.reconnect);
    }

    void loop() {
        auto next_connect = SteadyClock::now();
        auto next_poll = SteadyClock::now();
        while (!owner_.stopping()) {
            const auto now = SteadyClock::now();
            if (ws_ && now >= next_connect) {
                const bool was_subscribed = try_websocket();
                if (owner_.stopping()) return;
                failures_ = std::min(failures_ + 1, kMaxBackoffFailures);
                next_connect = SteadyClock::now() + backoff_.next_delay(failures_);
                if (was_subscribed) next_poll = SteadyClock::now();  // polling takes over at once
                continue;
            }
            if (now >= next_poll) {
                poll();
                next_poll = SteadyClock::now() + owner_.options_.poll_interval;
            }
            auto until = next_poll;
            if (ws_) until = std::min(until, next_connect);
            const auto wait = std::chrono::ceil<milliseconds>(until - SteadyClock::now());
            if (wait.count() > 0 && !owner_.sleep_unless_stopped(wait)) return;
        }
    }

    // Connects, subscribes and follows notifications until the socket fails
    // or stop() is called. Failures are recorded, never thrown. True when the
    // subscription had been confirmed.
    bool try_websocket() {
        bool subscribed = false;
        try {
            ws_->connect();
            subscription_ = subscribe();
            subscribed = true;
            on_subscribed();
            follow();
        } catch (const StopRequested&) {
            throw;
        } catch (const std::exception& e) {
            if (!owner_.stopping()) on_socket_failure(e.what(), subscribed);
        }
        return subscribed;
    }

    std::string subscribe() {
        ws_->send_text(encode_request(kSubscribeId, Request{"eth_subscribe", boost::json::array{"newHeads"}}));
        const auto deadline = SteadyClock::now() + kSubscribeTimeout;
        while (SteadyClock::now() < deadline) {
            if (owner_.stopping()) throw StopRequested{};
            const auto text = ws_->read(kReadSlice);
            if (!text) continue;
            auto answer = decode_response(*text, kSubscribeId);
            if (!answer) {
                // A notification of an earlier subscription cannot be ours yet.
                if (is_notification(*text)) continue;
                throw SocketFailure(
                    fmt::format("invalid eth_subscribe answer from {}: {}", authority_, answer.error().reason));
            }
            if (!answer->has_value())
                throw SocketFailure(
                    fmt::format("{} refused eth_subscribe: {}", authority_, answer->error().to_string()));
            const auto& id = answer->value();
            if (!id.is_string() || id.as_string().empty())
                throw SocketFailure(
                    fmt::format("invalid eth_subscribe answer from {}: the result is not an id", authority_));
            return std::string(id.as_string());
        }
        throw SocketFailure(fmt::format("no eth_subscribe answer from {} within {} ms", authority_,
                                        static_cast<long long>(kSubscribeTimeout.count())));
    }

    void on_subscribed() {
        // Blocks mined while the socket was down are not replayed: the node's
        // number now is the baseline the subscription continues from. It is
        // read first so a caller that sees websocket mode sees a head too.
        ws_number_.reset();
        ahead_.reset();
        if (auto number = safety_poll()) ws_number_ = *number;
        bool reconnected = false;
        {
            std::lock_guard lock(owner_.mutex_);
            auto& status = owner_.status_;
            status.mode = HeadTrackerMode::kWebSocket;
            status.connected_since = std::chrono::system_clock::now();
            if (subscribed_before_) {
                ++status.reconnects;
                reconnected = true;
            }
        }
        subscribed_before_ = true;
        infra::log::info(reconnected ? "heads.websocket_reconnected" : "heads.websocket_connected",
                         {{"endpoint", authority_}, {"failures", failures_}});
    }

    void follow() {
        auto next_safety = SteadyClock::now() + owner_.options_.safety_poll_interval;
        const bool safety = owner_.options_.safety_poll_interval.count() > 0;
        while (!owner_.stopping()) {
            if (auto text = ws_->read(kReadSlice)) handle_message(*text);
            if (safety && SteadyClock::now() >= next_safety) {
                check_stuck();
                next_safety = SteadyClock::now() + owner_.options_.safety_poll_interval;
            }
        }
    }

    void handle_message(const std::string& text) {
        boost::system::error_code ec;
        const auto message = boost::json::parse(text, ec);
        if (ec || !message.is_object())
            throw SocketFailure(fmt::format("invalid message from {}: not a JSON object", authority_));
        const auto& object = message.as_object();
        if (object.contains("error"))
            throw SocketFailure(fmt::format("error message from {}: {}", authority_,
                                            boost::json::serialize(object.at("error")).substr(0, 200)));
        const auto* method = object.if_contains("method");
        const auto* params = object.if_contains("params");
        if (!method || !method->is_string() || method->as_string() != "eth_subscription" || !params ||
            !params->is_object()) {
            infra::log::warn("heads.message_skipped", {{"endpoint", authority_}, {"reason", "not a notification"}});
            return;
        }
        const auto* id = params->as_object().if_contains("subscription");
        if (!id || !id->is_string() || id->as_string() != subscription_) {
            infra::log::warn("heads.message_skipped",
                             {{"endpoint", authority_}, {"reason", "notification of another subscription"}});
            return;
        }
        const auto* result = params->as_object().if_contains("result");
        if (!result) throw SocketFailure(fmt::format("newHeads notification from {} without a result", authority_));
        auto header = parse_block_header(*result);
        if (!header)
            throw SocketFailure(
                fmt::format("invalid newHeads header from {}: {}", authority_, header.error().to_string()));
        ws_number_ = std::max(ws_number_.value_or(0), header->number);
        failures_ = 0;  // this connection works
        owner_.publish(Head{header->number, *header, HeadSource::kWebSocket, SteadyClock::now()});
    }

    // eth_blockNumber while subscribed: a newer number is published at once;
    // a number the node had one safety poll ago and the subscription still
    // has not delivered means the subscription is stuck.
    void check_stuck() {
        const auto number = safety_poll();
        if (!number) return;
        if (ahead_ && ws_number_.value_or(0) < *ahead_)
            throw SocketFailure(
                fmt::format("the newHeads subscription on {} is stuck: the node reported block {} "
                            "one safety poll ago and no notification delivered it",
                            authority_, *ahead_));
        ahead_.reset();
        if (!ws_number_ || *number > *ws_number_) ahead_ = *number;
    }

    std::optional<uint64_t> safety_poll() {
        try {
            const auto number = block_number(rpc_);
            const auto current = owner_.latest();
            if (!current || number > current->number)
                owner_.publish(Head{number, std::nullopt, HeadSource::kPoll, SteadyClock::now()});
            return number;
        } catch (const StopRequested&) {
            throw;
        } catch (const std::exception& e) {
            infra::log::warn("heads.safety_poll_failed", {{"error", safe(e.what())}});
            return std::nullopt;
        }
    }

    void poll() {
        try {
            const auto number = block_number(rpc_);
            owner_.publish(Head{number, std::nullopt, HeadSource::kPoll, SteadyClock::now()});
            poll_failing_ = false;
        } catch (const StopRequested&) {
            throw;
        } catch (const std::exception& e) {
            const auto error = safe(e.what());
            {
                std::lock_guard lock(owner_.mutex_);
                owner_.status_.last_error = error;
            }
            // One warning per outage; RpcClient logs each failed try itself.
            if (!poll_failing_) infra::log::warn("heads.poll_failed", {{"error", error}});
            poll_failing_ = true;
        }
    }

    void on_socket_failure(std::string_view what, bool was_subscribed) {
        ws_->close();
        const auto error = safe(what);
        uint64_t count = 0;
        {
            std::lock_guard lock(owner_.mutex_);
            auto& status = owner_.status_;
            status.mode = HeadTrackerMode::kPolling;
            status.connected_since.reset();
            status.last_error = error;
            count = ++status.ws_failures;
        }
        // A lost subscription, or the first failed attempt in a row, is a
        // warning; the retries of a node that stays down are not.
        if (was_subscribed || failures_ == 0)
            infra::log::warn("heads.websocket_down", {{"endpoint", authority_}, {"error", error}, {"failures", count}});
        else
            infra::log::info("heads.websocket_reconnect_failed",
                             {{"endpoint", authority_}, {"error", error}, {"failures", count}});
    }

    void set_polling() {
        std::lock_guard lock(owner_.mutex_);
        owner_.status_.mode = HeadTrackerMode::kPolling;
        owner_.status_.connected_since.reset();
    }

    static bool is_notification(const std::string& text) {
        boost::system::error_code ec;
        const auto message = boost::json::parse(text, ec);
        if (ec || !message.is_object()) return false;
        const auto* method = message.as_object().if_contains("method");
        return method && method->is_string() && method->as_string() == "eth_subscription";
    }

    HeadTracker& owner_;
    RpcClient rpc_;
    infra::Backoff backoff_;
    std::unique_ptr<net::WebSocketClient> ws_;
    std::string authority_;
    std::string subscription_;
    bool subscribed_before_ = false;
    unsigned failures_ = 0;  // consecutive socket failures, for the back-off
    bool poll_failing_ = false;
    std::optional<uint64_t> ws_number_;  // highest number this subscription delivered (or its baseline)
    std::optional<uint64_t> ahead_;      // a number the last safety poll saw beyond ws_number_
};

HeadTracker::HeadTracker(HeadTrackerOptions options)
    : options_(std::move(options)), worker_(std::make_unique<Worker>(*this)) {}

HeadTracker::~HeadTracker() { stop(); }

void HeadTracker::start() {
    std::lock_guard lifecycle(lifecycle_);
    if (thread_.joinable()) return;
    {
        std::lock_guard lock(mutex_);
        stopping_ = false;
    }
    thread_ = std::thread([this] { worker_->run(); });
}

void HeadTracker::stop() {
    std::lock_guard lifecycle(lifecycle_);
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    changed_.notify_all();
    if (thread_.joinable()) thread_.join();
}

bool HeadTracker::stopping() const {
    std::lock_guard lock(mutex_);
    return stopping_;
}

bool HeadTracker::sleep_unless_stopped(std::chrono::milliseconds d) {
    std::unique_lock lock(mutex_);
    return !wake_.wait_for(lock, d, [&] { return stopping_; });
}

void HeadTracker::publish(Head head) {
    {
        std::lock_guard lock(mutex_);
        auto& last = status_.last_head;
        if (last && same_head(*last, head)) {
            if (!last->header && head.header) last = std::move(head);
            return;
        }
        last = std::move(head);
        ++status_.heads_received;
    }
    changed_.notify_all();
}

template <class Changed>
std::optional<Head> HeadTracker::wait_until(Changed&& changed, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [&] { return stopping_ || (status_.last_head && changed(*status_.last_head)); });
    if (status_.last_head && changed(*status_.last_head)) return status_.last_head;
    return std::nullopt;
}

std::optional<Head> HeadTracker::wait_for_change(const std::optional<Head>& last_seen,
                                                 std::chrono::milliseconds timeout) {
    return wait_until([&](const Head& head) { return !last_seen || !same_head(head, *last_seen); }, timeout);
}

std::optional<Head> HeadTracker::wait_for_change(uint64_t last_seen_number, std::chrono::milliseconds timeout) {
    return wait_until([&](const Head& head) { return head.number != last_seen_number; }, timeout);
}

std::optional<Head> HeadTracker::latest() const {
    std::lock_guard lock(mutex_);
    return status_.last_head;
}

HeadTrackerStatus HeadTracker::status() const {
    std::lock_guard lock(mutex_);
    return status_;
}

}  // namespace tokensync::chain::evm
