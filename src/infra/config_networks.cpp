// Alchemy network names (the NETWORK variable backends already set, e.g.
// BASE_SEPOLIA) and what they stand for: the chain id, and the host of
// Alchemy's JSON-RPC endpoint, https://<host>/v2/<api key>. Kept as an
// explicit table so a typo is an error with a suggestion, not a wrong URL.
#include <array>

#include "infra/config_sections.hpp"

namespace tokensync::infra {
namespace {

constexpr std::array<AlchemyNetwork, 10> kNetworks{{
    {"ETH_MAINNET", 1, "eth-mainnet.g.alchemy.com"},
    {"ETH_SEPOLIA", 11'155'111, "eth-sepolia.g.alchemy.com"},
    {"BASE_MAINNET", 8'453, "base-mainnet.g.alchemy.com"},
    {"BASE_SEPOLIA", 84'532, "base-sepolia.g.alchemy.com"},
    {"OPT_MAINNET", 10, "opt-mainnet.g.alchemy.com"},
    {"OPT_SEPOLIA", 11'155'420, "opt-sepolia.g.alchemy.com"},
    {"ARB_MAINNET", 42'161, "arb-mainnet.g.alchemy.com"},
    {"ARB_SEPOLIA", 421'614, "arb-sepolia.g.alchemy.com"},
    {"MATIC_MAINNET", 137, "polygon-mainnet.g.alchemy.com"},
    {"MATIC_AMOY", 80'002, "polygon-amoy.g.alchemy.com"},
}};

}  // namespace

std::span<const AlchemyNetwork> alchemy_networks() noexcept { return kNetworks; }

const AlchemyNetwork* find_alchemy_network(std::string_view name) noexcept {
    for (const auto& n : kNetworks) {
        if (n.name == name) return &n;
    }
    return nullptr;
}

}  // namespace tokensync::infra
