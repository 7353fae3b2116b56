// POST /webhooks/alchemy and the ops routes through the Router, in process:
// every status code and outcome counter, the wake a delivery asks for, and
// delivery ids that survive a restart through the store.
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "api/delivery_log.hpp"
#include "api/service.hpp"
#include "core/hex.hpp"
#include "core/hmac.hpp"
#include "infra/config_loader.hpp"
#include "store/store.hpp"
#include "test_util/temp_dir.hpp"

namespace tokensync::api {
namespace {

constexpr std::string_view kKey = "whsec_unit_test_key_0123456789";
constexpr std::string_view kNft = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

std::string sign(std::string_view body) {
    const auto mac = core::hmac_sha256({reinterpret_cast<const uint8_t*>(kKey.data()), kKey.size()},
                                       {reinterpret_cast<const uint8_t*>(body.data()), body.size()});
    return core::to_hex(mac, false);
}

std::string custom(std::string_view id, std::string_view network, uint64_t block) {
    return fmt::format(
        R"({{"webhookId":"wh_1","id":"{}","createdAt":"2024-01-23T07:51:07Z","type":"GRAPHQL",
 "event":{{"data":{{"block":{{"hash":"0x{:064x}","number":{},"timestamp":1705996267,"logs":[]}}}},
  "sequenceNumber":"1","network":"{}"}}}})",
        id, block, block, network);
}

std::string activity(std::string_view id, std::string_view address, uint64_t block) {
    return fmt::format(
        R"({{"webhookId":"wh_2","id":"{}","createdAt":"2024-01-01T00:00:00Z","type":"ADDRESS_ACTIVITY",
 "event":{{"network":"base_sepolia","activity":[{{"blockNum":"0x{:x}","hash":"0x{:064x}","category":"erc721",
  "log":{{"address":"{}","topics":[],"data":"0x","blockNumber":"0x{:x}","transactionHash":"0x{:064x}",
          "transactionIndex":"0x0","blockHash":"0x{:064x}","logIndex":"0x0","removed":false}}}}]}}}})",
        id, block, 1, address, block, 1, block);
}

class WebhookRoutes : public ::testing::Test {
  protected:
    WebhookRoutes() {
        config_ = infra::parse_config(fmt::format("chains:\n"
                                                  "  - name: base\n"
                                                  "    chain_id: 84532\n"
                                                  "    rpc: [http://127.0.0.1:1]\n"
                                                  "contracts:\n"
                                                  "  - name: nft\n"
                                                  "    chain: base\n"
                                                  "    address: \"{}\"\n"
                                                  "    events: [\"Transfer(address indexed from, address indexed "
                                                  "to, uint256 indexed tokenId)\"]\n"
                                                  "    modules: [events]\n"
                                                  "webhooks:\n"
                                                  "  alchemy:\n"
                                                  "    signing_key: {}\n",
                                                  kNft, kKey),
                                      infra::Environment(), dir_.path());
        context_.config = &config_;
        context_.metrics = &metrics_;
        context_.stores = &pool_;
        context_.webhook_deliveries = deliveries_.get();
        context_.wake_chain = [this](uint64_t chain, uint64_t block) {
            wakes_.emplace_back(chain, block);
            return true;
        };
        add_webhook_routes(router_, context_);
        add_ops_routes(router_, context_);
    }

    net::ServerReply post(const std::string& body, std::optional<std::string> signature) {
        net::ServerRequest r;
        r.method = "POST";
        r.target = "/webhooks/alchemy";
        r.body = body;
        if (signature) r.headers.emplace_back("x-alchemy-signature", *signature);
        return router_.handle(r);
    }
    net::ServerReply get(const std::string& target) {
        net::ServerRequest r;
        r.method = "GET";
        r.target = target;
        return router_.handle(r);
    }
    double outcome(std::string_view name) {
        return metrics_
            .counter("tokensync_webhook_deliveries_total", "Alchemy webhook deliveries by outcome",
                     {{"outcome", std::string(name)}})
            .value();
    }

    test_util::TempDir dir_{"tokensync-webhook-routes"};
    std::string url_ = "sqlite://" + (dir_.path() / "t.db").string();
    infra::Config config_;
    infra::Metrics metrics_;
    StorePool pool_{url_, 2};
    std::unique_ptr<DeliveryLog> deliveries_ = [this] {
        store::open_store(url_)->migrate();
        return std::make_unique<DeliveryLog>(&pool_, 100);
    }();
    ServiceContext context_;
    Router router_;
    std::vector<std::pair<uint64_t, uint64_t>> wakes_;
};

