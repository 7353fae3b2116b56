#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "chain/evm/bulk_call.hpp"
#include "chain/evm/rpc_client.hpp"
#include "core/address.hpp"
#include "core/uint256.hpp"
#include "infra/config.hpp"
#include "store/store.hpp"

// Counter-gap recovery (docs/recovery.md): every id from first_token_id
// below the contract's counter should have a token row; the missing ones
// are found in the database, their authors read from the contract in bulk,
// and the rows inserted with status detected through Store::apply.
namespace tokensync::recovery {

// The contract address has no code on the chain (a wrong address or network).
class ContractNotFoundError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// recovery.default_author has no authors row; the message gives the
// `tokensync authors add` command that creates it.
class DefaultAuthorNotFoundError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// What to recover, resolved from the config.
struct RecoveryTarget {
    store::ChainId chain_id = 0;
    std::string chain_name;
    chain::evm::RpcClientOptions rpc;
    core::Address contract;
    infra::RecoveryConfig config;
    bool erc721 = false;  // the contract has the erc721 module (the audit compares owners)
};

// Throws ConfigError when the config has no recovery section.
RecoveryTarget recovery_target(const infra::Config& config);

struct RecoverOptions {
    std::optional<uint64_t> limit;      // recover only the first N missing ids
    bool dry_run = false;               // find the missing ids, write nothing
    std::size_t page_size = 10'000;     // missing ids found, read and written per step (bounds memory)
    chain::evm::BulkCallOptions reads;  // chunking and parallelism; `multicall` is set from the config
    // Called with each page of missing ids once their authors are read, just
    // before the page is written (progress; tests let a racing writer in here).
    std::function<void(std::span<const core::Uint256>)> before_write;
};

struct RecoveryResult {
    uint64_t recovered = 0;                    // rows inserted
    uint64_t duplicates_skipped = 0;           // rows another writer inserted meanwhile
    uint64_t claimed_elsewhere = 0;            // missing ids another process claimed or wrote first (left to it)
    std::vector<core::Uint256> failed;         // ids whose author could not be read
    core::Uint256 total_on_chain;              // ids the counter says exist
    uint64_t missing = 0;                      // missing ids considered (within --limit)
    std::vector<core::Uint256> first_missing;  // the first kSampleSize of them, for dry-run output
    std::optional<core::Address> multicall;    // the Multicall3 used, if any

    static constexpr std::size_t kSampleSize = 20;
};

// Throws ContractNotFoundError, DefaultAuthorNotFoundError,
// chain::evm::BlockchainConnectionError (naming hosts, never keys) and
// store::StoreError.
RecoveryResult recover(const RecoveryTarget& target, store::Store& store, const RecoverOptions& options = {});

// The result as one JSON object (ids as decimal strings): what POST
// /admin/recover answers and /status shows of the last run
// (audit_json.cpp).
std::string to_json(const RecoveryResult& result, bool dry_run);

// "[1, 5, 12]", or "[1, 5, 12, ... 4997 more]" when `total` exceeds the ids shown.
std::string format_ids(const std::vector<core::Uint256>& ids, uint64_t total, std::size_t max_shown = 20);

}  // namespace tokensync::recovery
