#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace tokensync::chain::evm {

// What a provider's "eth_getLogs range too large" error tells us.
struct RangeAdvice {
    enum class Kind {
        kRange,  // the provider named a range that works: [from, to]
        kCap,    // the provider named its maximum span in blocks
        kHalve,  // a range/size error with no usable number: halve the span
    };
    Kind kind = Kind::kHalve;
    uint64_t from = 0;  // kRange
    uint64_t to = 0;    // kRange
    uint64_t cap = 0;   // kCap
    friend bool operator==(const RangeAdvice&, const RangeAdvice&) = default;
};

// Reads an eth_getLogs error message. nullopt when the message is not about
// the range or response size (the error is then the caller's to report).
// Understands the forms in PROTOCOLS.md section 1: Alchemy's and Infura's
// hints, "retry with the range A-B", "limited to 10,000", "Max range: 800",
// "max block range 2000", "Maximum allowed number of requested blocks is N".
std::optional<RangeAdvice> parse_range_error(std::string_view message);

// Chooses the block span of each eth_getLogs call for one endpoint, learning
// from its errors and growing back after successes. Pure; one per URL.
class RangePlanner {
  public:
    struct Options {
        uint64_t max_span = 2'000;  // blocks per call at most, and the starting span
        unsigned grow_after = 4;    // successes in a row before the span doubles
    };

    RangePlanner();
    explicit RangePlanner(Options options);

    // The last block of the next call starting at `from`, never beyond `to`.
    uint64_t next_to(uint64_t from, uint64_t to) const noexcept;
    uint64_t span() const noexcept { return span_; }
    // A provider-stated cap, never exceeded while growing back.
    std::optional<uint64_t> hard_cap() const noexcept { return hard_cap_; }

    void on_success() noexcept;
    // The call [from, to] was refused as too large. Returns false when that was
    // already a single block: the range cannot be split any more.
    bool on_too_large(uint64_t from, uint64_t to, const RangeAdvice& advice) noexcept;

  private:
    uint64_t limit() const noexcept;

    Options options_;
    uint64_t span_;
    std::optional<uint64_t> hard_cap_;
    unsigned successes_ = 0;
};

}  // namespace tokensync::chain::evm
