#pragma once

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
struct Dialect {
    std::string_view name;
    std::string_view u256_type;
    std::string_view serial_key;    // an auto-increment primary key column type
    std::string_view json_value;    // full definition of a JSON column named `value`
    std::string_view json_args;     // full definition of a JSON column named `args`
    std::string_view table_exists;  // query with one `?` (table name) returning a count
    // A uint256 parameter where SQL cannot infer its type (a VALUES list
    // compared with a column rather than inserted into one).
    std::string_view u256_param;
    size_t max_params;  // bound parameters one statement may hold
    bool delete_using;  // DELETE ... USING exists (PostgreSQL); else delete by rowid (SQLite)
    bool array_params;  // many rows go as one array per column (bulk.hpp); else as VALUES rows

    std::string (*encode_u256)(const core::Uint256& v);
    core::Uint256 (*decode_u256)(std::string_view text);  // throws StoreError on malformed text

    // Replaces {u256}, {serial_key}, {json_value} and {json_args} in schema text.
    std::string expand(std::string_view schema) const;
};

const Dialect& sqlite_dialect();
const Dialect& postgres_dialect();
const Dialect& dialect_for(DatabaseUrl::Kind kind);

}  // namespace tokensync::store::sql
