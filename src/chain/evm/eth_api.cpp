#include "chain/evm/eth_api.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "core/hex.hpp"

namespace tokensync::chain::evm {
namespace {

uint64_t quantity_result(RpcClient& client, std::string_view method) {
    auto v = parse_quantity(client.call(method), "result");
    if (!v) throw RpcResponseError(fmt::format("{}: {}", method, v.error().to_string()));
    return *v;
}

std::optional<BlockHeader> block_by(RpcClient& client, std::string block) {
    auto v = client.call("eth_getBlockByNumber", boost::json::array{boost::json::value(block), false});
    if (v.is_null()) return std::nullopt;
    auto header = parse_block_header(v);
    if (!header) throw RpcResponseError(fmt::format("eth_getBlockByNumber({}): {}", block, header.error().to_string()));
    return *header;
}

}  // namespace

uint64_t chain_id(RpcClient& client) { return quantity_result(client, "eth_chainId"); }

uint64_t block_number(RpcClient& client) { return quantity_result(client, "eth_blockNumber"); }

std::optional<BlockHeader> get_block(RpcClient& client, uint64_t number) {
    return block_by(client, to_quantity(number));
}

std::optional<BlockHeader> get_block(RpcClient& client, std::string_view tag) {
    return block_by(client, std::string(tag));
}

Request block_request(uint64_t number) {
    return {"eth_getBlockByNumber", boost::json::array{boost::json::value(to_quantity(number)), false}};
}

std::optional<BlockHeader> block_from(const Result& result, uint64_t number) {
    if (!result) throw RpcCallError("eth_getBlockByNumber", result.error());
    if (result->is_null()) return std::nullopt;
    auto header = parse_block_header(*result);
    if (!header)
        throw RpcResponseError(fmt::format("eth_getBlockByNumber({}): {}", number, header.error().to_string()));
    if (header->number != number) {
        throw RpcResponseError(
            fmt::format("eth_getBlockByNumber({}): the node answered block {}", number, header->number));
    }
    return *header;
}

std::vector<std::optional<BlockHeader>> get_blocks(RpcClient& client, std::span<const uint64_t> numbers) {
    std::vector<Request> requests;
    requests.reserve(numbers.size());
    for (uint64_t n : numbers)
        requests.push_back(block_request(n));
    const std::vector<Result> results = client.batch(requests);
    std::vector<std::optional<BlockHeader>> headers;
    headers.reserve(results.size());
    for (std::size_t i = 0; i < results.size(); ++i)
        headers.push_back(block_from(results[i], numbers[i]));
    return headers;
}

core::Bytes eth_call(RpcClient& client, const core::Address& to, core::ByteView data, std::string_view block) {
    boost::json::object txn{{"to", to.lower_hex()}, {"data", core::to_hex(data)}};
    auto v = client.call("eth_call", boost::json::array{std::move(txn), boost::json::value(std::string(block))});
    if (!v.is_string() || !core::is_hex_data(v.get_string())) {
        throw RpcResponseError("eth_call: result: not 0x-prefixed even-length hex");
    }
    return *core::from_hex(v.get_string());
}

core::Bytes get_code(RpcClient& client, const core::Address& address, std::string_view block) {
    auto v = client.call("eth_getCode", boost::json::array{boost::json::value(address.lower_hex()),
                                                           boost::json::value(std::string(block))});
    if (!v.is_string() || !core::is_hex_data(v.get_string())) {
        throw RpcResponseError("eth_getCode: result: not 0x-prefixed even-length hex");
    }
    return *core::from_hex(v.get_string());
}

std::optional<core::Bytes> revert_data(const RpcError& error) {
    if (error.code != 3 || !error.data.is_string() || !core::is_hex_data(error.data.get_string())) return std::nullopt;
    return *core::from_hex(error.data.get_string());
}

}  // namespace tokensync::chain::evm
