#include "infra/backoff.hpp"

#include <gtest/gtest.h>

namespace tokensync::infra {
namespace {

using std::chrono::milliseconds;

TEST(BackoffPolicy, CeilingDoublesUpToTheMaximum) {
    const BackoffPolicy policy{milliseconds{100}, milliseconds{1'000}, 10};
    EXPECT_EQ(policy.ceiling(0), milliseconds{0});
    EXPECT_EQ(policy.ceiling(1), milliseconds{100});
    EXPECT_EQ(policy.ceiling(2), milliseconds{200});
    EXPECT_EQ(policy.ceiling(3), milliseconds{400});
    EXPECT_EQ(policy.ceiling(4), milliseconds{800});
    EXPECT_EQ(policy.ceiling(5), milliseconds{1'000});
    EXPECT_EQ(policy.ceiling(4'000'000'000u), milliseconds{1'000});  // no overflow
}

TEST(BackoffPolicy, FullJitterScalesTheCeiling) {
    const BackoffPolicy policy{milliseconds{100}, milliseconds{1'000}, 10};
    EXPECT_EQ(policy.delay(3, 0.0), milliseconds{0});
    EXPECT_EQ(policy.delay(3, 0.5), milliseconds{200});
    EXPECT_EQ(policy.delay(3, 0.25), milliseconds{100});
    EXPECT_EQ(policy.delay(9, 0.999), milliseconds{999});
    EXPECT_EQ(policy.delay(2, 7.0), milliseconds{200});  // draws outside [0,1] are clamped
    EXPECT_EQ(policy.delay(2, -1.0), milliseconds{0});
}

TEST(BackoffPolicy, MaxAttemptsCountsEveryTry) {
    const BackoffPolicy policy{milliseconds{1}, milliseconds{2}, 3};
    EXPECT_TRUE(policy.may_retry(1));
    EXPECT_TRUE(policy.may_retry(2));
    EXPECT_FALSE(policy.may_retry(3));
}

TEST(Backoff, SameSeedSameDelaysAndWithinTheCeiling) {
    const BackoffPolicy policy{milliseconds{50}, milliseconds{400}, 10};
    Backoff a(policy, 42);
    Backoff b(policy, 42);
    bool any_nonzero = false;
    for (unsigned n = 1; n <= 8; ++n) {
        const auto da = a.next_delay(n);
        EXPECT_EQ(da, b.next_delay(n));
        EXPECT_GE(da.count(), 0);
        EXPECT_LE(da, policy.ceiling(n));
        any_nonzero = any_nonzero || da.count() > 0;
    }
    EXPECT_TRUE(any_nonzero);
}

}  // namespace
}  // namespace tokensync::infra
