#pragma once

#include <span>
#include <string_view>

#include "store/sql/connection.hpp"
#include "store/sql/dialect.hpp"
#include "store/store.hpp"

namespace tokensync::store {

// One step of the schema. Versions start at 1 and increase by one; `sql`
// may hold several statements and the {u256}/{serial_key}/{json_value}/{json_args}/
// {without_rowid} placeholders of Dialect::expand. A released migration is never edited:
// changes go in a new one.
struct Migration {
    int version;
    std::string_view name;
    std::string_view sql;
};

// The migrations of this build, in order.
std::span<const Migration> builtin_migrations();

// A non-unique secondary index of an indexed table, as the latest
// migration leaves it: what bulk loads drop and build again
// (Store::drop_secondary_indexes).
struct SecondaryIndex {
    std::string_view name;
    std::string_view table;
    std::string_view columns;  // "chain_id, block_number"
};
std::span<const SecondaryIndex> secondary_indexes();

// Applies the migrations above the stored version, all in one write
// transaction, and records each in schema_migrations. Concurrent callers
// queue on the write lock; the later one finds nothing left to do.
MigrationResult run_migrations(sql::Connection& conn, const sql::Dialect& dialect,
                               std::span<const Migration> migrations);

// 0 for a database that was never migrated.
int read_schema_version(sql::Connection& conn, const sql::Dialect& dialect);

}  // namespace tokensync::store
