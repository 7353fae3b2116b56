#include "chain/evm/types.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace tokensync::chain::evm {
namespace {

constexpr std::string_view kLog = R"({
  "address": "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  "topics": ["0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef",
             "0x0000000000000000000000000000000000000000000000000000000000000000"],
  "data": "0x0102ff",
  "blockNumber": "0x1b4",
  "blockHash": "0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
  "transactionHash": "0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
  "transactionIndex": "0x0",
  "logIndex": "0x2",
  "removed": false
})";

boost::json::value with(std::string_view key, boost::json::value v) {
    auto o = boost::json::parse(kLog).as_object();
    if (v.is_null() && key != "removed") {
        o.erase(key);
    } else {
        o[key] = std::move(v);
    }
    return o;
}

TEST(Quantity, KnownAnswers) {
    EXPECT_EQ(parse_quantity(boost::json::value("0x0"), "n"), 0u);
    EXPECT_EQ(parse_quantity(boost::json::value("0x1f"), "n"), 31u);
    EXPECT_EQ(parse_quantity(boost::json::value("0xFFFFFFFFFFFFFFFF"), "n"), UINT64_MAX);
    EXPECT_EQ(to_quantity(0), "0x0");
    EXPECT_EQ(to_quantity(436), "0x1b4");
}

TEST(Quantity, Errors) {
    EXPECT_EQ(parse_quantity(boost::json::value(5), "n").error().reason, "not a hex quantity string");
    EXPECT_EQ(parse_quantity(boost::json::value("0x"), "n").error().reason, "not a 0x-prefixed hex quantity");
    EXPECT_EQ(parse_quantity(boost::json::value("12"), "n").error().reason, "not a 0x-prefixed hex quantity");
    EXPECT_EQ(parse_quantity(boost::json::value("0x1g"), "n").error().reason, "invalid hex digit");
    EXPECT_EQ(parse_quantity(boost::json::value("0x10000000000000000"), "n").error().reason,
              "quantity larger than 64 bits");
}

TEST(ParseLog, AllFields) {
    auto log = parse_log(boost::json::parse(kLog));
    ASSERT_TRUE(log) << log.error().to_string();
    EXPECT_EQ(log->address.lower_hex(), "0x5fbdb2315678afecb367f032d93f642f64180aa3");
    ASSERT_EQ(log->topics.size(), 2u);
    EXPECT_EQ(log->topics[0].hex(), "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");
    EXPECT_TRUE(log->topics[1].is_zero());
    EXPECT_EQ(log->data, (core::Bytes{0x01, 0x02, 0xff}));
    EXPECT_EQ(log->block_number, 436u);
    EXPECT_EQ(log->block_hash.hex(), "0x" + std::string(64, 'a'));
    EXPECT_EQ(log->transaction_hash.hex(), "0x" + std::string(64, 'b'));
    EXPECT_EQ(log->transaction_index, 0u);
    EXPECT_EQ(log->log_index, 2u);
    EXPECT_FALSE(log->removed);
}

TEST(ParseLog, RemovedIsOptional) {
    auto o = boost::json::parse(kLog).as_object();
    o.erase("removed");
    EXPECT_FALSE(parse_log(o)->removed);
    o["removed"] = true;
    EXPECT_TRUE(parse_log(o)->removed);
}

