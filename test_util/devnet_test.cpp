// The devnet bench end to end: anvil starts, the test contracts deploy, and
// each contract emits the events tokensync follows, checked through
// eth_getLogs and eth_call. Every test runs between a snapshot and a revert,
// so they share one node and one deployment but not state.
#include "test_util/devnet.hpp"

#include <algorithm>
#include <chrono>
#include <memory>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/abi/decode.hpp"
#include "core/abi/encode.hpp"
#include "core/abi/parse.hpp"
#include "core/hash.hpp"
#include "core/hex.hpp"
#include "core/uint256.hpp"

namespace tokensync::test_util {
namespace {

namespace abi = core::abi;
namespace json = boost::json;

// Well-known topic0 values (keccak of the canonical signatures).
constexpr std::string_view kTransferTopic = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";
constexpr std::string_view kTransferSingleTopic = "0xc3d58168c5ae7397731d063d5bbf3d657854427343f4c083240f7aacaa2d0f62";
constexpr std::string_view kTransferBatchTopic = "0x4a39dc06d4c0dbc64b70af90fd698a233a518aa5d07e595d983b8c0526c8f7fb";

abi::Function function(std::string_view signature) {
    auto fn = abi::parse_function(signature);
    if (!fn) throw std::runtime_error(fmt::format("{}: {}", signature, abi::to_string(fn.error())));
    return *std::move(fn);
}

core::Bytes encode(std::string_view signature, const std::vector<abi::Value>& args = {}) {
    auto data = abi::encode_call(function(signature), args);
    if (!data) throw std::runtime_error(fmt::format("{}: {}", signature, abi::to_string(data.error())));
    return *std::move(data);
}

std::vector<abi::Value> decode(std::string_view signature, const core::Bytes& data) {
    auto values = abi::decode_return(function(signature), data);
    if (!values) throw std::runtime_error(fmt::format("{}: {}", signature, abi::to_string(values.error())));
    return *std::move(values);
}

abi::Value uint(uint64_t v) { return abi::Value{core::Uint256(v)}; }
abi::Value address(const core::Address& a) { return abi::Value{a}; }
abi::Value uints(std::initializer_list<uint64_t> items) {
    abi::Array out;
    for (auto v : items)
        out.items.push_back(uint(v));
    return abi::Value{std::move(out)};
}
abi::Value strings(std::initializer_list<std::string> items) {
    abi::Array out;
    for (const auto& s : items)
        out.items.push_back(abi::Value{s});
    return abi::Value{std::move(out)};
}

std::string topic(const core::Address& a) {
    core::ByteArray<32> word{};
    std::ranges::copy(a.bytes(), word.begin() + 12);
    return core::to_hex(word);
}
std::string topic(uint64_t v) { return core::to_hex(core::Uint256(v).to_be_bytes()); }
std::string topic0(std::string_view signature) { return core::keccak256(signature).hex(); }

std::string_view str(const json::value& v) { return v.as_string(); }
std::string_view topic_at(const json::value& log, std::size_t i) { return str(log.at("topics").as_array().at(i)); }
std::size_t topic_count(const json::value& log) { return log.at("topics").as_array().size(); }

uint64_t read_uint(Devnet& devnet, const core::Address& to, std::string_view signature,
                   const std::vector<abi::Value>& args = {}) {
    const auto values = decode(signature, devnet.call(to, encode(signature, args)));
    return values.at(0).get_if<core::Uint256>()->low64();
}

class DevnetTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        devnet = std::make_unique<Devnet>();
        contracts = devnet->deploy_test_contracts();
    }
    static void TearDownTestSuite() { devnet.reset(); }
    void SetUp() override { snapshot_ = devnet->snapshot(); }
    void TearDown() override {
        devnet->set_automine(true);
        devnet->revert(snapshot_);
    }

    // The logs of one receipt's block from one contract, optionally with one topic0.
    static json::array logs_in_block(uint64_t block, const core::Address& contract, std::string_view topic0 = {}) {
        json::object filter{{"fromBlock", fmt::format("0x{:x}", block)},
                            {"toBlock", fmt::format("0x{:x}", block)},
                            {"address", contract.lower_hex()}};
        if (!topic0.empty()) filter["topics"] = json::array{topic0};
        return devnet->get_logs(std::move(filter));
    }

    static inline std::unique_ptr<Devnet> devnet;
    static inline TestContracts contracts;
    std::string snapshot_;
};

