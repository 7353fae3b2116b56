#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

// Signed Alchemy webhook deliveries (PROTOCOLS.md §4) built from what the
// node returned, for tests that post them to a running daemon.
namespace tokensync::test_util {

// The X-Alchemy-Signature of `body`: its hex HMAC-SHA256 under `key`.
std::string alchemy_signature(std::string_view body, std::string_view key);

// One block as a delivery carries it, with its transactions' receipts
// (eth_getTransactionReceipt or eth_getBlockReceipts objects).
struct DeliveryBlock {
    boost::json::value hash;  // "0x..." as the node wrote it
    uint64_t number = 0;
    uint64_t timestamp = 0;
    boost::json::array receipts;

    // The block of one receipt, at a fixed time (a delivery is a notice: the
    // daemon reads the block itself from the node).
    static DeliveryBlock of_receipt(const boost::json::object& receipt);
};

// A Custom (GraphQL) delivery of the block's logs, with the selection set
// PROTOCOLS.md §4 names.
std::string custom_delivery(std::string_view id, const DeliveryBlock& block, std::string_view network);

// An Address Activity delivery: one activity per log, with the log in
// eth_getLogs shape; `removed` marks the logs of a block a reorg took out.
// `category` names each log's token standard by its contract address
// ("erc721", "erc1155").
using ActivityCategory = std::function<std::string(std::string_view address)>;
std::string activity_delivery(std::string_view id, const DeliveryBlock& block, std::string_view network, bool removed,
                              const ActivityCategory& category);

}  // namespace tokensync::test_util
