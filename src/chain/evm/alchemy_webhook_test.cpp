#include "chain/evm/alchemy_webhook.hpp"

#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace tokensync::chain::evm {
namespace {

constexpr std::string_view kTransferTopic = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";
constexpr std::string_view kBlockHash = "0x1111111111111111111111111111111111111111111111111111111111111111";
constexpr std::string_view kTxHash = "0x8a17000000000000000000000000000000000000000000000000000000000001";

std::string word(int n) { return fmt::format("0x{:064x}", n); }

// The custom (GraphQL) shape of PROTOCOLS.md §4 with real-length values.
std::string custom_body(const std::string& logs) {
    return fmt::format(R"({{"webhookId":"wh_a55wfsvq5h8n8u3z","id":"whevt_rsdblc6zxi8a6ntl",
 "createdAt":"2024-01-23T07:51:07.945953790Z","type":"GRAPHQL",
 "event":{{"data":{{"block":{{"hash":"{}","number":19123456,"timestamp":1705996267,"logs":[{}]}}}},
  "sequenceNumber":"10000000000578619000","network":"ETH_MAINNET"}}}})",
                       kBlockHash, logs);
}

std::string custom_log(int index, const std::string& extra = "") {
    return fmt::format(R"({{"data":"0x","topics":["{}","{}","{}","{}"],"index":{},
        "account":{{"address":"0x5FbDB2315678afecb367f032d93F642f64180aa3"}},
        "transaction":{{"hash":"{}","nonce":12,"index":3,"from":{{"address":"0x00000000000000000000000000000000000000a1"}},
        "to":{{"address":"0x5fbdb2315678afecb367f032d93f642f64180aa3"}},"status":1}}{}}})",
                       kTransferTopic, word(0), word(0xa1), word(7), index, kTxHash, extra);
}

TEST(AlchemyWebhook, ReadsACustomWebhookBlock) {
    const auto d = parse_alchemy_webhook(custom_body(custom_log(42) + "," + custom_log(43)));
    ASSERT_TRUE(d.has_value()) << d.error().to_string();
    EXPECT_EQ(d->kind, WebhookDelivery::Kind::kCustom);
    EXPECT_EQ(d->id, "whevt_rsdblc6zxi8a6ntl");
    EXPECT_EQ(d->webhook_id, "wh_a55wfsvq5h8n8u3z");
    EXPECT_EQ(d->network, "ETH_MAINNET");
    EXPECT_EQ(d->block_number, 19123456u);
    EXPECT_EQ(d->block_timestamp, 1705996267u);
    ASSERT_EQ(d->logs.size(), 2u);
    const Log& log = d->logs[0];
    EXPECT_EQ(log.address.lower_hex(), "0x5fbdb2315678afecb367f032d93f642f64180aa3");
    EXPECT_EQ(log.block_number, 19123456u);
    EXPECT_EQ(log.block_hash.hex(), kBlockHash);
    EXPECT_EQ(log.transaction_hash.hex(), kTxHash);
    EXPECT_EQ(log.transaction_index, 3u);
    EXPECT_EQ(log.log_index, 42u);
    ASSERT_EQ(log.topics.size(), 4u);
    EXPECT_EQ(log.topics[0].hex(), kTransferTopic);
    EXPECT_EQ(log.topics[3].hex(), word(7));
    EXPECT_TRUE(log.data.empty());
    EXPECT_FALSE(log.removed);
    EXPECT_EQ(d->logs[1].log_index, 43u);
}

TEST(AlchemyWebhook, AnEmptyBlockIsANoticeWithoutLogs) {
    const auto d = parse_alchemy_webhook(custom_body(""));
    ASSERT_TRUE(d.has_value()) << d.error().to_string();
    EXPECT_TRUE(d->logs.empty());
    EXPECT_EQ(d->block_number, 19123456u);
}

