// The modules on real chain data: mints, transfers and burns made on an anvil
// node with the test contracts, decoded with the contracts' compiled ABIs,
// handled by the modules and applied to each back-end. The store then agrees
// with the contracts' own ownerOf, tokenPromptAuthor and balanceOf, a replay
// adds nothing, and a rollback followed by a re-apply ends in the same state.
#include <cctype>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/abi/artifact.hpp"
#include "core/hex.hpp"
#include "modules/event_decoder.hpp"
#include "modules/registry.hpp"
#include "store/store.hpp"
#include "test_util/abi_call.hpp"
#include "test_util/devnet.hpp"
#include "test_util/shared_postgres.hpp"
#include "test_util/temp_dir.hpp"

namespace tokensync::modules {
namespace {

namespace json = boost::json;
using core::Address;
using core::Hash32;
using core::Uint256;
using test_util::calldata;
using test_util::dev_address;
using test_util::Devnet;

enum class Backend { kSqlite, kPostgres };

const std::string kDefaultAuthor = "0x0000000000000000000000000000000000000001";

Hash32 hash_of(const json::value& v) { return Hash32::from_hex(v.as_string()).value(); }
Address address_of(const json::value& v) { return Address::from_hex_lenient(v.as_string()).value(); }

std::vector<core::abi::Event> artifact_events(std::string_view name) {
    std::ifstream in(Devnet::artifact_path(name));
    std::stringstream text;
    text << in.rdbuf();
    auto abi = core::abi::parse_abi_json(text.str());
    if (!abi) throw std::runtime_error(fmt::format("{}: {}", name, core::abi::to_string(abi.error())));
    return abi->events;
}

// One followed contract: its decoder and modules, as the engine would hold them.
struct Followed {
    Address address;
    EventDecoder decoder;
    ModuleSet modules;
    uint64_t decoded = 0;  // logs that matched an event of the ABI
};

// The batch an indexer would write for the whole chain so far.
store::ChangeSet index_chain(Devnet& devnet, std::vector<Followed>& followed, const View& view) {
    store::ChangeSet cs;
    cs.chain_id = devnet.chain_id();
    const uint64_t head = devnet.block_number();
    for (uint64_t n = 0; n <= head; ++n) {
        const json::value b = devnet.rpc("eth_getBlockByNumber", {fmt::format("0x{:x}", n), false});
        cs.blocks.push_back({.number = n,
                             .hash = hash_of(b.at("hash")),
                             .parent_hash = hash_of(b.at("parentHash")),
                             .timestamp = static_cast<int64_t>(test_util::parse_quantity(b.at("timestamp")))});
    }
    for (Followed& f : followed)
        f.decoded = 0;
    for (const json::value& v : devnet.get_logs({{"fromBlock", "0x0"}, {"toBlock", fmt::format("0x{:x}", head)}})) {
        const json::object& log = v.as_object();
        store::RawEvent raw;
        raw.tx_hash = hash_of(log.at("transactionHash"));
        raw.log_index = test_util::parse_quantity(log.at("logIndex"));
        raw.block_number = test_util::parse_quantity(log.at("blockNumber"));
        raw.block_hash = hash_of(log.at("blockHash"));
        raw.contract = address_of(log.at("address"));
        for (const json::value& t : log.at("topics").as_array())
            raw.topics.push_back(hash_of(t));
        raw.data = core::from_hex(log.at("data").as_string()).value();
        cs.raw_events.push_back(raw);
        for (Followed& f : followed) {
            if (f.address != raw.contract) continue;
            auto decoded = f.decoder.decode(raw, cs.blocks.at(raw.block_number).timestamp, "test");
            if (!decoded) {
                // Deployment-time events of the ABI all decode; nothing else may fail.
                ADD_FAILURE() << "log " << raw.log_index << " of " << raw.tx_hash.hex() << ": "
                              << to_string(decoded.error());
                continue;
            }
            ++f.decoded;
            auto handled = f.modules.handle(*decoded, view, cs);
            EXPECT_TRUE(handled) << decoded->event->name << ": " << to_string(handled.error());
        }
    }
    for (const Followed& f : followed)
        cs.cursors.push_back({f.address, cs.blocks.back().number, cs.blocks.back().hash});
    return cs;
}

class ModulesOnDevnet : public ::testing::TestWithParam<Backend> {
  protected:
    std::string url() {
        if (GetParam() == Backend::kPostgres) return test_util::shared_postgres_cluster().create_database();
        return "sqlite://" + (dir_ / "devnet.db").string();
    }

