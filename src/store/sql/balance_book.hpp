#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/address.hpp"
#include "core/uint256.hpp"
#include "store/sql/connection.hpp"
#include "store/sql/dialect.hpp"
#include "store/types.hpp"

namespace tokensync::store::sql {

// The balances one batch (or one rollback) moves: every key it touches is
// read in one go, the moves are made in memory in the order of the
// transfers, and the results are written in one go. Moving in order rather
// than by net delta keeps the rule of moving row by row: the first move that
// would take a balance below zero or past 2^256-1 fails, even if a later
// transfer of the same batch would have made up for it.
//
// Use: touch() every key, load(), move() in order, store().
class BalanceBook {
  public:
    BalanceBook(Connection& conn, const Dialect& dialect, ChainId chain)
        : conn_{conn}, dialect_{dialect}, chain_{chain} {}

    // Returns the slot of a key, for move().
    size_t touch(const core::Address& contract, const core::Uint256& token_id, const core::Address& holder);
    // Reads the stored balance of every touched key.
    void load();
    // Adds `amount` to the slot's balance (or takes it away); the balance
    // then records `block`. Throws StoreError below zero or on overflow.
    void move(size_t slot, const core::Uint256& amount, bool subtract, uint64_t block);
    // Writes every moved balance: zeros are deleted, the rest upserted.
    void store();

  private:
    struct Entry {
        core::Address contract;
        core::Uint256 token_id;
        core::Address holder;
        std::string contract_db;  // the key columns as stored
        std::string token_id_db;
        std::string holder_db;
        core::Uint256 amount;
        uint64_t block = 0;
        bool stored = false;  // a row exists in the database
        bool moved = false;
    };
    static std::string key(const std::string& contract, const std::string& token_id, const std::string& holder);

    Connection& conn_;
    const Dialect& dialect_;
    ChainId chain_;
    std::vector<Entry> entries_;
    std::unordered_map<std::string, size_t> slots_;
};

}  // namespace tokensync::store::sql
