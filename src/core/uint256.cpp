#include "core/uint256.hpp"

#include <algorithm>
#include <bit>

namespace tokensync::core {

namespace {

// GCC's 128-bit integer gives exact 64x64 products and 128/64 divisions;
// __extension__ keeps -Wpedantic quiet about the non-standard type.
__extension__ using U128 = unsigned __int128;

using Limbs = std::array<uint64_t, 4>;

constexpr uint64_t kDecimalChunk = 10'000'000'000'000'000'000ULL;  // 10^19, the largest power of 10 in 64 bits
constexpr int kDecimalChunkDigits = 19;

int hex_digit(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool has_hex_prefix(std::string_view s) noexcept {
    return s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
}

// limbs = limbs * m + add; false when the result needs more than 256 bits.
bool mul_add_small(Limbs& limbs, uint64_t m, uint64_t add) noexcept {
    uint64_t carry = add;
    for (auto& limb : limbs) {
        const U128 t = static_cast<U128>(limb) * m + carry;
        limb = static_cast<uint64_t>(t);
        carry = static_cast<uint64_t>(t >> 64);
    }
    return carry == 0;
}

// limbs /= d; returns the remainder.
uint64_t div_small(Limbs& limbs, uint64_t d) noexcept {
    U128 rem = 0;
    for (std::size_t i = limbs.size(); i-- > 0;) {
        const U128 cur = (rem << 64) | limbs[i];
        limbs[i] = static_cast<uint64_t>(cur / d);
        rem = cur % d;
    }
    return static_cast<uint64_t>(rem);
}

bool is_zero_limbs(const Limbs& limbs) noexcept {
    return std::ranges::all_of(limbs, [](uint64_t l) { return l == 0; });
}

// 2^255 is the magnitude of the most negative 256-bit two's complement value.
Uint256 min_signed_magnitude() noexcept { return Uint256::from_be_bytes(ByteArray<32>{0x80}); }

}  // namespace

std::string_view to_string(NumberError e) noexcept {
    switch (e) {
        case NumberError::kEmpty:
            return "no digits";
        case NumberError::kInvalidDigit:
            return "invalid digit";
        case NumberError::kOverflow:
            return "number out of range";
        case NumberError::kTooLong:
            return "more than 32 bytes";
    }
    return "unknown number error";
}

std::expected<Uint256, NumberError> Uint256::from_decimal(std::string_view s) {
    if (s.empty()) return std::unexpected(NumberError::kEmpty);
    // Check every character first so a bad digit is reported even past an overflow.
    if (!std::ranges::all_of(s, [](char c) { return c >= '0' && c <= '9'; })) {
        return std::unexpected(NumberError::kInvalidDigit);
    }
    Uint256 v;
    // Take up to 19 digits at a time: one multiply-add over the limbs per chunk.
    std::size_t pos = 0;
    const std::size_t head = s.size() % kDecimalChunkDigits;
    std::size_t chunk_len = head == 0 ? kDecimalChunkDigits : head;
    while (pos < s.size()) {
        uint64_t chunk = 0;
        uint64_t scale = 1;
        for (std::size_t i = 0; i < chunk_len; ++i) {
            chunk = chunk * 10 + static_cast<uint64_t>(s[pos + i] - '0');
            scale *= 10;
        }
        if (!mul_add_small(v.limbs_, scale, chunk)) return std::unexpected(NumberError::kOverflow);
        pos += chunk_len;
        chunk_len = kDecimalChunkDigits;
    }
    return v;
}

std::expected<Uint256, NumberError> Uint256::from_hex(std::string_view s) {
    if (has_hex_prefix(s)) s.remove_prefix(2);
    if (s.empty()) return std::unexpected(NumberError::kEmpty);
    if (!std::ranges::all_of(s, [](char c) { return hex_digit(c) >= 0; })) {
        return std::unexpected(NumberError::kInvalidDigit);
    }
    const std::size_t first = s.find_first_not_of('0');
    if (first == std::string_view::npos) return Uint256{};
    s.remove_prefix(first);
    if (s.size() > 64) return std::unexpected(NumberError::kOverflow);
    Uint256 v;
    // The last digit is the lowest nibble of limb 0.
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto digit = static_cast<uint64_t>(hex_digit(s[s.size() - 1 - i]));
        v.limbs_[i / 16] |= digit << (4 * (i % 16));
    }
    return v;
}

std::expected<Uint256, NumberError> Uint256::parse(std::string_view s) {
    return has_hex_prefix(s) ? from_hex(s) : from_decimal(s);
}

std::expected<Uint256, NumberError> Uint256::parse_signed(std::string_view s) {
    const bool negative = !s.empty() && s[0] == '-';
    if (negative) s.remove_prefix(1);
    auto magnitude = parse(s);
    if (!magnitude || !negative) return magnitude;
    if (*magnitude > min_signed_magnitude()) return std::unexpected(NumberError::kOverflow);
    return magnitude->wrapping_neg();
}

Uint256 Uint256::from_be_bytes(const ByteArray<32>& be) noexcept {
    Uint256 v;
    for (std::size_t i = 0; i < 32; ++i) {
        v.limbs_[3 - i / 8] |= static_cast<uint64_t>(be[i]) << (8 * (7 - i % 8));
    }
    return v;
}

std::expected<Uint256, NumberError> Uint256::from_be_bytes(ByteView be) noexcept {
    if (be.size() > 32) return std::unexpected(NumberError::kTooLong);
    ByteArray<32> padded{};
    std::ranges::copy(be, padded.begin() + static_cast<std::ptrdiff_t>(32 - be.size()));
    return from_be_bytes(padded);
}

ByteArray<32> Uint256::to_be_bytes() const noexcept {
    ByteArray<32> be{};
    for (std::size_t i = 0; i < 32; ++i) {
        be[i] = static_cast<uint8_t>(limbs_[3 - i / 8] >> (8 * (7 - i % 8)));
    }
    return be;
}

std::string Uint256::to_decimal() const {
    if (is_zero()) return "0";
    // Peel off 19 digits at a time, lowest first, then reverse.
    Limbs rest = limbs_;
    std::string out;
    out.reserve(78);
    while (!is_zero_limbs(rest)) {
        uint64_t chunk = div_small(rest, kDecimalChunk);
        const bool last = is_zero_limbs(rest);
        for (int i = 0; i < kDecimalChunkDigits && (!last || chunk != 0); ++i) {
            out += static_cast<char>('0' + chunk % 10);
            chunk /= 10;
        }
    }
    std::ranges::reverse(out);
    return out;
}

std::string Uint256::to_hex() const {
    static constexpr std::string_view kDigits = "0123456789abcdef";
    std::string out = "0x";
    if (is_zero()) return out + '0';
    const unsigned digits = (bit_length() + 3) / 4;
    out.reserve(2 + digits);
    for (unsigned i = digits; i-- > 0;)
        out += kDigits[(limbs_[i / 16] >> (4 * (i % 16))) & 0xf];
    return out;
}

std::string Uint256::to_signed_decimal() const {
    if (!is_negative()) return to_decimal();
    return '-' + wrapping_neg().to_decimal();
}

bool Uint256::is_zero() const noexcept { return is_zero_limbs(limbs_); }

bool Uint256::fits_u64() const noexcept { return limbs_[1] == 0 && limbs_[2] == 0 && limbs_[3] == 0; }

unsigned Uint256::bit_length() const noexcept {
    for (std::size_t i = limbs_.size(); i-- > 0;) {
        if (limbs_[i] != 0) return static_cast<unsigned>(64 * i) + static_cast<unsigned>(std::bit_width(limbs_[i]));
    }
    return 0;
}

std::optional<Uint256> Uint256::checked_add(const Uint256& o) const noexcept {
    Uint256 r;
    uint64_t carry = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        const U128 t = static_cast<U128>(limbs_[i]) + o.limbs_[i] + carry;
        r.limbs_[i] = static_cast<uint64_t>(t);
        carry = static_cast<uint64_t>(t >> 64);
    }
    if (carry != 0) return std::nullopt;
    return r;
}

