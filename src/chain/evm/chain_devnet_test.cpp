// The JSON-RPC client against a real anvil: typed helpers, batches of
// eth_calls, and eth_getLogs walked in small ranges returning exactly what
// one raw eth_getLogs call returns.
#include <memory>

#include <boost/json.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "chain/evm/eth_api.hpp"
#include "chain/evm/log_reader.hpp"
#include "chain/evm/rpc_client.hpp"
#include "core/abi/encode.hpp"
#include "core/abi/parse.hpp"
#include "core/hex.hpp"
#include "core/uint256.hpp"
#include "test_util/devnet.hpp"

namespace tokensync::chain::evm {
namespace {

namespace abi = core::abi;

constexpr uint64_t kBlocks = 6;
constexpr uint64_t kTxnsPerBlock = 8;
constexpr uint64_t kTokensPerTxn = 15;

core::Bytes encode(std::string_view signature, const std::vector<abi::Value>& args = {}) {
    auto fn = abi::parse_function(signature);
    if (!fn) throw std::runtime_error(std::string(signature));
    auto data = abi::encode_call(*fn, args);
    if (!data) throw std::runtime_error(std::string(signature));
    return *data;
}

class ChainDevnetTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        test_util::Devnet::Options options;
        options.silent = true;
        shared_devnet = std::make_unique<test_util::Devnet>(options);
        shared_contracts = shared_devnet->deploy_test_contracts();
        first_block = shared_devnet->block_number() + 1;
        // Many mints per block: automine off, send, then mine once per block.
        shared_devnet->set_automine(false);
        for (uint64_t b = 0; b < kBlocks; ++b) {
            std::vector<std::string> hashes;
            for (uint64_t t = 0; t < kTxnsPerBlock; ++t) {
                const auto from = test_util::dev_address(1 + t % 5);
                const auto calldata = encode("batchMint(address,uint256)", {abi::Value{test_util::dev_address(6)},
                                                                            abi::Value{core::Uint256(kTokensPerTxn)}});
                hashes.push_back(shared_devnet->send_async(from, shared_contracts.nft, calldata, 3'000'000));
            }
            shared_devnet->mine();
            for (const auto& h : hashes)
                shared_devnet->wait_for_receipt(h);
        }
        shared_devnet->set_automine(true);
    }
    static void TearDownTestSuite() { shared_devnet.reset(); }

    static RpcClient client(std::vector<std::string> urls = {}) {
        RpcClientOptions options;
        options.urls = urls.empty() ? std::vector<std::string>{shared_devnet->url()} : std::move(urls);
        return RpcClient(std::move(options));
    }

    static std::vector<Log> raw_logs(uint64_t from, uint64_t to) {
        auto raw = shared_devnet->get_logs(boost::json::object{{"fromBlock", to_quantity(from)},
                                                               {"toBlock", to_quantity(to)},
                                                               {"address", shared_contracts.nft.lower_hex()}});
        auto logs = parse_logs(raw);
        if (!logs) throw std::runtime_error(logs.error().to_string());
        return *logs;
    }

    static inline std::unique_ptr<test_util::Devnet> shared_devnet;
    static inline test_util::TestContracts shared_contracts;
    static inline uint64_t first_block = 0;
};

TEST_F(ChainDevnetTest, ChainIdBlockNumberAndHeaders) {
    auto rpc = client();
    EXPECT_EQ(chain_id(rpc), 31337u);
    const uint64_t head = block_number(rpc);
    EXPECT_EQ(head, shared_devnet->block_number());
    EXPECT_GE(head, first_block + kBlocks - 1);
    const auto latest = get_block(rpc, "latest");
    ASSERT_TRUE(latest);
    EXPECT_EQ(latest->number, head);
    const auto previous = get_block(rpc, head - 1);
    ASSERT_TRUE(previous);
    EXPECT_EQ(latest->parent_hash, previous->hash);
    EXPECT_GT(latest->timestamp, 0u);
    EXPECT_EQ(get_block(rpc, head + 1000), std::nullopt);
}

