#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/address.hpp"
#include "core/bytes.hpp"
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

// The same text as to_db, formatted on the stack: the hot write path binds
// it without allocating.
template <size_t N>
class HexText {
  public:
    explicit HexText(const core::ByteArray<N>& bytes) noexcept {
        constexpr std::string_view kDigits = "0123456789abcdef";
        chars_[0] = '0';
        chars_[1] = 'x';
        for (size_t i = 0; i < N; ++i) {
            chars_[2 + 2 * i] = kDigits[bytes[i] >> 4];
            chars_[3 + 2 * i] = kDigits[bytes[i] & 0x0f];
        }
    }
    std::string_view view() const noexcept { return {chars_.data(), chars_.size()}; }

  private:
    std::array<char, 2 + 2 * N> chars_;
};
inline HexText<20> db_text(const core::Address& a) noexcept { return HexText<20>(a.bytes()); }
inline HexText<32> db_text(const core::Hash32& h) noexcept { return HexText<32>(h.bytes); }
// "0x" + lower-case hex of `bytes`, written into `buffer` (reused from call
// to call) and returned as a view of it.
std::string_view db_text(core::ByteView bytes, std::string& buffer);

const std::string& not_null(const Value& v);
uint64_t read_u64(const Value& v);
int64_t read_i64(const Value& v);
core::Address read_address(const Value& v);
core::Hash32 read_hash(const Value& v);
core::Bytes read_bytes(const Value& v);
TokenStatus read_status(const Value& v);

}  // namespace tokensync::store::sql
