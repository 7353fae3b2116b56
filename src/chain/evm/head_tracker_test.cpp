// HeadTracker against a real anvil (WebSocket newHeads, polling, a killed and
// restarted node) and against a tiny misbehaving WebSocket server.
#include "chain/evm/head_tracker.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json/parse.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "net/stream.hpp"
#include "test_util/devnet.hpp"
#include "test_util/temp_dir.hpp"
#include "test_util/tls_test_cert.hpp"
#include "test_util/ws_test_server.hpp"

namespace tokensync::chain::evm {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// Polls a condition the tracker's thread makes true.
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds limit = 10s) {
    for (const auto until = Clock::now() + limit; Clock::now() < until; std::this_thread::sleep_for(10ms))
        if (condition()) return true;
    return condition();
}

uint16_t unused_port() {
    asio::io_context ioc;
    tcp::acceptor acceptor(ioc, {asio::ip::address_v4::loopback(), 0});
    return acceptor.local_endpoint().port();
}

std::string ws_url(const test_util::Devnet& devnet) { return fmt::format("ws://127.0.0.1:{}", devnet.port()); }

HeadTrackerOptions options_for(const test_util::Devnet& devnet, bool websocket) {
    HeadTrackerOptions options;
    options.rpc.urls = {devnet.url()};
    options.rpc.backoff.max_attempts = 1;  // the next poll is the retry
    if (websocket) options.ws_url = ws_url(devnet);
    options.poll_interval = 50ms;
    options.safety_poll_interval = 0ms;  // a test that wants it turns it on
    options.reconnect = infra::BackoffPolicy{50ms, 500ms, 1};
    options.seed = 7;
    return options;
}

std::unique_ptr<test_util::Devnet> start_devnet() {
    test_util::Devnet::Options options;
    options.silent = true;
    return std::make_unique<test_util::Devnet>(options);
}

bool on_websocket(const HeadTracker& tracker) { return tracker.status().mode == HeadTrackerMode::kWebSocket; }

// A WebSocket server on 127.0.0.1 (ws://, or wss:// when given a
// certificate) that answers eth_subscribe badly (or well, and then
// misbehaves), on its own thread. Every connection gets the same.
class FakeNodeServer {
  public:
    enum class Mode {
        kGarbageAfterSubscribe,  // a valid subscription id, then a message that is not JSON
        kInvalidAnswer,          // {"result": 42}
        kErrorAnswer,            // an error object instead of an id
        kSilent,                 // a valid subscription id, then never a notification
        kNotifyThenDrop,  // a valid id, one head (number 100 + connection), 300 ms, then a dropped TCP connection
    };

    explicit FakeNodeServer(Mode mode, std::optional<test_util::TlsTestIdentity> tls = std::nullopt)
        : mode_(mode),
          server_([this](net::Stream stream) { return session(std::move(stream)); }, {std::move(tls), false}) {}

    // With an API key in path and query, which must never reach a message.
    std::string url() const { return server_.url("/v3/SeCrEtPaThKeY123456?apikey=QuErYsEcReT"); }
    uint16_t port() const noexcept { return server_.port(); }
    int subscriptions() const noexcept { return subscriptions_; }
    int tls_handshakes() const noexcept { return server_.tls_handshakes(); }

