// Real chain data through the store: the blocks, logs and ERC-1155 transfers
// of an anvil node land in each back-end exactly as the node reports them,
// a replay adds nothing, and the stored balances equal the contract's own
// balanceOf, before and after reopening the store.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/abi/decode.hpp"
#include "core/hex.hpp"
#include "store/store.hpp"
#include "test_util/abi_call.hpp"
#include "test_util/devnet.hpp"
#include "test_util/shared_postgres.hpp"
#include "test_util/temp_dir.hpp"

namespace tokensync::store {
namespace {

namespace json = boost::json;
using core::Address;
using core::Hash32;
using core::Uint256;
using test_util::calldata;
using test_util::dev_address;
using test_util::Devnet;

constexpr std::string_view kTransferSingle =
    "event TransferSingle(address indexed operator, address indexed from, address indexed to, uint256 id, "
    "uint256 value)";
constexpr std::string_view kTransferBatch =
    "event TransferBatch(address indexed operator, address indexed from, address indexed to, uint256[] ids, "
    "uint256[] values)";

enum class Backend { kSqlite, kPostgres };

Hash32 hash_of(const json::value& v) {
    auto h = Hash32::from_hex(v.as_string());
    if (!h) throw std::runtime_error(fmt::format("not a hash: {}", json::serialize(v)));
    return *h;
}

Address address_of(const json::value& v) {
    auto a = Address::from_hex_lenient(v.as_string());
    if (!a) throw std::runtime_error(fmt::format("not an address: {}", json::serialize(v)));
    return *a;
}

// The node's view, read once after the transactions: every block, every log.
struct ChainView {
    std::vector<Block> blocks;
    json::array logs;
};

ChainView read_chain(Devnet& devnet) {
    ChainView view;
    const uint64_t head = devnet.block_number();
    for (uint64_t n = 0; n <= head; ++n) {
        const json::value b = devnet.rpc("eth_getBlockByNumber", {fmt::format("0x{:x}", n), false});
        view.blocks.push_back({.number = n,
                               .hash = hash_of(b.at("hash")),
                               .parent_hash = hash_of(b.at("parentHash")),
                               .timestamp = static_cast<int64_t>(test_util::parse_quantity(b.at("timestamp")))});
    }
    view.logs = devnet.get_logs({{"fromBlock", "0x0"}, {"toBlock", fmt::format("0x{:x}", head)}});
    return view;
}

// What an indexer would write for this chain: blocks, raw events, the
// ERC-1155 transfers of `multi_token` (one row per id of a batch) and the cursor.
ChangeSet change_set(const ChainView& view, const Address& multi_token, ChainId chain) {
    const auto single = test_util::event(kTransferSingle);
    const auto batch = test_util::event(kTransferBatch);
    ChangeSet cs;
    cs.chain_id = chain;
    cs.blocks = view.blocks;
    for (const json::value& v : view.logs) {
        const json::object& log = v.as_object();
        RawEvent e;
        e.tx_hash = hash_of(log.at("transactionHash"));
        e.log_index = test_util::parse_quantity(log.at("logIndex"));
        e.block_number = test_util::parse_quantity(log.at("blockNumber"));
        e.block_hash = hash_of(log.at("blockHash"));
        e.contract = address_of(log.at("address"));
        for (const json::value& t : log.at("topics").as_array())
            e.topics.push_back(hash_of(t));
        e.data = *core::from_hex(log.at("data").as_string());
        cs.raw_events.push_back(e);
        if (e.contract != multi_token) continue;

        const bool is_batch = e.topics.at(0) == batch.topic0();
        const auto values = core::abi::decode_log(is_batch ? batch : single, e.topics, e.data);
        if (!values) throw std::runtime_error(std::string(core::abi::to_string(values.error())));
        const auto& v3 = (*values)[3].data;
        const auto& v4 = (*values)[4].data;
        std::vector<Uint256> ids;
        std::vector<Uint256> amounts;
        if (is_batch) {
            for (const auto& id : std::get<core::abi::Array>(v3).items)
                ids.push_back(std::get<Uint256>(id.data));
            for (const auto& amount : std::get<core::abi::Array>(v4).items)
                amounts.push_back(std::get<Uint256>(amount.data));
        } else {
            ids.push_back(std::get<Uint256>(v3));
            amounts.push_back(std::get<Uint256>(v4));
        }
        for (std::size_t i = 0; i < ids.size(); ++i) {
            cs.transfers.push_back({.tx_hash = e.tx_hash,
                                    .log_index = e.log_index,
                                    .batch_index = i,
                                    .block_number = e.block_number,
                                    .block_timestamp = view.blocks.at(e.block_number).timestamp,
                                    .contract = e.contract,
                                    .standard = TokenStandard::kErc1155,
                                    .operator_address = std::get<Address>((*values)[0].data),
                                    .from = std::get<Address>((*values)[1].data),
                                    .to = std::get<Address>((*values)[2].data),
                                    .token_id = ids[i],
                                    .amount = amounts[i]});
        }
    }
    const Block& head = view.blocks.back();
    cs.cursors.push_back({.contract = multi_token, .block_number = head.number, .block_hash = head.hash});
    return cs;
}

class StoreOnDevnet : public ::testing::TestWithParam<Backend> {
  protected:
    std::string url() {
        if (GetParam() == Backend::kPostgres) return test_util::shared_postgres_cluster().create_database();
        return "sqlite://" + (dir_ / "devnet.db").string();
    }

