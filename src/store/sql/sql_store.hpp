#pragma once

#include <memory>

#include "store/sql/connection.hpp"
#include "store/sql/dialect.hpp"
#include "store/store.hpp"

namespace tokensync::store::sql {

// The Store written once over a Connection; the back-ends differ only in
// their Connection and Dialect.
class SqlStore final : public Store {
  public:
    SqlStore(std::unique_ptr<Connection> conn, const Dialect& dialect);

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
    std::optional<std::string> get_state(std::string_view key) override;
    void set_state(std::string_view key, std::string_view json) override;

  private:
    // Parts of apply(), each inside its transaction.
    void insert_block(ChainId chain, const Block& b, RowCounts& counts);
    void insert_raw_event(ChainId chain, const RawEvent& e, RowCounts& counts);
    void upsert_author(const Author& a, RowCounts& counts);
    void insert_token(ChainId chain, const Token& t, RowCounts& counts);
    void insert_mint(ChainId chain, const MintEvent& m, RowCounts& counts);
    void insert_transfer(ChainId chain, const Transfer& t, RowCounts& counts);
    void insert_event(ChainId chain, const EventRow& e, RowCounts& counts);
    void write_cursor(ChainId chain, const Cursor& c);
    // Makes a newly stored ERC-721 transfer the token's owner if it is the
    // latest one seen (backfill chunks may arrive out of order).
    void move_owner(ChainId chain, const Transfer& t);
    // Sets the owner of a token to its latest stored ERC-721 transfer (or
    // removes it when none is left); used by rollback_above.
    void recompute_owner(ChainId chain, const core::Address& contract, const core::Uint256& token_id);
    // Adds (or with `subtract`, removes) amount to a holder's balance.
    void move_balance(ChainId chain, const core::Address& contract, const core::Uint256& token_id,
                      const core::Address& holder, const core::Uint256& amount, bool subtract, uint64_t block);

    std::unique_ptr<Connection> conn_;
    const Dialect& dialect_;
};

}  // namespace tokensync::store::sql
