#include "store/migrations.hpp"

#include <ctime>
#include <string>

#include <fmt/format.h>

namespace tokensync::store {
namespace {

constexpr std::string_view kCreateVersionTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " applied_at BIGINT NOT NULL)";

int stored_version(sql::Connection& conn) {
    auto rows = conn.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", {});
    return rows.empty() || !rows[0][0] ? 0 : std::stoi(*rows[0][0]);
}

}  // namespace

int read_schema_version(sql::Connection& conn, const sql::Dialect& dialect) {
    auto rows = conn.query(std::string(dialect.table_exists), {std::string("schema_migrations")});
    if (rows.empty() || !rows[0][0] || *rows[0][0] == "0") return 0;
    return stored_version(conn);
}

MigrationResult run_migrations(sql::Connection& conn, const sql::Dialect& dialect,
                               std::span<const Migration> migrations) {
    sql::WriteTransaction tx(conn);
    conn.exec_script(std::string(kCreateVersionTable));
    MigrationResult result;
    result.version = stored_version(conn);
    for (const Migration& m : migrations) {
        if (m.version <= result.version) continue;
        if (m.version != result.version + 1) {
            throw StoreError(
                fmt::format("migration {} ({}) does not follow version {}", m.version, m.name, result.version));
        }
        try {
            conn.exec_script(dialect.expand(m.sql));
        } catch (const StoreError& e) {
            throw StoreError(fmt::format("migration {} ({}) failed: {}", m.version, m.name, e.what()));
        }
        conn.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                     {int64_t{m.version}, std::string(m.name), static_cast<int64_t>(std::time(nullptr))});
        result.version = m.version;
        ++result.applied;
    }
    tx.commit();
    return result;
}

}  // namespace tokensync::store
