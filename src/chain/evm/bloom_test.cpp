// The logsBloom vector comes from anvil 1.7.1 (an independent
// implementation): the block holding the one log of a contract at
// 0x5fbdb2315678afecb367f032d93f642f64180aa3 (the first contract account 0
// deploys) whose only topic is the ERC-20/721 Transfer topic.
#include "chain/evm/bloom.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "chain/evm/log_reader.hpp"
#include "core/address.hpp"
#include "core/hash.hpp"

namespace tokensync::chain::evm {
namespace {

constexpr std::string_view kAnvilBloom =
    "0x000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000008000000000000000000000000000000000000000000000040000000"
    "00000000000000000000000000000000000000001000000000000000000000000000000000000000000000000000000000000000"
    "02000000000000000000000000000000000000000000000000000000000000000000000000000000420000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000";
constexpr std::string_view kContract = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
constexpr std::string_view kTransfer = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";

core::Address address(std::string_view hex) { return *core::Address::from_hex(hex); }
core::Hash32 hash(std::string_view hex) { return *core::Hash32::from_hex(hex); }
core::ByteView view(const core::Address& a) { return core::ByteView{a.bytes()}; }
core::ByteView view(const core::Hash32& h) { return core::ByteView{h.bytes}; }
LogFilter filter(std::vector<core::Address> addresses, std::vector<std::vector<core::Hash32>> topics = {}) {
    LogFilter f;
    f.addresses = std::move(addresses);
    f.topics = std::move(topics);
    return f;
}

TEST(LogsBloom, AnvilsBloomHoldsItsLogsAddressAndTopic) {
    const auto bloom = LogsBloom::from_hex(kAnvilBloom);
    ASSERT_TRUE(bloom);
    const auto contract = address(kContract);
    const auto transfer = hash(kTransfer);
    EXPECT_TRUE(bloom->may_contain(view(contract)));
    EXPECT_TRUE(bloom->may_contain(view(transfer)));
    EXPECT_FALSE(bloom->may_contain(view(address("0x000000000000000000000000000000000000dead"))));
    EXPECT_FALSE(bloom->may_contain(view(core::keccak256("Approval(address,address,uint256)"))));
    // The same six bits, set by this implementation.
    LogsBloom built;
    EXPECT_TRUE(built.is_zero());
    built.add(view(contract));
    built.add(view(transfer));
    EXPECT_EQ(built, *bloom);
    EXPECT_EQ(built.hex(), kAnvilBloom);
    EXPECT_FALSE(built.is_zero());
}

TEST(LogsBloom, TheEmptyBloomHoldsNothing) {
    const auto bloom = LogsBloom::from_hex("0x" + std::string(512, '0'));
    ASSERT_TRUE(bloom);
    EXPECT_TRUE(bloom->is_zero());
    EXPECT_FALSE(bloom->may_contain(view(address(kContract))));
    const auto full = LogsBloom::from_hex(std::string(512, 'f'));
    ASSERT_TRUE(full);
    EXPECT_TRUE(full->may_contain(view(address(kContract))));
}

TEST(LogsBloom, RejectsTheWrongLengthAndNonHex) {
    EXPECT_EQ(LogsBloom::from_hex("0x" + std::string(510, '0')).error(), core::HexError::kWrongLength);
    EXPECT_EQ(LogsBloom::from_hex("0x" + std::string(514, '0')).error(), core::HexError::kWrongLength);
    EXPECT_EQ(LogsBloom::from_hex("0x" + std::string(511, '0') + "g").error(), core::HexError::kInvalidChar);
    EXPECT_EQ(LogsBloom::from_hex("0x" + std::string(511, '0')).error(), core::HexError::kOddLength);
}

TEST(LogsBloom, AFilterMatchesWhenAnAddressAndEveryTopicPositionMay) {
    const auto bloom = *LogsBloom::from_hex(kAnvilBloom);
    const auto contract = address(kContract);
    const auto other = address("0x000000000000000000000000000000000000dead");
    const auto transfer = hash(kTransfer);
    const auto approval = core::keccak256("Approval(address,address,uint256)");
    EXPECT_TRUE(may_match(bloom, filter({contract})));
    EXPECT_TRUE(may_match(bloom, filter({other, contract})));
    EXPECT_FALSE(may_match(bloom, filter({other})));
    EXPECT_TRUE(may_match(bloom, filter({})));  // any contract, any topic
    const auto either = filter({contract}, {{approval, transfer}});
    const auto only_approval = filter({contract}, {{approval}});
    const auto then_any = filter({contract}, {{transfer}, {}});
    const auto then_approval = filter({contract}, {{transfer}, {approval}});
    EXPECT_TRUE(may_match(bloom, either));
    EXPECT_FALSE(may_match(bloom, only_approval));
    EXPECT_TRUE(may_match(bloom, then_any));
    EXPECT_FALSE(may_match(bloom, then_approval));
    EXPECT_FALSE(may_match(LogsBloom{}, filter({})));  // a block without logs
}

}  // namespace
}  // namespace tokensync::chain::evm