  private:
    test_util::TempDir dir_{"tokensync-store-devnet"};
};

TEST_P(StoreOnDevnet, ChainDataRoundTripsAndBalancesMatchTheNode) {
    Devnet devnet;
    const auto contracts = devnet.deploy_test_contracts();
    const Address token = contracts.multi_token;
    const std::vector<Address> holders{dev_address(1), dev_address(2), dev_address(3)};
    const std::vector<std::string> ids{"1", "2", "3"};
    const std::string alice = holders[0].lower_hex();
    const std::string bob = holders[1].lower_hex();
    const std::string carol = holders[2].lower_hex();

    devnet.send(holders[0], token, calldata("mint(address,uint256,uint256)", {alice, "1", "100"}));
    devnet.send(holders[1], token, calldata("mintBatch(address,uint256[],uint256[])", {bob, "[2,3]", "[5,7]"}));
    devnet.send(holders[0], token,
                calldata("safeTransferFrom(address,address,uint256,uint256,bytes)", {alice, carol, "1", "40", "0x"}));
    devnet.send(holders[1], token,
                calldata("safeBatchTransferFrom(address,address,uint256[],uint256[],bytes)",
                         {bob, alice, "[2,3]", "[1,2]", "0x"}));
    devnet.send(holders[2], token, calldata("burn(address,uint256,uint256)", {carol, "1", "15"}));
    devnet.send(dev_address(0), contracts.nft, calldata("batchMint(address,uint256)", {bob, "3"}));

    const ChainView view = read_chain(devnet);
    const ChangeSet cs = change_set(view, token, devnet.chain_id());
    ASSERT_EQ(cs.transfers.size(), 7u);  // 1 mint + 2 batch-minted ids + 1 transfer + 2 batch ids + 1 burn

    const std::string db = url();
    auto store = open_store(db);
    store->migrate();
    const ApplyResult first = store->apply(cs);
    EXPECT_EQ(first.blocks.inserted, view.blocks.size());
    EXPECT_EQ(first.raw_events.inserted, view.logs.size());
    EXPECT_EQ(first.transfers.inserted, cs.transfers.size());
    EXPECT_TRUE(store->apply(cs).nothing_new()) << "a replayed batch must change nothing";

    auto check = [&](Store& s) {
        for (const Block& b : view.blocks)
            EXPECT_EQ(s.block_hash(devnet.chain_id(), b.number), b.hash) << "block " << b.number;
        EXPECT_EQ(s.get_cursor(devnet.chain_id(), token), cs.cursors.front());
        for (const Address& holder : holders) {
            for (const std::string& id : ids) {
                const auto on_chain = test_util::decode_return(
                    "function balanceOf(address,uint256) view returns (uint256)",
                    devnet.call(token, calldata("balanceOf(address,uint256)", {holder.lower_hex(), id})));
                const Uint256 stored = s.get_balance(devnet.chain_id(), token, *Uint256::from_decimal(id), holder);
                EXPECT_EQ(stored, std::get<Uint256>(on_chain.at(0).data))
                    << "holder " << holder.checksum() << " id " << id << " stored " << stored.to_decimal();
            }
        }
    };
    check(*store);
    store.reset();
    auto reopened = open_store(db);
    EXPECT_EQ(reopened->migrate().applied, 0);
    check(*reopened);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreOnDevnet, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& p) { return p.param == Backend::kSqlite ? "Sqlite" : "Postgres"; });

}  // namespace
}  // namespace tokensync::store