TEST_F(DevnetTest, AnswersWithTheDevAccounts) {
    EXPECT_EQ(devnet->chain_id(), 31337u);
    EXPECT_EQ(parse_quantity(devnet->rpc("eth_chainId")), 31337u);
    EXPECT_EQ(devnet->url(), fmt::format("http://127.0.0.1:{}", devnet->port()));
    const auto accounts = devnet->rpc("eth_accounts").as_array();
    ASSERT_GE(accounts.size(), kDevAccounts.size());
    for (std::size_t i = 0; i < kDevAccounts.size(); ++i) {
        EXPECT_EQ(core::Address::from_hex_lenient(str(accounts[i])), dev_address(i)) << i;
    }
    EXPECT_GE(devnet->block_number(), 3u);  // three deployments, automine
}

TEST_F(DevnetTest, ContractsHaveCode) {
    for (const auto& contract : {contracts.nft, contracts.multi_token, contracts.code_reveal}) {
        const auto code = str(devnet->rpc("eth_getCode", {contract.lower_hex(), "latest"}));
        EXPECT_GT(code.size(), 100u) << contract.lower_hex();
    }
}

TEST_F(DevnetTest, BatchMintEmitsBatchMintedThenOneTransferPerToken) {
    const auto minter = dev_address(2);
    const auto author = dev_address(3);
    EXPECT_EQ(read_uint(*devnet, contracts.nft, "nextTokenId() returns (uint256)"), 1u);

    const auto receipt =
        devnet->send(minter, contracts.nft, encode("batchMint(address,uint256)", {address(author), uint(3)}));
    const auto block = parse_quantity(receipt.at("blockNumber"));
    const auto logs = logs_in_block(block, contracts.nft);
    ASSERT_EQ(logs.size(), 4u);

    const auto& minted = logs[0];
    EXPECT_EQ(topic0("BatchMinted(address,address,uint256,uint256)"), topic_at(minted, 0));
    ASSERT_EQ(topic_count(minted), 4u);
    EXPECT_EQ(topic_at(minted, 1), topic(minter));
    EXPECT_EQ(topic_at(minted, 2), topic(author));
    EXPECT_EQ(topic_at(minted, 3), topic(1));
    EXPECT_EQ(str(minted.at("data")), topic(3));  // quantity, one word
    EXPECT_EQ(str(minted.at("transactionHash")), str(receipt.at("transactionHash")));

    EXPECT_EQ(topic0("Transfer(address,address,uint256)"), kTransferTopic);
    for (uint64_t i = 0; i < 3; ++i) {
        const auto& transfer = logs[1 + i];
        ASSERT_EQ(topic_count(transfer), 4u);
        EXPECT_EQ(topic_at(transfer, 0), kTransferTopic);
        EXPECT_EQ(topic_at(transfer, 1), topic(core::Address{}));
        EXPECT_EQ(topic_at(transfer, 2), topic(minter));
        EXPECT_EQ(topic_at(transfer, 3), topic(1 + i));
        EXPECT_EQ(str(transfer.at("data")), "0x");
    }

    EXPECT_EQ(read_uint(*devnet, contracts.nft, "nextTokenId() returns (uint256)"), 4u);
    const auto author_sig = "tokenPromptAuthor(uint256) returns (address)";
    for (uint64_t id = 1; id <= 3; ++id) {
        const auto values = decode(author_sig, devnet->call(contracts.nft, encode(author_sig, {uint(id)})));
        EXPECT_EQ(*values.at(0).get_if<core::Address>(), author) << id;
    }
    // A second batch has its own author; the first keeps its own.
    const auto other = dev_address(4);
    devnet->send(minter, contracts.nft, encode("batchMint(address,uint256)", {address(other), uint(2)}));
    EXPECT_EQ(
        *decode(author_sig, devnet->call(contracts.nft, encode(author_sig, {uint(5)})))[0].get_if<core::Address>(),
        other);
    EXPECT_EQ(
        *decode(author_sig, devnet->call(contracts.nft, encode(author_sig, {uint(3)})))[0].get_if<core::Address>(),
        author);
    // Ids past the counter do not exist: ERC721NonexistentToken(6).
    const auto revert = devnet->call_expect_revert(contracts.nft, encode(author_sig, {uint(6)}));
    EXPECT_EQ(core::to_hex(revert), core::to_hex(encode("ERC721NonexistentToken(uint256)", {uint(6)})));
    const auto owner_sig = "ownerOf(uint256) returns (address)";
    EXPECT_EQ(*decode(owner_sig, devnet->call(contracts.nft, encode(owner_sig, {uint(5)})))[0].get_if<core::Address>(),
              minter);
}

