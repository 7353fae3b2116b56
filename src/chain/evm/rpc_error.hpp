#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include <boost/json/value.hpp>

namespace tokensync::chain::evm {

// A JSON-RPC error object: the node answered, and said no.
struct RpcError {
    // Not JSON-RPC codes: set by this client for a batch item the answer did
    // not include, and for an item that is neither a result nor an error.
    static constexpr int64_t kMissingResponse = -32098;
    static constexpr int64_t kMalformedResponse = -32097;

    int64_t code = 0;
    std::string message;
    boost::json::value data;  // revert bytes for code 3; null when absent

    std::string to_string() const;  // "JSON-RPC error <code>: <message>"
};

// Whether a retry (possibly on another URL) may succeed. Rate limits are
// retried; the caller's own mistakes (invalid params, reverts) are not.
bool is_rate_limit(const RpcError& e);

// Thrown by RpcClient::call when the node answered with a JSON-RPC error.
class RpcCallError : public std::runtime_error {
  public:
    RpcCallError(std::string method, RpcError error);
    const RpcError& error() const noexcept { return error_; }
    const std::string& method() const noexcept { return method_; }

  private:
    std::string method_;
    RpcError error_;
};

// Thrown when no URL of the chain gave an answer within the retry budget.
// The message lists each URL's host:port and last cause, never a path,
// query or userinfo.
class BlockchainConnectionError : public std::runtime_error {
  public:
    explicit BlockchainConnectionError(const std::string& message) : std::runtime_error(message) {}
};

// Thrown by the typed helpers when a successful answer has the wrong shape.
class RpcResponseError : public std::runtime_error {
  public:
    explicit RpcResponseError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace tokensync::chain::evm
