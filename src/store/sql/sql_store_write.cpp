// The write side of SqlStore: migrations and the one write path (apply).
// apply() writes each kind of row with multi-row statements (bulk.hpp), so a
// backfill batch of thousands of logs costs a few statements per table,
// while keeping the meaning of writing the rows one by one in order.
#include <ctime>
#include <span>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "core/hex.hpp"
#include "store/migrations.hpp"
#include "store/sql/balance_book.hpp"
#include "store/sql/bulk.hpp"
#include "store/sql/codec.hpp"
#include "store/sql/sql_store.hpp"

namespace tokensync::store::sql {
namespace {

constexpr size_t kMaxTopics = 4;

Param optional_text(const std::optional<std::string>& s) {
    if (s) return *s;
    return nullptr;
}

std::string transfer_key(const std::string& tx_hash, const std::string& log_index, const std::string& batch_index) {
    return tx_hash + ':' + log_index + ':' + batch_index;
}

std::string transfer_key(const Transfer& t) {
    return transfer_key(to_db(t.tx_hash), std::to_string(t.log_index), std::to_string(t.batch_index));
}

// Counts a multi-row INSERT ... ON CONFLICT DO NOTHING of `total` rows.
void count_inserts(RowCounts& counts, uint64_t total, uint64_t inserted) {
    counts.inserted += inserted;
    counts.skipped += total - inserted;
}

}  // namespace

SqlStore::SqlStore(std::unique_ptr<Connection> conn, const Dialect& dialect)
    : conn_{std::move(conn)}, dialect_{dialect} {}

MigrationResult SqlStore::migrate() { return run_migrations(*conn_, dialect_, builtin_migrations()); }

int SqlStore::schema_version() { return read_schema_version(*conn_, dialect_); }

ApplyResult SqlStore::apply(const ChangeSet& changes) {
    const ChainId chain = changes.chain_id;
    WriteTransaction tx(*conn_);
    conn_->execute("INSERT INTO chains (chain_id) VALUES (?) ON CONFLICT (chain_id) DO NOTHING", {to_db_int(chain)});
    ApplyResult result;
    insert_blocks(chain, changes.blocks, result.blocks);
    insert_raw_events(chain, changes.raw_events, result.raw_events);
    for (const Author& a : changes.authors)
        upsert_author(a, result.authors);
    // Tokens go in before the batch's transfers, which may then move their owner.
    insert_tokens(chain, changes.tokens, result.tokens);
    insert_mints(chain, changes.mint_events, result.mint_events);
    std::vector<const Transfer*> fresh = insert_transfers(chain, changes.transfers, result.transfers);
    // Balances and owners move only with newly stored transfers, which is
    // what makes a replay leave them alone.
    move_balances(chain, fresh);
    move_owners(chain, fresh);
    insert_events(chain, changes.events, result.events);
    for (const Cursor& c : changes.cursors) {
        write_cursor(chain, c);
        ++result.cursors_written;
    }
    for (const StateEntry& e : changes.state)
        set_state(e.key, e.json);
    tx.commit();
    return result;
}

void SqlStore::insert_blocks(ChainId chain, const std::vector<Block>& blocks, RowCounts& counts) {
    const Param chain_param = to_db_int(chain);
    std::unordered_set<uint64_t> inserted;
    const std::vector<Row> new_blocks = query_chunks(
        *conn_, dialect_,
        MultiRow{"INSERT INTO blocks (chain_id, block_number, block_hash, parent_hash, block_time) ", "iitti",
                 " ON CONFLICT (chain_id, block_number) DO NOTHING RETURNING block_number"},
        std::span<const Block>(blocks), {}, {}, [&](const Block& b, Params& p) {
            p.insert(p.end(), {chain_param, to_db_int(b.number), to_db(b.hash), to_db(b.parent_hash), b.timestamp});
        });
    for (const Row& r : new_blocks)
        inserted.insert(read_u64(r[0]));
    // The first of the batch's blocks at a new height was stored; every other
    // one must match what is stored there. The same height with another hash
    // is a reorg the caller has not rolled back yet; skipping it would leave
    // the two chains mixed.
    std::vector<const Block*> skipped;
    for (const Block& b : blocks) {
        if (inserted.erase(b.number) > 0) {
            ++counts.inserted;
        } else {
            skipped.push_back(&b);
            ++counts.skipped;
        }
    }
    std::unordered_map<uint64_t, core::Hash32> stored;
    const std::vector<Row> stored_blocks =
        query_chunks(*conn_, dialect_,
                     MultiRow{"SELECT b.block_number, b.block_hash FROM (", "i",
                              ") AS k JOIN blocks b ON b.chain_id = ? AND b.block_number = k.column1"},
                     std::span<const Block* const>(skipped), {}, {chain_param},
                     [](const Block* b, Params& p) { p.emplace_back(to_db_int(b->number)); });
    for (const Row& r : stored_blocks)
        stored.emplace(read_u64(r[0]), read_hash(r[1]));
    for (const Block* b : skipped) {
        auto it = stored.find(b->number);
        if (it != stored.end() && it->second != b->hash) {
            throw StoreError(fmt::format("block {} of chain {} is stored with hash {}, not {}: roll back first",
                                         b->number, chain, it->second.hex(), b->hash.hex()));
        }
    }
}

void SqlStore::insert_raw_events(ChainId chain, const std::vector<RawEvent>& events, RowCounts& counts) {
    for (const RawEvent& e : events) {
        if (e.topics.size() > kMaxTopics) {
            throw StoreError(fmt::format("log {} of {} has {} topics", e.log_index, e.tx_hash.hex(), e.topics.size()));
        }
    }
    const Param chain_param = to_db_int(chain);
    const int64_t n = execute_chunks(
        *conn_, dialect_,
        MultiRow{"INSERT INTO raw_events (chain_id, tx_hash, log_index, block_number, block_hash, contract,"
                 " topic0, topic1, topic2, topic3, data) ",
                 "itiittttttt", " ON CONFLICT (chain_id, tx_hash, log_index) DO NOTHING"},
        std::span<const RawEvent>(events), {}, {}, [&](const RawEvent& e, Params& p) {
            p.insert(p.end(), {chain_param, to_db(e.tx_hash), to_db_int(e.log_index), to_db_int(e.block_number),
                               to_db(e.block_hash), to_db(e.contract)});
            for (size_t i = 0; i < kMaxTopics; ++i) {
                p.emplace_back(i < e.topics.size() ? Param{to_db(e.topics[i])} : Param{nullptr});
            }
            p.emplace_back(core::to_hex(e.data));
        });
    count_inserts(counts, events.size(), static_cast<uint64_t>(n));
}

void SqlStore::upsert_author(const Author& a, RowCounts& counts) {
    if (a.wallet.empty()) throw StoreError("author with an empty wallet");
    auto rows = conn_->query("SELECT prompt FROM authors WHERE lower(wallet) = lower(?)", {a.wallet});
    if (rows.empty()) {
        conn_->execute("INSERT INTO authors (wallet, prompt, created_at) VALUES (?, ?, ?)",
                       {a.wallet, a.prompt, a.created_at});
        ++counts.inserted;
    } else if (not_null(rows[0][0]) != a.prompt) {
        conn_->execute("UPDATE authors SET prompt = ? WHERE lower(wallet) = lower(?)", {a.prompt, a.wallet});
        ++counts.updated;
    } else {
        ++counts.skipped;
    }
}

void SqlStore::insert_tokens(ChainId chain, const std::vector<Token>& tokens, RowCounts& counts) {
    const Param chain_param = to_db_int(chain);
    std::vector<TokenKey> inserted;
    const std::vector<Row> new_tokens = query_chunks(
        *conn_, dialect_,
        MultiRow{"INSERT INTO tokens (chain_id, contract, token_id, author, owner, status, block_number, created_at,"
                 " updated_at) ",
                 "itutttiii", " ON CONFLICT (chain_id, contract, token_id) DO NOTHING RETURNING contract, token_id"},
        std::span<const Token>(tokens), {}, {}, [&](const Token& t, Params& p) {
            p.insert(p.end(), {chain_param, to_db(t.contract), dialect_.encode_u256(t.token_id),
                               optional_text(t.author), to_db(t.owner), std::string(to_string(t.status)),
                               to_db_int(t.block_number), t.created_at, t.updated_at});
        });
    inserted.reserve(new_tokens.size());
    for (const Row& r : new_tokens)
        inserted.push_back({not_null(r[0]), not_null(r[1])});
    count_inserts(counts, tokens.size(), inserted.size());
    // A token row found after its transfers (recovery, or a later batch)
    // takes the owner they already set.
    copy_owners_to_tokens(chain, inserted);
}

void SqlStore::copy_owners_to_tokens(ChainId chain, const std::vector<TokenKey>& keys) {
    execute_chunks(*conn_, dialect_,
                   // Each side is tied to the key list directly, so both are
                   // reached through their primary keys (joining tokens to
                   // owners instead let PostgreSQL scan the tokens table for
                   // every batch: quadratic in a backfill).
                   MultiRow{"UPDATE tokens SET owner = owners.owner FROM (", "tu",
                            ") AS k JOIN owners ON owners.chain_id = ? AND owners.contract = k.column1"
                            " AND owners.token_id = k.column2 "
                            "WHERE tokens.chain_id = ? AND tokens.contract = k.column1"
                            " AND tokens.token_id = k.column2"},
                   std::span<const TokenKey>(keys), {}, {to_db_int(chain), to_db_int(chain)},
                   [](const TokenKey& k, Params& p) {
                       p.emplace_back(k.contract);
                       p.emplace_back(k.token_id);
                   });
}

void SqlStore::insert_mints(ChainId chain, const std::vector<MintEvent>& mints, RowCounts& counts) {
    const Param chain_param = to_db_int(chain);
    const int64_t n = execute_chunks(
        *conn_, dialect_,
        MultiRow{"INSERT INTO mint_events (chain_id, tx_hash, log_index, block_number, contract, token_id, minter,"
                 " author) ",
                 "itiitutt", " ON CONFLICT (chain_id, tx_hash, log_index) DO NOTHING"},
        std::span<const MintEvent>(mints), {}, {}, [&](const MintEvent& m, Params& p) {
            p.insert(p.end(),
                     {chain_param, to_db(m.tx_hash), to_db_int(m.log_index), to_db_int(m.block_number),
                      to_db(m.contract), dialect_.encode_u256(m.token_id), to_db(m.minter), optional_text(m.author)});
        });
    count_inserts(counts, mints.size(), static_cast<uint64_t>(n));
}

std::vector<const Transfer*> SqlStore::insert_transfers(ChainId chain, const std::vector<Transfer>& transfers,
                                                        RowCounts& counts) {
    // A key repeated within the batch is skipped after its first row, as the
    // database would skip it.
    std::vector<const Transfer*> unique;
    unique.reserve(transfers.size());
    {
        std::unordered_set<std::string> seen;
        for (const Transfer& t : transfers) {
            if (seen.insert(transfer_key(t)).second) unique.push_back(&t);
        }
    }
    const Param chain_param = to_db_int(chain);
    std::unordered_set<std::string> inserted;
    const std::vector<Row> new_transfers = query_chunks(
        *conn_, dialect_,
        MultiRow{"INSERT INTO transfers (chain_id, tx_hash, log_index, batch_index, block_number, block_time,"
                 " contract, standard, operator_address, from_address, to_address, token_id, amount) ",
                 "itiiiitttttuu",
                 " ON CONFLICT (chain_id, tx_hash, log_index, batch_index) DO NOTHING"
                 " RETURNING tx_hash, log_index, batch_index"},
        std::span<const Transfer* const>(unique), {}, {}, [&](const Transfer* t, Params& p) {
            p.insert(p.end(), {chain_param, to_db(t->tx_hash), to_db_int(t->log_index), to_db_int(t->batch_index),
                               to_db_int(t->block_number), t->block_timestamp, to_db(t->contract),
                               std::string(to_db(t->standard)), to_db(t->operator_address), to_db(t->from),
                               to_db(t->to), dialect_.encode_u256(t->token_id), dialect_.encode_u256(t->amount)});
        });
    for (const Row& r : new_transfers)
        inserted.insert(transfer_key(not_null(r[0]), not_null(r[1]), not_null(r[2])));

    std::vector<const Transfer*> fresh;
    fresh.reserve(inserted.size());
    for (const Transfer* t : unique) {
        if (inserted.contains(transfer_key(*t))) fresh.push_back(t);
    }
    count_inserts(counts, transfers.size(), fresh.size());
    return fresh;
}

void SqlStore::move_balances(ChainId chain, const std::vector<const Transfer*>& fresh) {
    constexpr size_t kNone = SIZE_MAX;
    BalanceBook book(*conn_, dialect_, chain);
    std::vector<std::pair<size_t, size_t>> slots;  // (from, to) of each transfer
    slots.reserve(fresh.size());
    for (const Transfer* t : fresh) {
        // The zero address on either side is a mint or a burn and has no balance.
        slots.emplace_back(t->from.is_zero() ? kNone : book.touch(t->contract, t->token_id, t->from),
                           t->to.is_zero() ? kNone : book.touch(t->contract, t->token_id, t->to));
    }
    book.load();
    for (size_t i = 0; i < fresh.size(); ++i) {
        const Transfer& t = *fresh[i];
        if (slots[i].first != kNone) book.move(slots[i].first, t.amount, true, t.block_number);
        if (slots[i].second != kNone) book.move(slots[i].second, t.amount, false, t.block_number);
    }
    book.store();
}

void SqlStore::move_owners(ChainId chain, const std::vector<const Transfer*>& fresh) {
    // Of the batch's new ERC-721 transfers of a token only its latest by
    // (block, log index) can end up the owner; the first of equals wins.
    std::vector<const Transfer*> latest;
    std::unordered_map<std::string, size_t> index;
    for (const Transfer* t : fresh) {
        if (t->standard != TokenStandard::kErc721) continue;
        auto [it, added] = index.try_emplace(to_db(t->contract) + '|' + t->token_id.to_decimal(), latest.size());
        if (added) {
            latest.push_back(t);
            continue;
        }
        const Transfer*& best = latest[it->second];
        if (std::pair(t->block_number, t->log_index) > std::pair(best->block_number, best->log_index)) best = t;
    }
    // An owner row set by a newer transfer than this batch's stays: backfill
    // chunks may commit out of order. RETURNING lists the rows that changed.
    const Param chain_param = to_db_int(chain);
    std::vector<TokenKey> changed;
    const std::vector<Row> changed_owners = query_chunks(
        *conn_, dialect_,
        MultiRow{"INSERT INTO owners (chain_id, contract, token_id, owner, block_number, log_index) ", "itutii",
                 " ON CONFLICT (chain_id, contract, token_id) DO UPDATE SET owner = excluded.owner,"
                 " block_number = excluded.block_number, log_index = excluded.log_index "
                 "WHERE owners.block_number < excluded.block_number"
                 " OR (owners.block_number = excluded.block_number AND owners.log_index < excluded.log_index) "
                 "RETURNING contract, token_id"},
        std::span<const Transfer* const>(latest), {}, {}, [&](const Transfer* t, Params& p) {
            p.insert(p.end(), {chain_param, to_db(t->contract), dialect_.encode_u256(t->token_id), to_db(t->to),
                               to_db_int(t->block_number), to_db_int(t->log_index)});
        });
    changed.reserve(changed_owners.size());
    for (const Row& r : changed_owners)
        changed.push_back({not_null(r[0]), not_null(r[1])});
    copy_owners_to_tokens(chain, changed);
}

void SqlStore::insert_events(ChainId chain, const std::vector<EventRow>& events, RowCounts& counts) {
    const Param chain_param = to_db_int(chain);
    const int64_t n = execute_chunks(
        *conn_, dialect_,
        MultiRow{"INSERT INTO events (chain_id, tx_hash, log_index, block_number, block_time, contract, event_name,"
                 " signature, topic0, args) ",
                 "itiiittttj", " ON CONFLICT (chain_id, tx_hash, log_index) DO NOTHING"},
        std::span<const EventRow>(events), {}, {}, [&](const EventRow& e, Params& p) {
            p.insert(p.end(),
                     {chain_param, to_db(e.tx_hash), to_db_int(e.log_index), to_db_int(e.block_number),
                      e.block_timestamp, to_db(e.contract), e.event_name, e.signature, to_db(e.topic0), e.args_json});
        });
    count_inserts(counts, events.size(), static_cast<uint64_t>(n));
}

void SqlStore::write_cursor(ChainId chain, const Cursor& c) {
    conn_->execute(
        "INSERT INTO cursors (chain_id, contract, block_number, block_hash) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (chain_id, contract) DO UPDATE SET block_number = excluded.block_number,"
        " block_hash = excluded.block_hash",
        {to_db_int(chain), to_db(c.contract), to_db_int(c.block_number), to_db(c.block_hash)});
}

void SqlStore::set_state(std::string_view key, std::string_view json) {
    conn_->execute(
        "INSERT INTO system_state (state_key, value, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT (state_key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        {std::string(key), std::string(json), static_cast<int64_t>(std::time(nullptr))});
}

}  // namespace tokensync::store::sql
