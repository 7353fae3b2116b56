#include "chain/evm/retry_after.hpp"

#include <array>
#include <cstdint>

namespace tokensync::chain::evm {
namespace {

std::optional<int> digits(std::string_view s, std::size_t pos, std::size_t count) {
    if (pos + count > s.size()) return std::nullopt;
    int n = 0;
    for (std::size_t i = pos; i < pos + count; ++i) {
        if (s[i] < '0' || s[i] > '9') return std::nullopt;
        n = n * 10 + (s[i] - '0');
    }
    return n;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

// "Sun, 06 Nov 1994 08:49:37 GMT": fixed positions after the day name.
std::optional<std::chrono::sys_seconds> parse_imf_fixdate(std::string_view s) {
    constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    if (s.size() != 29 || s.substr(3, 2) != ", " || s.substr(25) != " GMT") return std::nullopt;
    const auto day = digits(s, 5, 2);
    const auto year = digits(s, 12, 4);
    const auto hour = digits(s, 17, 2);
    const auto minute = digits(s, 20, 2);
    const auto second = digits(s, 23, 2);
    if (!day || !year || !hour || !minute || !second || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' || s[19] != ':' ||
        s[22] != ':') {
        return std::nullopt;
    }
    unsigned month = 0;
    for (unsigned i = 0; i < kMonths.size(); ++i) {
        if (s.substr(8, 3) == kMonths[i]) month = i + 1;
    }
    const std::chrono::year_month_day date{std::chrono::year{*year}, std::chrono::month{month},
                                           std::chrono::day{static_cast<unsigned>(*day)}};
    if (month == 0 || !date.ok() || *hour > 23 || *minute > 59 || *second > 60) return std::nullopt;
    return std::chrono::sys_days{date} + std::chrono::hours{*hour} + std::chrono::minutes{*minute} +
           std::chrono::seconds{*second};
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now) {
    value = trim(value);
    if (value.empty()) return std::nullopt;
    if (value.find_first_not_of("0123456789") == std::string_view::npos) {
        if (value.size() > 9) return std::nullopt;  // over 30 years: not a real request
        return std::chrono::seconds{*digits(value, 0, value.size())};
    }
    const auto when = parse_imf_fixdate(value);
    if (!when) return std::nullopt;
    // In seconds since the epoch: nanosecond time points end in 2262, dates need not.
    const auto now_ms = std::chrono::time_point_cast<std::chrono::milliseconds>(now);
    const auto when_ms = std::chrono::time_point_cast<std::chrono::milliseconds>(*when);
    if (when_ms <= now_ms) return std::chrono::milliseconds{0};
    return when_ms - now_ms;
}

}  // namespace tokensync::chain::evm
