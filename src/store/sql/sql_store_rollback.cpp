// SqlStore::rollback_above: the undo of apply(), in bulk like apply() is.
#include <span>
#include <unordered_map>

#include <fmt/format.h>

#include "store/sql/balance_book.hpp"
#include "store/sql/bulk.hpp"
#include "store/sql/codec.hpp"
#include "store/sql/sql_store.hpp"

namespace tokensync::store::sql {

RollbackResult SqlStore::rollback_above(ChainId chain, uint64_t block) {
    const Params above{to_db_int(chain), to_db_int(block)};
    WriteTransaction tx(*conn_);
    RollbackResult result;
    undo_balances(chain, block);
    // Owners set by a transfer above the height are recomputed once those
    // transfers are gone.
    std::vector<TokenKey> stale;
    for (const Row& r :
         conn_->query("SELECT contract, token_id FROM owners WHERE chain_id = ? AND block_number > ?", above)) {
        stale.push_back({not_null(r[0]), not_null(r[1])});
    }
    auto remove = [&](const char* table) {
        return static_cast<uint64_t>(
            conn_->execute(fmt::format("DELETE FROM {} WHERE chain_id = ? AND block_number > ?", table), above));
    };
    result.transfers = remove("transfers");
    result.mint_events = remove("mint_events");
    result.tokens = remove("tokens");
    result.raw_events = remove("raw_events");
    result.events = remove("events");
    result.blocks = remove("blocks");
    recompute_owners(chain, stale);
    result.owners = stale.size();
    core::Hash32 hash = block_hash(chain, block).value_or(core::Hash32{});
    result.cursors = static_cast<uint64_t>(
        conn_->execute("UPDATE cursors SET block_number = ?, block_hash = ? WHERE chain_id = ? AND block_number > ?",
                       {to_db_int(block), to_db(hash), to_db_int(chain), to_db_int(block)}));
    tx.commit();
    return result;
}

void SqlStore::undo_balances(ChainId chain, uint64_t block) {
    // Newest first, so no balance dips below zero on the way; every balance
    // touched records the rollback height. ERC-721 transfers have no
    // balances (their owners are recomputed).
    auto moved = conn_->query(
        "SELECT contract, token_id, from_address, to_address, amount FROM transfers "
        "WHERE chain_id = ? AND block_number > ? AND standard = 'erc1155'"
        " ORDER BY block_number DESC, log_index DESC, batch_index DESC",
        {to_db_int(chain), to_db_int(block)});
    constexpr size_t kNone = SIZE_MAX;
    BalanceBook book(*conn_, dialect_, chain);
    struct Undo {
        size_t to;
        size_t from;
        core::Uint256 amount;
    };
    std::vector<Undo> undo;
    undo.reserve(moved.size());
    for (const Row& r : moved) {
        core::Address contract = read_address(r[0]);
        core::Uint256 token_id = dialect_.decode_u256(not_null(r[1]));
        core::Address from = read_address(r[2]);
        core::Address to = read_address(r[3]);
        undo.push_back({to.is_zero() ? kNone : book.touch(contract, token_id, to),
                        from.is_zero() ? kNone : book.touch(contract, token_id, from),
                        dialect_.decode_u256(not_null(r[4]))});
    }
    book.load();
    for (const Undo& u : undo) {
        if (u.to != kNone) book.move(u.to, u.amount, true, block);
        if (u.from != kNone) book.move(u.from, u.amount, false, block);
    }
    book.store();
}

void SqlStore::recompute_owners(ChainId chain, const std::vector<TokenKey>& tokens) {
    const Param chain_param = to_db_int(chain);
    // The latest remaining ERC-721 transfer of each token, if any.
    struct Latest {
        std::string owner;
        uint64_t block_number = 0;
        uint64_t log_index = 0;
    };
    std::unordered_map<std::string, Latest> latest;
    auto key = [](const std::string& contract, const std::string& token_id) { return contract + '|' + token_id; };
    const std::vector<Row> remaining = query_chunks(
        *conn_, dialect_,
        MultiRow{"SELECT t.contract, t.token_id, t.to_address, t.block_number, t.log_index FROM (", "tu",
                 ") AS k JOIN transfers t ON t.chain_id = ? AND t.contract = k.column1 AND t.token_id = k.column2"
                 " AND t.standard = 'erc721'"},
        std::span<const TokenKey>(tokens), {}, {chain_param}, [](const TokenKey& k, Params& p) {
            p.emplace_back(k.contract);
            p.emplace_back(k.token_id);
        });
    for (const Row& r : remaining) {
        Latest candidate{not_null(r[2]), read_u64(r[3]), read_u64(r[4])};
        auto [it, added] = latest.try_emplace(key(not_null(r[0]), not_null(r[1])), candidate);
        if (!added && std::pair(candidate.block_number, candidate.log_index) >
                          std::pair(it->second.block_number, it->second.log_index)) {
            it->second = candidate;
        }
    }

    // With no transfer left the token has no known owner (its owners row
    // goes; a token row that survives shows the zero address).
    std::vector<TokenKey> orphaned;
    std::vector<std::pair<const TokenKey*, const Latest*>> owned;
    for (const TokenKey& k : tokens) {
        auto it = latest.find(key(k.contract, k.token_id));
        if (it == latest.end()) {
            orphaned.push_back(k);
        } else {
            owned.emplace_back(&k, &it->second);
        }
    }
    DeleteMatching del = delete_matching(dialect_, "owners", {"contract", "token_id"});
    execute_chunks(*conn_, dialect_, MultiRow{del.head, "tu", del.tail}, std::span<const TokenKey>(orphaned), {},
                   {chain_param}, [](const TokenKey& k, Params& p) {
                       p.emplace_back(k.contract);
                       p.emplace_back(k.token_id);
                   });
    execute_chunks(
        *conn_, dialect_,
        MultiRow{"INSERT INTO owners (chain_id, contract, token_id, owner, block_number, log_index) ", "itutii",
                 " ON CONFLICT (chain_id, contract, token_id) DO UPDATE SET owner = excluded.owner,"
                 " block_number = excluded.block_number, log_index = excluded.log_index"},
        std::span<const std::pair<const TokenKey*, const Latest*>>(owned), {}, {},
        [&](const std::pair<const TokenKey*, const Latest*>& o, Params& p) {
            p.insert(p.end(), {chain_param, o.first->contract, o.first->token_id, o.second->owner,
                               to_db_int(o.second->block_number), to_db_int(o.second->log_index)});
        });
}

}  // namespace tokensync::store::sql
