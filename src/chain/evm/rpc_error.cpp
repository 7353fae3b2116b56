#include "chain/evm/rpc_error.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "chain/evm/range_planner.hpp"

namespace tokensync::chain::evm {

std::string RpcError::to_string() const { return fmt::format("JSON-RPC error {}: {}", code, message); }

bool is_rate_limit(const RpcError& e) {
    if (e.code == 429) return true;
    if (e.code != -32005) return false;
    // -32005 is also Infura's "query returned more than 10000 results": that
    // one needs a smaller range, not a second try.
    if (parse_range_error(e.message)) return false;
    std::string text = e.message;
    std::ranges::transform(text, text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text.find("limit exceeded") != std::string::npos || text.find("rate limit") != std::string::npos ||
           text.find("too many requests") != std::string::npos;
}

RpcCallError::RpcCallError(std::string method, RpcError error)
    : std::runtime_error(fmt::format("{}: {}", method, error.to_string())),
      method_(std::move(method)),
      error_(std::move(error)) {}

}  // namespace tokensync::chain::evm
