#include "modules/registry.hpp"

#include <gtest/gtest.h>

#include "modules/test_logs.hpp"

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
