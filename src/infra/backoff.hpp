#pragma once

#include <chrono>
#include <cstdint>
#include <random>

namespace tokensync::infra {

// Exponential back-off with "full jitter": the wait before retry n is drawn
// uniformly from [0, min(max_delay, base_delay * 2^n)]. Spreading the waits
// over the whole interval keeps many clients that failed together from
// retrying together. Pure: randomness comes from a caller-supplied draw.
struct BackoffPolicy {
    std::chrono::milliseconds base_delay{250};
    std::chrono::milliseconds max_delay{10'000};
    unsigned max_attempts = 5;  // tries in total, the first one included

    // The ceiling of the wait after `failures` failed tries (1 = after the
    // first failure): base_delay * 2^(failures-1), capped at max_delay.
    std::chrono::milliseconds ceiling(unsigned failures) const noexcept;
    // unit_draw in [0, 1): the fraction of the ceiling to wait.
    std::chrono::milliseconds delay(unsigned failures, double unit_draw) const noexcept;
    // True while another try is allowed after `failures` failed tries.
    bool may_retry(unsigned failures) const noexcept { return failures < max_attempts; }
};

// A policy and its random source. Seed it for deterministic tests; the
// default seed comes from std::random_device.
class Backoff {
  public:
    explicit Backoff(BackoffPolicy policy);
    Backoff(BackoffPolicy policy, uint64_t seed);

    const BackoffPolicy& policy() const noexcept { return policy_; }
    std::chrono::milliseconds next_delay(unsigned failures);

  private:
    BackoffPolicy policy_;
    std::mt19937_64 rng_;
};

}  // namespace tokensync::infra
