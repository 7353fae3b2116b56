// bulk_call against a real anvil: the same answers through JSON-RPC batches
// and through a Multicall3-compatible contract, whatever the chunking and
// parallelism, with reverting calls failing alone.
#include <memory>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "chain/evm/bulk_call.hpp"
#include "chain/evm/eth_api.hpp"
#include "core/hex.hpp"
#include "test_util/abi_call.hpp"
#include "test_util/devnet.hpp"

namespace tokensync::chain::evm {
namespace {

BulkCallOptions batches(std::size_t per_batch, std::size_t concurrency) {
    BulkCallOptions o;
    o.calls_per_batch = per_batch;
    o.concurrency = concurrency;
    return o;
}

BulkCallOptions multicalls(const core::Address& at, std::size_t per_multicall, std::size_t per_batch,
                           std::size_t concurrency) {
    BulkCallOptions o;
    o.multicall = at;
    o.calls_per_multicall = per_multicall;
    o.multicalls_per_batch = per_batch;
    o.concurrency = concurrency;
    return o;
}

// (author, quantity) of each batchMint, from id 0.
const std::vector<std::pair<std::size_t, uint64_t>> kMints{{3, 5}, {4, 1}, {3, 12}, {7, 2}, {5, 20}};

class BulkCallDevnetTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        test_util::Devnet::Options options;
        options.silent = true;
        devnet = std::make_unique<test_util::Devnet>(options);
        test_util::TestContractOptions from_zero;
        from_zero.first_token_id = 0;
        contracts = devnet->deploy_test_contracts(from_zero);
        multicall = devnet->deploy("TestMulticall");
        for (const auto& [author, quantity] : kMints) {
            devnet->send(test_util::dev_address(1), contracts.nft,
                         test_util::calldata("batchMint(address,uint256)",
                                             {test_util::dev_address(author).lower_hex(), std::to_string(quantity)}));
            for (uint64_t i = 0; i < quantity; ++i)
                authors.push_back(test_util::dev_address(author));
        }
    }
    static void TearDownTestSuite() { devnet.reset(); }

    static RpcClientOptions rpc() {
        RpcClientOptions o;
        o.urls = {devnet->url()};
        return o;
    }

    // tokenPromptAuthor for every minted id and 3 past the end (they revert).
    static std::vector<ContractCall> calls() {
        std::vector<ContractCall> out;
        for (std::size_t id = 0; id < authors.size() + 3; ++id) {
            out.push_back({contracts.nft, test_util::calldata("tokenPromptAuthor(uint256)", {std::to_string(id)})});
        }
        return out;
    }

    static void expect_authors(const std::vector<CallResult>& results) {
        ASSERT_EQ(results.size(), authors.size() + 3);
        for (std::size_t id = 0; id < results.size(); ++id) {
            if (id < authors.size()) {
                ASSERT_TRUE(results[id].has_value()) << "id " << id << ": " << results[id].error();
                const auto decoded =
                    test_util::decode_return("tokenPromptAuthor(uint256) returns (address)", *results[id]);
                ASSERT_EQ(decoded.size(), 1U);
                EXPECT_EQ(*decoded[0].get_if<core::Address>(), authors[id]) << "id " << id;
            } else {
                EXPECT_FALSE(results[id].has_value()) << "id " << id << " should revert";
            }
        }
    }

    static inline std::unique_ptr<test_util::Devnet> devnet;
    static inline test_util::TestContracts contracts;
    static inline core::Address multicall;
    static inline std::vector<core::Address> authors;
};

TEST_F(BulkCallDevnetTest, JsonRpcBatchesInAnyChunking) {
    for (const auto& [per_batch, concurrency] :
         std::vector<std::pair<std::size_t, std::size_t>>{{1000, 1}, {7, 1}, {7, 4}, {1, 3}}) {
        SCOPED_TRACE(fmt::format("calls_per_batch={} concurrency={}", per_batch, concurrency));
        expect_authors(bulk_call(rpc(), calls(), batches(per_batch, concurrency)));
    }
}

TEST_F(BulkCallDevnetTest, Multicall3InAnyChunking) {
    for (const auto& [per_multicall, per_batch, concurrency] :
         std::vector<std::tuple<std::size_t, std::size_t, std::size_t>>{{500, 4, 4}, {7, 1, 1}, {7, 3, 4}, {1, 2, 2}}) {
        SCOPED_TRACE(fmt::format("calls_per_multicall={} multicalls_per_batch={} concurrency={}", per_multicall,
                                 per_batch, concurrency));
        expect_authors(bulk_call(rpc(), calls(), multicalls(multicall, per_multicall, per_batch, concurrency)));
    }
}

TEST_F(BulkCallDevnetTest, RevertsNameTheError) {
    const auto plain = bulk_call(rpc(), calls());
    EXPECT_NE(plain.back().error().find("reverted with 0x7e273289"), std::string::npos) << plain.back().error();
    const auto multi = bulk_call(rpc(), calls(), multicalls(multicall, 500, 4, 4));
    // ERC721NonexistentToken(uint256): 0x7e273289
    EXPECT_NE(multi.back().error().find("reverted with 0x7e273289"), std::string::npos) << multi.back().error();
}

TEST_F(BulkCallDevnetTest, NoCanonicalMulticallOnAnvil) {
    RpcClient client(rpc());
    EXPECT_EQ(detect_multicall3(client), std::nullopt);
    EXPECT_FALSE(get_code(client, multicall).empty());
    EXPECT_TRUE(bulk_call(rpc(), {}).empty());
}

TEST_F(BulkCallDevnetTest, UnreachableNodeThrows) {
    RpcClientOptions o;
    o.urls = {"http://127.0.0.1:1"};
    o.backoff.max_attempts = 2;
    o.sleep = [](std::chrono::milliseconds) {};
    EXPECT_THROW(bulk_call(o, calls(), batches(5, 3)), BlockchainConnectionError);
}

}  // namespace
}  // namespace tokensync::chain::evm
