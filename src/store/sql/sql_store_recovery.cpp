// Counter-gap recovery's read: the ids below a contract's counter that have
// no token row. The database generates the candidate ids itself, one window
// at a time (PostgreSQL generate_series, SQLite a recursive CTE), and keeps
// those without a row, so neither the existing ids nor the whole range ever
// reach memory: a page costs at most `limit` ids.
#include <algorithm>

#include <fmt/format.h>

#include "store/sql/codec.hpp"
#include "store/sql/sql_store.hpp"

namespace tokensync::store::sql {
namespace {

// Candidate ids generated per query: large enough that a dense range costs
// few round trips, small enough that one query stays short.
constexpr uint64_t kWindow = 50'000;

// Parameters: window start, window end (exclusive), chain, contract, limit.
// SQLite keeps token ids as 64 zero-padded lower-case hex digits, which
// printf('%064x') writes, so the primary key serves each probe.
constexpr std::string_view kSqliteMissing =
    "WITH RECURSIVE ids(n) AS (SELECT ? UNION ALL SELECT n + 1 FROM ids WHERE n + 1 < ?) "
    "SELECT n FROM ids WHERE NOT EXISTS (SELECT 1 FROM tokens t WHERE t.chain_id = ? AND t.contract = ? "
    "AND t.token_id = printf('%064x', n)) ORDER BY n LIMIT ?";

// generate_series includes its end, hence the - 1.
constexpr std::string_view kPostgresMissing =
    "SELECT g FROM generate_series(CAST(? AS BIGINT), CAST(? AS BIGINT) - 1) AS g "
    "WHERE NOT EXISTS (SELECT 1 FROM tokens t WHERE t.chain_id = ? AND t.contract = ? "
    "AND t.token_id = CAST(g AS NUMERIC(78, 0))) ORDER BY g LIMIT ?";

uint64_t id_bound(const core::Uint256& v, std::string_view what) {
    if (!v.fits_u64() || v.low64() > static_cast<uint64_t>(INT64_MAX)) {
        throw StoreError(
            fmt::format("missing_token_ids: {} {} does not fit in a signed 64-bit integer", what, v.to_decimal()));
    }
    return v.low64();
}

}  // namespace

std::vector<core::Uint256> SqlStore::missing_token_ids(ChainId chain, const core::Address& contract,
                                                       const core::Uint256& first, const core::Uint256& end_exclusive,
                                                       std::size_t limit) {
    std::vector<core::Uint256> out;
    if (limit == 0 || first >= end_exclusive) return out;
    const uint64_t end = id_bound(end_exclusive, "end");
    uint64_t lo = id_bound(first, "first");
    const std::string sql(dialect_.array_params ? kPostgresMissing : kSqliteMissing);
    while (lo < end && out.size() < limit) {
        const uint64_t hi = lo + std::min(kWindow, end - lo);
        const auto want = static_cast<int64_t>(limit - out.size());
        const std::vector<Row> rows =
            conn_->query(sql, {to_db_int(lo), to_db_int(hi), to_db_int(chain), to_db(contract), want});
        for (const Row& r : rows)
            out.emplace_back(read_u64(r[0]));
        lo = hi;
    }
    return out;
}

}  // namespace tokensync::store::sql
