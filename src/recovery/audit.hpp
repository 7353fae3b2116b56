#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chain/evm/bulk_call.hpp"
#include "core/address.hpp"
#include "core/uint256.hpp"
#include "recovery/recovery.hpp"
#include "store/store.hpp"

// The audit (docs/recovery.md): every token row of recovery.contract
// compared with the chain, a page of ids at a time, all reads at one block:
// rows missing below the counter, authors that differ from the contract's
// attribution, ERC-721 owners that differ from ownerOf, and rows for ids the
// contract does not have. With `fix`, each page's repairs go through
// Store::apply in one transaction.
namespace tokensync::recovery {

enum class DriftKind { kMissing, kWrongAuthor, kWrongOwner, kNonexistent };
// "missing", "wrong_author", "wrong_owner", "nonexistent".
std::string_view to_string(DriftKind kind) noexcept;

struct AuditOptions {
    bool fix = false;                   // repair what was found
    std::size_t examples = 10;          // example ids kept per kind
    std::size_t page_size = 10'000;     // ids compared (and repaired, one transaction) per step; bounds memory
    chain::evm::BulkCallOptions reads;  // chunking and parallelism; `multicall` and `block` are set by the audit
};

// One drifted id: what the database holds and what the chain says ("" for
// no row, no author or no owner).
struct DriftExample {
    core::Uint256 id;
    std::string stored;
    std::string chain;

    friend bool operator==(const DriftExample&, const DriftExample&) = default;
};

struct DriftCount {
    uint64_t found = 0;
    uint64_t fixed =
        0;  // repaired with fix (or found repaired by another writer; not an owner set above the read block)
    std::vector<DriftExample> examples;  // the first AuditOptions::examples, ascending by id
};

struct AuditReport {
    core::Uint256 first_token_id;
    core::Uint256 next_token_id;  // the counter
    uint64_t block = 0;           // every chain read is at this block
    std::optional<core::Address> multicall;
    bool fix = false;
    bool owners_checked = false;        // false when the contract has no erc721 module (wrong_owner is skipped)
    uint64_t checked = 0;               // ids below the counter compared with the chain
    DriftCount missing;                 // no row for an id the chain has
    DriftCount wrong_author;            // author differs from tokenPromptAuthor mapped through authors
    DriftCount wrong_owner;             // owners row differs from ownerOf
    DriftCount nonexistent;             // rows for ids below first_token_id or at/above the counter
    std::vector<core::Uint256> failed;  // ids whose chain reads failed (not compared); the first kFailedKept
    uint64_t failed_count = 0;

    static constexpr std::size_t kFailedKept = 100;

    const DriftCount& count(DriftKind kind) const noexcept;
    uint64_t found() const noexcept;      // drift of every kind
    uint64_t fixed() const noexcept;      // repairs of every kind
    uint64_t remaining() const noexcept;  // found - fixed
    // Nothing left to repair and every read succeeded (the CLI's exit 0).
    bool clean() const noexcept { return remaining() == 0 && failed_count == 0; }
};

// Throws ContractNotFoundError, DefaultAuthorNotFoundError (when an id's
// author is an unknown wallet and the default author has no row),
// chain::evm::BlockchainConnectionError and store::StoreError.
AuditReport run_audit(const RecoveryTarget& target, store::Store& store, const AuditOptions& options = {});

// One token re-read from the chain and written through Store::apply: the
// row inserted when missing, its author and owner corrected, or the row
// deleted when the id does not exist on chain.
struct SyncTokenResult {
    core::Uint256 id;
    uint64_t block = 0;                  // the chain was read at this block
    bool exists = false;                 // first_token_id <= id < counter
    std::optional<std::string> author;   // the stored author after the sync (nullopt: no row)
    std::optional<core::Address> owner;  // the stored owner after the sync (nullopt: owners not checked, or no token)
    bool inserted = false;
    bool author_corrected = false;
    bool owner_corrected = false;
    bool deleted = false;

    bool changed() const noexcept { return inserted || author_corrected || owner_corrected || deleted; }
};

// Same errors as run_audit; also chain::evm::RpcResponseError when the id
// is below the counter but its author or owner cannot be read.
SyncTokenResult sync_token(const RecoveryTarget& target, store::Store& store, const core::Uint256& id);

// JSON documents the CLI prints with --json and the HTTP routes return.
std::string to_json(const AuditReport& report);
std::string to_json(const SyncTokenResult& result);

}  // namespace tokensync::recovery
