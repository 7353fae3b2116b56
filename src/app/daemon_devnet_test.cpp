// `tokensync run` as operators and Alchemy see it: the real binary on an
// anvil devnet, real HTTP requests. Webhook deliveries in Alchemy's shapes
// (PROTOCOLS.md §4) signed with a test key wake the follower (its head
// polling is set to a minute, so only the wake explains a quick commit);
// hostile deliveries write nothing; SIGTERM exits 0 with cursors committed;
// a PostgreSQL outage turns /health to 503 and back with no event lost.
#include <chrono>
#include <csignal>
#include <fstream>
#include <string>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "store/store.hpp"
#include "test_util/abi_call.hpp"
#include "test_util/alchemy_delivery.hpp"
#include "test_util/daemon.hpp"
#include "test_util/devnet.hpp"
#include "test_util/fault_proxy.hpp"
#include "test_util/postgres.hpp"
#include "test_util/process.hpp"
#include "test_util/temp_dir.hpp"

namespace tokensync::app {
namespace {

using namespace std::chrono_literals;
using test_util::Daemon;
using test_util::DaemonResponse;
using test_util::Devnet;

constexpr uint64_t kChainId = 84532;  // BASE_SEPOLIA, so deliveries name a network Alchemy knows
constexpr std::string_view kKey = "whsec_test_signing_key_0123456789";

std::string sign(std::string_view body, std::string_view key = kKey) { return test_util::alchemy_signature(body, key); }

test_util::Headers signed_headers(std::string_view body) {
    return {{"Content-Type", "application/json"}, {"X-Alchemy-Signature", sign(body)}};
}

std::string str(const boost::json::value& v) { return std::string(v.as_string()); }
uint64_t qty(const boost::json::value& v) { return std::stoull(str(v), nullptr, 16); }

// A Custom (GraphQL) delivery of the receipt's block and logs.
std::string custom_delivery(const std::string& id, const boost::json::object& receipt,
                            std::string_view network = "BASE_SEPOLIA") {
    return test_util::custom_delivery(id, test_util::DeliveryBlock::of_receipt(receipt), network);
}

// An Address Activity delivery: one erc721 activity per log of the receipt.
std::string activity_delivery(const std::string& id, const boost::json::object& receipt) {
    return test_util::activity_delivery(id, test_util::DeliveryBlock::of_receipt(receipt), "BASE_SEPOLIA", false,
                                        [](std::string_view) { return std::string("erc721"); });
}

// The value of one series in /metrics text (-1 when absent).
double metric(const std::string& text, const std::string& series) {
    const auto at = text.find("\n" + series + " ");
    if (at == std::string::npos) return -1;
    return std::stod(text.substr(at + series.size() + 2));
}

// Sends half a request line and stalls: true when the server closes the
// connection (request_timeout_ms) before `wait` passes.
bool slow_client_is_dropped(uint16_t port, std::chrono::seconds wait) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return false;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval timeout{};
    timeout.tv_sec = static_cast<time_t>(wait.count());
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    bool dropped = false;
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0) {
        const std::string_view partial = "POST /webhooks/alchemy HTTP/1.1\r\nHost: 127.0.0.1\r\n";
        if (::send(fd, partial.data(), partial.size(), 0) == static_cast<ssize_t>(partial.size())) {
            char buffer[512];
            ssize_t n = 0;
            // A 408 or nothing, then the close; a timeout of recv means it stayed open.
            while ((n = ::recv(fd, buffer, sizeof buffer, 0)) > 0) {
            }
            dropped = n == 0;
        }
    }
    ::close(fd);
    return dropped;
}

class DaemonDevnet : public ::testing::Test {
  protected:
    void SetUp() override {
        Devnet::Options options;
        options.chain_id = kChainId;
        options.silent = true;
        devnet_ = std::make_unique<Devnet>(options);
        contracts_ = devnet_->deploy_test_contracts();
        db_ = fmt::format("sqlite://{}", (dir_ / "tokensync.db").string());
    }

