#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "store/sql/connection.hpp"
#include "store/sql/dialect.hpp"
#include "store/store.hpp"

namespace tokensync::store::sql {

// The Store written once over a Connection; the back-ends differ only in
// their Connection and Dialect.
class SqlStore final : public Store {
  public:
    // `open_another` opens a second connection to the same database (claims); may be empty.
    SqlStore(std::unique_ptr<Connection> conn, const Dialect& dialect,
             std::function<std::unique_ptr<Connection>()> open_another = {});

    MigrationResult migrate() override;
    int schema_version() override;
    std::string_view backend() const noexcept override { return dialect_.name; }
    void ping() override;

    ApplyResult apply(const ChangeSet& changes) override;
    RollbackResult rollback_above(ChainId chain, uint64_t block) override;

    std::optional<Cursor> get_cursor(ChainId chain, const core::Address& contract) override;
    std::optional<core::Hash32> block_hash(ChainId chain, uint64_t number) override;
    std::optional<Token> get_token(ChainId chain, const core::Address& contract,
                                   const core::Uint256& token_id) override;
    uint64_t count_tokens(ChainId chain, const core::Address& contract) override;
    std::vector<Author> list_authors() override;
    std::optional<Author> find_author(std::string_view wallet) override;
    core::Uint256 get_balance(ChainId chain, const core::Address& contract, const core::Uint256& token_id,
                              const core::Address& holder) override;
    std::optional<core::Address> get_owner(ChainId chain, const core::Address& contract,
                                           const core::Uint256& token_id) override;
    std::optional<EventRow> get_event(ChainId chain, const core::Hash32& tx_hash, uint64_t log_index) override;
    uint64_t count_events(ChainId chain, const core::Address& contract) override;
    void scan_raw_events(ChainId chain, const core::Address& contract, std::size_t page_size,
                         const std::function<void(const RawEvent&, std::optional<int64_t>)>& sink) override;
    void scan_transfers(ChainId chain, const core::Address& contract, std::size_t page_size,
                        const std::function<void(const Transfer&)>& sink) override;
    void scan_owners(ChainId chain, const core::Address& contract, std::size_t page_size,
                     const std::function<void(const OwnerRow&)>& sink) override;
    void scan_balances(ChainId chain, const core::Address& contract, std::size_t page_size,
                       const std::function<void(const BalanceRow&)>& sink) override;
    void scan_tokens(ChainId chain, const core::Address& contract, std::size_t page_size,
                     const std::function<void(const Token&)>& sink) override;
    std::vector<core::Uint256> missing_token_ids(ChainId chain, const core::Address& contract,
                                                 const core::Uint256& first, const core::Uint256& end_exclusive,
                                                 std::size_t limit) override;
    std::vector<Token> tokens_in_range(ChainId chain, const core::Address& contract, const core::Uint256& first,
                                       const std::optional<core::Uint256>& end_exclusive, std::size_t limit) override;
    std::vector<OwnerRow> owners_in_range(ChainId chain, const core::Address& contract, const core::Uint256& first,
                                          const std::optional<core::Uint256>& end_exclusive,
                                          std::size_t limit) override;
    // Read API (sql_store_api.cpp).
    std::vector<ListedToken> list_tokens(const TokenQuery& query) override;
    std::vector<Holding> holdings(const core::Address& holder, std::size_t limit) override;
    std::vector<TokenStatusCount> count_tokens_by_status() override;
    void drop_secondary_indexes() override;
    void build_secondary_indexes() override;
    std::vector<std::string> missing_secondary_indexes() override;
    bool has_indexed_rows() override;
    std::optional<std::string> get_state(std::string_view key) override;
    void set_state(std::string_view key, std::string_view json) override;
    // Several processes on one database (sql_store_claims.cpp).
    bool try_session_lock(int64_t key) override { return conn_->try_session_lock(key); }
    bool holds_session_lock(int64_t key) const noexcept override { return conn_->holds_session_lock(key); }
    void release_session_lock(int64_t key) noexcept override { conn_->release_session_lock(key); }
    std::unique_ptr<TokenClaim> claim_missing_tokens(ChainId chain, const core::Address& contract,
                                                     const std::vector<core::Uint256>& ids) override;

  private:
    // A token's key columns as stored (token_id in the dialect's encoding).
    struct TokenKey {
        std::string contract;
        std::string token_id;
    };

    // apply() inside its transaction: every row of the batch.
    ApplyResult apply_rows(const ChangeSet& changes);
    // Parts of apply(), each inside its transaction and each a few
    // multi-row statements however long the batch.
    void insert_blocks(ChainId chain, const std::vector<Block>& blocks, RowCounts& counts);
    void insert_raw_events(ChainId chain, const std::vector<RawEvent>& events, RowCounts& counts);
    void upsert_author(const Author& a, RowCounts& counts);
    void insert_tokens(ChainId chain, const std::vector<Token>& tokens, RowCounts& counts);
    void insert_mints(ChainId chain, const std::vector<MintEvent>& mints, RowCounts& counts);
    // Returns the transfers newly stored, in batch order.
    std::vector<const Transfer*> insert_transfers(ChainId chain, const std::vector<Transfer>& transfers,
                                                  RowCounts& counts);
    void insert_events(ChainId chain, const std::vector<EventRow>& events, RowCounts& counts);
    void write_cursor(ChainId chain, const Cursor& c);
    // The audit's corrections and deletions (sql_store_audit.cpp).
    void apply_audit_repairs(ChainId chain, const ChangeSet& changes, ApplyResult& result);
    // A token of `contract` from the columns token_id, author, owner (NULL:
    // none), status, block_number, created_at, updated_at, starting at
    // column `first` of `r` (sql_store_read.cpp).
    Token token_from_row(const core::Address& contract, const Row& r, std::size_t first = 0) const;
    // "<from> [AND token_id < ?] ORDER BY token_id LIMIT ?" and its
    // parameters, for the audit's range reads (sql_store_audit.cpp).
    static std::string range_sql(std::string_view from, const std::optional<core::Uint256>& end_exclusive);
    Params range_params(ChainId chain, const core::Address& contract, const core::Uint256& first,
                        const std::optional<core::Uint256>& end_exclusive, std::size_t limit) const;
    // Moves the balances of newly stored ERC-1155 transfers, in order.
    void move_balances(ChainId chain, const std::vector<const Transfer*>& fresh);
    // Makes a newly stored ERC-721 transfer the token's owner if it is the
    // latest one seen (backfill chunks may arrive out of order).
    void move_owners(ChainId chain, const std::vector<const Transfer*>& fresh);

    // Parts of rollback_above(): reverses the balance moves of the transfers
    // above `block`; sets the owner of each token to its latest stored
    // ERC-721 transfer (or removes it when none is left).
    void undo_balances(ChainId chain, uint64_t block);
    void recompute_owners(ChainId chain, const std::vector<TokenKey>& tokens);

    std::unique_ptr<Connection> conn_;
    const Dialect& dialect_;
    std::function<std::unique_ptr<Connection>()> open_another_;
    std::unique_ptr<Connection> claims_conn_;  // opened at the first claim (PostgreSQL)
    std::string text_buffer_;                  // raw event data as text, reused from row to row
    // Dialect::plain_appends: appends of the running apply() go without their
    // ON CONFLICT clauses; after a batch met stored keys, the next ones go
    // with them.
    bool plain_appends_ = false;
    int guarded_applies_left_ = 0;
};

}  // namespace tokensync::store::sql
