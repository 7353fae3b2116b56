#include "test_util/populate.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <string>

#include <boost/json/serialize.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/hash.hpp"
#include "core/uint256.hpp"
#include "test_util/abi_call.hpp"

namespace tokensync::test_util {
namespace {

namespace json = boost::json;

std::string topic0(std::string_view signature) { return core::keccak256(signature).hex(); }

// topic0 -> number of logs of the contract in [first, last].
std::map<std::string, uint64_t> logs_by_topic(Devnet& devnet, const core::Address& contract, uint64_t first,
                                              uint64_t last) {
    const auto logs = devnet.get_logs({{"fromBlock", fmt::format("0x{:x}", first)},
                                       {"toBlock", fmt::format("0x{:x}", last)},
                                       {"address", contract.lower_hex()}});
    std::map<std::string, uint64_t> out;
    for (const auto& log : logs)
        ++out[std::string(log.at("topics").as_array().at(0).as_string())];
    return out;
}

uint64_t read_uint(Devnet& devnet, const core::Address& to, std::string_view signature,
                   const std::vector<std::string>& args) {
    const auto values = decode_return(signature, devnet.call(to, calldata(signature, args)));
    return values.at(0).get_if<core::Uint256>()->low64();
}

// The logs' content without block hashes and timestamps, to compare two chains.
std::vector<std::string> log_contents(Devnet& devnet, const PopulateSummary& summary) {
    const auto logs = devnet.get_logs({{"fromBlock", fmt::format("0x{:x}", summary.first_block)},
                                       {"toBlock", fmt::format("0x{:x}", summary.last_block)}});
    std::vector<std::string> out;
    for (const auto& log : logs) {
        out.push_back(fmt::format("{} {} {} {}", json::serialize(log.at("address")), json::serialize(log.at("topics")),
                                  json::serialize(log.at("data")), json::serialize(log.at("blockNumber"))));
    }
    return out;
}

Devnet::Options quiet() {
    Devnet::Options options;
    options.silent = true;  // thousands of transactions: no log line each
    return options;
}

TEST(Populate, MakesTheLogsAndBalancesItReports) {
    Devnet devnet(quiet());
    const auto contracts = devnet.deploy_test_contracts();
    PopulateOptions options;
    options.seed = 7;
    options.target_logs = 5'000;
    options.txns_per_block = 100;

    const auto started = std::chrono::steady_clock::now();
    const auto summary = populate(devnet, contracts, options);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf("populate: %llu logs, %llu transactions, %llu blocks in %.2f s\n",
                static_cast<unsigned long long>(summary.total_logs()),
                static_cast<unsigned long long>(summary.transactions), static_cast<unsigned long long>(summary.blocks),
                seconds);

    EXPECT_GE(summary.total_logs(), options.target_logs);
    EXPECT_EQ(summary.last_block - summary.first_block + 1, summary.blocks);
    EXPECT_EQ(devnet.block_number(), summary.last_block);
    // Every kind of activity happened.
    EXPECT_GT(summary.batch_minted, 0u);
    EXPECT_GT(summary.erc721_transfers, summary.erc721_mints);
    EXPECT_GT(summary.transfer_single, summary.erc1155_burns);
    EXPECT_GT(summary.erc1155_burns, 0u);
    EXPECT_GT(summary.transfer_batch, 0u);

    const auto nft = logs_by_topic(devnet, contracts.nft, summary.first_block, summary.last_block);
    const auto multi = logs_by_topic(devnet, contracts.multi_token, summary.first_block, summary.last_block);
    const auto count = [](const std::map<std::string, uint64_t>& m, std::string_view signature) {
        const auto it = m.find(topic0(signature));
        return it == m.end() ? uint64_t{0} : it->second;
    };
    EXPECT_EQ(nft.size(), 2u);
    EXPECT_EQ(count(nft, "Transfer(address,address,uint256)"), summary.erc721_transfers);
    EXPECT_EQ(count(nft, "BatchMinted(address,address,uint256,uint256)"), summary.batch_minted);
    EXPECT_EQ(multi.size(), 2u);
    EXPECT_EQ(count(multi, "TransferSingle(address,address,address,uint256,uint256)"), summary.transfer_single);
    EXPECT_EQ(count(multi, "TransferBatch(address,address,address,uint256[],uint256[])"), summary.transfer_batch);

    uint64_t nft_total = 0;
    for (std::size_t a = 0; a < options.accounts; ++a) {
        const auto who = dev_address(a).lower_hex();
        EXPECT_EQ(read_uint(devnet, contracts.nft, "balanceOf(address) returns (uint256)", {who}),
                  summary.nft_balances.at(a))
            << a;
        nft_total += summary.nft_balances.at(a);
        for (uint64_t id = 1; id <= options.multi_token_ids; ++id) {
            const auto it = summary.multi_balances.find({a, id});
            const uint64_t expected = it == summary.multi_balances.end() ? 0 : it->second;
            EXPECT_EQ(read_uint(devnet, contracts.multi_token, "balanceOf(address,uint256) returns (uint256)",
                                {who, std::to_string(id)}),
                      expected)
                << "account " << a << " id " << id;
        }
    }
    EXPECT_EQ(nft_total, summary.erc721_mints);
}

TEST(Populate, IsDeterministicForASeed) {
    PopulateOptions options;
    options.seed = 11;
    options.target_logs = 1'000;
    options.txns_per_block = 100;
    options.accounts = 4;
    std::vector<std::string> first_logs;
    PopulateSummary first;
    {
        Devnet devnet(quiet());
        first = populate(devnet, devnet.deploy_test_contracts(), options);
        first_logs = log_contents(devnet, first);
    }
    Devnet devnet(quiet());
    const auto second = populate(devnet, devnet.deploy_test_contracts(), options);
    EXPECT_EQ(second.total_logs(), first.total_logs());
    EXPECT_EQ(second.nft_balances, first.nft_balances);
    EXPECT_EQ(second.multi_balances, first.multi_balances);
    auto second_logs = log_contents(devnet, second);
    // The node may order different senders' transactions differently within a block.
    std::ranges::sort(first_logs);
    std::ranges::sort(second_logs);
    ASSERT_EQ(second_logs.size(), first_logs.size());
    EXPECT_EQ(second_logs, first_logs);
}

}  // namespace
}  // namespace tokensync::test_util
