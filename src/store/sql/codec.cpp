#include "store/sql/codec.hpp"

#include <charconv>
#include <limits>

#include <fmt/format.h>

#include "core/hex.hpp"
#include "store/store.hpp"

namespace tokensync::store::sql {
namespace {

[[noreturn]] void corrupt(std::string_view what, std::string_view text) {
    throw StoreError(fmt::format("corrupt {} column value '{}'", what, text));
}

template <typename Int>
Int read_int(const Value& v, std::string_view what) {
    const std::string& s = not_null(v);
    Int out{};
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec != std::errc{} || end != s.data() + s.size()) corrupt(what, s);
    return out;
}

}  // namespace

int64_t to_db_int(uint64_t v) {
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        throw StoreError(fmt::format("number {} is too large for the database", v));
    }
    return static_cast<int64_t>(v);
}

std::string to_db(const core::Address& a) { return a.lower_hex(); }
std::string to_db(const core::Hash32& h) { return h.hex(); }

std::string_view db_text(core::ByteView bytes, std::string& buffer) {
    constexpr std::string_view kDigits = "0123456789abcdef";
    buffer.resize(2 + 2 * bytes.size());
    buffer[0] = '0';
    buffer[1] = 'x';
    for (size_t i = 0; i < bytes.size(); ++i) {
        buffer[2 + 2 * i] = kDigits[bytes[i] >> 4];
        buffer[3 + 2 * i] = kDigits[bytes[i] & 0x0f];
    }
    return buffer;
}

std::string_view to_db(TokenStandard s) noexcept { return s == TokenStandard::kErc1155 ? "erc1155" : "erc721"; }

const std::string& not_null(const Value& v) {
    if (!v) throw StoreError("unexpected NULL column value");
    return *v;
}

uint64_t read_u64(const Value& v) { return read_int<uint64_t>(v, "integer"); }
int64_t read_i64(const Value& v) { return read_int<int64_t>(v, "integer"); }

core::Address read_address(const Value& v) {
    auto a = core::Address::from_hex_lenient(not_null(v));
    if (!a) corrupt("address", *v);
    return *a;
}

core::Hash32 read_hash(const Value& v) {
    auto h = core::Hash32::from_hex(not_null(v));
    if (!h) corrupt("hash", *v);
    return *h;
}

core::Bytes read_bytes(const Value& v) {
    auto b = core::from_hex(not_null(v));
    if (!b) corrupt("bytes", *v);
    return *b;
}

TokenStatus read_status(const Value& v) {
    auto s = parse_token_status(not_null(v));
    if (!s) corrupt("token status", *v);
    return *s;
}

}  // namespace tokensync::store::sql
