// The reads behind the daemon's read API (api/read_routes.cpp): pages of
// tokens across every chain and contract, and everything one holder holds.
#include <fmt/format.h>

#include "store/sql/codec.hpp"
#include "store/sql/sql_store.hpp"

namespace tokensync::store::sql {
namespace {

int64_t to_db_limit(std::size_t limit) { return to_db_int(static_cast<uint64_t>(limit)); }

}  // namespace

std::vector<ListedToken> SqlStore::list_tokens(const TokenQuery& query) {
    std::string sql =
        "SELECT t.chain_id, t.contract, t.token_id, t.author, o.owner, t.status, t.block_number, t.created_at,"
        " t.updated_at FROM tokens t"
        " LEFT JOIN owners o ON o.chain_id = t.chain_id AND o.contract = t.contract AND o.token_id = t.token_id"
        " WHERE 1 = 1";
    Params params;
    if (query.status) {
        sql += " AND t.status = ?";
        params.emplace_back(std::string(to_string(*query.status)));
    }
    if (query.author) {
        sql += " AND lower(t.author) = lower(?)";
        params.emplace_back(*query.author);
    }
    if (query.after) {
        // A row-value comparison: the same order as ORDER BY, so a page
        // starts exactly after the last row of the previous one.
        sql += fmt::format(" AND (t.chain_id, t.contract, t.token_id) > (?, ?, {})", dialect_.u256_param);
        params.emplace_back(to_db_int(query.after->chain_id));
        params.emplace_back(to_db(query.after->contract));
        params.emplace_back(dialect_.encode_u256(query.after->token_id));
    }
    sql += " ORDER BY t.chain_id, t.contract, t.token_id LIMIT ?";
    params.emplace_back(to_db_limit(query.limit));

    std::vector<ListedToken> out;
    for (const Row& r : conn_->query(sql, params)) {
        out.push_back(ListedToken{.chain_id = read_u64(r[0]), .token = token_from_row(read_address(r[1]), r, 2)});
    }
    return out;
}

std::vector<Holding> SqlStore::holdings(const core::Address& holder, std::size_t limit) {
    // A burned ERC-721 token's owner row holds the zero address: nobody
    // holds it, so the zero address holds nothing.
    if (holder.is_zero()) return {};
    const std::string sql = fmt::format(
        "SELECT chain_id, contract, token_id, amount, standard FROM ("
        "SELECT chain_id, contract, token_id, amount, 'erc1155' AS standard FROM balances"
        " WHERE holder = ? AND amount <> {0}"
        " UNION ALL "
        "SELECT chain_id, contract, token_id, {0}, 'erc721' FROM owners WHERE owner = ?"
        ") AS h ORDER BY chain_id, contract, token_id LIMIT ?",
        dialect_.u256_param);
    const std::string holder_db = to_db(holder);
    const auto rows =
        conn_->query(sql, {holder_db, dialect_.encode_u256(0), dialect_.encode_u256(1), holder_db, to_db_limit(limit)});
    std::vector<Holding> out;
    out.reserve(rows.size());
    for (const Row& r : rows) {
        out.push_back(Holding{
            .chain_id = read_u64(r[0]),
            .contract = read_address(r[1]),
            .token_id = dialect_.decode_u256(not_null(r[2])),
            .amount = dialect_.decode_u256(not_null(r[3])),
            .standard = not_null(r[4]) == "erc721" ? TokenStandard::kErc721 : TokenStandard::kErc1155,
        });
    }
    return out;
}

std::vector<TokenStatusCount> SqlStore::count_tokens_by_status() {
    const auto rows = conn_->query(
        "SELECT chain_id, contract, status, count(*) FROM tokens GROUP BY chain_id, contract, status"
        " ORDER BY chain_id, contract, status",
        {});
    std::vector<TokenStatusCount> out;
    out.reserve(rows.size());
    for (const Row& r : rows) {
        out.push_back(TokenStatusCount{.chain_id = read_u64(r[0]),
                                       .contract = read_address(r[1]),
                                       .status = read_status(r[2]),
                                       .count = read_u64(r[3])});
    }
    return out;
}

}  // namespace tokensync::store::sql
