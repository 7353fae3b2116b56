#include "infra/backoff.hpp"

#include <algorithm>

namespace tokensync::infra {

std::chrono::milliseconds BackoffPolicy::ceiling(unsigned failures) const noexcept {
    if (failures == 0) return std::chrono::milliseconds{0};
    const auto cap = std::max<std::int64_t>(0, max_delay.count());
    std::int64_t value = std::max<std::int64_t>(0, base_delay.count());
    // Doubling stops once the cap is reached, so the shift never overflows.
    for (unsigned i = 1; i < failures && value < cap; ++i)
        value *= 2;
    return std::chrono::milliseconds{std::min(value, cap)};
}

std::chrono::milliseconds BackoffPolicy::delay(unsigned failures, double unit_draw) const noexcept {
    const double draw = std::clamp(unit_draw, 0.0, 1.0);
    const auto top = ceiling(failures).count();
    const auto value = static_cast<std::int64_t>(draw * static_cast<double>(top));
    return std::chrono::milliseconds{std::min(value, top)};
}

Backoff::Backoff(BackoffPolicy policy) : policy_(policy), rng_(std::random_device{}()) {}

Backoff::Backoff(BackoffPolicy policy, uint64_t seed) : policy_(policy), rng_(seed) {}

std::chrono::milliseconds Backoff::next_delay(unsigned failures) {
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    return policy_.delay(failures, unit(rng_));
}

}  // namespace tokensync::infra
