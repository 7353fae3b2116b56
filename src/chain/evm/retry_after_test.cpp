#include "chain/evm/retry_after.hpp"

#include <gtest/gtest.h>

namespace tokensync::chain::evm {
namespace {

using namespace std::chrono;

// 1994-11-06 08:49:37 UTC, the RFC's example date.
const system_clock::time_point kExample = sys_days{year{1994} / November / 6} + 8h + 49min + 37s;

TEST(RetryAfter, Seconds) {
    EXPECT_EQ(parse_retry_after("120", kExample), milliseconds{120'000});
    EXPECT_EQ(parse_retry_after(" 0 ", kExample), milliseconds{0});
}

TEST(RetryAfter, HttpDate) {
    EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:40 GMT", kExample), milliseconds{3'000});
    EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", kExample + 500ms), milliseconds{0});  // past
    EXPECT_EQ(parse_retry_after("Mon, 07 Nov 1994 08:49:37 GMT", kExample), milliseconds{86'400'000});
    // Beyond the range of nanosecond clocks (year 2262), still no overflow.
    const auto far = parse_retry_after("Fri, 31 Dec 2999 23:59:59 GMT", kExample);
    ASSERT_TRUE(far);
    EXPECT_GT(*far, milliseconds{0});
}

TEST(RetryAfter, Garbage) {
    EXPECT_EQ(parse_retry_after("", kExample), std::nullopt);
    EXPECT_EQ(parse_retry_after("-5", kExample), std::nullopt);
    EXPECT_EQ(parse_retry_after("1.5", kExample), std::nullopt);
    EXPECT_EQ(parse_retry_after("soon", kExample), std::nullopt);
    EXPECT_EQ(parse_retry_after("9999999999", kExample), std::nullopt);
    EXPECT_EQ(parse_retry_after("Sun, 06 Xyz 1994 08:49:37 GMT", kExample), std::nullopt);
    EXPECT_EQ(parse_retry_after("Sun, 31 Nov 1994 08:49:37 GMT", kExample), std::nullopt);
    EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 UTC", kExample), std::nullopt);
}

}  // namespace
}  // namespace tokensync::chain::evm
