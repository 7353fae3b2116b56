#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace tokensync::chain::evm {

// The wait an HTTP Retry-After header asks for (RFC 9110 section 10.2.3):
// delay-seconds ("120") or an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT")
// relative to `now`; a date in the past means no wait. nullopt when the
// value is neither.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now);

}  // namespace tokensync::chain::evm
