// Keccak-256 as Ethereum uses it: Keccak[r=1088, c=512] with the original
// 0x01 padding (not SHA3-256's 0x06). OpenSSL 3.0 on Debian 12 does not offer
// it, so the permutation is written here, following FIPS 202 section 3.
#include <array>
#include <bit>
#include <cstring>

#include "core/hash.hpp"

namespace tokensync::core {

namespace {

constexpr std::size_t kRateBytes = 136;  // 1600 - 2 * 256 bits
constexpr std::size_t kRateLanes = kRateBytes / 8;
constexpr int kRounds = 24;

using State = std::array<uint64_t, 25>;  // lane (x, y) at index x + 5 * y

// The tables are derived from their definitions in FIPS 202 rather than typed
// in, so a mistyped constant cannot hide in them.

// Round constants: bits of the rc(t) LFSR (FIPS 202, algorithm 5).
constexpr bool rc_bit(int t) {
    unsigned r = 1;
    for (int i = 0; i < t % 255; ++i)
        r = ((r << 1) ^ ((r & 0x80) != 0 ? 0x71U : 0U)) & 0xffU;
    return (r & 1U) != 0;
}

constexpr std::array<uint64_t, kRounds> make_round_constants() {
    std::array<uint64_t, kRounds> rc{};
    for (int round = 0; round < kRounds; ++round) {
        for (int j = 0; j <= 6; ++j) {
            if (rc_bit(j + 7 * round)) rc[static_cast<std::size_t>(round)] |= uint64_t{1} << ((1 << j) - 1);
        }
    }
    return rc;
}

struct RhoPi {
    std::array<int, 25> rotation{};        // rho offset of each source lane
    std::array<std::size_t, 25> target{};  // where pi moves each source lane
};

constexpr RhoPi make_rho_pi() {
    RhoPi t{};
    // rho (algorithm 2): offsets follow the walk (x, y) -> (y, 2x + 3y).
    std::size_t x = 1;
    std::size_t y = 0;
    for (int step = 0; step < 24; ++step) {
        t.rotation[x + 5 * y] = ((step + 1) * (step + 2) / 2) % 64;
        const std::size_t next_y = (2 * x + 3 * y) % 5;
        x = y;
        y = next_y;
    }
    // pi (algorithm 3): A'[x, y] = A[x + 3y, x], i.e. lane (x, y) moves to (y, 2x + 3y).
    for (std::size_t sx = 0; sx < 5; ++sx) {
        for (std::size_t sy = 0; sy < 5; ++sy) {
            t.target[sx + 5 * sy] = sy + 5 * ((2 * sx + 3 * sy) % 5);
        }
    }
    return t;
}

constexpr auto kRoundConstants = make_round_constants();
constexpr auto kRhoPi = make_rho_pi();

// The unroll pragmas let every table index become a constant, which keeps the
// whole state in registers; this runs on hot paths (every topic and selector).
void keccak_f1600(State& a) noexcept {
    for (int round = 0; round < kRounds; ++round) {
        std::array<uint64_t, 5> c{};
#pragma GCC unroll 5
        for (std::size_t x = 0; x < 5; ++x)
            c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
#pragma GCC unroll 5
        for (std::size_t x = 0; x < 5; ++x) {
            const uint64_t d = c[(x + 4) % 5] ^ std::rotl(c[(x + 1) % 5], 1);
#pragma GCC unroll 5
            for (std::size_t y = 0; y < 25; y += 5)
                a[x + y] ^= d;
        }

        State b;
#pragma GCC unroll 25
        for (std::size_t i = 0; i < 25; ++i) {
            b[static_cast<std::size_t>(kRhoPi.target[i])] = std::rotl(a[i], kRhoPi.rotation[i]);
        }

#pragma GCC unroll 5
        for (std::size_t y = 0; y < 25; y += 5) {
#pragma GCC unroll 5
            for (std::size_t x = 0; x < 5; ++x) {
                a[y + x] = b[y + x] ^ (~b[y + (x + 1) % 5] & b[y + (x + 2) % 5]);
            }
        }
        a[0] ^= kRoundConstants[static_cast<std::size_t>(round)];
    }
}

// Lanes are little-endian byte strings (FIPS 202 section B.1).
uint64_t load_le64(const uint8_t* p) noexcept {
    uint64_t v;
    std::memcpy(&v, p, sizeof v);
    if constexpr (std::endian::native == std::endian::big) v = std::byteswap(v);
    return v;
}

void store_le64(uint8_t* p, uint64_t v) noexcept {
    if constexpr (std::endian::native == std::endian::big) v = std::byteswap(v);
    std::memcpy(p, &v, sizeof v);
}

void absorb_block(State& state, const uint8_t* block) noexcept {
    for (std::size_t i = 0; i < kRateLanes; ++i)
        state[i] ^= load_le64(block + 8 * i);
    keccak_f1600(state);
}

}  // namespace

Hash32 keccak256(ByteView data) noexcept {
    State state{};
    const uint8_t* p = data.data();
    std::size_t left = data.size();
    for (; left >= kRateBytes; left -= kRateBytes, p += kRateBytes)
        absorb_block(state, p);

    // Pad the last (possibly empty) block: 0x01 ... 0x80, which share a byte when one byte is free.
    std::array<uint8_t, kRateBytes> last{};
    if (left != 0) std::memcpy(last.data(), p, left);
    last[left] ^= 0x01;
    last[kRateBytes - 1] ^= 0x80;
    absorb_block(state, last.data());

    Hash32 out;
    for (std::size_t i = 0; i < 4; ++i)
        store_le64(out.bytes.data() + 8 * i, state[i]);
    return out;
}

}  // namespace tokensync::core