  private:
    // noinline: g++ 12 warns falsely (-Wmismatched-new-delete) about a
    // coroutine inlined into the lambda that starts it.
    [[gnu::noinline]] asio::awaitable<void> session(net::Stream stream) {
        websocket::stream<net::Stream> ws(std::move(stream));
        co_await ws.async_accept(asio::use_awaitable);
        beast::flat_buffer in;
        co_await ws.async_read(in, asio::use_awaitable);
        const int connection = ++subscriptions_;
        ws.text(true);
        switch (mode_) {
            case Mode::kGarbageAfterSubscribe:
                co_await ws.async_write(asio::buffer(std::string(R"({"jsonrpc":"2.0","id":1,"result":"0xabc"})")),
                                        asio::use_awaitable);
                co_await ws.async_write(asio::buffer(std::string("this is {not json")), asio::use_awaitable);
                break;
            case Mode::kInvalidAnswer:
                co_await ws.async_write(asio::buffer(std::string(R"({"jsonrpc":"2.0","id":1,"result":42})")),
                                        asio::use_awaitable);
                break;
            case Mode::kErrorAnswer:
                co_await ws.async_write(
                    asio::buffer(std::string(R"({"jsonrpc":"2.0","id":1,"error":{"code":-32601,"message":"nope"}})")),
                    asio::use_awaitable);
                break;
            case Mode::kSilent:
                co_await ws.async_write(asio::buffer(std::string(R"({"jsonrpc":"2.0","id":1,"result":"0xabc"})")),
                                        asio::use_awaitable);
                break;
            case Mode::kNotifyThenDrop: {
                co_await ws.async_write(asio::buffer(std::string(R"({"jsonrpc":"2.0","id":1,"result":"0xabc"})")),
                                        asio::use_awaitable);
                const std::string head = fmt::format(
                    R"({{"jsonrpc":"2.0","method":"eth_subscription","params":{{"subscription":"0xabc","result":)"
                    R"({{"number":"0x{:x}","hash":"0x{:064x}","parentHash":"0x{:064x}","timestamp":"0x1"}}}}}})",
                    100 + connection, 100 + connection, 99 + connection);
                co_await ws.async_write(asio::buffer(head), asio::use_awaitable);
                asio::steady_timer timer(server_.context(), 300ms);
                co_await timer.async_wait(asio::use_awaitable);
                ws.next_layer().socket().close();
                co_return;
            }
        }
        // Keep reading (and answering pings) until the client goes away.
        for (;;) {
            beast::flat_buffer more;
            boost::system::error_code ec;
            co_await ws.async_read(more, asio::redirect_error(asio::use_awaitable, ec));
            if (ec) co_return;
        }
    }

    Mode mode_;
    std::atomic<int> subscriptions_{0};
    test_util::WsTestServer server_;  // last: its thread runs session() on the members above
};

// Median and p99 (nearest rank) on stdout and in the test's XML properties.
void report_latency(std::string_view what, std::vector<double> samples_ms) {
    std::ranges::sort(samples_ms);
    const double median = samples_ms[samples_ms.size() / 2];
    const double p99 = samples_ms[std::min(samples_ms.size() - 1, (samples_ms.size() * 99 + 99) / 100 - 1)];
    std::cout << fmt::format("{} over {} blocks: median {:.2f} ms, p99 {:.2f} ms, max {:.2f} ms\n", what,
                             samples_ms.size(), median, p99, samples_ms.back());
    ::testing::Test::RecordProperty(fmt::format("{} median ms", what), fmt::format("{:.2f}", median));
    ::testing::Test::RecordProperty(fmt::format("{} p99 ms", what), fmt::format("{:.2f}", p99));
}

// The node's hash of a block, to compare with what the subscription delivered.
core::Hash32 hash_of(test_util::Devnet& devnet, uint64_t number) {
    const auto block = devnet.rpc("eth_getBlockByNumber", {to_quantity(number), false});
    return *core::Hash32::from_hex(block.as_object().at("hash").as_string());
}