    // Head polling once a minute and no WebSocket: after the catch-up the
    // follower learns of new blocks only from a webhook's wake.
    std::string config(const std::string& db, const std::string& extra = "", const std::string& rpc_url = "") const {
        return fmt::format(
            "database: \"{}\"\n"
            "chains:\n"
            "  - name: base\n"
            "    chain_id: {}\n"
            "    rpc: [\"{}\"]\n"
            "    poll_interval_ms: 60000\n"
            "contracts:\n"
            "  - name: nft\n"
            "    chain: base\n"
            "    address: \"{}\"\n"
            "    abi: {}\n"
            "    modules: [token_registry, erc721]\n"
            "server:\n"
            "  listen: 127.0.0.1:{{port}}\n"
            "  shutdown_timeout_ms: 8000\n"
            "  request_timeout_ms: 2000\n"
            "webhooks:\n"
            "  alchemy:\n"
            "    signing_key: ${{ALCHEMY_KEY}}\n"
            "{}",
            db, kChainId, rpc_url.empty() ? devnet_->url() : rpc_url, contracts_.nft.checksum(),
            Devnet::artifact_path("PromptNFT").string(), extra);
    }

    Daemon::Options daemon_options() const {
        Daemon::Options o;
        o.env = {fmt::format("ALCHEMY_KEY={}", kKey)};
        return o;
    }

    boost::json::object mint(uint64_t quantity = 2) {
        return devnet_->send(test_util::dev_address(1), contracts_.nft,
                             test_util::calldata("batchMint(address,uint256)",
                                                 {test_util::dev_address(2).lower_hex(), std::to_string(quantity)}));
    }

    uint64_t tokens(const std::string& db) {
        auto store = store::open_store(db);
        return store->count_tokens(kChainId, contracts_.nft);
    }

    bool wait_for_tokens(const std::string& db, uint64_t n, std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        do {
            if (tokens(db) >= n) return true;
            std::this_thread::sleep_for(50ms);
        } while (std::chrono::steady_clock::now() < deadline);
        return false;
    }

    test_util::TempDir dir_{"tokensync-daemon-test"};
    std::unique_ptr<Devnet> devnet_;
    test_util::TestContracts contracts_;
    std::string db_;
};

TEST_F(DaemonDevnet, OpsRoutesAnswerAndMetricsPassPromtool) {
    Daemon daemon(config(db_), daemon_options());
    ASSERT_TRUE(daemon.wait_for_status("/health/ready", 200, 30s)) << daemon.output_tail();
    EXPECT_EQ(daemon.get("/health").status, 200);
    EXPECT_EQ(daemon.get("/health").body, R"({"status":"healthy"})");
    EXPECT_EQ(daemon.get("/health/live").status, 200);
    EXPECT_EQ(daemon.get("/nope").status, 404);
    EXPECT_EQ(daemon.post("/health", "").status, 405);

    const DaemonResponse status = daemon.get("/status");
    ASSERT_EQ(status.status, 200) << status.body;
    const auto json = boost::json::parse(status.body).as_object();
    EXPECT_TRUE(json.at("ready").as_bool());
    EXPECT_TRUE(json.contains("version"));
    EXPECT_TRUE(json.contains("uptime_seconds"));
    const auto& chain = json.at("chains").as_array().at(0).as_object();
    EXPECT_EQ(chain.at("name").as_string(), "base");
    EXPECT_EQ(chain.at("state").as_string(), "live");
    EXPECT_EQ(chain.at("listener").as_object().at("mode").as_string(), "polling");
    EXPECT_EQ(chain.at("blocks_behind").as_int64(), 0);
    EXPECT_EQ(chain.at("head").as_int64(), static_cast<int64_t>(devnet_->block_number()));
    EXPECT_TRUE(chain.at("reorgs").as_object().contains("recent"));
    // Every lifecycle status is listed, even with no token yet; no recovery ran.
    const auto& by_status = json.at("tokens_by_status").as_object();
    EXPECT_EQ(by_status.size(), 6u) << status.body;
    EXPECT_EQ(by_status.at("detected").to_number<int64_t>(), 0) << status.body;
    EXPECT_TRUE(json.at("recovery").as_object().at("last_result").is_null()) << status.body;

    const DaemonResponse metrics = daemon.get("/metrics");
    ASSERT_EQ(metrics.status, 200);
    EXPECT_TRUE(metrics.header("Content-Type").value_or("").starts_with("text/plain")) << metrics.body;
    EXPECT_NE(metrics.body.find("tokensync_rpc_requests_total{chain=\"base\",host=\"127.0.0.1:"), std::string::npos)
        << metrics.body;
    EXPECT_NE(metrics.body.find("tokensync_eth_get_logs_range_blocks_count{chain=\"base\"}"), std::string::npos);
    EXPECT_EQ(metric(metrics.body, "tokensync_blocks_behind{chain=\"base\"}"), 0);
    EXPECT_EQ(metric(metrics.body, "tokensync_webhook_deliveries_total{outcome=\"accepted\"}"), 0);
    const auto file = dir_ / "metrics.txt";
    std::ofstream(file) << metrics.body;
    const auto check = test_util::run_command({"sh", "-c", "promtool check metrics < '" + file.string() + "'"});
    EXPECT_EQ(check.status, 0) << check.output << metrics.body;
}

