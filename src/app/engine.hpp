#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chain/evm/head_tracker.hpp"
#include "chain/evm/rpc_client.hpp"
#include "infra/config.hpp"
#include "sync/follower.hpp"
#include "sync/range_ingest.hpp"

// The engine's parts as the config describes them.
namespace tokensync::app {

sync::ChainTarget chain_target(const infra::ChainConfig& chain);
sync::IngestOptions ingest_options(const infra::SyncConfig& sync);
sync::FollowOptions follow_options(const infra::Config& config, const infra::ChainConfig& chain);
std::vector<sync::ContractStart> contract_starts(const infra::Config& config, const infra::ChainConfig& chain);

// The chain named `name`, or the only chain with contracts when `name` is
// empty. Throws ConfigError naming the choices otherwise.
const infra::ChainConfig& pick_chain(const infra::Config& config, std::string_view name);

// Chains that have at least one contract, in config order.
std::vector<const infra::ChainConfig*> followed_chains(const infra::Config& config);

// The key of a chain's lease, the session advisory lock held by whoever
// follows the chain (docs/service.md, "Running two instances"): "tsl" in
// the top bytes keeps it apart from the store's write lock and from other
// applications' keys; the chain id fills the low 40 bits.
int64_t lease_key(uint64_t chain_id);

// Asks the node for its chain id and throws a clear error when it differs
// from the config's (a URL of the wrong network is a common mistake).
void check_chain_id(chain::evm::RpcClient& client, const infra::ChainConfig& chain);

// Starts a head tracker for the chain: its WebSocket (newHeads) when `ws`
// is configured, polling every poll_interval_ms otherwise and while the
// socket is down.
std::shared_ptr<chain::evm::HeadTracker> make_head_tracker(const infra::ChainConfig& chain);
// Waits for new heads from a tracker (also a new head at the same height).
sync::HeadWaiter tracker_head_waiter(const std::shared_ptr<chain::evm::HeadTracker>& tracker);

}  // namespace tokensync::app
