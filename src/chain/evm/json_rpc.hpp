#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include "chain/evm/rpc_error.hpp"

namespace tokensync::chain::evm {

// The JSON-RPC 2.0 wire format, pure: requests out, answers in.

struct Request {
    std::string method;
    boost::json::array params;
};

// One call's outcome: the result, or the node's error object.
using Result = std::expected<boost::json::value, RpcError>;

std::string encode_request(uint64_t id, const Request& request);
// A JSON array; item i gets id first_id + i.
std::string encode_batch(uint64_t first_id, std::span<const Request> requests);

// Why an answer could not be used at all (truncated, not JSON, not JSON-RPC,
// an unexpected id). Such answers are worth another try.
struct AnswerProblem {
    std::string reason;
};

std::expected<Result, AnswerProblem> decode_response(std::string_view body, uint64_t id);

struct BatchAnswer {
    std::vector<Result> items;      // one per request, in request order
    std::optional<RpcError> whole;  // set when the node answered the whole batch with one error object
};

// Matches answers to requests by id, in any order. A request without an
// answer gets RpcError::kMissingResponse; a malformed item gets
// RpcError::kMalformedResponse; answers with unknown ids are ignored.
std::expected<BatchAnswer, AnswerProblem> decode_batch(std::string_view body, uint64_t first_id, std::size_t count);

}  // namespace tokensync::chain::evm