  private:
    test_util::TempDir dir_{"tokensync-modules-devnet"};
};

TEST_P(ModulesOnDevnet, StoredStateMatchesTheContracts) {
    Devnet devnet;
    const auto contracts = devnet.deploy_test_contracts();  // ids start at 1
    const Address nft = contracts.nft;
    const Address multi = contracts.multi_token;
    const Address alice = dev_address(1);
    const Address bob = dev_address(2);
    const Address carol = dev_address(3);
    const Address known_author = dev_address(4);
    const Address unknown_author = dev_address(5);

    // Mints for a known and an unknown author, then moves and a burn.
    devnet.send(alice, nft, calldata("batchMint(address,uint256)", {known_author.lower_hex(), "3"}));
    devnet.send(bob, nft, calldata("batchMint(address,uint256)", {unknown_author.lower_hex(), "2"}));
    devnet.send(alice, nft,
                calldata("transferFrom(address,address,uint256)", {alice.lower_hex(), carol.lower_hex(), "2"}));
    devnet.send(carol, nft,
                calldata("transferFrom(address,address,uint256)", {carol.lower_hex(), bob.lower_hex(), "2"}));
    devnet.send(alice, multi, calldata("mint(address,uint256,uint256)", {alice.lower_hex(), "1", "100"}));
    devnet.send(bob, multi, calldata("mintBatch(address,uint256[],uint256[])", {bob.lower_hex(), "[2,3]", "[5,7]"}));
    devnet.send(alice, multi,
                calldata("safeTransferFrom(address,address,uint256,uint256,bytes)",
                         {alice.lower_hex(), carol.lower_hex(), "1", "40", "0x"}));
    devnet.send(carol, multi, calldata("burn(address,uint256,uint256)", {carol.lower_hex(), "1", "15"}));
    const uint64_t before_moves = devnet.block_number();
    devnet.send(bob, multi,
                calldata("safeBatchTransferFrom(address,address,uint256[],uint256[],bytes)",
                         {bob.lower_hex(), alice.lower_hex(), "[2,3]", "[1,2]", "0x"}));
    devnet.send(bob, nft, calldata("transferFrom(address,address,uint256)", {bob.lower_hex(), alice.lower_hex(), "2"}));

    const infra::Module nft_modules[] = {infra::Module::kTokenRegistry, infra::Module::kErc721, infra::Module::kEvents};
    const infra::Module multi_modules[] = {infra::Module::kErc1155, infra::Module::kEvents};
    std::vector<Followed> followed;
    followed.push_back({nft, EventDecoder(artifact_events("PromptNFT")), ModuleSet(nft_modules)});
    followed.push_back({multi, EventDecoder(artifact_events("TestMultiToken")), ModuleSet(multi_modules)});
    // The known author is stored in upper case; the log carries the address.
    std::string upper = known_author.lower_hex();
    for (char& c : upper)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    upper[1] = 'x';
    const MemoryView view({{upper, "a prompt", 1}}, kDefaultAuthor);

    const store::ChangeSet cs = index_chain(devnet, followed, view);
    EXPECT_EQ(cs.tokens.size(), 5u);
    EXPECT_EQ(cs.mint_events.size(), 2u);
    EXPECT_EQ(cs.events.size(), followed[0].decoded + followed[1].decoded);

    const std::string db = url();
    auto store = store::open_store(db);
    store->migrate();
    store::ChangeSet with_author = cs;
    with_author.authors = {{upper, "a prompt", 1}};
    store->apply(with_author);
    EXPECT_TRUE(store->apply(with_author).nothing_new()) << "a replayed batch must change nothing";

    const uint64_t chain = devnet.chain_id();
    auto check = [&](store::Store& s) {
        // Blocks and cursors read back exactly as the node reported them.
        for (const store::Block& b : cs.blocks)
            EXPECT_EQ(s.block_hash(chain, b.number), b.hash) << "block " << b.number;
        for (const store::Cursor& c : cs.cursors)
            EXPECT_EQ(s.get_cursor(chain, c.contract), c) << "cursor of " << c.contract.checksum();
        const auto next = test_util::decode_return("function nextTokenId() view returns (uint256)",
                                                   devnet.call(nft, calldata("nextTokenId()")));
        const Uint256 end = std::get<Uint256>(next.at(0).data);
        EXPECT_EQ(s.count_tokens(chain, nft), end.low64() - 1);
        for (uint64_t id = 1; id < end.low64(); ++id) {
            const std::string sid = std::to_string(id);
            const auto owner = test_util::decode_return("function ownerOf(uint256) view returns (address)",
                                                        devnet.call(nft, calldata("ownerOf(uint256)", {sid})));
            EXPECT_EQ(s.get_owner(chain, nft, id), std::get<Address>(owner.at(0).data)) << "token " << id;
            const auto token = s.get_token(chain, nft, id);
            ASSERT_TRUE(token) << "token " << id;
            EXPECT_EQ(token->owner, std::get<Address>(owner.at(0).data)) << "token " << id;
            const auto author =
                test_util::decode_return("function tokenPromptAuthor(uint256) view returns (address)",
                                         devnet.call(nft, calldata("tokenPromptAuthor(uint256)", {sid})));
            const Address on_chain_author = std::get<Address>(author.at(0).data);
            EXPECT_EQ(token->author, on_chain_author == known_author ? upper : kDefaultAuthor) << "token " << id;
        }
        for (const Address& holder : {alice, bob, carol}) {
            for (const std::string id : {"1", "2", "3"}) {
                const auto on_chain = test_util::decode_return(
                    "function balanceOf(address,uint256) view returns (uint256)",
                    devnet.call(multi, calldata("balanceOf(address,uint256)", {holder.lower_hex(), id})));
                EXPECT_EQ(s.get_balance(chain, multi, *Uint256::from_decimal(id), holder),
                          std::get<Uint256>(on_chain.at(0).data))
                    << "holder " << holder.checksum() << " id " << id;
            }
        }
        EXPECT_EQ(s.count_events(chain, nft), followed[0].decoded);
        EXPECT_EQ(s.count_events(chain, multi), followed[1].decoded);
    };
    check(*store);

    // Undo the last moves, then index them again: the same state as before.
    const store::RollbackResult undone = store->rollback_above(chain, before_moves);
    EXPECT_EQ(undone.owners, 1u);  // token 2
    EXPECT_EQ(store->get_owner(chain, nft, 2), bob);
    EXPECT_EQ(store->get_balance(chain, multi, 3, alice), Uint256{0});
    const store::ApplyResult again = store->apply(with_author);
    EXPECT_EQ(again.transfers.inserted, 3u);  // the batch's two ids and the ERC-721 move
    store.reset();
    auto reopened = store::open_store(db);
    EXPECT_EQ(reopened->migrate().applied, 0);
    check(*reopened);
}

INSTANTIATE_TEST_SUITE_P(Backends, ModulesOnDevnet, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& p) { return p.param == Backend::kSqlite ? "Sqlite" : "Postgres"; });

}  // namespace
}  // namespace tokensync::modules
