#include "core/address.hpp"

#include <algorithm>

#include "core/hash.hpp"
#include "core/hex.hpp"

namespace tokensync::core {

namespace {

bool is_lower_letter(char c) noexcept { return c >= 'a' && c <= 'f'; }
bool is_upper_letter(char c) noexcept { return c >= 'A' && c <= 'F'; }

std::expected<Address, AddressError> parse_address(std::string_view s, bool check_case) {
    if (s.size() < 2 || s[0] != '0' || s[1] != 'x') return std::unexpected(AddressError::kBadHex);
    const std::string_view digits = s.substr(2);
    if (!std::ranges::all_of(
            digits, [](char c) { return (c >= '0' && c <= '9') || is_lower_letter(c) || is_upper_letter(c); })) {
        return std::unexpected(AddressError::kBadHex);
    }
    if (digits.size() != std::size_t{40}) return std::unexpected(AddressError::kWrongLength);

    auto bytes = from_hex(digits);
    if (!bytes) return std::unexpected(AddressError::kBadHex);  // unreachable after the checks above
    ByteArray<20> raw{};
    std::ranges::copy(*bytes, raw.begin());
    Address address{raw};

    // EIP-55: a single case carries no checksum, so only mixed case is checked.
    const bool mixed = std::ranges::any_of(digits, is_lower_letter) && std::ranges::any_of(digits, is_upper_letter);
    if (check_case && mixed && address.checksum() != s) return std::unexpected(AddressError::kBadChecksum);
    return address;
}

}  // namespace

std::string_view to_string(AddressError e) noexcept {
    switch (e) {
        case AddressError::kBadHex:
            return "address is not 0x followed by hex digits";
        case AddressError::kWrongLength:
            return "address is not 20 bytes";
        case AddressError::kBadChecksum:
            return "address has a wrong EIP-55 checksum";
    }
    return "unknown address error";
}

std::expected<Address, AddressError> Address::from_hex(std::string_view s) { return parse_address(s, true); }

std::expected<Address, AddressError> Address::from_hex_lenient(std::string_view s) { return parse_address(s, false); }

std::string Address::checksum() const {
    std::string out = lower_hex();
    // The checksum hashes the 40 lower-case digits as ASCII, without "0x".
    const Hash32 hash = keccak256(std::string_view{out}.substr(2));
    for (std::size_t i = 0; i < 40; ++i) {
        const uint8_t byte = hash.bytes[i / 2];
        const unsigned hash_nibble = i % 2 == 0 ? byte >> 4 : byte & 0x0fU;
        char& c = out[2 + i];
        if (is_lower_letter(c) && hash_nibble >= 8) c = static_cast<char>(c - 'a' + 'A');
    }
    return out;
}

std::string Address::lower_hex() const { return to_hex(bytes_); }

bool Address::is_zero() const noexcept {
    return std::ranges::all_of(bytes_, [](uint8_t b) { return b == 0; });
}

}  // namespace tokensync::core
