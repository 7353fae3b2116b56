#include "modules/registry.hpp"

#include <gtest/gtest.h>

#include "core/abi/parse.hpp"
#include "modules/erc1155.hpp"
#include "modules/erc721.hpp"
#include "modules/test_logs.hpp"
#include "modules/token_registry.hpp"

namespace tokensync::modules {
namespace {

using core::Address;
using namespace test_logs;

const core::abi::Event kBatchMinted = event(
    "event BatchMinted(address indexed minter, address indexed promptAuthor, uint256 indexed startTokenId, "
    "uint256 quantity)");
const core::abi::Event kTransfer =
    event("event Transfer(address indexed from, address indexed to, uint256 indexed tokenId)");

TEST(Registry, EachConfiguredKindHasItsModule) {
    EXPECT_EQ(make_module(infra::Module::kTokenRegistry)->name(), "token_registry");
    EXPECT_EQ(make_module(infra::Module::kErc721)->name(), "erc721");
    EXPECT_EQ(make_module(infra::Module::kErc1155)->name(), "erc1155");
    EXPECT_EQ(make_module(infra::Module::kEvents)->name(), "events");
    // The names are the config's own spellings.
    for (auto kind :
         {infra::Module::kTokenRegistry, infra::Module::kErc721, infra::Module::kErc1155, infra::Module::kEvents}) {
        EXPECT_EQ(make_module(kind)->name(), infra::to_string(kind));
    }
}

TEST(Registry, ModuleSetRunsEveryModuleOnALog) {
    const EventDecoder decoder({kBatchMinted, kTransfer});
    const infra::Module kinds[] = {infra::Module::kTokenRegistry, infra::Module::kErc721, infra::Module::kEvents};
    const ModuleSet set(kinds);
    EXPECT_EQ(set.size(), 3u);
    const MemoryView view({}, "0xdefault");
    store::ChangeSet out;
    ASSERT_TRUE(set.handle(decoded(decoder, raw_log(kBatchMinted, {v(address(2)), v(address(3)), v(1), v(2)}, 5, 0)),
                           view, out));
    ASSERT_TRUE(set.handle(decoded(decoder, raw_log(kTransfer, {v(Address{}), v(address(2)), v(1)}, 5, 1)), view, out));
    EXPECT_EQ(out.mint_events.size(), 1u);
    EXPECT_EQ(out.tokens.size(), 2u);
    EXPECT_EQ(out.transfers.size(), 1u);
    EXPECT_EQ(out.events.size(), 2u);
    EXPECT_EQ(out.tokens[0].author, "0xdefault");
}

TEST(Registry, AFailingModuleLeavesNothingOfTheLog) {
    const EventDecoder decoder({kBatchMinted});
    // events first, so its row is already appended when token_registry fails.
    const infra::Module kinds[] = {infra::Module::kEvents, infra::Module::kTokenRegistry};
    const ModuleSet set(kinds);
    const MemoryView view;
    store::ChangeSet out;
    out.cursors.push_back({address(1), 4, {}});  // what the caller had before stays
    auto hostile = decoded(decoder, raw_log(kBatchMinted, {v(address(2)), v(address(3)), v(1), v(0)}));
    auto r = set.handle(hostile, view, out);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), ModuleError::kBadQuantity);
    EXPECT_TRUE(out.events.empty());
    EXPECT_TRUE(out.tokens.empty());
    EXPECT_EQ(out.cursors.size(), 1u);
}

}  // namespace
}  // namespace tokensync::modules

namespace tokensync::modules {
namespace {

TEST(Registry, StandardEventsHaveTheSignaturesTheModulesHandle) {
    auto signatures = [](infra::Module kind) {
        std::vector<std::string> out;
        for (const auto& e : standard_events(kind))
            out.push_back(e.signature());
        return out;
    };
    EXPECT_EQ(signatures(infra::Module::kErc721), std::vector<std::string>{std::string(Erc721::kTransfer)});
    EXPECT_EQ(signatures(infra::Module::kTokenRegistry),
              std::vector<std::string>{std::string(TokenRegistry::kBatchMinted)});
    EXPECT_EQ(signatures(infra::Module::kErc1155),
              (std::vector<std::string>{std::string(Erc1155::kTransferSingle),
                                        "TransferBatch(address,address,address,uint256[],uint256[])"}));
    EXPECT_TRUE(standard_events(infra::Module::kEvents).empty());
    // Transfer(address,address,uint256) with three indexed arguments: ERC-721's shape.
    EXPECT_EQ(standard_events(infra::Module::kErc721)[0].indexed_count(), 3U);
}

TEST(Registry, DecoderEventsAddOnlyWhatTheConfigLacks) {
    infra::ContractConfig contract;
    contract.modules = {infra::Module::kErc721, infra::Module::kTokenRegistry};
    EXPECT_EQ(decoder_events(contract).size(), 2U);
    // A configured ERC-721 Transfer is kept as given (its argument names win).
    contract.abi_events.push_back(
        core::abi::parse_event("Transfer(address indexed a, address indexed b, uint256 indexed c)").value());
    const auto events = decoder_events(contract);
    ASSERT_EQ(events.size(), 2U);
    EXPECT_EQ(events[0].inputs[0].name, "a");
    EXPECT_EQ(events[1].signature(), std::string(TokenRegistry::kBatchMinted));
    // An ERC-20 Transfer (two indexed) does not stand in for ERC-721's.
    contract.abi_events = {core::abi::parse_event("Transfer(address indexed a, address indexed b, uint256 v)").value()};
    EXPECT_EQ(decoder_events(contract).size(), 3U);
}

}  // namespace
}  // namespace tokensync::modules
