#include "store/sql/balance_book.hpp"

#include <fmt/format.h>

#include "store/sql/bulk.hpp"
#include "store/sql/codec.hpp"
#include "store/store.hpp"

namespace tokensync::store::sql {

std::string BalanceBook::key(const std::string& contract, const std::string& token_id, const std::string& holder) {
    std::string out;
    out.reserve(contract.size() + token_id.size() + holder.size() + 2);
    out.append(contract).append(1, '|').append(token_id).append(1, '|').append(holder);
    return out;
}

size_t BalanceBook::touch(const core::Address& contract, const core::Uint256& token_id, const core::Address& holder) {
    Entry e{.contract = contract,
            .token_id = token_id,
            .holder = holder,
            .contract_db = to_db(contract),
            .token_id_db = dialect_.encode_u256(token_id),
            .holder_db = to_db(holder),
            .amount = {},
            .block = 0,
            .stored = false,
            .moved = false};
    auto [it, added] = slots_.try_emplace(key(e.contract_db, e.token_id_db, e.holder_db), entries_.size());
    if (added) entries_.push_back(std::move(e));
    return it->second;
}

void BalanceBook::load() {
    const MultiRow shape{
        "SELECT t.contract, t.token_id, t.holder, t.amount FROM (", "tut",
        ") AS k JOIN balances t ON t.chain_id = ? AND t.contract = k.column1 AND t.token_id = k.column2"
        " AND t.holder = k.column3"};
    const std::vector<Row> found = query_chunks(conn_, dialect_, shape, std::span<const Entry>(entries_), {},
                                                {to_db_int(chain_)}, [](const Entry& e, Params& p) {
                                                    p.emplace_back(e.contract_db);
                                                    p.emplace_back(e.token_id_db);
                                                    p.emplace_back(e.holder_db);
                                                });
    for (const Row& r : found) {
        auto it = slots_.find(key(not_null(r[0]), not_null(r[1]), not_null(r[2])));
        if (it == slots_.end()) throw StoreError("balance read back under a key that was not asked for");
        Entry& e = entries_[it->second];
        e.amount = dialect_.decode_u256(not_null(r[3]));
        e.stored = true;
    }
}

void BalanceBook::move(size_t slot, const core::Uint256& amount, bool subtract, uint64_t block) {
    Entry& e = entries_.at(slot);
    auto next = subtract ? e.amount.checked_sub(amount) : e.amount.checked_add(amount);
    if (!next) {
        throw StoreError(fmt::format("balance of {} for token {} of {} would {}", e.holder.lower_hex(),
                                     e.token_id.to_decimal(), e.contract.lower_hex(),
                                     subtract ? "go below zero" : "overflow"));
    }
    e.amount = *next;
    e.block = block;
    e.moved = true;
}

void BalanceBook::store() {
    std::vector<const Entry*> gone;
    std::vector<const Entry*> kept;
    for (const Entry& e : entries_) {
        if (!e.moved) continue;
        if (!e.amount.is_zero()) {
            kept.push_back(&e);
        } else if (e.stored) {
            gone.push_back(&e);
        }
    }
    DeleteMatching del = delete_matching(dialect_, "balances", {"contract", "token_id", "holder"});
    execute_chunks(conn_, dialect_, MultiRow{del.head, "tut", del.tail}, std::span<const Entry* const>(gone), {},
                   {to_db_int(chain_)}, [](const Entry* e, Params& p) {
                       p.emplace_back(e->contract_db);
                       p.emplace_back(e->token_id_db);
                       p.emplace_back(e->holder_db);
                   });

    const Param chain = to_db_int(chain_);
    execute_chunks(
        conn_, dialect_,
        MultiRow{"INSERT INTO balances (chain_id, contract, token_id, holder, amount, block_number) ", "itutui",
                 " ON CONFLICT (chain_id, contract, token_id, holder) DO UPDATE SET amount = excluded.amount,"
                 " block_number = excluded.block_number"},
        std::span<const Entry* const>(kept), {}, {}, [&](const Entry* e, Params& p) {
            p.push_back(chain);
            p.emplace_back(e->contract_db);
            p.emplace_back(e->token_id_db);
            p.emplace_back(e->holder_db);
            p.emplace_back(dialect_.encode_u256(e->amount));
            p.emplace_back(to_db_int(e->block));
        });
}

}  // namespace tokensync::store::sql
