#include "chain/evm/range_planner.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace tokensync::chain::evm {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex_digit(char c) { return is_digit(c) || (c >= 'a' && c <= 'f'); }

// Digits at pos, allowing the thousands separators providers print
// ("10,000"); advances pos. nullopt when there is no digit or on overflow.
std::optional<uint64_t> read_decimal(std::string_view s, std::size_t& pos) {
    uint64_t n = 0;
    bool any = false;
    while (pos < s.size()) {
        const char c = s[pos];
        if (is_digit(c)) {
            if (n > (UINT64_MAX - 9) / 10) return std::nullopt;
            n = n * 10 + static_cast<uint64_t>(c - '0');
            any = true;
        } else if (!(any && c == ',' && pos + 1 < s.size() && is_digit(s[pos + 1]))) {
            break;
        }
        ++pos;
    }
    return any ? std::optional(n) : std::nullopt;
}

std::optional<uint64_t> read_hex(std::string_view s, std::size_t& pos) {
    if (s.substr(pos, 2) != "0x") return std::nullopt;
    pos += 2;
    uint64_t n = 0;
    std::size_t digits = 0;
    while (pos < s.size() && is_hex_digit(s[pos])) {
        if (++digits > 16) return std::nullopt;
        const char c = s[pos++];
        n = (n << 4) | static_cast<uint64_t>(is_digit(c) ? c - '0' : c - 'a' + 10);
    }
    return digits > 0 ? std::optional(n) : std::nullopt;
}

void skip_spaces(std::string_view s, std::size_t& pos) {
    while (pos < s.size() && s[pos] == ' ')
        ++pos;
}

// "[0xA, 0xB]" right after `marker` (Alchemy and Infura hints).
std::optional<RangeAdvice> bracket_hint(std::string_view text, std::string_view marker) {
    auto pos = text.find(marker);
    if (pos == std::string_view::npos) return std::nullopt;
    pos += marker.size();
    skip_spaces(text, pos);
    if (pos >= text.size() || text[pos] != '[') return std::nullopt;
    ++pos;
    skip_spaces(text, pos);
    auto from = read_hex(text, pos);
    skip_spaces(text, pos);
    if (!from || pos >= text.size() || text[pos] != ',') return std::nullopt;
    ++pos;
    skip_spaces(text, pos);
    auto to = read_hex(text, pos);
    skip_spaces(text, pos);
    if (!to || pos >= text.size() || text[pos] != ']' || *to < *from) return std::nullopt;
    return RangeAdvice{RangeAdvice::Kind::kRange, *from, *to, 0};
}

// "retry with the range A-B" (decimal block numbers).
std::optional<RangeAdvice> dash_hint(std::string_view text) {
    constexpr std::string_view kMarker = "retry with the range ";
    auto pos = text.find(kMarker);
    if (pos == std::string_view::npos) return std::nullopt;
    pos += kMarker.size();
    auto from = read_decimal(text, pos);
    if (!from || pos >= text.size() || text[pos] != '-') return std::nullopt;
    ++pos;
    auto to = read_decimal(text, pos);
    if (!to || *to < *from) return std::nullopt;
    return RangeAdvice{RangeAdvice::Kind::kRange, *from, *to, 0};
}

std::optional<RangeAdvice> numeric_cap(std::string_view text) {
    // Each marker is followed by the cap in blocks, maybe after "a ".
    // Not Alchemy's "up to a 2K block range": "2K" is no number, and its hint comes first anyway.
    constexpr std::array<std::string_view, 4> kMarkers = {"limited to ", "max range: ", "max block range ",
                                                          "maximum allowed number of requested blocks is "};
    for (auto marker : kMarkers) {
        auto pos = text.find(marker);
        if (pos == std::string_view::npos) continue;
        pos += marker.size();
        if (text.substr(pos, 2) == "a ") pos += 2;
        auto cap = read_decimal(text, pos);
        if (cap && *cap > 0) return RangeAdvice{RangeAdvice::Kind::kCap, 0, 0, *cap};
    }
    return std::nullopt;
}

bool mentions_size_or_range(std::string_view text) {
    constexpr std::array<std::string_view, 12> kWords = {
        "block range",   "range too large", "range is too wide", "too many results", "more than", "max results",
        "exceeds limit", "exceeds max",     "response size",     "limited to",       "max range", "requested blocks",
    };
    return std::ranges::any_of(kWords, [&](std::string_view w) { return text.find(w) != std::string_view::npos; });
}

}  // namespace

std::optional<RangeAdvice> parse_range_error(std::string_view message) {
    const std::string text = lower(message);
    if (auto hint = bracket_hint(text, "this block range should work:")) return hint;
    if (auto hint = bracket_hint(text, "try with this block range")) return hint;
    if (auto hint = dash_hint(text)) return hint;
    if (auto cap = numeric_cap(text)) return cap;
    if (mentions_size_or_range(text)) return RangeAdvice{};
    return std::nullopt;
}

RangePlanner::RangePlanner() : RangePlanner(Options{}) {}

RangePlanner::RangePlanner(Options options) : options_(options), span_(std::max<uint64_t>(1, options.max_span)) {
    options_.max_span = span_;
}

uint64_t RangePlanner::limit() const noexcept {
    return hard_cap_ ? std::min(options_.max_span, *hard_cap_) : options_.max_span;
}

uint64_t RangePlanner::next_to(uint64_t from, uint64_t to) const noexcept {
    if (to < from) return to;
    const uint64_t last = from + (span_ - 1);
    return (last < from || last > to) ? to : last;  // last < from: wrapped around
}

void RangePlanner::on_success() noexcept {
    if (span_ >= limit()) return;
    if (++successes_ < options_.grow_after) return;
    successes_ = 0;
    span_ = std::min(limit(), span_ > UINT64_MAX / 2 ? UINT64_MAX : span_ * 2);
}

bool RangePlanner::on_too_large(uint64_t from, uint64_t to, const RangeAdvice& advice) noexcept {
    successes_ = 0;
    const uint64_t tried = to >= from ? to - from + 1 : 1;
    if (tried <= 1) return false;
    uint64_t next = tried / 2;
    switch (advice.kind) {
        case RangeAdvice::Kind::kRange:
            next = advice.to - advice.from + 1;
            break;
        case RangeAdvice::Kind::kCap:
            hard_cap_ = hard_cap_ ? std::min(*hard_cap_, advice.cap) : advice.cap;
            next = advice.cap;
            break;
        case RangeAdvice::Kind::kHalve:
            break;
    }
    // A hint that does not shrink the call would loop forever: halve instead.
    if (next >= tried || next == 0) next = tried / 2;
    span_ = std::max<uint64_t>(1, std::min(next, limit()));
    return true;
}

}  // namespace tokensync::chain::evm