TEST(AlchemyWebhook, ReadsAddressActivityAndItsRemovedLogs) {
    const std::string body = fmt::format(
        R"({{"webhookId":"wh_1","id":"whevt_2","createdAt":"2024-01-01T00:00:00Z","type":"ADDRESS_ACTIVITY",
 "event":{{"network":"BASE_SEPOLIA","activity":[
  {{"blockNum":"0xdf34a3","hash":"{tx}","fromAddress":"0x0","toAddress":"0x1","value":0.5,"asset":"ETH","category":"external"}},
  {{"blockNum":"0xdf34a3","hash":"{tx}","category":"erc721","erc721TokenId":"0x7",
    "log":{{"address":"0x5fbdb2315678afecb367f032d93f642f64180aa3","topics":["{t}","{z}","{a}","{seven}"],"data":"0x",
            "blockNumber":"0xdf34a3","transactionHash":"{tx}","transactionIndex":"0x3","blockHash":"{bh}",
            "logIndex":"0x2a","removed":true}}}}]}}}})",
        fmt::arg("tx", kTxHash), fmt::arg("t", kTransferTopic), fmt::arg("z", word(0)), fmt::arg("a", word(0xa1)),
        fmt::arg("seven", word(7)), fmt::arg("bh", kBlockHash));
    const auto d = parse_alchemy_webhook(body);
    ASSERT_TRUE(d.has_value()) << d.error().to_string();
    EXPECT_EQ(d->kind, WebhookDelivery::Kind::kAddressActivity);
    EXPECT_EQ(d->network, "BASE_SEPOLIA");
    EXPECT_EQ(d->ignored_activities, 1u);
    ASSERT_EQ(d->logs.size(), 1u);
    EXPECT_TRUE(d->logs[0].removed);
    EXPECT_EQ(d->logs[0].block_number, 0xdf34a3u);
    EXPECT_EQ(d->logs[0].log_index, 42u);
    EXPECT_FALSE(d->block_number.has_value());
}

std::string error_of(std::string_view body) {
    const auto d = parse_alchemy_webhook(body);
    return d ? "(accepted)" : d.error().to_string();
}

TEST(AlchemyWebhook, NamesWhatIsWrongWithABody) {
    EXPECT_EQ(error_of("not json"), "body: not JSON (syntax error)");
    EXPECT_EQ(error_of("[1,2]"), "body: not a JSON object");
    EXPECT_EQ(error_of(R"({"type":"GRAPHQL","event":{}})"), "id: missing");
    EXPECT_EQ(error_of(R"({"id":"","type":"GRAPHQL","event":{}})"), "id: empty");
    EXPECT_EQ(error_of(R"({"id":"x","event":{}})"), "type: missing");
    EXPECT_EQ(error_of(R"({"id":"x","type":"MINED_TRANSACTION","event":{}})"),
              "type: \"MINED_TRANSACTION\" is not a webhook type tokensync reads (GRAPHQL, ADDRESS_ACTIVITY)");
    EXPECT_EQ(error_of(R"({"id":"x","type":"GRAPHQL","event":[]})"), "event: not an object");
    EXPECT_EQ(error_of(R"({"id":"x","type":"GRAPHQL","event":{"data":{}}})"), "event.data.block: missing");
    EXPECT_EQ(error_of(R"({"id":"x","type":"ADDRESS_ACTIVITY","event":{"activity":{}}})"),
              "event.activity: not an array");

    std::string no_tx = custom_log(1);
    no_tx.replace(no_tx.find("\"transaction\""), 13, "\"tx\"");
    EXPECT_EQ(error_of(custom_body(no_tx)),
              "event.data.block.logs[0].transaction: missing (select transaction { hash index } in the webhook's "
              "GraphQL query)");
    std::string short_topic = custom_log(1);
    short_topic.replace(short_topic.find(word(7)), word(7).size(), "0x07");
    EXPECT_EQ(error_of(custom_body(short_topic)), "event.data.block.logs[0].topics[3]: not a 32-byte hex hash");
    std::string negative = custom_log(1);
    negative.replace(negative.find("\"index\":1"), 9, "\"index\":-1");
    EXPECT_EQ(error_of(custom_body(negative)), "event.data.block.logs[0].index: not a non-negative integer");
    EXPECT_EQ(error_of(custom_body("5")), "event.data.block.logs[0]: not an object");
}

TEST(AlchemyWebhook, SurvivesHostileBodies) {
    EXPECT_EQ(error_of(std::string(100'000, '[')), "body: not JSON (too deep)");
    EXPECT_NE(error_of(std::string("{\"id\":\"x\",\"type\":\"GRAPHQL\",\"event\":") + std::string(50, '{')),
              "(accepted)");
    EXPECT_NE(error_of(std::string("\xff\xfe\x00garbage", 10)), "(accepted)");
    EXPECT_NE(error_of(""), "(accepted)");
}

}  // namespace
}  // namespace tokensync::chain::evm
