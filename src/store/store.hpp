#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/address.hpp"
#include "core/hash.hpp"
#include "core/uint256.hpp"
#include "store/types.hpp"

namespace tokensync::store {

// Thrown by the I/O layer for database failures. The message never contains
// a password (URLs are redacted before they reach it).
class StoreError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// The current ERC-721 owner of a token and the transfer (block, log index)
// that set it, as Store::scan_owners reads it.
struct OwnerRow {
    core::Uint256 token_id;
    core::Address owner;
    uint64_t block_number = 0;
    uint64_t log_index = 0;

    friend bool operator==(const OwnerRow&, const OwnerRow&) = default;
};

// One holder's balance of one token, as Store::scan_balances reads it.
struct BalanceRow {
    core::Uint256 token_id;
    core::Address holder;
    core::Uint256 amount;
    uint64_t block_number = 0;  // block of the last change

    friend bool operator==(const BalanceRow&, const BalanceRow&) = default;
};

// Rows of the read API (Store::list_tokens, Store::holdings).
// Where a token sits in list_tokens' order.
struct TokenPosition {
    ChainId chain_id = 0;
    core::Address contract;
    core::Uint256 token_id;

    friend bool operator==(const TokenPosition&, const TokenPosition&) = default;
};

struct TokenQuery {
    std::optional<TokenStatus> status;
    std::optional<std::string> author;   // wallet, matched case-insensitively
    std::optional<TokenPosition> after;  // only tokens after this one
    std::size_t limit = 100;
};

struct ListedToken {
    ChainId chain_id = 0;
    Token token;

    friend bool operator==(const ListedToken&, const ListedToken&) = default;
};

// Token rows of one chain, contract and status (Store::count_tokens_by_status).
struct TokenStatusCount {
    ChainId chain_id = 0;
    core::Address contract;
    TokenStatus status = TokenStatus::kDetected;
    uint64_t count = 0;

    friend bool operator==(const TokenStatusCount&, const TokenStatusCount&) = default;
};

struct Holding {
    ChainId chain_id = 0;
    core::Address contract;
    core::Uint256 token_id;
    core::Uint256 amount;
    TokenStandard standard = TokenStandard::kErc1155;

    friend bool operator==(const Holding&, const Holding&) = default;
};

struct MigrationResult {
    int applied = 0;  // migrations applied by this call
    int version = 0;  // schema version after the call
};

// Units of work claimed by this store's session (Store::claim_missing_tokens);
// destroying it ends the claim.
class TokenClaim {
  public:
    virtual ~TokenClaim() = default;
    // The ids claimed, ascending.
    virtual const std::vector<core::Uint256>& ids() const noexcept = 0;
};

// One storage interface, two back-ends (SQLite and PostgreSQL, chosen by the
// URL). A Store owns one connection: use it from one thread at a time, and
// open one Store per thread or process. Every method throws StoreError.
class Store {
  public:
    virtual ~Store() = default;

    // Applies pending versioned migrations in one transaction; safe when two
    // processes call it at once.
    virtual MigrationResult migrate() = 0;
    virtual int schema_version() = 0;
    // "sqlite" or "postgresql".
    virtual std::string_view backend() const noexcept = 0;
    // One round trip to the database (for /health); throws StoreError when
    // it cannot be reached.
    virtual void ping() = 0;

    // The one write path for indexed state: rows, balances and cursors of a
    // batch in one transaction. Rows already stored are skipped, so a
    // replayed batch is a no-op. A block number already stored with another
    // hash, or a balance that would go below zero, fails the whole batch.
    virtual ApplyResult apply(const ChangeSet& changes) = 0;

    // Undoes everything indexed above `block` on `chain` (blocks, events,
    // tokens, mints, transfers and their balance and owner effects) and moves cursors
    // above it back to `block` (with its stored hash, or zero if unknown).
    virtual RollbackResult rollback_above(ChainId chain, uint64_t block) = 0;