std::optional<Uint256> Uint256::checked_sub(const Uint256& o) const noexcept {
    if (*this < o) return std::nullopt;
    return wrapping_add(o.wrapping_neg());
}

std::optional<Uint256> Uint256::checked_mul(const Uint256& o) const noexcept {
    // Schoolbook product; any part that lands at limb 4 or above is an overflow.
    Uint256 r;
    for (std::size_t i = 0; i < 4; ++i) {
        if (limbs_[i] == 0) continue;
        uint64_t carry = 0;
        for (std::size_t j = 0; j < 4; ++j) {
            const U128 t = static_cast<U128>(limbs_[i]) * o.limbs_[j] + carry;
            const auto low = static_cast<uint64_t>(t);
            carry = static_cast<uint64_t>(t >> 64);
            if (i + j >= 4) {
                if (low != 0) return std::nullopt;
                continue;
            }
            const U128 sum = static_cast<U128>(r.limbs_[i + j]) + low;
            r.limbs_[i + j] = static_cast<uint64_t>(sum);
            // Propagate the addition carry upwards through the result.
            uint64_t add_carry = static_cast<uint64_t>(sum >> 64);
            for (std::size_t k = i + j + 1; add_carry != 0; ++k) {
                if (k >= 4) return std::nullopt;
                r.limbs_[k] += 1;
                add_carry = r.limbs_[k] == 0 ? 1 : 0;
            }
        }
        if (carry != 0) return std::nullopt;
    }
    return r;
}

Uint256 Uint256::wrapping_add(const Uint256& o) const noexcept {
    Uint256 r;
    uint64_t carry = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        const U128 t = static_cast<U128>(limbs_[i]) + o.limbs_[i] + carry;
        r.limbs_[i] = static_cast<uint64_t>(t);
        carry = static_cast<uint64_t>(t >> 64);
    }
    return r;
}

Uint256 Uint256::wrapping_neg() const noexcept {
    Uint256 inverted;
    for (std::size_t i = 0; i < 4; ++i)
        inverted.limbs_[i] = ~limbs_[i];
    return inverted.wrapping_add(Uint256{1});
}

std::strong_ordering operator<=>(const Uint256& a, const Uint256& b) noexcept {
    for (std::size_t i = 4; i-- > 0;) {
        if (a.limbs_[i] != b.limbs_[i]) return a.limbs_[i] <=> b.limbs_[i];
    }
    return std::strong_ordering::equal;
}

}  // namespace tokensync::core
