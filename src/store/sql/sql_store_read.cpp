// The read side of SqlStore: what later layers look up between batches.
#include "store/sql/codec.hpp"
#include "store/sql/sql_store.hpp"

namespace tokensync::store::sql {
namespace {

Author read_author(const Row& r) { return {not_null(r[0]), not_null(r[1]), read_i64(r[2])}; }

}  // namespace

void SqlStore::ping() { conn_->query("SELECT 1", {}); }

std::optional<Cursor> SqlStore::get_cursor(ChainId chain, const core::Address& contract) {
    auto rows = conn_->query("SELECT block_number, block_hash FROM cursors WHERE chain_id = ? AND contract = ?",
                             {to_db_int(chain), to_db(contract)});
    if (rows.empty()) return std::nullopt;
    return Cursor{contract, read_u64(rows[0][0]), read_hash(rows[0][1])};
}

std::optional<core::Hash32> SqlStore::block_hash(ChainId chain, uint64_t number) {
    auto rows = conn_->query("SELECT block_hash FROM blocks WHERE chain_id = ? AND block_number = ?",
                             {to_db_int(chain), to_db_int(number)});
    if (rows.empty()) return std::nullopt;
    return read_hash(rows[0][0]);
}

Token SqlStore::token_from_row(const core::Address& contract, const Row& r, std::size_t first) const {
    return Token{
        .contract = contract,
        .token_id = dialect_.decode_u256(not_null(r[first])),
        .author = r[first + 1],
        .owner = r[first + 2] ? read_address(r[first + 2]) : core::Address{},
        .status = read_status(r[first + 3]),
        .block_number = read_u64(r[first + 4]),
        .created_at = read_i64(r[first + 5]),
        .updated_at = read_i64(r[first + 6]),
    };
}

std::optional<Token> SqlStore::get_token(ChainId chain, const core::Address& contract, const core::Uint256& token_id) {
    // A token's owner is its owners row (the zero address when none).
    auto rows = conn_->query(
        "SELECT t.token_id, t.author, o.owner, t.status, t.block_number, t.created_at, t.updated_at FROM tokens t"
        " LEFT JOIN owners o ON o.chain_id = t.chain_id AND o.contract = t.contract AND o.token_id = t.token_id"
        " WHERE t.chain_id = ? AND t.contract = ? AND t.token_id = ?",
        {to_db_int(chain), to_db(contract), dialect_.encode_u256(token_id)});
    if (rows.empty()) return std::nullopt;
    return token_from_row(contract, rows[0]);
}

uint64_t SqlStore::count_tokens(ChainId chain, const core::Address& contract) {
    auto rows = conn_->query("SELECT count(*) FROM tokens WHERE chain_id = ? AND contract = ?",
                             {to_db_int(chain), to_db(contract)});
    return read_u64(rows.at(0).at(0));
}

std::vector<Author> SqlStore::list_authors() {
    std::vector<Author> out;
    for (const Row& r : conn_->query("SELECT wallet, prompt, created_at FROM authors ORDER BY lower(wallet)", {})) {
        out.push_back(read_author(r));
    }
    return out;
}

std::optional<Author> SqlStore::find_author(std::string_view wallet) {
    auto rows = conn_->query("SELECT wallet, prompt, created_at FROM authors WHERE lower(wallet) = lower(?)",
                             {std::string(wallet)});
    if (rows.empty()) return std::nullopt;
    return read_author(rows[0]);
}

core::Uint256 SqlStore::get_balance(ChainId chain, const core::Address& contract, const core::Uint256& token_id,
                                    const core::Address& holder) {
    // An ERC-721 token has no balance rows: its owner holds one of it.
    const Param chain_param = to_db_int(chain);
    const std::string contract_db = to_db(contract);
    const std::string token_db = dialect_.encode_u256(token_id);
    const std::string holder_db = to_db(holder);
    auto rows =
        conn_->query("SELECT amount FROM balances WHERE chain_id = ? AND contract = ? AND token_id = ? AND holder = ?",
                     {chain_param, contract_db, token_db, holder_db});
    if (!rows.empty()) return dialect_.decode_u256(not_null(rows[0][0]));
    if (holder.is_zero()) return core::Uint256{};
    rows = conn_->query("SELECT 1 FROM owners WHERE chain_id = ? AND contract = ? AND token_id = ? AND owner = ?",
                        {chain_param, contract_db, token_db, holder_db});
    return rows.empty() ? core::Uint256{} : core::Uint256{1};
}

std::optional<core::Address> SqlStore::get_owner(ChainId chain, const core::Address& contract,
                                                 const core::Uint256& token_id) {
    auto rows = conn_->query("SELECT owner FROM owners WHERE chain_id = ? AND contract = ? AND token_id = ?",
                             {to_db_int(chain), to_db(contract), dialect_.encode_u256(token_id)});
    if (rows.empty()) return std::nullopt;
    core::Address owner = read_address(rows[0][0]);
    if (owner.is_zero()) return std::nullopt;  // burned
    return owner;
}

std::optional<EventRow> SqlStore::get_event(ChainId chain, const core::Hash32& tx_hash, uint64_t log_index) {
    auto rows = conn_->query(
        "SELECT block_number, block_time, contract, event_name, signature, topic0, args FROM events "
        "WHERE chain_id = ? AND tx_hash = ? AND log_index = ?",
        {to_db_int(chain), to_db(tx_hash), to_db_int(log_index)});
    if (rows.empty()) return std::nullopt;
    const Row& r = rows[0];
    return EventRow{
        .tx_hash = tx_hash,
        .log_index = log_index,
        .block_number = read_u64(r[0]),
        .block_timestamp = read_i64(r[1]),
        .contract = read_address(r[2]),
        .event_name = not_null(r[3]),
        .signature = not_null(r[4]),
        .topic0 = read_hash(r[5]),
        .args_json = not_null(r[6]),
    };
}

uint64_t SqlStore::count_events(ChainId chain, const core::Address& contract) {
    auto rows = conn_->query("SELECT count(*) FROM events WHERE chain_id = ? AND contract = ?",
                             {to_db_int(chain), to_db(contract)});
    return read_u64(rows.at(0).at(0));
}

std::optional<std::string> SqlStore::get_state(std::string_view key) {
    auto rows = conn_->query("SELECT value FROM system_state WHERE state_key = ?", {std::string(key)});
    if (rows.empty()) return std::nullopt;
    return rows[0][0];
}

}  // namespace tokensync::store::sql
