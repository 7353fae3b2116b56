#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/address.hpp"
#include "core/bytes.hpp"
#include "core/hash.hpp"
#include "core/uint256.hpp"
#include "store/token_status.hpp"

namespace tokensync::store {

using ChainId = uint64_t;

// How far indexing has got for one contract. A zero address names a cursor
// that is not tied to one contract (e.g. a whole-chain backfill).
struct Cursor {
    core::Address contract;
    uint64_t block_number = 0;
    core::Hash32 block_hash;

    friend bool operator==(const Cursor&, const Cursor&) = default;
};

struct Block {
    uint64_t number = 0;
    core::Hash32 hash;
    core::Hash32 parent_hash;
    int64_t timestamp = 0;  // unix seconds

    friend bool operator==(const Block&, const Block&) = default;
};

// A log as received, stored once per (chain, transaction hash, log index).
struct RawEvent {
    core::Hash32 tx_hash;
    uint64_t log_index = 0;
    uint64_t block_number = 0;
    core::Hash32 block_hash;
    core::Address contract;
    std::vector<core::Hash32> topics;  // at most four
    core::Bytes data;

    friend bool operator==(const RawEvent&, const RawEvent&) = default;
};

struct Author {
    std::string wallet;  // as first given; matched case-insensitively
    std::string prompt;
    int64_t created_at = 0;  // unix seconds

    friend bool operator==(const Author&, const Author&) = default;
};

struct Token {
    core::Address contract;
    core::Uint256 token_id;
    std::optional<std::string> author;  // wallet of the prompt author
    core::Address owner;                // read from the ERC-721 owners (zero when none); not stored with the token
    TokenStatus status = TokenStatus::kDetected;
    uint64_t block_number = 0;  // block that created the row (0 when found off-chain)
    int64_t created_at = 0;     // unix seconds
    int64_t updated_at = 0;

    friend bool operator==(const Token&, const Token&) = default;
};

struct MintEvent {
    core::Hash32 tx_hash;
    uint64_t log_index = 0;
    uint64_t block_number = 0;
    core::Address contract;
    core::Uint256 token_id;
    core::Address minter;  // receiver of the minted token
    std::optional<std::string> author;

    friend bool operator==(const MintEvent&, const MintEvent&) = default;
};

enum class TokenStandard { kErc721, kErc1155 };

// One token movement. An ERC-1155 TransferBatch log becomes one Transfer per
// id, told apart by batch_index (0 for single transfers). Inserting a new
// ERC-1155 transfer moves `amount` from `from` to `to` in the balances; the
// zero address on either side is a mint or a burn and has no balance. A new
// ERC-721 transfer that is the token's latest by (block, log index) makes
// `to` its current owner instead (Store::get_owner, Token::owner), and the
// owner is what reads of an ERC-721 balance see (one token).
struct Transfer {
    core::Hash32 tx_hash;
    uint64_t log_index = 0;
    uint64_t batch_index = 0;
    uint64_t block_number = 0;
    int64_t block_timestamp = 0;
    core::Address contract;
    TokenStandard standard = TokenStandard::kErc721;
    core::Address operator_address;  // ERC-1155 operator; zero for ERC-721
    core::Address from;
    core::Address to;
    core::Uint256 token_id;
    core::Uint256 amount = 1;

    friend bool operator==(const Transfer&, const Transfer&) = default;
};

// A decoded log kept whole, for contracts no specialised module knows: its
// arguments as a JSON object (core::abi::to_json), stored once per
// (chain, transaction hash, log index).
struct EventRow {
    core::Hash32 tx_hash;
    uint64_t log_index = 0;
    uint64_t block_number = 0;
    int64_t block_timestamp = 0;
    core::Address contract;
    std::string event_name;  // "Transfer"
    std::string signature;   // "Transfer(address,address,uint256)"
    core::Hash32 topic0;     // keccak256 of the signature (also for anonymous events)
    std::string args_json;   // must be JSON text; kept byte for byte

