#include <fmt/format.h>

#include "store/postgres/pg_connection.hpp"
#include "store/sql/sql_store.hpp"
#include "store/sqlite/sqlite_connection.hpp"
#include "store/store.hpp"

namespace tokensync::store {

std::unique_ptr<sql::Connection> sql::open_connection(const DatabaseUrl& url) {
    if (url.kind == DatabaseUrl::Kind::kPostgres) return std::make_unique<postgres::PgConnection>(url);
    return std::make_unique<sqlite::SqliteConnection>(url.path);
}

std::unique_ptr<Store> open_store(const std::string& url) {
    auto parsed = parse_database_url(url);
    // The URL itself may hold a password, so the message does not quote it.
    if (!parsed) throw StoreError(fmt::format("invalid database URL: {}", to_string(parsed.error())));
    return std::make_unique<sql::SqlStore>(sql::open_connection(*parsed), sql::dialect_for(parsed->kind),
                                           [url = *parsed] { return sql::open_connection(url); });
}

}  // namespace tokensync::store
