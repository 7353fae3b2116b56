#include "chain/evm/endpoint_health.hpp"

#include <algorithm>
#include <stdexcept>

namespace tokensync::chain::evm {

EndpointHealth::EndpointHealth(std::size_t count, std::chrono::milliseconds cooldown)
    : cooldown_(cooldown), endpoints_(count) {
    if (count == 0) throw std::invalid_argument("EndpointHealth needs at least one endpoint");
}

std::size_t EndpointHealth::pick(Clock::time_point now) const {
    std::size_t best = endpoints_.size();
    for (std::size_t i = 0; i < endpoints_.size(); ++i) {
        if (cooling_down(i, now)) continue;
        if (best == endpoints_.size() || endpoints_[i].score < endpoints_[best].score) best = i;
    }
    if (best != endpoints_.size()) return best;
    best = 0;
    for (std::size_t i = 1; i < endpoints_.size(); ++i) {
        const auto ready = std::max(endpoints_[i].ready_at, endpoints_[i].not_before);
        if (ready < std::max(endpoints_[best].ready_at, endpoints_[best].not_before)) best = i;
    }
    return best;
}

void EndpointHealth::record_success(std::size_t index) {
    auto& e = endpoints_.at(index);
    e.score /= 2;
    if (e.score < 0.01) e.score = 0;
    e.ready_at = {};
    e.not_before = {};
}

void EndpointHealth::record_failure(std::size_t index, Clock::time_point now, Clock::time_point not_before) {
    auto& e = endpoints_.at(index);
    e.score += 1;
    e.not_before = not_before;
    e.ready_at = std::max(now + cooldown_, not_before);
}

}  // namespace tokensync::chain::evm