    friend bool operator==(const EventRow&, const EventRow&) = default;
};

// A system_state entry written with a batch (e.g. a backfill checkpoint), so
// the note and the rows it describes commit or vanish together.
struct StateEntry {
    std::string key;
    std::string json;  // must be JSON text

    friend bool operator==(const StateEntry&, const StateEntry&) = default;
};

// Repairs the audit makes (docs/recovery.md; store/sql/sql_store_audit.cpp),
// applied after the rows and owners of the same batch.
// A token's author set to the one the chain attributes.
struct AuthorCorrection {
    core::Address contract;
    core::Uint256 token_id;
    std::optional<std::string> author;

    friend bool operator==(const AuthorCorrection&, const AuthorCorrection&) = default;
};

// A token's ERC-721 owner as ownerOf read it at `block_number`. It is stored
// as if a transfer after every log of that block had set it: a later
// transfer replaces it, an owner already set above that block stays, and
// rollback_above below that block recomputes it from the stored transfers.
struct OwnerCorrection {
    core::Address contract;
    core::Uint256 token_id;
    core::Address owner;
    uint64_t block_number = 0;

    friend bool operator==(const OwnerCorrection&, const OwnerCorrection&) = default;
};

// The token row of an id the contract did not have at `block_number`,
// deleted if that row was created at or below that block (a row a later
// mint created stays); its mints, transfers and owner row, if any, stay.
struct TokenDeletion {
    core::Address contract;
    core::Uint256 token_id;
    uint64_t block_number = 0;

    friend bool operator==(const TokenDeletion&, const TokenDeletion&) = default;
};

// Everything one batch changes in indexed state. Store::apply writes all of
// it, with the cursors, in one database transaction; rows already present
// are skipped, so replaying a batch changes nothing.
struct ChangeSet {
    ChainId chain_id = 0;
    std::vector<Block> blocks;
    std::vector<RawEvent> raw_events;
    std::vector<Author> authors;  // insert, or update the prompt of a known wallet
    std::vector<Token> tokens;
    std::vector<MintEvent> mint_events;
    std::vector<Transfer> transfers;
    std::vector<EventRow> events;
    std::vector<Cursor> cursors;
    std::vector<StateEntry> state;
    std::vector<AuthorCorrection> author_corrections;
    std::vector<OwnerCorrection> owner_corrections;
    std::vector<TokenDeletion> token_deletions;
};

struct RowCounts {
    uint64_t inserted = 0;
    uint64_t updated = 0;
    uint64_t skipped = 0;  // already present and unchanged

    friend bool operator==(const RowCounts&, const RowCounts&) = default;
};

struct ApplyResult {
    RowCounts blocks;
    RowCounts raw_events;
    RowCounts authors;
    RowCounts tokens;
    RowCounts mint_events;
    RowCounts transfers;
    RowCounts events;
    uint64_t cursors_written = 0;
    // Audit repairs: `updated` rows changed (deleted), `skipped` already so.
    RowCounts author_corrections;
    RowCounts owner_corrections;
    RowCounts token_deletions;

    // True when the batch was already fully stored (a replay).
    bool nothing_new() const noexcept {
        for (const RowCounts* c : {&blocks, &raw_events, &authors, &tokens, &mint_events, &transfers, &events,
                                   &author_corrections, &owner_corrections, &token_deletions}) {
            if (c->inserted != 0 || c->updated != 0) return false;
        }
        return true;
    }
};

// Rows removed by Store::rollback_above.
struct RollbackResult {
    uint64_t blocks = 0;
    uint64_t raw_events = 0;
    uint64_t tokens = 0;
    uint64_t mint_events = 0;
    uint64_t transfers = 0;
    uint64_t events = 0;
    uint64_t owners = 0;   // ERC-721 owners recomputed from the transfers that remain
    uint64_t cursors = 0;  // cursors moved back
};

}  // namespace tokensync::store