    virtual std::optional<Cursor> get_cursor(ChainId chain, const core::Address& contract) = 0;
    virtual std::optional<core::Hash32> block_hash(ChainId chain, uint64_t number) = 0;
    virtual std::optional<Token> get_token(ChainId chain, const core::Address& contract,
                                           const core::Uint256& token_id) = 0;
    virtual uint64_t count_tokens(ChainId chain, const core::Address& contract) = 0;
    virtual std::vector<Author> list_authors() = 0;                          // ordered by wallet, case-insensitively
    virtual std::optional<Author> find_author(std::string_view wallet) = 0;  // any case
    virtual core::Uint256 get_balance(ChainId chain, const core::Address& contract, const core::Uint256& token_id,
                                      const core::Address& holder) = 0;  // zero when none; ERC-721: 1 for the owner
    // Current ERC-721 owner from the latest stored transfer; nullopt when no
    // transfer of the token is stored or its latest one burned it.
    virtual std::optional<core::Address> get_owner(ChainId chain, const core::Address& contract,
                                                   const core::Uint256& token_id) = 0;
    // Rows of the generic events table.
    virtual std::optional<EventRow> get_event(ChainId chain, const core::Hash32& tx_hash, uint64_t log_index) = 0;
    virtual uint64_t count_events(ChainId chain, const core::Address& contract) = 0;

    // Streaming reads of one contract's rows for exports, in a stable order:
    // `sink` is called once per row while the store reads `page_size` rows per
    // query (keyset pagination), so memory stays bounded whatever the table
    // size. An exception thrown by `sink` stops the scan and propagates.
    // Raw logs by (block, log index), each with its block's
    // time (nullopt when the block row is missing).
    virtual void scan_raw_events(ChainId chain, const core::Address& contract, std::size_t page_size,
                                 const std::function<void(const RawEvent&, std::optional<int64_t>)>& sink) = 0;
    // Transfers by (block, log index, batch index).
    virtual void scan_transfers(ChainId chain, const core::Address& contract, std::size_t page_size,
                                const std::function<void(const Transfer&)>& sink) = 0;
    // ERC-721 owners by token id (a burned token's owner is the zero address).
    virtual void scan_owners(ChainId chain, const core::Address& contract, std::size_t page_size,
                             const std::function<void(const OwnerRow&)>& sink) = 0;
    // Balances by (token id, holder); an ERC-721 token's owner holds 1.
    virtual void scan_balances(ChainId chain, const core::Address& contract, std::size_t page_size,
                               const std::function<void(const BalanceRow&)>& sink) = 0;
    // Tokens by token id.
    virtual void scan_tokens(ChainId chain, const core::Address& contract, std::size_t page_size,
                             const std::function<void(const Token&)>& sink) = 0;

    // Bulk loading (sql_store_indexes.cpp). drop_secondary_indexes() removes
    // the non-unique secondary indexes of the indexed tables (migrations.hpp,
    // secondary_indexes()), so a large load maintains only the primary keys;
    // build_secondary_indexes() creates them again, one sort each, which
    // costs far less than keeping them up to date row by row. Both are
    // idempotent. migrate() also builds any that are missing, so a load
    // killed in between leaves a database the next start repairs. Reads stay
    // correct without the indexes, only slower.
    virtual void drop_secondary_indexes() = 0;
    virtual void build_secondary_indexes() = 0;
    // Names of the secondary indexes that do not exist now.
    virtual std::vector<std::string> missing_secondary_indexes() = 0;
    // Whether any raw event is stored, on any chain (false: a first load).
    virtual bool has_indexed_rows() = 0;