TEST(HeadTracker, WebSocketHeadsArriveAsBlocksAreMined) {
    auto devnet = start_devnet();
    HeadTracker tracker(options_for(*devnet, true));
    tracker.start();
    ASSERT_TRUE(eventually([&] { return on_websocket(tracker); })) << tracker.status().last_error;

    auto last = tracker.latest();
    std::vector<double> latencies_ms;  // mine() sent -> wait_for_change returned
    std::vector<double> arrivals_ms;   // mine() sent -> the tracker's thread had the notification
    for (int i = 0; i < 50; ++i) {
        const auto t0 = Clock::now();
        devnet->mine();
        auto head = tracker.wait_for_change(last, 10s);
        const auto t1 = Clock::now();
        ASSERT_TRUE(head.has_value()) << "block " << i << " not seen";
        latencies_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
        arrivals_ms.push_back(std::chrono::duration<double, std::milli>(head->received_at - t0).count());
        EXPECT_EQ(head->number, devnet->block_number());
        EXPECT_EQ(head->source, HeadSource::kWebSocket);
        ASSERT_TRUE(head->header.has_value());
        EXPECT_EQ(head->header->hash, hash_of(*devnet, head->number));
        if (last && last->header) {
            EXPECT_EQ(head->header->parent_hash, last->header->hash);
        }
        last = head;
    }
    report_latency("mine -> wait_for_change", latencies_ms);
    report_latency("mine -> notification published", arrivals_ms);

    const auto status = tracker.status();
    EXPECT_EQ(status.mode, HeadTrackerMode::kWebSocket);
    EXPECT_TRUE(status.connected_since.has_value());
    EXPECT_EQ(status.reconnects, 0u);
    EXPECT_EQ(status.ws_failures, 0u);
    EXPECT_GE(status.heads_received, 50u);
    ASSERT_TRUE(status.last_head.has_value());
    EXPECT_EQ(status.last_head->number, last->number);

    // No change: the wait runs out and says so.
    EXPECT_EQ(tracker.wait_for_change(last, 200ms), std::nullopt);

    const auto t0 = Clock::now();
    tracker.stop();
    EXPECT_LT(Clock::now() - t0, 1s);
    EXPECT_EQ(tracker.status().mode, HeadTrackerMode::kPolling);
}

TEST(HeadTracker, PollsWithoutAWebSocketUrl) {
    auto devnet = start_devnet();
    HeadTracker tracker(options_for(*devnet, false));
    tracker.start();
    auto head = tracker.wait_for_change(std::nullopt, 10s);
    ASSERT_TRUE(head.has_value()) << tracker.status().last_error;
    EXPECT_EQ(head->number, devnet->block_number());
    for (int i = 0; i < 5; ++i) {
        devnet->mine();
        auto next = tracker.wait_for_change(head->number, 10s);
        ASSERT_TRUE(next.has_value()) << "block " << i << " not seen";
        EXPECT_EQ(next->number, head->number + 1);  // the interval is far shorter than the mining
        EXPECT_EQ(next->source, HeadSource::kPoll);
        EXPECT_FALSE(next->header.has_value());
        head = next;
    }
    const auto status = tracker.status();
    EXPECT_EQ(status.mode, HeadTrackerMode::kPolling);
    EXPECT_EQ(status.ws_failures, 0u);
    EXPECT_EQ(status.reconnects, 0u);
}

TEST(HeadTracker, KilledNodeMeansPollingAndARestartReconnects) {
    auto devnet = start_devnet();
    devnet->mine(3);
    HeadTracker tracker(options_for(*devnet, true));
    tracker.start();
    ASSERT_TRUE(eventually([&] { return on_websocket(tracker); })) << tracker.status().last_error;

    devnet->kill();
    ASSERT_TRUE(eventually([&] { return tracker.status().mode == HeadTrackerMode::kPolling; }));
    ASSERT_TRUE(eventually([&] { return tracker.status().ws_failures >= 2; }))  // the drop, then refused connects
        << tracker.status().ws_failures;
    auto status = tracker.status();
    EXPECT_FALSE(status.connected_since.has_value());
    EXPECT_NE(status.last_error.find(fmt::format("127.0.0.1:{}", devnet->port())), std::string::npos)
        << status.last_error;
    const auto before_restart = tracker.latest();
    ASSERT_TRUE(before_restart.has_value());
    EXPECT_EQ(before_restart->number, 3u);

    devnet->restart();  // an empty chain on the same port
    ASSERT_TRUE(eventually([&] { return on_websocket(tracker); })) << tracker.status().last_error;
    status = tracker.status();
    EXPECT_EQ(status.reconnects, 1u);
    EXPECT_TRUE(status.connected_since.has_value());

    // The new node is behind the old one; its heads are published as they are.
    devnet->mine();
    const auto head = tracker.wait_for_change(before_restart, 10s);
    ASSERT_TRUE(head.has_value());
    ASSERT_TRUE(eventually([&] {
        const auto now = tracker.latest();
        return now && now->number == 1 && now->source == HeadSource::kWebSocket;
    })) << tracker.latest()->number;
    EXPECT_EQ(tracker.latest()->header->hash, hash_of(*devnet, 1));
}