TEST_F(DaemonDevnet, NotReadyUntilTheCatchUpIsDone) {
    // Every JSON-RPC answer takes 1.5 s until the proxy is told otherwise,
    // so the catch-up is still under way when the server answers.
    test_util::FaultProxy::Options options;
    options.upstream = devnet_->url();
    options.slow_delay = 1500ms;
    test_util::FaultProxy proxy(options);
    proxy.set_rate(test_util::Fault::kSlow, 1.0);
    Daemon daemon(config(db_, "", proxy.url()), daemon_options());
    const DaemonResponse early = daemon.get("/health/ready");
    EXPECT_EQ(early.status, 503) << early.body;
    EXPECT_NE(early.body.find("\"not_ready\""), std::string::npos) << early.body;
    EXPECT_EQ(daemon.get("/health/live").status, 200);
    proxy.set_rates(0);
    EXPECT_TRUE(daemon.wait_for_status("/health/ready", 200, 30s)) << daemon.output_tail();
}

TEST_F(DaemonDevnet, CustomWebhookWakesTheFollower) {
    Daemon daemon(config(db_), daemon_options());
    ASSERT_TRUE(daemon.wait_for_status("/health/ready", 200, 30s)) << daemon.output_tail();
    const auto receipt = mint(3);
    // Polling is once a minute: without a delivery nothing is read.
    std::this_thread::sleep_for(1500ms);
    ASSERT_EQ(tokens(db_), 0u);
    const std::string body = custom_delivery("whevt_custom_1", receipt);
    const DaemonResponse r = daemon.post("/webhooks/alchemy", body, signed_headers(body));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body, R"({"status":"accepted","id":"whevt_custom_1"})");
    EXPECT_TRUE(wait_for_tokens(db_, 3, 10s)) << daemon.output_tail();
    const std::string metrics = daemon.get("/metrics").body;
    EXPECT_GE(metric(metrics, "tokensync_events_ingested_total{chain=\"base\",source=\"webhook\"}"), 3) << metrics;
    EXPECT_EQ(metric(metrics, "tokensync_webhook_deliveries_total{outcome=\"accepted\"}"), 1);
    // The token counts (read again at most every 5 s) reach /status and /metrics.
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    int64_t detected = -1;
    while (detected != 3 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(500ms);
        detected = boost::json::parse(daemon.get("/status").body)
                       .as_object()
                       .at("tokens_by_status")
                       .as_object()
                       .at("detected")
                       .to_number<int64_t>();
    }
    EXPECT_EQ(detected, 3);
    EXPECT_EQ(
        metric(daemon.get("/metrics").body, "tokensync_tokens{chain=\"base\",contract=\"nft\",status=\"detected\"}"),
        3);
}

TEST_F(DaemonDevnet, AddressActivityWebhookWakesTheFollower) {
    Daemon daemon(config(db_), daemon_options());
    ASSERT_TRUE(daemon.wait_for_status("/health/ready", 200, 30s)) << daemon.output_tail();
    const auto receipt = mint(2);
    const std::string body = activity_delivery("whevt_activity_1", receipt);
    const DaemonResponse r = daemon.post("/webhooks/alchemy", body, signed_headers(body));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(wait_for_tokens(db_, 2, 10s)) << daemon.output_tail();
}

