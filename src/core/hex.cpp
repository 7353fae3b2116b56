#include "core/hex.hpp"

#include <array>

namespace tokensync::core {

namespace {

constexpr int kNotHex = -1;

// A 256-entry table turns the per-character test and conversion into one load.
constexpr std::array<int8_t, 256> make_nibble_table() {
    std::array<int8_t, 256> t{};
    t.fill(kNotHex);
    for (int c = '0'; c <= '9'; ++c)
        t[static_cast<std::size_t>(c)] = static_cast<int8_t>(c - '0');
    for (int c = 'a'; c <= 'f'; ++c)
        t[static_cast<std::size_t>(c)] = static_cast<int8_t>(c - 'a' + 10);
    for (int c = 'A'; c <= 'F'; ++c)
        t[static_cast<std::size_t>(c)] = static_cast<int8_t>(c - 'A' + 10);
    return t;
}

constexpr auto kNibble = make_nibble_table();
constexpr std::string_view kDigits = "0123456789abcdef";

int nibble(char c) noexcept { return kNibble[static_cast<uint8_t>(c)]; }

std::string_view strip_prefix(std::string_view hex) noexcept {
    if (hex.size() >= 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) hex.remove_prefix(2);
    return hex;
}

// Decodes digits (no prefix, even count) into out, which holds digits.size() / 2 bytes.
bool decode_digits(std::string_view digits, uint8_t* out) noexcept {
    for (std::size_t i = 0; i < digits.size(); i += 2) {
        const int hi = nibble(digits[i]);
        const int lo = nibble(digits[i + 1]);
        if (hi == kNotHex || lo == kNotHex) return false;
        out[i / 2] = static_cast<uint8_t>((hi << 4) | lo);
    }
    return true;
}

}  // namespace

std::string_view to_string(HexError e) noexcept {
    switch (e) {
        case HexError::kOddLength:
            return "odd number of hex digits";
        case HexError::kInvalidChar:
            return "invalid hex character";
        case HexError::kWrongLength:
            return "wrong number of bytes";
    }
    return "unknown hex error";
}

std::expected<Bytes, HexError> from_hex(std::string_view hex) {
    const std::string_view digits = strip_prefix(hex);
    if (digits.size() % 2 != 0) return std::unexpected(HexError::kOddLength);
    Bytes out(digits.size() / 2);
    if (!decode_digits(digits, out.data())) return std::unexpected(HexError::kInvalidChar);
    return out;
}

std::expected<ByteArray<32>, HexError> from_hex32(std::string_view hex) {
    const std::string_view digits = strip_prefix(hex);
    if (digits.size() % 2 != 0) return std::unexpected(HexError::kOddLength);
    ByteArray<32> out{};
    if (digits.size() != 2 * out.size()) {
        // Report a bad character before a bad length: it is the more specific fault.
        for (char c : digits) {
            if (nibble(c) == kNotHex) return std::unexpected(HexError::kInvalidChar);
        }
        return std::unexpected(HexError::kWrongLength);
    }
    if (!decode_digits(digits, out.data())) return std::unexpected(HexError::kInvalidChar);
    return out;
}

std::string to_hex(ByteView bytes, bool prefix) {
    std::string out;
    out.reserve(2 * bytes.size() + (prefix ? 2 : 0));
    if (prefix) out += "0x";
    for (uint8_t b : bytes) {
        out += kDigits[b >> 4];
        out += kDigits[b & 0x0f];
    }
    return out;
}

bool is_hex_data(std::string_view s) noexcept {
    if (s.size() < 2 || s[0] != '0' || s[1] != 'x') return false;
    s.remove_prefix(2);
    if (s.size() % 2 != 0) return false;
    for (char c : s) {
        if (nibble(c) == kNotHex) return false;
    }
    return true;
}

}  // namespace tokensync::core