TEST(ParseLog, EveryBadFieldIsNamed) {
    struct Case {
        std::string_view key;
        std::string json;  // the member's new value as JSON text; empty: member removed
        std::string expected;
    };
    const std::string zero = "\"0x" + std::string(64, '0') + "\"";
    const std::vector<Case> cases = {
        {"address", "", "address: missing"},
        {"address", R"("0x1234")", "address: not a 20-byte hex address"},
        {"address", "7", "address: not a string"},
        {"topics", "", "topics: missing"},
        {"topics", R"("0x00")", "topics: not an array"},
        {"topics", "[1]", "topics[0]: not a string"},
        {"topics", R"(["0x12"])", "topics[0]: not a 32-byte hex hash"},
        {"topics", "[" + zero + "," + zero + "," + zero + "," + zero + "," + zero + "]", "topics: more than 4 topics"},
        {"data", "", "data: missing"},
        {"data", R"("0x123")", "data: not 0x-prefixed even-length hex"},
        {"data", R"("1234")", "data: not 0x-prefixed even-length hex"},
        {"blockNumber", "", "blockNumber: missing"},
        {"blockNumber", R"("0xzz")", "blockNumber: invalid hex digit"},
        {"blockHash", R"("0xabcd")", "blockHash: not a 32-byte hex hash"},
        {"blockHash", "\"" + std::string(64, 'a') + "\"", "blockHash: not a 32-byte hex hash"},
        {"transactionHash", "", "transactionHash: missing"},
        {"transactionIndex", "0", "transactionIndex: not a hex quantity string"},
        {"logIndex", "", "logIndex: missing"},
        {"removed", R"("false")", "removed: not a boolean"},
    };
    for (const auto& c : cases) {
        auto log = parse_log(with(c.key, c.json.empty() ? boost::json::value(nullptr) : boost::json::parse(c.json)));
        ASSERT_FALSE(log) << c.expected;
        EXPECT_EQ(log.error().to_string(), c.expected);
    }
    EXPECT_EQ(parse_log(boost::json::value("x")).error().to_string(), "log: not an object");
}

TEST(ParseLogs, NamesTheIndexOfTheBadLog) {
    boost::json::array logs{boost::json::parse(kLog), with("logIndex", nullptr)};
    EXPECT_EQ(parse_logs(logs).error().to_string(), "logs[1].logIndex: missing");
    EXPECT_EQ(parse_logs(boost::json::value(nullptr)).error().to_string(), "result: not an array of logs");
    EXPECT_EQ(parse_logs(boost::json::array{})->size(), 0u);
}

TEST(ParseBlockHeader, FieldsAndErrors) {
    auto block = boost::json::parse(R"({"number":"0x10","hash":"0x)" + std::string(64, '1') + R"(","parentHash":"0x)" +
                                    std::string(64, '2') + R"(","timestamp":"0x6553f100","transactions":[]})");
    auto header = parse_block_header(block);
    ASSERT_TRUE(header);
    EXPECT_EQ(header->number, 16u);
    EXPECT_EQ(header->hash.hex(), "0x" + std::string(64, '1'));
    EXPECT_EQ(header->parent_hash.hex(), "0x" + std::string(64, '2'));
    EXPECT_EQ(header->timestamp, 0x6553f100u);
    for (std::string_view key : {"number", "hash", "parentHash", "timestamp"}) {
        auto broken = block.as_object();
        broken.erase(key);
        EXPECT_EQ(parse_block_header(broken).error().to_string(), std::string(key) + ": missing");
    }
    EXPECT_EQ(parse_block_header(boost::json::value(nullptr)).error().to_string(), "block: not an object");
}

TEST(ParseBlockHeader, LogsBloomIsOptionalButStrict) {
    auto block = boost::json::parse(R"({"number":"0x10","hash":"0x)" + std::string(64, '1') + R"(","parentHash":"0x)" +
                                    std::string(64, '2') + R"(","timestamp":"0x1"})")
                     .as_object();
    EXPECT_FALSE(parse_block_header(block)->logs_bloom);
    block["logsBloom"] = nullptr;
    EXPECT_FALSE(parse_block_header(block)->logs_bloom);
    block["logsBloom"] = "0x" + std::string(510, '0') + "01";
    const auto header = parse_block_header(block);
    ASSERT_TRUE(header && header->logs_bloom);
    EXPECT_FALSE(header->logs_bloom->is_zero());
    for (const boost::json::value& bad :
         {boost::json::value("0x00"), boost::json::value(std::string(512, '0')),
          boost::json::value("0x" + std::string(511, '0') + "z"), boost::json::value(7)}) {
        block["logsBloom"] = bad;
        EXPECT_EQ(parse_block_header(block).error().to_string(), "logsBloom: not 0x and 256 bytes of hex");
    }
}

}  // namespace
}  // namespace tokensync::chain::evm