TEST_F(ChainDevnetTest, GetLogsEqualsOneRawCall) {
    auto rpc = client();
    const uint64_t head = block_number(rpc);
    const auto expected = raw_logs(0, head);
    // BatchMinted plus one Transfer per token, per transaction, after the deployment's own logs.
    ASSERT_EQ(raw_logs(first_block, head).size(), kBlocks * kTxnsPerBlock * (kTokensPerTxn + 1));
    LogReader reader(rpc);
    const auto logs = reader.get_logs(LogFilter{{shared_contracts.nft}, {}, 0, head});
    EXPECT_EQ(logs, expected);
    EXPECT_EQ(reader.calls(), 1u);
}

TEST_F(ChainDevnetTest, ASmallRangeCapReturnsTheSameLogs) {
    auto rpc = client();
    const uint64_t head = block_number(rpc);
    LogReader reader(rpc, {.max_span = 2, .grow_after = 1});
    const auto logs = reader.get_logs(LogFilter{{shared_contracts.nft}, {}, 0, head});
    EXPECT_EQ(logs, raw_logs(0, head));
    EXPECT_EQ(reader.calls(), (head + 2) / 2);
    // Topic filters reach the node: only the Transfer events.
    const auto transfer = *core::Hash32::from_hex("0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");
    const auto transfers = reader.get_logs(LogFilter{{shared_contracts.nft}, {{transfer}}, first_block, head});
    EXPECT_EQ(transfers.size(), kBlocks * kTxnsPerBlock * kTokensPerTxn);
}

TEST_F(ChainDevnetTest, BatchOfEthCalls) {
    auto rpc = client();
    const uint64_t minted = kBlocks * kTxnsPerBlock * kTokensPerTxn;
    std::vector<Request> requests;
    for (uint64_t id = 1; id <= minted + 1; ++id) {  // the last one does not exist: ownerOf reverts
        requests.push_back(
            {"eth_call",
             {boost::json::object{{"to", shared_contracts.nft.lower_hex()},
                                  {"data", core::to_hex(encode("ownerOf(uint256)", {abi::Value{core::Uint256(id)}}))}},
              "latest"}});
    }
    const auto results = rpc.batch(requests);  // more than the default chunk of 100
    ASSERT_EQ(results.size(), minted + 1);
    for (uint64_t i = 0; i < minted; ++i) {
        ASSERT_TRUE(results[i].has_value()) << i << ": " << results[i].error().to_string();
        const auto one_by_one = core::to_hex(shared_devnet->call(
            shared_contracts.nft, core::from_hex(requests[i].params[0].at("data").as_string()).value()));
        EXPECT_EQ(results[i].value(), boost::json::value(one_by_one)) << i;
    }
    // Tokens belong to their minters: accounts 1 to 5 in turn.
    EXPECT_EQ(results[0].value(),
              boost::json::value("0x000000000000000000000000" + test_util::dev_address(1).lower_hex().substr(2)));
    ASSERT_FALSE(results.back().has_value());
    EXPECT_EQ(results.back().error().code, 3);
    EXPECT_TRUE(revert_data(results.back().error()).has_value());

    const auto next = eth_call(rpc, shared_contracts.nft, encode("nextTokenId()"));
    ASSERT_EQ(next.size(), 32u);
    EXPECT_EQ(core::Uint256::from_be_bytes(core::ByteView(next)), core::Uint256(minted + 1));
}

TEST_F(ChainDevnetTest, FailsOverFromADeadUrl) {
    auto rpc = client({"http://127.0.0.1:1/v2/SomeKey", shared_devnet->url()});
    EXPECT_EQ(chain_id(rpc), 31337u);
    EXPECT_EQ(rpc.last_endpoint(), 1u);
}

}  // namespace
}  // namespace tokensync::chain::evm
