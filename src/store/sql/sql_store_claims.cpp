// Claims of counter-gap recovery's work, so two processes on one PostgreSQL
// database never read and write the same missing token twice
// (docs/service.md, "Running two instances"). A claim is a row of
// work_claims locked by an open transaction on a second connection: the
// lock, not the row, is the claim, so a claimant that dies (its connection
// drops) frees its ids at once and no expiry is needed. The rows are made
// to exist first (committed), because only existing rows can be locked;
// FOR UPDATE SKIP LOCKED then takes the ones nobody holds, and the
// NOT EXISTS drops the ids whose token row a finished claimant wrote (it
// writes its rows before it ends its claim, so they are visible to any
// claim that finds its lock released).
#include <ctime>

#include <fmt/format.h>

#include "store/sql/codec.hpp"
#include "store/sql/sql_store.hpp"

namespace tokensync::store::sql {
namespace {

constexpr std::string_view kKind = "recovery";

// Parameters of each: kind, chain, contract, ids (then the time).
constexpr std::string_view kInsertClaims =
    "INSERT INTO work_claims (kind, chain_id, contract, token_id, claimed_at) "
    "SELECT k.kind, k.chain_id, k.contract, u.id, ? FROM (SELECT CAST(? AS TEXT) AS kind, CAST(? AS BIGINT) AS "
    "chain_id, CAST(? AS TEXT) AS contract) k, unnest(CAST(? AS NUMERIC(78, 0)[])) AS u(id) "
    "WHERE NOT EXISTS (SELECT 1 FROM tokens t WHERE t.chain_id = k.chain_id AND t.contract = k.contract "
    "AND t.token_id = u.id) ON CONFLICT DO NOTHING";

// Rows of ids written meanwhile that nobody holds: left by a claim between
// its insert and its lock, they would otherwise stay for good.
constexpr std::string_view kDropWritten =
    "DELETE FROM work_claims WHERE (kind, chain_id, contract, token_id) IN ("
    "SELECT w.kind, w.chain_id, w.contract, w.token_id FROM work_claims w WHERE w.kind = ? AND w.chain_id = ? "
    "AND w.contract = ? AND w.token_id = ANY(CAST(? AS NUMERIC(78, 0)[])) "
    "AND EXISTS (SELECT 1 FROM tokens t WHERE t.chain_id = w.chain_id AND t.contract = w.contract "
    "AND t.token_id = w.token_id) FOR UPDATE OF w SKIP LOCKED)";

constexpr std::string_view kLockClaims =
    "SELECT w.token_id FROM work_claims w WHERE w.kind = ? AND w.chain_id = ? AND w.contract = ? "
    "AND w.token_id = ANY(CAST(? AS NUMERIC(78, 0)[])) "
    "AND NOT EXISTS (SELECT 1 FROM tokens t WHERE t.chain_id = w.chain_id AND t.contract = w.contract "
    "AND t.token_id = w.token_id) "
    "ORDER BY w.token_id FOR UPDATE OF w SKIP LOCKED";

constexpr std::string_view kDeleteClaims =
    "DELETE FROM work_claims WHERE kind = ? AND chain_id = ? AND contract = ? "
    "AND token_id = ANY(CAST(? AS NUMERIC(78, 0)[]))";

// A PostgreSQL array literal of decimal ids: "{1,2,3}".
std::string id_array(const std::vector<core::Uint256>& ids) {
    std::string out = "{";
    for (const auto& id : ids)
        out += (out.size() > 1 ? "," : "") + id.to_decimal();
    return out + "}";
}

// SQLite: one writing process, so nothing to share.
class EveryId final : public TokenClaim {
  public:
    explicit EveryId(std::vector<core::Uint256> ids) : ids_{std::move(ids)} {}
    const std::vector<core::Uint256>& ids() const noexcept override { return ids_; }

  private:
    std::vector<core::Uint256> ids_;
};

class LockedClaim final : public TokenClaim {
  public:
    LockedClaim(Connection& conn, Params key, std::vector<core::Uint256> ids)
        : conn_{conn}, key_{std::move(key)}, ids_{std::move(ids)} {}
    ~LockedClaim() override {
        // The claimed ids are written now (or given up): their rows go, and
        // the commit ends the locks. On failure the rows stay, unlocked, and
        // the next claim of those ids takes them.
        try {
            if (!ids_.empty()) {
                Params params = key_;
                params.emplace_back(id_array(ids_));
                conn_.execute(std::string(kDeleteClaims), params);
            }
            conn_.exec_script("COMMIT");
        } catch (const std::exception&) {
            // Most likely the connection is gone, and its locks with it.
            try {
                conn_.exec_script("ROLLBACK");
            } catch (const std::exception&) {  // the connection is gone, and the locks with it
            }
        }
    }
    LockedClaim(const LockedClaim&) = delete;
    LockedClaim& operator=(const LockedClaim&) = delete;

    const std::vector<core::Uint256>& ids() const noexcept override { return ids_; }

  private:
    Connection& conn_;
    Params key_;  // kind, chain, contract
    std::vector<core::Uint256> ids_;
};

}  // namespace

std::unique_ptr<TokenClaim> SqlStore::claim_missing_tokens(ChainId chain, const core::Address& contract,
                                                           const std::vector<core::Uint256>& ids) {
    if (!dialect_.array_params || !open_another_ || ids.empty()) return std::make_unique<EveryId>(ids);
    if (!claims_conn_) claims_conn_ = open_another_();
    Connection& conn = *claims_conn_;
    const Params key{std::string(kKind), to_db_int(chain), to_db(contract)};
    const std::string array = id_array(ids);
    Params page = key;
    page.emplace_back(array);
    Params insert{static_cast<int64_t>(std::time(nullptr))};
    insert.insert(insert.end(), page.begin(), page.end());
    conn.execute(std::string(kInsertClaims), insert);
    conn.exec_script("BEGIN");
    try {
        std::vector<core::Uint256> claimed;
        for (const Row& r : conn.query(std::string(kLockClaims), page))
            claimed.push_back(dialect_.decode_u256(not_null(r[0])));
        conn.execute(std::string(kDropWritten), page);
        return std::make_unique<LockedClaim>(conn, key, std::move(claimed));
    } catch (...) {
        try {
            conn.exec_script("ROLLBACK");
        } catch (const std::exception&) {  // the connection is gone, and the transaction with it
        }
        throw;
    }
}

}  // namespace tokensync::store::sql