TEST(HeadTracker, StopIsPromptWhilePollingADeadNode) {
    HeadTrackerOptions options;
    options.rpc.urls = {fmt::format("http://127.0.0.1:{}", unused_port())};
    options.rpc.backoff = infra::BackoffPolicy{5'000ms, 5'000ms, 3};  // long waits inside RpcClient
    options.rpc.seed = 1;
    options.ws_url = fmt::format("ws://127.0.0.1:{}", unused_port());
    options.poll_interval = 5'000ms;
    options.reconnect = infra::BackoffPolicy{5'000ms, 5'000ms, 1};
    HeadTracker tracker(options);
    tracker.start();
    ASSERT_TRUE(eventually([&] { return !tracker.status().last_error.empty(); }));
    std::this_thread::sleep_for(100ms);  // inside a back-off wait by now
    std::atomic<bool> woke{false};
    std::thread waiter([&] {
        EXPECT_EQ(tracker.wait_for_change(std::nullopt, 60s), std::nullopt);
        woke = true;
    });
    const auto t0 = Clock::now();
    tracker.stop();
    EXPECT_LT(Clock::now() - t0, 1s);
    waiter.join();
    EXPECT_TRUE(woke);
    EXPECT_EQ(tracker.latest(), std::nullopt);
    EXPECT_GE(tracker.status().ws_failures, 1u);
}

void expect_failure_then_polling(FakeNodeServer::Mode mode, std::string_view cause) {
    auto devnet = start_devnet();
    FakeNodeServer server(mode);
    auto options = options_for(*devnet, false);
    options.ws_url = server.url();
    HeadTracker tracker(options);
    tracker.start();
    ASSERT_TRUE(eventually([&] { return tracker.status().ws_failures >= 2; })) << tracker.status().last_error;
    EXPECT_GE(server.subscriptions(), 2);  // it keeps trying
    // Polling carries on meanwhile.
    devnet->mine();
    ASSERT_TRUE(eventually([&] {
        const auto head = tracker.latest();
        return head && head->number == devnet->block_number();
    }));
    tracker.stop();
    const auto status = tracker.status();
    EXPECT_EQ(status.mode, HeadTrackerMode::kPolling);
    EXPECT_NE(status.last_error.find(cause), std::string::npos) << status.last_error;
    EXPECT_NE(status.last_error.find(fmt::format("127.0.0.1:{}", server.port())), std::string::npos)
        << status.last_error;
    EXPECT_EQ(status.last_error.find("SeCrEt"), std::string::npos) << status.last_error;
    EXPECT_EQ(status.last_error.find("QuErY"), std::string::npos) << status.last_error;
}

TEST(HeadTracker, GarbageFromTheSocketMeansPolling) {
    expect_failure_then_polling(FakeNodeServer::Mode::kGarbageAfterSubscribe, "not a JSON object");
}

TEST(HeadTracker, InvalidSubscriptionAnswerMeansPolling) {
    expect_failure_then_polling(FakeNodeServer::Mode::kInvalidAnswer, "the result is not an id");
}

TEST(HeadTracker, RefusedSubscriptionMeansPolling) {
    expect_failure_then_polling(FakeNodeServer::Mode::kErrorAnswer, "refused eth_subscribe");
}

// A subscription that never delivers: the safety poll publishes the head
// the node reports, then gives up on the socket.
TEST(HeadTracker, SafetyPollCatchesASilentSubscription) {
    auto devnet = start_devnet();
    FakeNodeServer server(FakeNodeServer::Mode::kSilent);
    auto options = options_for(*devnet, false);
    options.ws_url = server.url();
    options.safety_poll_interval = 200ms;
    options.reconnect = infra::BackoffPolicy{5'000ms, 5'000ms, 1};
    HeadTracker tracker(options);
    tracker.start();
    ASSERT_TRUE(eventually([&] { return on_websocket(tracker); })) << tracker.status().last_error;
    const auto before = tracker.latest();
    devnet->mine();
    const auto head = tracker.wait_for_change(before, 10s);
    ASSERT_TRUE(head.has_value());
    EXPECT_EQ(head->number, devnet->block_number());
    EXPECT_EQ(head->source, HeadSource::kPoll);
    ASSERT_TRUE(eventually([&] { return tracker.status().ws_failures >= 1; }));
    EXPECT_NE(tracker.status().last_error.find("stuck"), std::string::npos) << tracker.status().last_error;
}