    // Counter-gap recovery (sql_store_recovery.cpp): up to `limit` ids in
    // [first, end_exclusive), ascending, that have no token row, found by a
    // set difference inside the database (ids are generated there a window
    // at a time), so memory stays bounded however many rows exist. Page by
    // calling again from the last id returned + 1. Ids must fit in int64.
    virtual std::vector<core::Uint256> missing_token_ids(ChainId chain, const core::Address& contract,
                                                         const core::Uint256& first, const core::Uint256& end_exclusive,
                                                         std::size_t limit) = 0;

    // The audit (sql_store_audit.cpp): up to `limit` token rows with ids in
    // [first, end_exclusive) (no upper bound when nullopt), ascending, each
    // with its ERC-721 owner (zero when none). Page by calling again from
    // the last id returned + 1. owners_in_range: the same for owners rows
    // (whether or not the token has a row).
    virtual std::vector<Token> tokens_in_range(ChainId chain, const core::Address& contract, const core::Uint256& first,
                                               const std::optional<core::Uint256>& end_exclusive,
                                               std::size_t limit) = 0;
    virtual std::vector<OwnerRow> owners_in_range(ChainId chain, const core::Address& contract,
                                                  const core::Uint256& first,
                                                  const std::optional<core::Uint256>& end_exclusive,
                                                  std::size_t limit) = 0;

    // The daemon's read API (GET /api/tokens, /api/balances/{holder};
    // store/sql/sql_store_api.cpp). Tokens of every chain and contract
    // matching `query`, ordered by (chain, contract, token id), at most
    // query.limit of them, starting after query.after (keyset pagination).
    virtual std::vector<ListedToken> list_tokens(const TokenQuery& query) = 0;
    // What `holder` holds on every chain and contract: ERC-1155 balances
    // above zero and the ERC-721 tokens it owns (amount 1), ordered by
    // (chain, contract, token id), at most `limit`. None for the zero address.
    virtual std::vector<Holding> holdings(const core::Address& holder, std::size_t limit) = 0;
    // How many token rows each (chain, contract, status) has, for /status
    // and /metrics; ordered by chain, contract, status; no zero counts.
    virtual std::vector<TokenStatusCount> count_tokens_by_status() = 0;

    // Small key/value JSON documents (settings, checkpoints of non-indexed
    // work). set_state rejects text that is not JSON.
    virtual std::optional<std::string> get_state(std::string_view key) = 0;
    virtual void set_state(std::string_view key, std::string_view json) = 0;

    // Several processes on one database (docs/service.md, "Running two
    // instances"; sql_store_claims.cpp). A session lock on `key`, held by
    // this store's connection until release_session_lock or until the
    // connection ends (the process dies, the server restarts). PostgreSQL:
    // pg_try_advisory_lock, taken again at a reconnect; when another session
    // took it meanwhile, every write fails until release_session_lock.
    // SQLite: always granted (a second writing process is refused by
    // store/writer_lock.hpp). holds_session_lock makes no round trip and may
    // be called from any thread.
    virtual bool try_session_lock(int64_t key) = 0;
    virtual bool holds_session_lock(int64_t key) const noexcept = 0;
    virtual void release_session_lock(int64_t key) noexcept = 0;

    // Counter-gap recovery's unit of work: claims those of `ids` that still
    // have no token row and that no other session has claimed, until the
    // claim is destroyed (write the rows before). PostgreSQL: rows of
    // work_claims locked with SELECT ... FOR UPDATE SKIP LOCKED in a
    // transaction on a second connection, so a dead claimant's claim ends
    // with its connection. SQLite: every id (one writing process only).
    virtual std::unique_ptr<TokenClaim> claim_missing_tokens(ChainId chain, const core::Address& contract,
                                                             const std::vector<core::Uint256>& ids) = 0;
};

// "sqlite:///abs/path.db", "sqlite://./rel.db", "sqlite::memory:",
// "postgresql://user:pass@host:port/db" (also "postgres://"). Connects but
// does not migrate.
std::unique_ptr<Store> open_store(const std::string& url);

}  // namespace tokensync::store
