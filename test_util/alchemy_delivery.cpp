#include "test_util/alchemy_delivery.hpp"

#include <algorithm>
#include <cctype>

#include <boost/json.hpp>

#include "core/hex.hpp"
#include "core/hmac.hpp"

namespace tokensync::test_util {
namespace {

namespace json = boost::json;

uint64_t quantity(const json::value& v) { return std::stoull(std::string(v.as_string()), nullptr, 16); }

std::string upper(std::string s) {
    std::ranges::transform(s, s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return s;
}

}  // namespace

std::string alchemy_signature(std::string_view body, std::string_view key) {
    const auto mac = core::hmac_sha256({reinterpret_cast<const uint8_t*>(key.data()), key.size()},
                                       {reinterpret_cast<const uint8_t*>(body.data()), body.size()});
    return core::to_hex(mac, false);
}

DeliveryBlock DeliveryBlock::of_receipt(const json::object& receipt) {
    return {.hash = receipt.at("blockHash"),
            .number = quantity(receipt.at("blockNumber")),
            .timestamp = 1'764'000'000,
            .receipts = json::array{receipt}};
}

std::string custom_delivery(std::string_view id, const DeliveryBlock& block, std::string_view network) {
    json::array logs;
    for (const auto& r : block.receipts) {
        const auto& receipt = r.as_object();
        for (const auto& l : receipt.at("logs").as_array()) {
            const auto& log = l.as_object();
            logs.push_back(json::object{
                {"data", log.at("data")},
                {"topics", log.at("topics")},
                {"index", quantity(log.at("logIndex"))},
                {"account", json::object{{"address", log.at("address")}}},
                {"transaction", json::object{{"hash", receipt.at("transactionHash")},
                                             {"nonce", 0},
                                             {"index", quantity(receipt.at("transactionIndex"))},
                                             {"from", json::object{{"address", receipt.at("from")}}},
                                             {"to", json::object{{"address", receipt.at("to")}}},
                                             {"status", quantity(receipt.at("status"))}}},
            });
        }
    }
    const json::object body{
        {"webhookId", "wh_test0000000001"},
        {"id", id},
        {"createdAt", "2026-11-24T07:51:07.945953790Z"},
        {"type", "GRAPHQL"},
        {"event",
         json::object{
             {"data",
              json::object{
                  {"block",
                   json::object{
                       {"hash", block.hash},
                       {"number", block.number},
                       {"timestamp", block.timestamp},
                       {"logs", std::move(logs)},
                   }}}},
             {"sequenceNumber", "10000000000578619000"},
             {"network", network}}},
    };
    return json::serialize(body);
}

std::string activity_delivery(std::string_view id, const DeliveryBlock& block, std::string_view network, bool removed,
                              const ActivityCategory& category) {
    json::array activity;
    for (const auto& r : block.receipts) {
        const auto& receipt = r.as_object();
        for (const auto& l : receipt.at("logs").as_array()) {
            const auto& log = l.as_object();
            const std::string kind = category(log.at("address").as_string());
            activity.push_back(json::object{
                {"blockNum", log.at("blockNumber")},
                {"hash", log.at("transactionHash")},
                {"fromAddress", receipt.at("from")},
                {"toAddress", receipt.at("to")},
                {"value", 0},
                {"asset", upper(kind)},
                {"category", kind},
                {"rawContract", json::object{{"rawValue", "0x"}, {"address", log.at("address")}, {"decimals", 0}}},
                {"log", json::object{{"address", log.at("address")},
                                     {"topics", log.at("topics")},
                                     {"data", log.at("data")},
                                     {"blockNumber", log.at("blockNumber")},
                                     {"transactionHash", log.at("transactionHash")},
                                     {"transactionIndex", log.at("transactionIndex")},
                                     {"blockHash", log.at("blockHash")},
                                     {"logIndex", log.at("logIndex")},
                                     {"removed", removed}}},
            });
        }
    }
    const json::object body{
        {"webhookId", "wh_test0000000002"},
        {"id", id},
        {"createdAt", "2026-11-24T07:51:07Z"},
        {"type", "ADDRESS_ACTIVITY"},
        {"event", json::object{{"network", network}, {"activity", std::move(activity)}}},
    };
    return json::serialize(body);
}

}  // namespace tokensync::test_util