// wss: the CA option reaches the WebSocket client; a subscription that
// delivers and is then dropped is subscribed again over a new TLS connection.
TEST(HeadTracker, WssSubscriptionReconnectsAfterTheServerDropsIt) {
    const auto pki = test_util::make_test_pki();
    const test_util::TempDir dir("tokensync-heads-wss");
    auto devnet = start_devnet();
    FakeNodeServer server(FakeNodeServer::Mode::kNotifyThenDrop, pki.server);
    auto options = options_for(*devnet, false);
    options.ws_url = server.url();
    options.ws.tls_ca_file = pki.save_ca(dir.path());
    HeadTracker tracker(options);
    tracker.start();
    const auto streamed = [&](uint64_t at_least) {
        return eventually([&] {
            const auto head = tracker.latest();
            return head && head->source == HeadSource::kWebSocket && head->number >= at_least;
        });
    };
    ASSERT_TRUE(streamed(101)) << tracker.status().last_error;
    ASSERT_TRUE(streamed(102)) << tracker.status().last_error;  // from the second connection
    EXPECT_GE(server.tls_handshakes(), 2);
    EXPECT_GE(server.subscriptions(), 2);
    const auto status = tracker.status();
    EXPECT_GE(status.reconnects, 1u);
    EXPECT_GE(status.ws_failures, 1u);
    EXPECT_NE(status.last_error.find(fmt::format("127.0.0.1:{}", server.port())), std::string::npos)
        << status.last_error;
    EXPECT_EQ(status.last_error.find("SeCrEt"), std::string::npos) << status.last_error;
    tracker.stop();
}

// Without the CA the certificate is refused and the tracker keeps polling.
TEST(HeadTracker, UntrustedWssCertificateMeansPolling) {
    const auto pki = test_util::make_test_pki();
    auto devnet = start_devnet();
    FakeNodeServer server(FakeNodeServer::Mode::kSilent, pki.server);
    auto options = options_for(*devnet, false);
    options.ws_url = server.url();
    HeadTracker tracker(options);
    tracker.start();
    ASSERT_TRUE(eventually([&] { return tracker.status().ws_failures >= 2; })) << tracker.status().last_error;
    devnet->mine();
    ASSERT_TRUE(eventually([&] {
        const auto head = tracker.latest();
        return head && head->number == devnet->block_number() && head->source == HeadSource::kPoll;
    }));
    const auto status = tracker.status();
    EXPECT_EQ(status.mode, HeadTrackerMode::kPolling);
    EXPECT_NE(status.last_error.find("certificate verify failed"), std::string::npos) << status.last_error;
    EXPECT_EQ(status.last_error.find("SeCrEt"), std::string::npos) << status.last_error;
    EXPECT_EQ(server.subscriptions(), 0);
    tracker.stop();
}

TEST(HeadTracker, SameHeadComparesNumbersAndKnownHashes) {
    Head polled{7, std::nullopt, HeadSource::kPoll, {}};
    BlockHeader header{7, *core::Hash32::from_hex("0x" + std::string(64, 'a')), {}, 0, std::nullopt};
    Head streamed{7, header, HeadSource::kWebSocket, {}};
    auto reorged = streamed;
    reorged.header->hash = *core::Hash32::from_hex("0x" + std::string(64, 'b'));
    auto next = polled;
    next.number = 8;
    EXPECT_TRUE(same_head(polled, streamed));
    EXPECT_FALSE(same_head(streamed, reorged));
    EXPECT_FALSE(same_head(polled, next));
}

}  // namespace
}  // namespace tokensync::chain::evm
