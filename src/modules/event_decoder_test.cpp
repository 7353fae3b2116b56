#include "modules/event_decoder.hpp"

#include <set>

#include <gtest/gtest.h>

#include "modules/test_logs.hpp"

namespace tokensync::modules {
namespace {

using namespace test_logs;

const core::abi::Event kNft =
    event("event Transfer(address indexed from, address indexed to, uint256 indexed tokenId)");
const core::abi::Event kFungible = event("event Transfer(address indexed from, address indexed to, uint256 value)");
const core::abi::Event kAnonymous = event("event Ping(uint256 n) anonymous");

TEST(EventDecoder, SharedTopic0IsToldApartByTopicCount) {
    const EventDecoder decoder({kNft, kFungible});
    auto nft = decoder.decode(raw_log(kNft, {v(address(1)), v(address(2)), v(7)}), 100, "c");
    ASSERT_TRUE(nft);
    EXPECT_EQ(nft->event, &decoder.events()[0]);
    EXPECT_EQ(nft->args.at(2), v(7));
    EXPECT_EQ(nft->block_timestamp, 100);
    EXPECT_EQ(nft->contract_name, "c");

    auto fungible = decoder.decode(raw_log(kFungible, {v(address(1)), v(address(2)), v(7)}), 100, "c");
    ASSERT_TRUE(fungible);
    EXPECT_EQ(fungible->event, &decoder.events()[1]);
}

TEST(EventDecoder, UnknownAndUndecodableLogsAreTypedErrors) {
    const EventDecoder only_nft({kNft, kAnonymous});
    // An ERC-20 log where only the ERC-721 shape is configured.
    auto fungible = only_nft.decode(raw_log(kFungible, {v(address(1)), v(address(2)), v(7)}), 0, "c");
    ASSERT_FALSE(fungible);
    EXPECT_EQ(fungible.error(), ModuleError::kUndecodable);

    // An address topic with dirty high bytes.
    store::RawEvent dirty = raw_log(kNft, {v(address(1)), v(address(2)), v(7)});
    dirty.topics[1].bytes[0] = 1;
    EXPECT_EQ(only_nft.decode(dirty, 0, "c").error(), ModuleError::kUndecodable);

    store::RawEvent other = raw_log(event("event Other(uint256 n)"), {v(1)});
    EXPECT_EQ(only_nft.decode(other, 0, "c").error(), ModuleError::kUnknownEvent);

    // Anonymous events carry no topic0 and are never matched.
    store::RawEvent ping;
    ping.data = raw_log(kAnonymous, {v(1)}).data;
    EXPECT_EQ(only_nft.decode(ping, 0, "c").error(), ModuleError::kUnknownEvent);
    ping.topics = {kAnonymous.topic0()};
    EXPECT_EQ(only_nft.decode(ping, 0, "c").error(), ModuleError::kUnknownEvent);
}

TEST(EventDecoder, TruncatedDataIsUndecodable) {
    const EventDecoder decoder({kFungible});
    store::RawEvent raw = raw_log(kFungible, {v(address(1)), v(address(2)), v(7)});
    raw.data.resize(31);
    EXPECT_EQ(decoder.decode(raw, 0, "c").error(), ModuleError::kUndecodable);
}

TEST(ModuleError, EveryValueHasItsOwnMessage) {
    const ModuleError all[] = {ModuleError::kUnknownEvent,  ModuleError::kUndecodable, ModuleError::kNoEvent,
                               ModuleError::kBadArguments,  ModuleError::kBadQuantity, ModuleError::kTokenIdOverflow,
                               ModuleError::kLengthMismatch};
    std::set<std::string_view> seen;
    for (ModuleError e : all) {
        EXPECT_FALSE(to_string(e).empty());
        EXPECT_TRUE(seen.insert(to_string(e)).second) << to_string(e);
    }
    EXPECT_EQ(to_string(static_cast<ModuleError>(99)), "unknown module error");
}

}  // namespace
}  // namespace tokensync::modules
