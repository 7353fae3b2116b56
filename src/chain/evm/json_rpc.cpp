#include "chain/evm/json_rpc.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

namespace tokensync::chain::evm {
namespace {

boost::json::object request_object(uint64_t id, const Request& request) {
    return boost::json::object{{"jsonrpc", "2.0"}, {"id", id}, {"method", request.method}, {"params", request.params}};
}

std::optional<uint64_t> id_of(const boost::json::object& o) {
    const auto* id = o.if_contains("id");
    if (id == nullptr) return std::nullopt;
    if (id->is_uint64()) return id->get_uint64();
    if (id->is_int64() && id->get_int64() >= 0) return static_cast<uint64_t>(id->get_int64());
    return std::nullopt;
}

std::optional<RpcError> error_of(const boost::json::value& v) {
    if (!v.is_object()) return std::nullopt;
    const auto& o = v.get_object();
    const auto* code = o.if_contains("code");
    const auto* message = o.if_contains("message");
    if (code == nullptr || message == nullptr || !message->is_string()) return std::nullopt;
    RpcError e;
    if (code->is_int64()) {
        e.code = code->get_int64();
    } else if (code->is_uint64()) {
        e.code = static_cast<int64_t>(code->get_uint64());
    } else {
        return std::nullopt;
    }
    e.message = std::string(message->get_string());
    if (const auto* data = o.if_contains("data")) e.data = *data;
    return e;
}

// An answer object's outcome, or why it is neither a result nor an error.
// The result is moved out of the answer (in the answer's arena, below).
std::expected<Result, std::string> outcome_of(boost::json::object& o) {
    auto* result = o.if_contains("result");
    const auto* error = o.if_contains("error");
    if (error != nullptr && !error->is_null()) {
        auto e = error_of(*error);
        if (!e) return std::unexpected("error member is not a JSON-RPC error object");
        return Result(std::unexpect, std::move(*e));
    }
    if (result == nullptr) return std::unexpected("neither result nor error");
    return Result(std::move(*result));
}

// An answer is parsed into one arena that lives as long as any value taken
// from it: an eth_getLogs answer is thousands of small strings and objects,
// and allocating and freeing each one (and copying the result out of the
// answer) was about a quarter of a backfill worker's time.
std::expected<boost::json::value, AnswerProblem> parse_json(std::string_view body) {
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec, boost::json::make_shared_resource<boost::json::monotonic_resource>());
    if (ec) return std::unexpected(AnswerProblem{fmt::format("invalid JSON ({})", ec.message())});
    return v;
}

}  // namespace

std::string encode_request(uint64_t id, const Request& request) {
    return boost::json::serialize(request_object(id, request));
}

std::string encode_batch(uint64_t first_id, std::span<const Request> requests) {
    boost::json::array batch;
    batch.reserve(requests.size());
    for (std::size_t i = 0; i < requests.size(); ++i)
        batch.emplace_back(request_object(first_id + i, requests[i]));
    return boost::json::serialize(batch);
}

std::expected<Result, AnswerProblem> decode_response(std::string_view body, uint64_t id) {
    auto v = parse_json(body);
    if (!v) return std::unexpected(v.error());
    if (!v->is_object()) return std::unexpected(AnswerProblem{"answer is not a JSON object"});
    auto& o = v->get_object();
    auto outcome = outcome_of(o);
    if (!outcome) return std::unexpected(AnswerProblem{outcome.error()});
    // Errors about the request itself may come back with a null id.
    const auto answered_id = id_of(o);
    if (answered_id != id && !(outcome->has_value() == false && answered_id == std::nullopt)) {
        return std::unexpected(AnswerProblem{"answer id does not match the request id"});
    }
    return std::move(*outcome);
}

std::expected<BatchAnswer, AnswerProblem> decode_batch(std::string_view body, uint64_t first_id, std::size_t count) {
    auto v = parse_json(body);
    if (!v) return std::unexpected(v.error());
    BatchAnswer answer;
    if (v->is_object()) {
        // One error object for the whole batch (-32600 empty or too large, -32700 bad JSON, 429...).
        const auto* error = v->get_object().if_contains("error");
        auto e = error != nullptr ? error_of(*error) : std::nullopt;
        if (!e) return std::unexpected(AnswerProblem{"batch answer is neither an array nor an error object"});
        answer.whole = *e;
        answer.items.assign(count, Result(std::unexpect, *e));
        return answer;
    }
    if (!v->is_array()) return std::unexpected(AnswerProblem{"batch answer is not a JSON array"});
    answer.items.assign(
        count, Result(std::unexpect,
                      RpcError{RpcError::kMissingResponse, "no answer for this request in the batch answer", {}}));
    std::vector<bool> seen(count, false);
    for (auto& item : v->get_array()) {
        if (!item.is_object()) continue;
        const auto id = id_of(item.get_object());
        // Request i went out with id first_id + i in uint64 arithmetic, so
        // near 2^64 the ids wrap to 0; the same subtraction undoes that.
        if (!id || *id - first_id >= count) continue;
        const auto index = static_cast<std::size_t>(*id - first_id);
        if (seen[index]) continue;  // a duplicate answer: the first one stands
        seen[index] = true;
        auto outcome = outcome_of(item.get_object());
        answer.items[index] = outcome
                                  ? std::move(*outcome)
                                  : Result(std::unexpect, RpcError{RpcError::kMalformedResponse, outcome.error(), {}});
    }
    return answer;
}

}  // namespace tokensync::chain::evm
