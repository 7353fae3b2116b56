#pragma once

// Test support for the engine's devnet tests: a config for the test
// contracts on a devnet, and the check that a store holds exactly what the
// canonical chain says, computed from eth_getLogs without tokensync's
// modules (balances and owners are replayed here from the raw logs).
#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>

#include "core/address.hpp"
#include "core/hash.hpp"
#include "core/uint256.hpp"
#include "infra/config.hpp"
#include "store/store.hpp"
#include "test_util/devnet.hpp"
#include "test_util/populate.hpp"

namespace tokensync::app::testing {

enum class Backend { kSqlite, kPostgres };
// "sqlite" / "postgres", for parameterised test names.
const char* backend_name(Backend backend);
// A fresh database: a SQLite file in `dir`, or a new database on the
// binary's shared PostgreSQL cluster.
std::string fresh_database(Backend backend, const std::filesystem::path& dir);

// A devnet that does not log every request.
test_util::Devnet::Options quiet_devnet();
// The chain without its WebSocket: a head tracker made from it polls every
// `interval_ms`, as it does in production while the socket is down.
infra::ChainConfig polled(const infra::ChainConfig& chain, uint64_t interval_ms);
// populate() options for `logs` logs with `txns_per_block` transactions a block.
test_util::PopulateOptions activity(uint64_t seed, uint64_t logs, std::size_t txns_per_block);

// YAML of a config that follows the test NFT (token_registry, erc721) and
// the multi-token (erc1155) on the devnet, with their compiled ABIs.
std::string devnet_config_yaml(const test_util::Devnet& devnet, const test_util::TestContracts& contracts,
                               const std::string& database_url, const std::string& extra = "");
infra::Config devnet_config(const test_util::Devnet& devnet, const test_util::TestContracts& contracts,
                            const std::string& database_url, const std::string& extra = "");

struct ChainTruth {
    uint64_t head = 0;
    core::Hash32 head_hash;
    // (block, log index, tx hash, contract) of every log of the two contracts.
    std::set<std::tuple<uint64_t, uint64_t, std::string, std::string>> logs;
    std::map<std::pair<std::string, std::string>, core::Uint256> balances;  // (token id, holder) -> amount
    std::map<std::string, std::string> owners;                              // token id -> owner
    uint64_t minted_tokens = 0;
};

// The canonical chain up to its head, read block by block (by block hash).
ChainTruth read_chain(test_util::Devnet& devnet, const test_util::TestContracts& contracts);

// Compares with the store; returns "" when equal, else what differs.
std::string compare_store(store::Store& store, uint64_t chain_id, const test_util::TestContracts& contracts,
                          const ChainTruth& truth);

}  // namespace tokensync::app::testing
