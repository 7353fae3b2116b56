// Secondary indexes dropped for a bulk load and built again after it
// (Store::drop_secondary_indexes). Measured on the 200,000-log devnet chain
// (docs/performance.md): maintaining them row by row is about a quarter of a
// SQLite backfill's CPU time, building them afterwards under a second.
#include <set>
#include <string>

#include <fmt/format.h>

#include "store/migrations.hpp"
#include "store/sql/codec.hpp"
#include "store/sql/sql_store.hpp"

namespace tokensync::store::sql {
namespace {

// Names of the indexes that exist now (CREATE INDEX IF NOT EXISTS on
// PostgreSQL locks the table even when the index exists, so migrate()
// creates only the missing ones).
std::set<std::string> existing_indexes(Connection& conn, const Dialect& dialect) {
    const std::string sql = dialect.name == "sqlite"
                                ? "SELECT name FROM sqlite_master WHERE type = 'index'"
                                : "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()";
    std::set<std::string> names;
    for (const Row& row : conn.query(sql, {}))
        names.insert(not_null(row[0]));
    return names;
}

}  // namespace

void SqlStore::drop_secondary_indexes() {
    WriteTransaction tx(*conn_);
    for (const SecondaryIndex& index : secondary_indexes())
        conn_->execute(fmt::format("DROP INDEX IF EXISTS {}", index.name), {});
    tx.commit();
}

void SqlStore::build_secondary_indexes() {
    WriteTransaction tx(*conn_);
    const std::set<std::string> existing = existing_indexes(*conn_, dialect_);
    bool built = false;
    for (const SecondaryIndex& index : secondary_indexes()) {
        if (existing.contains(std::string(index.name))) continue;
        built = true;
        conn_->execute(fmt::format("CREATE INDEX IF NOT EXISTS {} ON {} ({})", index.name, index.table, index.columns),
                       {});
    }
    tx.commit();
    // After a bulk load PostgreSQL has no statistics for tables that grew
    // from nothing, and plans joins of them badly (a tokens-owners join of
    // 10,000 ids took 45 s before ANALYZE); autovacuum would get there, but
    // only later. SQLite plans well without statistics.
    if (built && dialect_.name != "sqlite") conn_->execute("ANALYZE", {});
}

std::vector<std::string> SqlStore::missing_secondary_indexes() {
    const std::set<std::string> existing = existing_indexes(*conn_, dialect_);
    std::vector<std::string> missing;
    for (const SecondaryIndex& index : secondary_indexes()) {
        if (!existing.contains(std::string(index.name))) missing.emplace_back(index.name);
    }
    return missing;
}

bool SqlStore::has_indexed_rows() { return !conn_->query("SELECT 1 FROM raw_events LIMIT 1", {}).empty(); }

}  // namespace tokensync::store::sql
