#include "chain/evm/range_planner.hpp"

#include <gtest/gtest.h>

namespace tokensync::chain::evm {
namespace {

using Kind = RangeAdvice::Kind;

RangeAdvice range(uint64_t from, uint64_t to) { return RangeAdvice{Kind::kRange, from, to, 0}; }
RangeAdvice cap(uint64_t n) { return RangeAdvice{Kind::kCap, 0, 0, n}; }
RangeAdvice halve() { return RangeAdvice{}; }

TEST(ParseRangeError, AlchemyFreeTierHint) {
    EXPECT_EQ(parse_range_error("Under the Free tier plan, you can make eth_getLogs requests with up to a 10 block "
                                "range. Based on your parameters, this block range should work: [0x1f4, 0x1fd]. "
                                "Upgrade to PAYG for expanded block range."),
              range(0x1f4, 0x1fd));
}

TEST(ParseRangeError, AlchemyResponseSizeHint) {
    EXPECT_EQ(parse_range_error("Log response size exceeded. You can make eth_getLogs requests with up to a 2K block "
                                "range and no limit on the response size, or you can request any block range with a "
                                "cap of 10K logs in the response. Based on your parameters and the response size "
                                "limit, this block range should work: [0x0, 0xd043b8]"),
              range(0, 0xd043b8));
}

TEST(ParseRangeError, InfuraHint) {
    EXPECT_EQ(parse_range_error("query returned more than 10000 results. Try with this block range [0xBDE5F8, "
                                "0x102DBCC]."),
              range(0xBDE5F8, 0x102DBCC));
}

TEST(ParseRangeError, RetryWithTheRange) {
    EXPECT_EQ(parse_range_error("query exceeds max results 20000, retry with the range 16000000-16000450"),
              range(16000000, 16000450));
}

TEST(ParseRangeError, NumericCaps) {
    EXPECT_EQ(parse_range_error("eth_getLogs is limited to a 10,000 range"), cap(10000));
    EXPECT_EQ(parse_range_error("eth_getLogs and eth_newFilter are limited to 5,000 blocks"), cap(5000));
    EXPECT_EQ(parse_range_error("Invalid eth_getLogs request. range too large. Max range: 800"), cap(800));
    EXPECT_EQ(parse_range_error("query exceeds max block range 2000"), cap(2000));
    EXPECT_EQ(parse_range_error("Maximum allowed number of requested blocks is 3500"), cap(3500));
}

TEST(ParseRangeError, HalveWhenNoNumberHelps) {
    EXPECT_EQ(parse_range_error("block range is too wide"), halve());
    EXPECT_EQ(parse_range_error("query returned more than 10000 results"), halve());
    EXPECT_EQ(parse_range_error("logs matched by query exceeds limit of 10000"), halve());
    // A malformed hint is not trusted, but the error is still about the range.
    EXPECT_EQ(parse_range_error("query returned more than 10000 results. Try with this block range [0x10, 0x5]."),
              halve());
}

TEST(ParseRangeError, OtherErrorsAreNotRangeErrors) {
    EXPECT_EQ(parse_range_error("invalid argument 0: hex string without 0x prefix"), std::nullopt);
    EXPECT_EQ(parse_range_error("execution reverted"), std::nullopt);
    EXPECT_EQ(parse_range_error("rate limit exceeded"), std::nullopt);
    EXPECT_EQ(parse_range_error("Too many requests"), std::nullopt);
}

TEST(RangePlanner, StartsAtTheMaximumAndStopsAtTo) {
    RangePlanner planner({.max_span = 100, .grow_after = 2});
    EXPECT_EQ(planner.next_to(0, 1000), 99u);
    EXPECT_EQ(planner.next_to(950, 1000), 1000u);
    EXPECT_EQ(planner.next_to(UINT64_MAX - 5, UINT64_MAX), UINT64_MAX);
}

TEST(RangePlanner, FollowsTheProviderHint) {
    RangePlanner planner({.max_span = 1000, .grow_after = 2});
    ASSERT_TRUE(planner.on_too_large(500, 1499, range(500, 509)));
    EXPECT_EQ(planner.span(), 10u);
    EXPECT_EQ(planner.next_to(500, 1499), 509u);
}

TEST(RangePlanner, CapIsHardHintAndHalvingAreSoft) {
    RangePlanner planner({.max_span = 1000, .grow_after = 2});
    ASSERT_TRUE(planner.on_too_large(0, 999, cap(300)));
    EXPECT_EQ(planner.span(), 300u);
    EXPECT_EQ(planner.hard_cap(), 300u);
    ASSERT_TRUE(planner.on_too_large(0, 299, halve()));
    EXPECT_EQ(planner.span(), 150u);
    for (int i = 0; i < 10; ++i)
        planner.on_success();
    EXPECT_EQ(planner.span(), 300u);  // grew back to the cap, not beyond
}

TEST(RangePlanner, GrowsBackAfterSuccessesUpToTheMaximum) {
    RangePlanner planner({.max_span = 64, .grow_after = 3});
    ASSERT_TRUE(planner.on_too_large(0, 63, halve()));
    ASSERT_TRUE(planner.on_too_large(0, 31, halve()));
    EXPECT_EQ(planner.span(), 16u);
    planner.on_success();
    planner.on_success();
    EXPECT_EQ(planner.span(), 16u);
    planner.on_success();
    EXPECT_EQ(planner.span(), 32u);
    for (int i = 0; i < 3; ++i)
        planner.on_success();
    EXPECT_EQ(planner.span(), 64u);
    for (int i = 0; i < 3; ++i)
        planner.on_success();
    EXPECT_EQ(planner.span(), 64u);
}

TEST(RangePlanner, AnErrorResetsTheSuccessStreak) {
    RangePlanner planner({.max_span = 64, .grow_after = 2});
    ASSERT_TRUE(planner.on_too_large(0, 63, halve()));
    planner.on_success();
    ASSERT_TRUE(planner.on_too_large(0, 31, halve()));
    planner.on_success();
    EXPECT_EQ(planner.span(), 16u);
}

TEST(RangePlanner, AHintThatDoesNotShrinkIsHalved) {
    RangePlanner planner({.max_span = 100, .grow_after = 2});
    ASSERT_TRUE(planner.on_too_large(0, 9, range(0, 50)));
    EXPECT_EQ(planner.span(), 5u);
    ASSERT_TRUE(planner.on_too_large(0, 4, cap(10)));
    EXPECT_EQ(planner.span(), 2u);
}

TEST(RangePlanner, ASingleBlockCannotBeSplit) {
    RangePlanner planner({.max_span = 2, .grow_after = 2});
    ASSERT_TRUE(planner.on_too_large(7, 8, halve()));
    EXPECT_EQ(planner.span(), 1u);
    EXPECT_FALSE(planner.on_too_large(7, 7, halve()));
}

}  // namespace
}  // namespace tokensync::chain::evm