TEST_F(DevnetTest, FirstTokenIdComesFromTheConstructor) {
    const auto nft = devnet->deploy("PromptNFT", core::Uint256(0).to_be_bytes());
    EXPECT_EQ(read_uint(*devnet, nft, "nextTokenId() returns (uint256)"), 0u);
    const auto receipt =
        devnet->send(dev_address(1), nft, encode("batchMint(address,uint256)", {address(dev_address(1)), uint(2)}));
    const auto logs = receipt.at("logs").as_array();
    ASSERT_EQ(logs.size(), 3u);
    EXPECT_EQ(topic_at(logs[0], 3), topic(0));
    EXPECT_EQ(topic_at(logs[2], 3), topic(1));
    EXPECT_EQ(read_uint(*devnet, nft, "nextTokenId() returns (uint256)"), 2u);
    // Zero quantity is refused.
    devnet->send_expect_revert(dev_address(1), nft,
                               encode("batchMint(address,uint256)", {address(dev_address(1)), uint(0)}));
}

TEST_F(DevnetTest, Erc1155EmitsTransferSingleAndTransferBatch) {
    const auto operator_address = dev_address(5);
    const auto holder = dev_address(6);
    const auto token = contracts.multi_token;
    EXPECT_EQ(topic0("TransferSingle(address,address,address,uint256,uint256)"), kTransferSingleTopic);
    EXPECT_EQ(topic0("TransferBatch(address,address,address,uint256[],uint256[])"), kTransferBatchTopic);

    auto receipt = devnet->send(operator_address, token,
                                encode("mint(address,uint256,uint256)", {address(holder), uint(7), uint(10)}));
    auto logs = receipt.at("logs").as_array();
    ASSERT_EQ(logs.size(), 1u);
    EXPECT_EQ(topic_at(logs[0], 0), kTransferSingleTopic);
    EXPECT_EQ(topic_at(logs[0], 1), topic(operator_address));
    EXPECT_EQ(topic_at(logs[0], 2), topic(core::Address{}));
    EXPECT_EQ(topic_at(logs[0], 3), topic(holder));
    EXPECT_EQ(str(logs[0].at("data")), topic(7) + topic(10).substr(2));

    receipt =
        devnet->send(operator_address, token,
                     encode("mintBatch(address,uint256[],uint256[])", {address(holder), uints({1, 2}), uints({5, 6})}));
    logs = receipt.at("logs").as_array();
    ASSERT_EQ(logs.size(), 1u);
    EXPECT_EQ(topic_at(logs[0], 0), kTransferBatchTopic);
    const auto batch = abi::decode(std::vector<abi::Type>{*abi::parse_type("uint256[]"), *abi::parse_type("uint256[]")},
                                   *core::from_hex(str(logs[0].at("data"))));
    ASSERT_TRUE(batch.has_value());
    EXPECT_EQ(batch->at(0), uints({1, 2}));
    EXPECT_EQ(batch->at(1), uints({5, 6}));

    // A holder's transfer and burn.
    const auto receiver = dev_address(7);
    receipt = devnet->send(holder, token,
                           encode("safeTransferFrom(address,address,uint256,uint256,bytes)",
                                  {address(holder), address(receiver), uint(7), uint(4), abi::Value{core::Bytes{}}}));
    logs = receipt.at("logs").as_array();
    ASSERT_EQ(logs.size(), 1u);
    EXPECT_EQ(topic_at(logs[0], 2), topic(holder));
    EXPECT_EQ(topic_at(logs[0], 3), topic(receiver));
    receipt =
        devnet->send(holder, token,
                     encode("burnBatch(address,uint256[],uint256[])", {address(holder), uints({1, 2}), uints({5, 1})}));
    logs = receipt.at("logs").as_array();
    ASSERT_EQ(logs.size(), 1u);
    EXPECT_EQ(topic_at(logs[0], 0), kTransferBatchTopic);
    EXPECT_EQ(topic_at(logs[0], 3), topic(core::Address{}));
    const auto balance_sig = "balanceOf(address,uint256) returns (uint256)";
    EXPECT_EQ(read_uint(*devnet, token, balance_sig, {address(holder), uint(7)}), 6u);
    EXPECT_EQ(read_uint(*devnet, token, balance_sig, {address(receiver), uint(7)}), 4u);
    EXPECT_EQ(read_uint(*devnet, token, balance_sig, {address(holder), uint(2)}), 5u);
    // Burning someone else's tokens without approval reverts.
    devnet->send_expect_revert(operator_address, token,
                               encode("burn(address,uint256,uint256)", {address(holder), uint(7), uint(1)}));
}

