#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/address.hpp"
#include "core/hash.hpp"
#include "store/sql/connection.hpp"
#include "store/types.hpp"

namespace tokensync::store::sql {

// How values become column text and back. Hashes and addresses are "0x" +
// lower-case hex in both back-ends; uint256 goes through the Dialect. The
// decoders throw StoreError on a malformed (corrupt) column.
int64_t to_db_int(uint64_t v);  // throws StoreError above INT64_MAX
std::string to_db(const core::Address& a);
std::string to_db(const core::Hash32& h);
std::string_view to_db(TokenStandard s) noexcept;

const std::string& not_null(const Value& v);
uint64_t read_u64(const Value& v);
int64_t read_i64(const Value& v);
core::Address read_address(const Value& v);
core::Hash32 read_hash(const Value& v);
core::Bytes read_bytes(const Value& v);
TokenStatus read_status(const Value& v);

}  // namespace tokensync::store::sql
