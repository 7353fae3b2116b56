#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "core/uint256.hpp"
#include "store/database_url.hpp"

namespace tokensync::store::sql {

// What differs between the back-ends above the connection: column types
// and how a uint256 is written. PostgreSQL keeps NUMERIC(78,0) (exact, and
// SQL can add it); SQLite has no 256-bit type, so it keeps 64 lower-case hex
// digits, zero-padded, which compare and sort like the numbers they hold.
// Room for a uint256 as either back-end writes it (64 hex digits, or at
// most 78 decimal ones).
using U256Text = std::array<char, 80>;

struct Dialect {
    std::string_view name;
    std::string_view u256_type;
    std::string_view serial_key;  // an auto-increment primary key column type
    std::string_view json_value;  // full definition of a JSON column named `value`
    std::string_view json_args;   // full definition of a JSON column named `args`
    // Table options after a table with a composite or text primary key: the
    // table is stored as its key's B-tree (SQLite WITHOUT ROWID); empty
    // where every table already is (PostgreSQL's heap has no rowid to drop).
    std::string_view without_rowid;
    // A script that drops every foreign key referencing chains (migration 4).
    std::string_view drop_chain_foreign_keys;
    std::string_view table_exists;  // query with one `?` (table name) returning a count
    // A uint256 parameter where SQL cannot infer its type (a VALUES list
    // compared with a column rather than inserted into one).
    std::string_view u256_param;
    size_t max_params;  // bound parameters one statement may hold
    bool delete_using;  // DELETE ... USING exists (PostgreSQL); else delete by key IN (SQLite)
    bool array_params;  // many rows go as one array per column (bulk.hpp); else as VALUES rows
    // Appends (raw events, tokens, mints, transfers, events) first go as plain
    // INSERTs inside a savepoint, and again with their ON CONFLICT clause only
    // when one meets a stored key (PostgreSQL: the clause makes every row a
    // speculative insertion, an extra index probe and WAL record). SQLite
    // checks the key in the same B-tree descent either way.
    bool plain_appends;

    std::string (*encode_u256)(const core::Uint256& v);
    core::Uint256 (*decode_u256)(std::string_view text);  // throws StoreError on malformed text
    // encode_u256 into `out`, for the hot write path; returns the text.
    std::string_view (*write_u256)(const core::Uint256& v, U256Text& out);

    // Replaces {u256}, {serial_key}, {json_value}, {json_args},
    // {without_rowid} and {drop_chain_foreign_keys} in schema text.
    std::string expand(std::string_view schema) const;
};

const Dialect& sqlite_dialect();
const Dialect& postgres_dialect();
const Dialect& dialect_for(DatabaseUrl::Kind kind);

}  // namespace tokensync::store::sql