TEST_F(DevnetTest, RevealEventsAndOwnerOnlyCodes) {
    const auto owner = dev_address(0);
    const auto stranger = dev_address(8);
    const auto contract = contracts.code_reveal;
    const auto receipt = devnet->send(stranger, contract, encode("reveal(uint256[])", {uints({5, 6})}));
    const auto logs =
        logs_in_block(parse_quantity(receipt.at("blockNumber")), contract, topic0("TokenRevealed(uint256)"));
    ASSERT_EQ(logs.size(), 2u);
    EXPECT_EQ(topic_at(logs[0], 1), topic(5));
    EXPECT_EQ(topic_at(logs[1], 1), topic(6));

    const auto set_codes = encode("setBulkCodes(uint256[],string[])", {uints({5, 6}), strings({"CODE-5", "CODE-6"})});
    devnet->send_expect_revert(stranger, contract, set_codes);
    EXPECT_EQ(core::to_hex(devnet->call_expect_revert(contract, set_codes, stranger)),
              core::to_hex(encode("OwnableUnauthorizedAccount(address)", {address(stranger)})));
    const auto code_sig = "codeOf(uint256) returns (string)";
    EXPECT_EQ(*decode(code_sig, devnet->call(contract, encode(code_sig, {uint(5)})))[0].get_if<std::string>(), "");

    devnet->send(owner, contract, set_codes);
    EXPECT_EQ(*decode(code_sig, devnet->call(contract, encode(code_sig, {uint(5)})))[0].get_if<std::string>(),
              "CODE-5");
    EXPECT_EQ(*decode(code_sig, devnet->call(contract, encode(code_sig, {uint(6)})))[0].get_if<std::string>(),
              "CODE-6");
}

TEST_F(DevnetTest, RevealBatchIsKeeperOnly) {
    const auto owner = dev_address(0);
    const auto keeper = dev_address(4);
    const auto stranger = dev_address(5);
    const auto nft = contracts.nft;
    devnet->send(stranger, nft, encode("batchMint(address,uint256)", {address(stranger), uint(2)}));
    const auto reveal = encode("revealBatch(uint256[],string[])", {uints({1, 2}), strings({"ipfs://a", "ipfs://b"})});

    // No keeper yet: nobody may reveal, not even the owner.
    devnet->send_expect_revert(owner, nft, reveal);
    // Only the owner sets the keeper.
    devnet->send_expect_revert(stranger, nft, encode("setKeeper(address)", {address(stranger)}));
    devnet->send(owner, nft, encode("setKeeper(address)", {address(keeper)}));

    devnet->send_expect_revert(stranger, nft, reveal);
    EXPECT_EQ(core::to_hex(devnet->call_expect_revert(nft, reveal, stranger)),
              core::to_hex(encode("NotKeeper(address)", {address(stranger)})));
    const auto receipt = devnet->send(keeper, nft, reveal);
    EXPECT_EQ(receipt.at("logs").as_array().size(), 2u);  // ERC-4906 MetadataUpdate per token
    const auto uri_sig = "tokenURI(uint256) returns (string)";
    EXPECT_EQ(*decode(uri_sig, devnet->call(nft, encode(uri_sig, {uint(1)})))[0].get_if<std::string>(), "ipfs://a");
    EXPECT_EQ(*decode(uri_sig, devnet->call(nft, encode(uri_sig, {uint(2)})))[0].get_if<std::string>(), "ipfs://b");
    // Mismatched lengths are refused.
    devnet->send_expect_revert(keeper, nft,
                               encode("revealBatch(uint256[],string[])", {uints({1, 2}), strings({"ipfs://c"})}));
}