TEST_F(WebhookRoutes, EveryAnswer) {
    const std::string body = custom("whevt_1", "BASE_SEPOLIA", 77);
    EXPECT_EQ(post(body, std::nullopt).status, 401);
    EXPECT_EQ(post(body, sign(body + " ")).status, 401);
    EXPECT_EQ(post(body, "not hex").status, 401);
    EXPECT_TRUE(wakes_.empty());
    const std::string truncated = body.substr(0, 40);
    const auto bad = post(truncated, sign(truncated));
    EXPECT_EQ(bad.status, 400);
    EXPECT_NE(bad.body.find("not JSON"), std::string::npos) << bad.body;

    const auto ok = post(body, sign(body));
    EXPECT_EQ(ok.status, 200);
    EXPECT_EQ(ok.body, R"({"status":"accepted","id":"whevt_1"})");
    ASSERT_EQ(wakes_.size(), 1u);
    EXPECT_EQ(wakes_[0], std::make_pair(uint64_t{84532}, uint64_t{77}));

    EXPECT_EQ(post(body, sign(body)).body, R"({"status":"duplicate","id":"whevt_1"})");
    const std::string other = custom("whevt_2", "ETH_MAINNET", 5);
    const auto ignored = post(other, sign(other));
    EXPECT_EQ(ignored.status, 200);
    EXPECT_NE(ignored.body.find("ignored"), std::string::npos);
    EXPECT_EQ(wakes_.size(), 1u);

    EXPECT_EQ(outcome("bad_signature"), 3);
    EXPECT_EQ(outcome("bad_body"), 1);
    EXPECT_EQ(outcome("accepted"), 1);
    EXPECT_EQ(outcome("duplicate"), 1);
    EXPECT_EQ(outcome("ignored"), 1);
}

TEST_F(WebhookRoutes, AddressActivityWakesOnlyForConfiguredContracts) {
    const std::string elsewhere = activity("whevt_a", "0x00000000000000000000000000000000000000aa", 9);
    EXPECT_EQ(post(elsewhere, sign(elsewhere)).status, 200);
    EXPECT_TRUE(wakes_.empty());
    const std::string ours = activity("whevt_b", kNft, 12);
    EXPECT_EQ(post(ours, sign(ours)).status, 200);
    ASSERT_EQ(wakes_.size(), 1u);
    EXPECT_EQ(wakes_[0].second, 12u);
}

TEST_F(WebhookRoutes, DeliveryIdsSurviveARestart) {
    const std::string body = custom("whevt_saved", "BASE_SEPOLIA", 3);
    EXPECT_EQ(post(body, sign(body)).status, 200);
    ASSERT_TRUE(deliveries_->flush());
    DeliveryLog restarted(&pool_, 100);
    restarted.load();
    EXPECT_FALSE(restarted.remember("whevt_saved"));
    EXPECT_TRUE(restarted.remember("whevt_new"));
}

TEST_F(WebhookRoutes, DeliveryLogForgetsTheOldestPastItsCapacity) {
    DeliveryLog log(nullptr, 3);
    for (std::string id : {"a", "b", "c", "d"})
        EXPECT_TRUE(log.remember(id));
    EXPECT_EQ(log.size(), 3u);
    EXPECT_TRUE(log.remember("a"));  // forgotten
    EXPECT_FALSE(log.remember("d"));
}

TEST_F(WebhookRoutes, NotConfiguredIs404) {
    config_.alchemy_webhook.reset();
    Router router;
    add_webhook_routes(router, context_);
    net::ServerRequest r;
    r.method = "POST";
    r.target = "/webhooks/alchemy";
    EXPECT_EQ(router.handle(r).status, 404);
}

TEST_F(WebhookRoutes, HealthFollowsTheDatabase) {
    EXPECT_EQ(get("/health").status, 200);
    EXPECT_EQ(get("/health/live").status, 200);
    StorePool down("postgresql://app:hunter2-secret@127.0.0.1:1/none", 1);
    ServiceContext context;
    context.stores = &down;
    Router router;
    add_ops_routes(router, context);
    net::ServerRequest r;
    r.method = "GET";
    r.target = "/health";
    const auto reply = router.handle(r);
    EXPECT_EQ(reply.status, 503);
    EXPECT_NE(reply.body.find(R"("status":"unhealthy")"), std::string::npos) << reply.body;
    EXPECT_NE(reply.body.find("database_unreachable"), std::string::npos) << reply.body;
    EXPECT_EQ(reply.body.find("hunter2"), std::string::npos) << reply.body;
}

TEST_F(WebhookRoutes, ReadyAndStatusAskTheDaemon) {
    std::optional<std::string> why = "chain base is catching_up";
    context_.not_ready = [&] { return why; };
    context_.status_json = [] { return std::string(R"({"chains":[]})"); };
    auto reply = get("/health/ready");
    EXPECT_EQ(reply.status, 503);
    EXPECT_EQ(reply.body, R"({"status":"not_ready","reason":"chain base is catching_up"})");
    why.reset();
    EXPECT_EQ(get("/health/ready").status, 200);
    EXPECT_EQ(get("/status").body, R"({"chains":[]})");
    metrics_.counter("tokensync_test_total", "A test counter").inc();
    reply = get("/metrics");
    EXPECT_EQ(reply.status, 200);
    EXPECT_TRUE(reply.content_type.starts_with("text/plain; version=0.0.4"));
    EXPECT_NE(reply.body.find("tokensync_test_total 1"), std::string::npos) << reply.body;
}

}  // namespace
}  // namespace tokensync::api