TEST_F(DaemonDevnet, HostileDeliveriesWriteNothingAndTheDaemonKeepsServing) {
    Daemon daemon(config(db_), daemon_options());
    ASSERT_TRUE(daemon.wait_for_status("/health/ready", 200, 30s)) << daemon.output_tail();
    const auto receipt = mint(2);
    const std::string body = custom_delivery("whevt_hostile_1", receipt);
    const std::string other = custom_delivery("whevt_hostile_2", receipt);

    DaemonResponse r = daemon.post("/webhooks/alchemy", body, {{"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 401) << r.body;
    EXPECT_NE(r.body.find("missing X-Alchemy-Signature"), std::string::npos) << r.body;
    r = daemon.post("/webhooks/alchemy", body, {{"X-Alchemy-Signature", sign(body, "whsec_some_other_key_01234")}});
    EXPECT_EQ(r.status, 401) << r.body;
    r = daemon.post("/webhooks/alchemy", body, {{"X-Alchemy-Signature", "zz" + sign(body).substr(2)}});
    EXPECT_EQ(r.status, 401) << r.body;
    r = daemon.post("/webhooks/alchemy", body, {{"X-Alchemy-Signature", sign(other)}});  // a different body's
    EXPECT_EQ(r.status, 401) << r.body;
    const std::string truncated = body.substr(0, body.size() / 2);
    r = daemon.post("/webhooks/alchemy", truncated, signed_headers(truncated));
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(r.body.find("bad_body"), std::string::npos) << r.body;
    const std::string unknown_shape = R"({"id":"whevt_x","type":"MINED_TRANSACTION","event":{}})";
    r = daemon.post("/webhooks/alchemy", unknown_shape, signed_headers(unknown_shape));
    EXPECT_EQ(r.status, 400) << r.body;
    const std::string huge(10u << 20, 'x');
    r = daemon.post("/webhooks/alchemy", huge, {{"X-Alchemy-Signature", sign(huge)}});
    EXPECT_EQ(r.status, 413) << r.error;
    r = daemon.post("/webhooks/alchemy", body, {{"X-Padding", std::string(64 * 1024, 'p')}});
    EXPECT_EQ(r.status, 431) << r.error;
    r = test_util::http_request(daemon.port(), "NOT A METHOD", "/webhooks/alchemy");
    EXPECT_EQ(r.status, 400) << r.error;
    EXPECT_TRUE(slow_client_is_dropped(daemon.port(), 5s)) << "a stalled request outlived request_timeout_ms";
    const std::string elsewhere = custom_delivery("whevt_hostile_3", receipt, "ETH_MAINNET");
    r = daemon.post("/webhooks/alchemy", elsewhere, signed_headers(elsewhere));
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_NE(r.body.find("\"ignored\""), std::string::npos) << r.body;

    std::this_thread::sleep_for(1500ms);
    EXPECT_EQ(tokens(db_), 0u) << "a refused delivery woke the follower";

    // The daemon still serves, and a good delivery works; its replay is a duplicate.
    r = daemon.post("/webhooks/alchemy", body, signed_headers(body));
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(wait_for_tokens(db_, 2, 10s)) << daemon.output_tail();
    r = daemon.post("/webhooks/alchemy", body, signed_headers(body));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, R"({"status":"duplicate","id":"whevt_hostile_1"})");
    const std::string metrics = daemon.get("/metrics").body;
    EXPECT_EQ(metric(metrics, "tokensync_webhook_deliveries_total{outcome=\"bad_signature\"}"), 4) << metrics;
    EXPECT_EQ(metric(metrics, "tokensync_webhook_deliveries_total{outcome=\"bad_body\"}"), 2);
    EXPECT_EQ(metric(metrics, "tokensync_webhook_deliveries_total{outcome=\"duplicate\"}"), 1);
    EXPECT_EQ(metric(metrics, "tokensync_webhook_deliveries_total{outcome=\"ignored\"}"), 1);
    EXPECT_EQ(metric(metrics, "tokensync_webhook_deliveries_total{outcome=\"accepted\"}"), 1);
    EXPECT_EQ(metric(metrics, "tokensync_webhook_deliveries_total{outcome=\"too_large\"}"), 1);
    EXPECT_EQ(daemon.get("/health").status, 200);
}

TEST_F(DaemonDevnet, SigtermExitsZeroWithCursorsAndDeliveryIdsSaved) {
    const std::string body = [&] {
        Daemon daemon(config(db_), daemon_options());
        EXPECT_TRUE(daemon.wait_for_status("/health/ready", 200, 30s)) << daemon.output_tail();
        const auto receipt = mint(1);
        const std::string b = custom_delivery("whevt_restart_1", receipt);
        EXPECT_EQ(daemon.post("/webhooks/alchemy", b, signed_headers(b)).status, 200);
        EXPECT_TRUE(wait_for_tokens(db_, 1, 10s));
        const auto started = std::chrono::steady_clock::now();
        EXPECT_EQ(daemon.stop(SIGTERM, 10s), 0) << daemon.output_tail();
        EXPECT_LT(std::chrono::steady_clock::now() - started, 9s);
        const auto store = store::open_store(db_);
        const auto cursor = store->get_cursor(kChainId, contracts_.nft);
        EXPECT_TRUE(cursor.has_value());
        if (cursor) {
            EXPECT_GE(cursor->block_number, qty(receipt.at("blockNumber")));
        }
        return b;
    }();
    // A restarted daemon still knows the delivery.
    Daemon again(config(db_), daemon_options());
    const DaemonResponse r = again.post("/webhooks/alchemy", body, signed_headers(body));
    EXPECT_EQ(r.body, R"({"status":"duplicate","id":"whevt_restart_1"})");
}

// A second SIGTERM while the first one's shutdown waits for a step that
// hangs on a slow node exits at once (128 + SIGTERM), and leaves nothing half
// written: a daemon started afterwards stores every token exactly once.
TEST_F(DaemonDevnet, SecondSignalExitsAtOnceAndLosesNothing) {
    test_util::FaultProxy::Options options;
    options.upstream = devnet_->url();
    options.slow_delay = 4000ms;
    test_util::FaultProxy proxy(options);
    {
        Daemon daemon(config(db_, "", proxy.url()), daemon_options());
        ASSERT_TRUE(daemon.wait_for_status("/health/ready", 200, 30s)) << daemon.output_tail();
        const auto receipt = mint(2);
        proxy.set_rate(test_util::Fault::kSlow, 1.0);  // every answer of the node now takes 4 s
        const std::string body = custom_delivery("whevt_second_signal", receipt);
        ASSERT_EQ(daemon.post("/webhooks/alchemy", body, signed_headers(body)).status, 200);
        std::this_thread::sleep_for(500ms);  // the woken step now waits on the node
        const auto started = std::chrono::steady_clock::now();
        daemon.signal(SIGTERM);
        std::this_thread::sleep_for(300ms);
        EXPECT_TRUE(daemon.running()) << "the first signal waits for the step to end";
        EXPECT_EQ(daemon.stop(SIGTERM, 5s), 128 + SIGTERM) << daemon.output_tail();
        EXPECT_LT(std::chrono::steady_clock::now() - started, 2s) << "the second signal exits at once";
    }
    proxy.set_rates(0);
    Daemon again(config(db_), daemon_options());
    EXPECT_TRUE(wait_for_tokens(db_, 2, 20s)) << again.output_tail();
    std::this_thread::sleep_for(500ms);
    EXPECT_EQ(tokens(db_), 2u);
}

TEST_F(DaemonDevnet, PostgresOutageTurnsHealthRedAndLosesNothing) {
    test_util::PostgresCluster pg;
    pg.start();
    const std::string db = pg.create_database();
    // Polling every 200 ms here: following must resume by itself.
    std::string yaml = config(db);
    yaml.replace(yaml.find("poll_interval_ms: 60000"), 23, "poll_interval_ms: 200");
    Daemon daemon(yaml, daemon_options());
    ASSERT_TRUE(daemon.wait_for_status("/health/ready", 200, 30s)) << daemon.output_tail();
    mint(2);
    ASSERT_TRUE(wait_for_tokens(db, 2, 10s)) << daemon.output_tail();

    pg.stop();
    ASSERT_TRUE(daemon.wait_for_status("/health", 503, 10s)) << daemon.output_tail();
    const DaemonResponse down = daemon.get("/health");
    EXPECT_NE(down.body.find("\"unhealthy\""), std::string::npos) << down.body;
    EXPECT_NE(down.body.find("database_unreachable"), std::string::npos) << down.body;
    EXPECT_EQ(down.body.find(test_util::PostgresCluster::kPassword), std::string::npos) << down.body;
    mint(3);  // mined while the database is down
    std::this_thread::sleep_for(1s);
    EXPECT_EQ(daemon.get("/health/live").status, 200);
    EXPECT_EQ(daemon.get("/status").status, 200);

    pg.start();
    EXPECT_TRUE(daemon.wait_for_status("/health", 200, 15s)) << daemon.output_tail();
    EXPECT_TRUE(wait_for_tokens(db, 5, 20s)) << daemon.output_tail();
}

}  // namespace
}  // namespace tokensync::app
