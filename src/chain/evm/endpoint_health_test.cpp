#include "chain/evm/endpoint_health.hpp"

#include <gtest/gtest.h>

namespace tokensync::chain::evm {
namespace {

using namespace std::chrono_literals;
using Clock = EndpointHealth::Clock;

TEST(EndpointHealth, PrefersConfigurationOrderWhenAllAreHealthy) {
    EndpointHealth health(3, 1s);
    EXPECT_EQ(health.pick(Clock::time_point{} + 10s), 0u);
}

TEST(EndpointHealth, AFailedUrlCoolsDownAndIsTriedAgainAfterwards) {
    EndpointHealth health(2, 1s);
    const auto t0 = Clock::time_point{} + 100s;
    health.record_failure(0, t0);
    EXPECT_TRUE(health.cooling_down(0, t0 + 500ms));
    EXPECT_EQ(health.pick(t0 + 500ms), 1u);
    // Back from cool-down, but its score is still worse than the healthy one's.
    EXPECT_EQ(health.pick(t0 + 2s), 1u);
    health.record_failure(1, t0 + 2s);
    health.record_failure(1, t0 + 2s);
    EXPECT_EQ(health.pick(t0 + 4s), 0u);
}

TEST(EndpointHealth, SuccessLowersTheScore) {
    EndpointHealth health(2, 1s);
    const auto t0 = Clock::time_point{} + 100s;
    health.record_failure(0, t0);
    health.record_failure(0, t0);
    EXPECT_DOUBLE_EQ(health.score(0), 2.0);
    health.record_success(0);
    EXPECT_DOUBLE_EQ(health.score(0), 1.0);
    EXPECT_FALSE(health.cooling_down(0, t0));
    health.record_success(0);
    health.record_success(0);
    EXPECT_DOUBLE_EQ(health.score(0), 0.25);
}

TEST(EndpointHealth, WhenAllCoolDownTheFirstReadyIsPicked) {
    EndpointHealth health(2, 1s);
    const auto t0 = Clock::time_point{} + 100s;
    health.record_failure(0, t0, t0 + 30s);  // Retry-After: 30
    health.record_failure(1, t0);
    EXPECT_EQ(health.pick(t0), 1u);
    EXPECT_EQ(health.not_before(0), t0 + 30s);
    EXPECT_TRUE(health.cooling_down(0, t0 + 29s));
}

TEST(EndpointHealth, NeedsAnEndpoint) { EXPECT_THROW(EndpointHealth(0, 1s), std::invalid_argument); }

}  // namespace
}  // namespace tokensync::chain::evm
