// The write side of SqlStore: migrations and the one write path (apply).
// apply() hands each kind of row to the connection's RowWriter
// (row_writer.hpp): values go from the ChangeSet's structs to the database
// without a Params vector, one cached prepared statement per table on
// SQLite and one array per column and chunk on PostgreSQL, while keeping
// the meaning of writing the rows one by one in order.
#include <ctime>
#include <span>
#include <unordered_map>

#include <fmt/format.h>

#include "store/migrations.hpp"
#include "store/sql/balance_book.hpp"
#include "store/sql/bulk.hpp"
#include "store/sql/codec.hpp"
#include "store/sql/sql_store.hpp"

namespace tokensync::store::sql {
namespace {

constexpr size_t kMaxTopics = 4;

constexpr RowColumn kBlockColumns[] = {
    {"chain_id", 'i'}, {"block_number", 'i'}, {"block_hash", 't'}, {"parent_hash", 't'}, {"block_time", 'i'}};
constexpr size_t kBlockKey[] = {1};
constexpr RowStatement kInsertBlocks{"blocks", kBlockColumns, " ON CONFLICT (chain_id, block_number) DO NOTHING",
                                     kBlockKey};

constexpr RowColumn kRawEventColumns[] = {{"chain_id", 'i'}, {"block_number", 'i'}, {"log_index", 'i'},
                                          {"tx_hash", 't'},  {"block_hash", 't'},   {"contract", 't'},
                                          {"topic0", 't'},   {"topic1", 't'},       {"topic2", 't'},
                                          {"topic3", 't'},   {"data", 't'}};
constexpr RowStatement kInsertRawEvents{"raw_events", kRawEventColumns,
                                        " ON CONFLICT (chain_id, block_number, log_index) DO NOTHING"};
constexpr RowStatement kAppendRawEvents{"raw_events", kRawEventColumns, ""};

constexpr RowColumn kTokenColumns[] = {{"chain_id", 'i'},   {"contract", 't'},  {"token_id", 'u'},
                                       {"author", 't'},     {"status", 't'},    {"block_number", 'i'},
                                       {"created_at", 'i'}, {"updated_at", 'i'}};
constexpr RowStatement kInsertTokens{"tokens", kTokenColumns, " ON CONFLICT (chain_id, contract, token_id) DO NOTHING"};
constexpr RowStatement kAppendTokens{"tokens", kTokenColumns, ""};

constexpr RowColumn kMintColumns[] = {{"chain_id", 'i'}, {"block_number", 'i'}, {"log_index", 'i'}, {"tx_hash", 't'},
                                      {"contract", 't'}, {"token_id", 'u'},     {"minter", 't'},    {"author", 't'}};
constexpr RowStatement kInsertMints{"mint_events", kMintColumns,
                                    " ON CONFLICT (chain_id, block_number, log_index) DO NOTHING"};
constexpr RowStatement kAppendMints{"mint_events", kMintColumns, ""};

constexpr RowColumn kTransferColumns[] = {
    {"chain_id", 'i'},   {"block_number", 'i'}, {"log_index", 'i'}, {"batch_index", 'i'},      {"tx_hash", 't'},
    {"block_time", 'i'}, {"contract", 't'},     {"standard", 't'},  {"operator_address", 't'}, {"from_address", 't'},
    {"to_address", 't'}, {"token_id", 'u'},     {"amount", 'u'}};
constexpr size_t kTransferKey[] = {1, 2, 3};
constexpr RowStatement kInsertTransfers{"transfers", kTransferColumns,
                                        " ON CONFLICT (chain_id, block_number, log_index, batch_index) DO NOTHING",
                                        kTransferKey};
constexpr RowStatement kAppendTransfers{"transfers", kTransferColumns, "", kTransferKey};

constexpr RowColumn kOwnerColumns[] = {{"chain_id", 'i'}, {"contract", 't'},     {"token_id", 'u'},
                                       {"owner", 't'},    {"block_number", 'i'}, {"log_index", 'i'}};
// An owner row set by a newer transfer stays: backfill chunks may commit out
// of order.
constexpr RowStatement kUpsertOwners{
    "owners", kOwnerColumns,
    " ON CONFLICT (chain_id, contract, token_id) DO UPDATE SET owner = excluded.owner,"
    " block_number = excluded.block_number, log_index = excluded.log_index "
    "WHERE owners.block_number < excluded.block_number"
    " OR (owners.block_number = excluded.block_number AND owners.log_index < excluded.log_index)"};

constexpr RowColumn kEventColumns[] = {
    {"chain_id", 'i'}, {"block_number", 'i'}, {"log_index", 'i'}, {"tx_hash", 't'}, {"block_time", 'i'},
    {"contract", 't'}, {"event_name", 't'},   {"signature", 't'}, {"topic0", 't'},  {"args", 'j'}};
constexpr RowStatement kInsertEvents{"events", kEventColumns,
                                     " ON CONFLICT (chain_id, block_number, log_index) DO NOTHING"};
constexpr RowStatement kAppendEvents{"events", kEventColumns, ""};

// After a batch met stored keys, this many more go with their ON CONFLICT
// clauses straight away (a backfill over stored blocks would meet them in
// every batch) before plain appends are tried again.
constexpr int kGuardedAfterDuplicate = 16;

void add_optional(RowWriter& w, const std::optional<std::string>& s) {
    if (s) {
        w.add_text(*s);
    } else {
        w.add_null();
    }
}

// Counts an INSERT ... ON CONFLICT DO NOTHING of `total` rows.
void count_inserts(RowCounts& counts, uint64_t total, uint64_t inserted) {
    counts.inserted += inserted;
    counts.skipped += total - inserted;
}

// An ERC-721 token of the batch, to find each one's latest transfer.
struct TokenRef {
    core::Address contract;
    core::Uint256 token_id;
    friend bool operator==(const TokenRef&, const TokenRef&) = default;
};
struct TokenRefHash {
    size_t operator()(const TokenRef& t) const noexcept {
        size_t h = 0;
        for (uint64_t limb : t.token_id.limbs())
            h = h * 0x9e3779b97f4a7c15ULL + limb;
        const auto& b = t.contract.bytes();
        for (size_t i = 12; i < b.size(); ++i)
            h = (h << 5) ^ (h >> 59) ^ b[i];
        return h;
    }
};

}  // namespace

SqlStore::SqlStore(std::unique_ptr<Connection> conn, const Dialect& dialect,
                   std::function<std::unique_ptr<Connection>()> open_another)
    : conn_{std::move(conn)}, dialect_{dialect}, open_another_{std::move(open_another)} {}

MigrationResult SqlStore::migrate() {
    const MigrationResult result = run_migrations(*conn_, dialect_, builtin_migrations());
    build_secondary_indexes();  // a bulk load killed after dropping them
    return result;
}

int SqlStore::schema_version() { return read_schema_version(*conn_, dialect_); }

ApplyResult SqlStore::apply(const ChangeSet& changes) {
    WriteTransaction tx(*conn_);
    conn_->execute("INSERT INTO chains (chain_id) VALUES (?) ON CONFLICT (chain_id) DO NOTHING",
                   {to_db_int(changes.chain_id)});
    ApplyResult result;
    if (dialect_.plain_appends && guarded_applies_left_ == 0) {
        // A new range meets no stored key: its appends go plainly. A replay
        // or an overlap rolls back to the savepoint and goes guarded.
        conn_->execute("SAVEPOINT plain_appends", {});
        try {
            plain_appends_ = true;
            result = apply_rows(changes);
            plain_appends_ = false;
            conn_->execute("RELEASE SAVEPOINT plain_appends", {});
        } catch (const DuplicateKeyError&) {
            plain_appends_ = false;
            conn_->execute("ROLLBACK TO SAVEPOINT plain_appends", {});
            guarded_applies_left_ = kGuardedAfterDuplicate;
            result = apply_rows(changes);
        } catch (...) {
            plain_appends_ = false;
            throw;
        }
    } else {
        if (guarded_applies_left_ > 0) --guarded_applies_left_;
        result = apply_rows(changes);
    }
    tx.commit();
    return result;
}

ApplyResult SqlStore::apply_rows(const ChangeSet& changes) {
    const ChainId chain = changes.chain_id;
    ApplyResult result;
    insert_blocks(chain, changes.blocks, result.blocks);
    insert_raw_events(chain, changes.raw_events, result.raw_events);
    for (const Author& a : changes.authors)
        upsert_author(a, result.authors);
    insert_tokens(chain, changes.tokens, result.tokens);
    insert_mints(chain, changes.mint_events, result.mint_events);
    std::vector<const Transfer*> fresh = insert_transfers(chain, changes.transfers, result.transfers);
    // Balances (ERC-1155) and owners (ERC-721) move only with newly stored
    // transfers, which is what makes a replay leave them alone.
    move_balances(chain, fresh);
    move_owners(chain, fresh);
    apply_audit_repairs(chain, changes, result);  // sql_store_audit.cpp
    insert_events(chain, changes.events, result.events);
    for (const Cursor& c : changes.cursors) {
        write_cursor(chain, c);
        ++result.cursors_written;
    }
    for (const StateEntry& e : changes.state)
        set_state(e.key, e.json);
    return result;
}

void SqlStore::insert_blocks(ChainId chain, const std::vector<Block>& blocks, RowCounts& counts) {
    const int64_t chain_id = to_db_int(chain);
    RowWriter& w = conn_->row_writer(kInsertBlocks);
    w.begin();
    for (const Block& b : blocks) {
        w.add_int(chain_id);
        w.add_int(to_db_int(b.number));
        w.add_text(db_text(b.hash).view());
        w.add_text(db_text(b.parent_hash).view());
        w.add_int(b.timestamp);
        w.end_row();
    }
    w.finish();
    // The first of the batch's blocks at a new height was stored; every other
    // one must match what is stored there. The same height with another hash
    // is a reorg the caller has not rolled back yet; skipping it would leave
    // the two chains mixed.
    std::vector<const Block*> skipped;
    for (size_t i = 0; i < blocks.size(); ++i) {
        if (w.changed(i)) {
            ++counts.inserted;
        } else {
            skipped.push_back(&blocks[i]);
            ++counts.skipped;
        }
    }
    std::unordered_map<uint64_t, core::Hash32> stored;
    const std::vector<Row> stored_blocks =
        query_chunks(*conn_, dialect_,
                     MultiRow{"SELECT b.block_number, b.block_hash FROM (", "i",
                              ") AS k JOIN blocks b ON b.chain_id = ? AND b.block_number = k.column1"},
                     std::span<const Block* const>(skipped), {}, {Param{chain_id}},
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
    const int64_t chain_id = to_db_int(chain);
    RowWriter& w = conn_->row_writer(plain_appends_ ? kAppendRawEvents : kInsertRawEvents);
    w.begin();
    for (const RawEvent& e : events) {
        w.add_int(chain_id);
        w.add_int(to_db_int(e.block_number));
        w.add_int(to_db_int(e.log_index));
        w.add_text(db_text(e.tx_hash).view());
        w.add_text(db_text(e.block_hash).view());
        w.add_text(db_text(e.contract).view());
        for (size_t i = 0; i < kMaxTopics; ++i) {
            if (i < e.topics.size()) {
                w.add_text(db_text(e.topics[i]).view());
            } else {
                w.add_null();
            }
        }
        w.add_text(db_text(e.data, text_buffer_));
        w.end_row();
    }
    count_inserts(counts, events.size(), w.finish());
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
    // Token::owner is not stored: a token's owner is its owners row.
    const int64_t chain_id = to_db_int(chain);
    U256Text id;
    RowWriter& w = conn_->row_writer(plain_appends_ ? kAppendTokens : kInsertTokens);
    w.begin();
    for (const Token& t : tokens) {
        w.add_int(chain_id);
        w.add_text(db_text(t.contract).view());
        w.add_text(dialect_.write_u256(t.token_id, id));
        add_optional(w, t.author);
        w.add_text(to_string(t.status));
        w.add_int(to_db_int(t.block_number));
        w.add_int(t.created_at);
        w.add_int(t.updated_at);
        w.end_row();
    }
    count_inserts(counts, tokens.size(), w.finish());
}

void SqlStore::insert_mints(ChainId chain, const std::vector<MintEvent>& mints, RowCounts& counts) {
    const int64_t chain_id = to_db_int(chain);
    U256Text id;
    RowWriter& w = conn_->row_writer(plain_appends_ ? kAppendMints : kInsertMints);
    w.begin();
    for (const MintEvent& m : mints) {
        w.add_int(chain_id);
        w.add_int(to_db_int(m.block_number));
        w.add_int(to_db_int(m.log_index));
        w.add_text(db_text(m.tx_hash).view());
        w.add_text(db_text(m.contract).view());
        w.add_text(dialect_.write_u256(m.token_id, id));
        w.add_text(db_text(m.minter).view());
        add_optional(w, m.author);
        w.end_row();
    }
    count_inserts(counts, mints.size(), w.finish());
}

std::vector<const Transfer*> SqlStore::insert_transfers(ChainId chain, const std::vector<Transfer>& transfers,
                                                        RowCounts& counts) {
    const int64_t chain_id = to_db_int(chain);
    U256Text number;
    RowWriter& w = conn_->row_writer(plain_appends_ ? kAppendTransfers : kInsertTransfers);
    w.begin();
    for (const Transfer& t : transfers) {
        w.add_int(chain_id);
        w.add_int(to_db_int(t.block_number));
        w.add_int(to_db_int(t.log_index));
        w.add_int(to_db_int(t.batch_index));
        w.add_text(db_text(t.tx_hash).view());
        w.add_int(t.block_timestamp);
        w.add_text(db_text(t.contract).view());
        w.add_text(to_db(t.standard));
        w.add_text(db_text(t.operator_address).view());
        w.add_text(db_text(t.from).view());
        w.add_text(db_text(t.to).view());
        w.add_text(dialect_.write_u256(t.token_id, number));
        w.add_text(dialect_.write_u256(t.amount, number));
        w.end_row();
    }
    w.finish();
    // A key repeated within the batch is skipped after its first row, as
    // the database skips it.
    std::vector<const Transfer*> fresh;
    for (size_t i = 0; i < transfers.size(); ++i) {
        if (w.changed(i)) fresh.push_back(&transfers[i]);
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
        // ERC-721 holdings are the owners table (move_owners).
        if (t->standard != TokenStandard::kErc1155) {
            slots.emplace_back(kNone, kNone);
            continue;
        }
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
    std::unordered_map<TokenRef, size_t, TokenRefHash> index;
    for (const Transfer* t : fresh) {
        if (t->standard != TokenStandard::kErc721) continue;
        auto [it, added] = index.try_emplace(TokenRef{t->contract, t->token_id}, latest.size());
        if (added) {
            latest.push_back(t);
            continue;
        }
        const Transfer*& best = latest[it->second];
        if (std::pair(t->block_number, t->log_index) > std::pair(best->block_number, best->log_index)) best = t;
    }
    const int64_t chain_id = to_db_int(chain);
    U256Text id;
    RowWriter& w = conn_->row_writer(kUpsertOwners);
    w.begin();
    for (const Transfer* t : latest) {
        w.add_int(chain_id);
        w.add_text(db_text(t->contract).view());
        w.add_text(dialect_.write_u256(t->token_id, id));
        w.add_text(db_text(t->to).view());
        w.add_int(to_db_int(t->block_number));
        w.add_int(to_db_int(t->log_index));
        w.end_row();
    }
    w.finish();
}

void SqlStore::insert_events(ChainId chain, const std::vector<EventRow>& events, RowCounts& counts) {
    const int64_t chain_id = to_db_int(chain);
    RowWriter& w = conn_->row_writer(plain_appends_ ? kAppendEvents : kInsertEvents);
    w.begin();
    for (const EventRow& e : events) {
        w.add_int(chain_id);
        w.add_int(to_db_int(e.block_number));
        w.add_int(to_db_int(e.log_index));
        w.add_text(db_text(e.tx_hash).view());
        w.add_int(e.block_timestamp);
        w.add_text(db_text(e.contract).view());
        w.add_text(e.event_name);
        w.add_text(e.signature);
        w.add_text(db_text(e.topic0).view());
        w.add_text(e.args_json);
        w.end_row();
    }
    count_inserts(counts, events.size(), w.finish());
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
