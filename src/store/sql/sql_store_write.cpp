// The write side of SqlStore: migrations, the one write path (apply) and
// its undo (rollback_above).
#include <ctime>

#include <fmt/format.h>

#include "core/hex.hpp"
#include "store/migrations.hpp"
#include "store/sql/codec.hpp"
#include "store/sql/sql_store.hpp"

namespace tokensync::store::sql {
namespace {

constexpr size_t kMaxTopics = 4;

Param optional_text(const std::optional<std::string>& s) {
    if (s) return *s;
    return nullptr;
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
    for (const Block& b : changes.blocks)
        insert_block(chain, b, result.blocks);
    for (const RawEvent& e : changes.raw_events)
        insert_raw_event(chain, e, result.raw_events);
    for (const Author& a : changes.authors)
        upsert_author(a, result.authors);
    for (const Token& t : changes.tokens)
        insert_token(chain, t, result.tokens);
    for (const MintEvent& m : changes.mint_events)
        insert_mint(chain, m, result.mint_events);
    for (const Transfer& t : changes.transfers)
        insert_transfer(chain, t, result.transfers);
    for (const EventRow& e : changes.events)
        insert_event(chain, e, result.events);
    for (const Cursor& c : changes.cursors) {
        write_cursor(chain, c);
        ++result.cursors_written;
    }
    tx.commit();
    return result;
}

void SqlStore::insert_block(ChainId chain, const Block& b, RowCounts& counts) {
    int64_t n = conn_->execute(
        "INSERT INTO blocks (chain_id, block_number, block_hash, parent_hash, block_time) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (chain_id, block_number) DO NOTHING",
        {to_db_int(chain), to_db_int(b.number), to_db(b.hash), to_db(b.parent_hash), b.timestamp});
    if (n > 0) {
        ++counts.inserted;
        return;
    }
    // The same height with another hash is a reorg the caller has not rolled
    // back yet; skipping it would leave the two chains mixed.
    auto stored = block_hash(chain, b.number);
    if (stored && *stored != b.hash) {
        throw StoreError(fmt::format("block {} of chain {} is stored with hash {}, not {}: roll back first", b.number,
                                     chain, stored->hex(), b.hash.hex()));
    }
    ++counts.skipped;
}

void SqlStore::insert_raw_event(ChainId chain, const RawEvent& e, RowCounts& counts) {
    if (e.topics.size() > kMaxTopics) {
        throw StoreError(fmt::format("log {} of {} has {} topics", e.log_index, e.tx_hash.hex(), e.topics.size()));
    }
    Params params{to_db_int(chain),          to_db(e.tx_hash),    to_db_int(e.log_index),
                  to_db_int(e.block_number), to_db(e.block_hash), to_db(e.contract)};
    for (size_t i = 0; i < kMaxTopics; ++i) {
        params.emplace_back(i < e.topics.size() ? Param{to_db(e.topics[i])} : Param{nullptr});
    }
    params.emplace_back(core::to_hex(e.data));
    int64_t n = conn_->execute(
        "INSERT INTO raw_events (chain_id, tx_hash, log_index, block_number, block_hash, contract,"
        " topic0, topic1, topic2, topic3, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (chain_id, tx_hash, log_index) DO NOTHING",
        params);
    ++(n > 0 ? counts.inserted : counts.skipped);
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

void SqlStore::insert_token(ChainId chain, const Token& t, RowCounts& counts) {
    int64_t n = conn_->execute(
        "INSERT INTO tokens (chain_id, contract, token_id, author, owner, status, block_number, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (chain_id, contract, token_id) DO NOTHING",
        {to_db_int(chain), to_db(t.contract), dialect_.encode_u256(t.token_id), optional_text(t.author), to_db(t.owner),
         std::string(to_string(t.status)), to_db_int(t.block_number), t.created_at, t.updated_at});
    if (n == 0) {
        ++counts.skipped;
        return;
    }
    ++counts.inserted;
    // A token row found after its transfers (recovery, or a later batch)
    // takes the owner they already set.
    conn_->execute(
        "UPDATE tokens SET owner = owners.owner FROM owners "
        "WHERE tokens.chain_id = ? AND tokens.contract = ? AND tokens.token_id = ? "
        "AND owners.chain_id = tokens.chain_id AND owners.contract = tokens.contract "
        "AND owners.token_id = tokens.token_id",
        {to_db_int(chain), to_db(t.contract), dialect_.encode_u256(t.token_id)});
}

void SqlStore::insert_mint(ChainId chain, const MintEvent& m, RowCounts& counts) {
    int64_t n = conn_->execute(
        "INSERT INTO mint_events (chain_id, tx_hash, log_index, block_number, contract, token_id, minter, author) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (chain_id, tx_hash, log_index) DO NOTHING",
        {to_db_int(chain), to_db(m.tx_hash), to_db_int(m.log_index), to_db_int(m.block_number), to_db(m.contract),
         dialect_.encode_u256(m.token_id), to_db(m.minter), optional_text(m.author)});
    ++(n > 0 ? counts.inserted : counts.skipped);
}

void SqlStore::insert_transfer(ChainId chain, const Transfer& t, RowCounts& counts) {
    int64_t n = conn_->execute(
        "INSERT INTO transfers (chain_id, tx_hash, log_index, batch_index, block_number, block_time, contract,"
        " standard, operator_address, from_address, to_address, token_id, amount) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (chain_id, tx_hash, log_index, batch_index) DO NOTHING",
        {to_db_int(chain), to_db(t.tx_hash), to_db_int(t.log_index), to_db_int(t.batch_index),
         to_db_int(t.block_number), t.block_timestamp, to_db(t.contract), std::string(to_db(t.standard)),
         to_db(t.operator_address), to_db(t.from), to_db(t.to), dialect_.encode_u256(t.token_id),
         dialect_.encode_u256(t.amount)});
    if (n == 0) {
        ++counts.skipped;
        return;
    }
    ++counts.inserted;
    // Balances move only with a newly stored transfer, which is what makes
    // a replay leave them alone.
    if (!t.from.is_zero()) move_balance(chain, t.contract, t.token_id, t.from, t.amount, true, t.block_number);
    if (!t.to.is_zero()) move_balance(chain, t.contract, t.token_id, t.to, t.amount, false, t.block_number);
    if (t.standard == TokenStandard::kErc721) move_owner(chain, t);
}

void SqlStore::move_owner(ChainId chain, const Transfer& t) {
    const std::string token_id = dialect_.encode_u256(t.token_id);
    int64_t n = conn_->execute(
        "INSERT INTO owners (chain_id, contract, token_id, owner, block_number, log_index) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (chain_id, contract, token_id) DO UPDATE SET owner = excluded.owner,"
        " block_number = excluded.block_number, log_index = excluded.log_index "
        "WHERE owners.block_number < excluded.block_number"
        " OR (owners.block_number = excluded.block_number AND owners.log_index < excluded.log_index)",
        {to_db_int(chain), to_db(t.contract), token_id, to_db(t.to), to_db_int(t.block_number),
         to_db_int(t.log_index)});
    if (n == 0) return;  // an older transfer than the one that set the owner
    conn_->execute("UPDATE tokens SET owner = ? WHERE chain_id = ? AND contract = ? AND token_id = ?",
                   {to_db(t.to), to_db_int(chain), to_db(t.contract), token_id});
}

void SqlStore::recompute_owner(ChainId chain, const core::Address& contract, const core::Uint256& token_id) {
    const Params key{to_db_int(chain), to_db(contract), dialect_.encode_u256(token_id)};
    auto latest = conn_->query(
        "SELECT to_address, block_number, log_index FROM transfers "
        "WHERE chain_id = ? AND contract = ? AND token_id = ? AND standard = 'erc721' "
        "ORDER BY block_number DESC, log_index DESC LIMIT 1",
        key);
    // With no transfer left the token has no known owner; a token row that
    // survives (created at or below the rollback height) shows the zero address.
    core::Address owner;
    if (latest.empty()) {
        conn_->execute("DELETE FROM owners WHERE chain_id = ? AND contract = ? AND token_id = ?", key);
    } else {
        owner = read_address(latest[0][0]);
        Params update{to_db(owner), to_db_int(read_u64(latest[0][1])), to_db_int(read_u64(latest[0][2]))};
        update.insert(update.end(), key.begin(), key.end());
        conn_->execute(
            "UPDATE owners SET owner = ?, block_number = ?, log_index = ? "
            "WHERE chain_id = ? AND contract = ? AND token_id = ?",
            update);
    }
    Params token_update{to_db(owner)};
    token_update.insert(token_update.end(), key.begin(), key.end());
    conn_->execute("UPDATE tokens SET owner = ? WHERE chain_id = ? AND contract = ? AND token_id = ?", token_update);
}

void SqlStore::insert_event(ChainId chain, const EventRow& e, RowCounts& counts) {
    int64_t n = conn_->execute(
        "INSERT INTO events (chain_id, tx_hash, log_index, block_number, block_time, contract, event_name,"
        " signature, topic0, args) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (chain_id, tx_hash, log_index) DO NOTHING",
        {to_db_int(chain), to_db(e.tx_hash), to_db_int(e.log_index), to_db_int(e.block_number), e.block_timestamp,
         to_db(e.contract), e.event_name, e.signature, to_db(e.topic0), e.args_json});
    ++(n > 0 ? counts.inserted : counts.skipped);
}

void SqlStore::move_balance(ChainId chain, const core::Address& contract, const core::Uint256& token_id,
                            const core::Address& holder, const core::Uint256& amount, bool subtract, uint64_t block) {
    Params key{to_db_int(chain), to_db(contract), dialect_.encode_u256(token_id), to_db(holder)};
    auto rows = conn_->query(
        "SELECT amount FROM balances WHERE chain_id = ? AND contract = ? AND token_id = ? AND holder = ?", key);
    core::Uint256 current = rows.empty() ? core::Uint256{} : dialect_.decode_u256(not_null(rows[0][0]));
    auto next = subtract ? current.checked_sub(amount) : current.checked_add(amount);
    if (!next) {
        throw StoreError(fmt::format("balance of {} for token {} of {} would {}", holder.lower_hex(),
                                     token_id.to_decimal(), contract.lower_hex(),
                                     subtract ? "go below zero" : "overflow"));
    }
    if (next->is_zero()) {
        conn_->execute("DELETE FROM balances WHERE chain_id = ? AND contract = ? AND token_id = ? AND holder = ?", key);
    } else if (rows.empty()) {
        key.emplace_back(dialect_.encode_u256(*next));
        key.emplace_back(to_db_int(block));
        conn_->execute(
            "INSERT INTO balances (chain_id, contract, token_id, holder, amount, block_number) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            key);
    } else {
        key.insert(key.begin(), {dialect_.encode_u256(*next), to_db_int(block)});
        conn_->execute(
            "UPDATE balances SET amount = ?, block_number = ? "
            "WHERE chain_id = ? AND contract = ? AND token_id = ? AND holder = ?",
            key);
    }
}

void SqlStore::write_cursor(ChainId chain, const Cursor& c) {
    conn_->execute(
        "INSERT INTO cursors (chain_id, contract, block_number, block_hash) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (chain_id, contract) DO UPDATE SET block_number = excluded.block_number,"
        " block_hash = excluded.block_hash",
        {to_db_int(chain), to_db(c.contract), to_db_int(c.block_number), to_db(c.block_hash)});
}

RollbackResult SqlStore::rollback_above(ChainId chain, uint64_t block) {
    const Params above{to_db_int(chain), to_db_int(block)};
    WriteTransaction tx(*conn_);
    RollbackResult result;
    // Undo balance moves newest first, so no balance dips below zero on the way.
    auto moved = conn_->query(
        "SELECT contract, token_id, from_address, to_address, amount FROM transfers "
        "WHERE chain_id = ? AND block_number > ? ORDER BY block_number DESC, log_index DESC, batch_index DESC",
        above);
    for (const Row& r : moved) {
        core::Address contract = read_address(r[0]);
        core::Uint256 token_id = dialect_.decode_u256(not_null(r[1]));
        core::Address from = read_address(r[2]);
        core::Address to = read_address(r[3]);
        core::Uint256 amount = dialect_.decode_u256(not_null(r[4]));
        if (!to.is_zero()) move_balance(chain, contract, token_id, to, amount, true, block);
        if (!from.is_zero()) move_balance(chain, contract, token_id, from, amount, false, block);
    }
    // Owners set by a transfer above the height are recomputed once those
    // transfers are gone.
    auto stale_owners =
        conn_->query("SELECT contract, token_id FROM owners WHERE chain_id = ? AND block_number > ?", above);
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
    for (const Row& r : stale_owners) {
        recompute_owner(chain, read_address(r[0]), dialect_.decode_u256(not_null(r[1])));
    }
    result.owners = stale_owners.size();
    core::Hash32 hash = block_hash(chain, block).value_or(core::Hash32{});
    result.cursors = static_cast<uint64_t>(
        conn_->execute("UPDATE cursors SET block_number = ?, block_hash = ? WHERE chain_id = ? AND block_number > ?",
                       {to_db_int(block), to_db(hash), to_db_int(chain), to_db_int(block)}));
    tx.commit();
    return result;
}

void SqlStore::set_state(std::string_view key, std::string_view json) {
    conn_->execute(
        "INSERT INTO system_state (state_key, value, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT (state_key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        {std::string(key), std::string(json), static_cast<int64_t>(std::time(nullptr))});
}

}  // namespace tokensync::store::sql
