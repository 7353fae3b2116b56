// The audit's side of SqlStore (docs/recovery.md): token rows read by id
// range with their owners, and the repairs apply() makes after a batch's
// rows: author corrections, owner corrections read at a block, and
// deletions of rows for ids the contract does not have. Repairs are few
// (drift, not indexing), so each is one cached statement.
#include <algorithm>
#include <cstdint>
#include <ctime>

#include "store/sql/codec.hpp"
#include "store/sql/sql_store.hpp"

namespace tokensync::store::sql {
namespace {

// An owner read at block N reflects every log of block N: it sorts after
// any transfer of that block.
constexpr int64_t kAfterEveryLog = INT64_MAX;

// Tokens and owners are read by two range scans and merged here, not
// joined: without fresh statistics (after a bulk load) PostgreSQL probed
// owners through owners_by_owner, reading every owner of the contract per
// token (45 s for a page of 10,000 of 20,000 tokens).
constexpr std::string_view kTokensFrom =
    "SELECT token_id, author, NULL, status, block_number, created_at, updated_at FROM tokens"
    " WHERE chain_id = ? AND contract = ? AND token_id >= ?";
constexpr std::string_view kOwnersFrom =
    "SELECT token_id, owner, block_number, log_index FROM owners WHERE chain_id = ? AND contract = ? AND token_id >= ?";

// Changed only when it differs, so a repeated correction counts as skipped.
constexpr std::string_view kSetAuthor =
    "UPDATE tokens SET author = ?, updated_at = ? WHERE chain_id = ? AND contract = ? AND token_id = ?"
    " AND (author IS NULL OR author <> ?)";
constexpr std::string_view kClearAuthor =
    "UPDATE tokens SET author = NULL, updated_at = ? WHERE chain_id = ? AND contract = ? AND token_id = ?"
    " AND author IS NOT NULL";

// Like a transfer's owner upsert: an owner set above the read block stays.
constexpr std::string_view kCorrectOwner =
    "INSERT INTO owners (chain_id, contract, token_id, owner, block_number, log_index) VALUES (?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (chain_id, contract, token_id) DO UPDATE SET owner = excluded.owner,"
    " block_number = excluded.block_number, log_index = excluded.log_index"
    " WHERE owners.block_number < excluded.block_number"
    " OR (owners.block_number = excluded.block_number AND owners.log_index < excluded.log_index)";

constexpr std::string_view kDeleteToken =
    "DELETE FROM tokens WHERE chain_id = ? AND contract = ? AND token_id = ? AND block_number <= ?";

void count_change(RowCounts& counts, int64_t changed) {
    if (changed > 0) {
        ++counts.updated;
    } else {
        ++counts.skipped;
    }
}

}  // namespace

std::vector<Token> SqlStore::tokens_in_range(ChainId chain, const core::Address& contract, const core::Uint256& first,
                                             const std::optional<core::Uint256>& end_exclusive, std::size_t limit) {
    std::vector<Token> out;
    if (limit == 0 || (end_exclusive && first >= *end_exclusive)) return out;
    for (const Row& r : conn_->query(range_sql(kTokensFrom, end_exclusive),
                                     range_params(chain, contract, first, end_exclusive, limit))) {
        out.push_back(token_from_row(contract, r));
    }
    if (out.empty()) return out;
    // The owners of exactly the ids read, merged by id (both ascending).
    const std::vector<OwnerRow> owners =
        owners_in_range(chain, contract, out.front().token_id, out.back().token_id.wrapping_add(1), SIZE_MAX);
    auto owner = owners.begin();
    for (Token& t : out) {
        while (owner != owners.end() && owner->token_id < t.token_id)
            ++owner;
        if (owner != owners.end() && owner->token_id == t.token_id) t.owner = owner->owner;
    }
    return out;
}

std::vector<OwnerRow> SqlStore::owners_in_range(ChainId chain, const core::Address& contract,
                                                const core::Uint256& first,
                                                const std::optional<core::Uint256>& end_exclusive, std::size_t limit) {
    std::vector<OwnerRow> out;
    if (limit == 0 || (end_exclusive && first >= *end_exclusive)) return out;
    // The last id of the contract wraps to 0: no upper bound then.
    const std::optional<core::Uint256> end = end_exclusive && end_exclusive->is_zero() ? std::nullopt : end_exclusive;
    for (const Row& r : conn_->query(range_sql(kOwnersFrom, end), range_params(chain, contract, first, end, limit))) {
        out.push_back({dialect_.decode_u256(not_null(r[0])), read_address(r[1]), read_u64(r[2]), read_u64(r[3])});
    }
    return out;
}

std::string SqlStore::range_sql(std::string_view from, const std::optional<core::Uint256>& end_exclusive) {
    std::string sql(from);
    if (end_exclusive) sql += " AND token_id < ?";
    return sql + " ORDER BY token_id LIMIT ?";
}

Params SqlStore::range_params(ChainId chain, const core::Address& contract, const core::Uint256& first,
                              const std::optional<core::Uint256>& end_exclusive, std::size_t limit) const {
    Params params{to_db_int(chain), to_db(contract), dialect_.encode_u256(first)};
    if (end_exclusive) params.emplace_back(dialect_.encode_u256(*end_exclusive));
    params.emplace_back(static_cast<int64_t>(std::min<std::size_t>(limit, INT64_MAX)));
    return params;
}

void SqlStore::apply_audit_repairs(ChainId chain, const ChangeSet& changes, ApplyResult& result) {
    if (changes.author_corrections.empty() && changes.owner_corrections.empty() && changes.token_deletions.empty()) {
        return;
    }
    const int64_t chain_id = to_db_int(chain);
    const auto now = static_cast<int64_t>(std::time(nullptr));
    for (const AuthorCorrection& c : changes.author_corrections) {
        const std::string id = dialect_.encode_u256(c.token_id);
        const int64_t changed =
            c.author
                ? conn_->execute(std::string(kSetAuthor), {*c.author, now, chain_id, to_db(c.contract), id, *c.author})
                : conn_->execute(std::string(kClearAuthor), {now, chain_id, to_db(c.contract), id});
        count_change(result.author_corrections, changed);
    }
    for (const OwnerCorrection& c : changes.owner_corrections) {
        count_change(
            result.owner_corrections,
            conn_->execute(std::string(kCorrectOwner), {chain_id, to_db(c.contract), dialect_.encode_u256(c.token_id),
                                                        to_db(c.owner), to_db_int(c.block_number), kAfterEveryLog}));
    }
    for (const TokenDeletion& d : changes.token_deletions) {
        count_change(
            result.token_deletions,
            conn_->execute(std::string(kDeleteToken),
                           {chain_id, to_db(d.contract), dialect_.encode_u256(d.token_id), to_db_int(d.block_number)}));
    }
}

}  // namespace tokensync::store::sql
