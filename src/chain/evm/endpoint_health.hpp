#pragma once

#include <chrono>
#include <cstddef>
#include <vector>

namespace tokensync::chain::evm {

// The health of each URL of a chain, to choose where the next request goes.
// A failure adds 1 to a URL's score and puts it in cool-down; a success
// halves the score. The next request goes to the lowest score among the URLs
// not cooling down (the first-listed on ties, so configuration order is the
// preference); when all are cooling down, to the one that is ready first.
// Pure: the caller passes the time.
class EndpointHealth {
  public:
    using Clock = std::chrono::steady_clock;

    EndpointHealth(std::size_t count, std::chrono::milliseconds cooldown);

    std::size_t pick(Clock::time_point now) const;
    void record_success(std::size_t index);
    // not_before: the server asked not to be called before then (Retry-After).
    void record_failure(std::size_t index, Clock::time_point now, Clock::time_point not_before = {});

    double score(std::size_t index) const { return endpoints_.at(index).score; }
    bool cooling_down(std::size_t index, Clock::time_point now) const { return now < endpoints_.at(index).ready_at; }
    Clock::time_point not_before(std::size_t index) const { return endpoints_.at(index).not_before; }
    std::size_t size() const noexcept { return endpoints_.size(); }

  private:
    struct Endpoint {
        double score = 0;
        Clock::time_point ready_at{};
        Clock::time_point not_before{};
    };
    std::chrono::milliseconds cooldown_;
    std::vector<Endpoint> endpoints_;
};

}  // namespace tokensync::chain::evm
