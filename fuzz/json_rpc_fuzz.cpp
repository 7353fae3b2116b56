// JSON-RPC answers (chain/evm/json_rpc.hpp): single responses and batches,
// then the typed parsers on every result, as the client does.
//
// Input: one byte for the batch size (0..16), one for the first id (bit 7
// set: ids near 2^64, to reach the wrap-around), then the answer's body.
//
// Properties: a problem is an AnswerProblem, never an exception; a single
// answer accepted as a result carries the request's id; a batch answer has
// exactly one item per request id sent (never more), items with a result
// each have an answer object in the body, and a whole-batch error fills
// every item with that error.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <set>

#include "chain/evm/json_rpc.hpp"
#include "evm_checks.hpp"
#include "fuzz_support.hpp"

namespace evm = tokensync::chain::evm;
using tokensync::fuzz::require;

namespace {

// The answer's id as a number, when it is a non-negative integer.
std::optional<uint64_t> id_in(const boost::json::value& answer) {
    if (!answer.is_object()) return std::nullopt;
    const auto* id = answer.get_object().if_contains("id");
    if (id == nullptr) return std::nullopt;
    if (id->is_uint64()) return id->get_uint64();
    if (id->is_int64() && id->get_int64() >= 0) return static_cast<uint64_t>(id->get_int64());
    return std::nullopt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    auto [count_byte, rest] = tokensync::fuzz::take_byte({data, size});
    auto [id_byte, body_bytes] = tokensync::fuzz::take_byte(rest);
    const std::size_t count = count_byte % 17;
    const uint64_t first_id = (id_byte & 0x80) != 0 ? std::numeric_limits<uint64_t>::max() - (id_byte & 0x7f) : id_byte;
    const auto body = tokensync::fuzz::as_text(body_bytes);

    boost::system::error_code ec;
    const boost::json::value parsed = boost::json::parse(body, ec);

    if (const auto single = evm::decode_response(body, first_id)) {
        require(!ec && parsed.is_object(), "an accepted answer is a JSON object");
        if (single->has_value()) {
            require(id_in(parsed) == first_id, "a result carries the request's id");
            tokensync::fuzz::check_typed_parsers(**single);
        }
    }

    const auto batch = evm::decode_batch(body, first_id, count);
    if (!batch) return 0;
    require(!ec, "an accepted batch answer is JSON");
    require(batch->items.size() == count, "one item per request id sent");
    if (batch->whole) {
        for (const auto& item : batch->items)
            require(!item.has_value() && item.error().code == batch->whole->code,
                    "a whole-batch error fills every item");
        return 0;
    }
    require(parsed.is_array(), "a batch answer without a whole-batch error is an array");
    std::set<uint64_t> answered;
    for (const auto& answer : parsed.get_array()) {
        if (const auto id = id_in(answer)) answered.insert(*id);
    }
    for (std::size_t i = 0; i < count; ++i) {
        const auto& item = batch->items[i];
        if (item.has_value()) {
            require(answered.contains(first_id + i), "a result comes from an answer with its id");
            tokensync::fuzz::check_typed_parsers(*item);
        } else if (item.error().code == evm::RpcError::kMissingResponse) {
            require(!answered.contains(first_id + i), "an answered id is not reported missing");
        }
    }
    return 0;
}