TEST_F(DevnetTest, FiftyMintsInOneBlock) {
    const auto start = std::chrono::steady_clock::now();
    const auto before = devnet->block_number();
    devnet->set_automine(false);
    std::vector<std::string> hashes;
    // Alternating senders: anvil assigns nonces per account from its pending pool.
    for (int i = 0; i < 50; ++i) {
        const auto minter = dev_address(1 + static_cast<std::size_t>(i % 3));
        hashes.push_back(devnet->send_async(
            minter, contracts.nft, encode("batchMint(address,uint256)", {address(dev_address(9)), uint(10)}), 400'000));
    }
    EXPECT_EQ(devnet->block_number(), before);  // nothing mined yet
    devnet->mine();
    const auto block = before + 1;
    EXPECT_EQ(devnet->block_number(), block);
    for (const auto& hash : hashes) {
        const auto receipt = devnet->wait_for_receipt(hash);
        EXPECT_EQ(parse_quantity(receipt.at("status")), 1u) << hash;
        EXPECT_EQ(parse_quantity(receipt.at("blockNumber")), block) << hash;
    }
    EXPECT_EQ(logs_in_block(block, contracts.nft, topic0("BatchMinted(address,address,uint256,uint256)")).size(), 50u);
    EXPECT_EQ(logs_in_block(block, contracts.nft, kTransferTopic).size(), 500u);
    EXPECT_EQ(read_uint(*devnet, contracts.nft, "nextTokenId() returns (uint256)"), 501u);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST_F(DevnetTest, HundredHolderTransfersInOneBlock) {
    const auto holder = dev_address(2);
    const auto receiver = dev_address(3);
    const auto nft = contracts.nft;
    devnet->send(holder, nft, encode("batchMint(address,uint256)", {address(holder), uint(100)}));
    devnet->set_automine(false);
    std::vector<std::string> hashes;
    for (uint64_t id = 1; id <= 100; ++id) {
        hashes.push_back(devnet->send_async(
            holder, nft,
            encode("transferFrom(address,address,uint256)", {address(holder), address(receiver), uint(id)}), 100'000));
    }
    devnet->mine();
    const auto block = parse_quantity(devnet->wait_for_receipt(hashes.back()).at("blockNumber"));
    const auto logs = logs_in_block(block, nft, kTransferTopic);
    ASSERT_EQ(logs.size(), 100u);
    EXPECT_EQ(topic_at(logs[0], 1), topic(holder));
    EXPECT_EQ(topic_at(logs[99], 2), topic(receiver));
    EXPECT_EQ(read_uint(*devnet, nft, "balanceOf(address) returns (uint256)", {address(receiver)}), 100u);
    EXPECT_EQ(read_uint(*devnet, nft, "balanceOf(address) returns (uint256)", {address(holder)}), 0u);
}

TEST_F(DevnetTest, SnapshotRevertRewindsTheChain) {
    const auto height = devnet->block_number();
    const auto id = devnet->snapshot();
    devnet->send(dev_address(1), contracts.nft,
                 encode("batchMint(address,uint256)", {address(dev_address(1)), uint(1)}));
    devnet->mine(3);
    EXPECT_EQ(devnet->block_number(), height + 4);
    devnet->revert(id);
    EXPECT_EQ(devnet->block_number(), height);
    EXPECT_EQ(read_uint(*devnet, contracts.nft, "nextTokenId() returns (uint256)"), 1u);
    EXPECT_THROW(devnet->revert("0x999"), std::runtime_error);
}

TEST_F(DevnetTest, ReorgReplacesRecentBlocks) {
    const auto receipt = devnet->send(dev_address(1), contracts.nft,
                                      encode("batchMint(address,uint256)", {address(dev_address(1)), uint(2)}));
    const auto mint_block = parse_quantity(receipt.at("blockNumber"));
    devnet->mine(2);
    const auto height = devnet->block_number();
    const auto block_at = [&](uint64_t n) {
        return devnet->rpc("eth_getBlockByNumber", {fmt::format("0x{:x}", n), false}).as_object();
    };
    const auto old_hash = block_at(mint_block).at("hash");
    const auto parent = block_at(mint_block - 1).at("hash");

    devnet->reorg(height - mint_block + 1);
    EXPECT_EQ(devnet->block_number(), height);
    const auto replaced = block_at(mint_block);
    EXPECT_NE(replaced.at("hash"), old_hash);
    EXPECT_EQ(replaced.at("parentHash"), parent);
    EXPECT_TRUE(logs_in_block(mint_block, contracts.nft).empty());  // the mint is gone
    EXPECT_EQ(read_uint(*devnet, contracts.nft, "nextTokenId() returns (uint256)"), 1u);
}

TEST_F(DevnetTest, RpcErrorsCarryTheNodeMessage) {
    try {
        devnet->rpc("no_such_method");
        ADD_FAILURE() << "no error";
    } catch (const DevnetRpcError& e) {
        EXPECT_EQ(e.code(), -32601);
        EXPECT_FALSE(e.rpc_message().empty());
        EXPECT_NE(std::string(e.what()).find("no_such_method"), std::string::npos) << e.what();
    }
    // Success is not accepted where a revert is expected.
    EXPECT_THROW(devnet->call_expect_revert(contracts.nft, encode("nextTokenId()")), std::runtime_error);
    EXPECT_THROW(devnet->send_expect_revert(dev_address(1), contracts.nft,
                                            encode("batchMint(address,uint256)", {address(dev_address(1)), uint(1)})),
                 std::runtime_error);
    // anvil mines a reverting transaction (status 0); send() reports it.
    try {
        devnet->send(dev_address(1), contracts.nft,
                     encode("revealBatch(uint256[],string[])", {uints({}), strings({})}));
        ADD_FAILURE() << "a reverting send was accepted";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("reverted"), std::string::npos) << e.what();
    }
}

TEST(DevnetQuantity, Parses) {
    EXPECT_EQ(parse_quantity(json::value("0x0")), 0u);
    EXPECT_EQ(parse_quantity(json::value("0x7a69")), 31337u);
    EXPECT_EQ(parse_quantity(json::value("0xffffffffffffffff")), UINT64_MAX);
    EXPECT_THROW(parse_quantity(json::value("0x")), std::invalid_argument);
    EXPECT_THROW(parse_quantity(json::value("12")), std::invalid_argument);
    EXPECT_THROW(parse_quantity(json::value("0xzz")), std::invalid_argument);
    EXPECT_THROW(parse_quantity(json::value(12)), std::invalid_argument);
    EXPECT_THROW(parse_quantity(json::value("0x10000000000000000")), std::invalid_argument);
}

TEST(DevnetProcess, KillAndRestart) {
    Devnet devnet;
    devnet.mine(2);
    EXPECT_EQ(devnet.block_number(), 2u);
    devnet.kill();
    EXPECT_FALSE(devnet.running());
    EXPECT_THROW(devnet.rpc("eth_chainId"), net::HttpError);
    devnet.restart();
    EXPECT_TRUE(devnet.running());
    EXPECT_EQ(devnet.block_number(), 0u);  // no state was kept
}

TEST(DevnetProcess, ChainSurvivesKillNineThroughASavedState) {
    Devnet devnet;
    const auto contracts = devnet.deploy_test_contracts();
    const auto author = dev_address(3);
    devnet.send(dev_address(2), contracts.nft, encode("batchMint(address,uint256)", {address(author), uint(3)}));
    const auto height = devnet.block_number();
    const auto head_hash = devnet.rpc("eth_getBlockByNumber", {"latest", false}).at("hash");
    const auto state = devnet.dir() / "chain.json";
    devnet.save_state(state);

    devnet.kill(SIGKILL);
    devnet.restart_from_state(state);
    EXPECT_EQ(devnet.block_number(), height);
    EXPECT_EQ(devnet.rpc("eth_getBlockByNumber", {"latest", false}).at("hash"), head_hash);
    EXPECT_EQ(read_uint(devnet, contracts.nft, "nextTokenId() returns (uint256)"), 4u);
    const auto logs =
        devnet.get_logs({{"fromBlock", "0x0"},
                         {"toBlock", "latest"},
                         {"address", contracts.nft.lower_hex()},
                         {"topics", json::array{topic0("BatchMinted(address,address,uint256,uint256)")}}});
    ASSERT_EQ(logs.size(), 1u);
    EXPECT_EQ(topic_at(logs[0], 2), topic(author));
    // The chain goes on from there.
    devnet.send(dev_address(2), contracts.nft, encode("batchMint(address,uint256)", {address(author), uint(1)}));
    EXPECT_EQ(devnet.block_number(), height + 1);
}

TEST(DevnetProcess, StartFailureShowsTheLogTail) {
    Devnet::Options options;
    options.extra_args = {"--no-such-flag"};
    try {
        Devnet devnet(options);
        ADD_FAILURE() << "anvil started with a bad flag";
    } catch (const std::runtime_error& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("anvil exited during start-up"), std::string::npos) << message;
        EXPECT_NE(message.find("--no-such-flag"), std::string::npos) << message;
    }
}

}  // namespace
}  // namespace tokensync::test_util
