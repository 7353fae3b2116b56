#include <thread>

#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include "core/hex.hpp"
#include "test_util/devnet.hpp"

namespace tokensync::test_util {
namespace {

using namespace std::chrono_literals;

// Enough for any single call the test contracts make fail: the node then
// mines the transaction instead of rejecting it while estimating gas.
constexpr uint64_t kRevertGas = 3'000'000;

std::string quantity(uint64_t v) { return fmt::format("0x{:x}", v); }

boost::json::object txn_object(const core::Address& from, const core::Address& to, core::ByteView calldata) {
    return {{"from", from.lower_hex()}, {"to", to.lower_hex()}, {"input", core::to_hex(calldata)}};
}

core::Bytes bytes_of(const boost::json::value& v, std::string_view what) {
    if (!v.is_string()) throw std::runtime_error(fmt::format("{}: not a hex string", what));
    auto bytes = core::from_hex(v.as_string());
    if (!bytes) throw std::runtime_error(fmt::format("{}: {}", what, core::to_string(bytes.error())));
    return *std::move(bytes);
}

uint64_t status_of(const boost::json::object& receipt) { return parse_quantity(receipt.at("status")); }

}  // namespace

std::string Devnet::send_async(const core::Address& from, const core::Address& to, core::ByteView calldata,
                               std::optional<uint64_t> gas) {
    auto txn = txn_object(from, to, calldata);
    if (gas) txn["gas"] = quantity(*gas);
    return std::string(rpc("eth_sendTransaction", {std::move(txn)}).as_string());
}

boost::json::object Devnet::wait_for_receipt(std::string_view txn_hash) {
    const auto deadline = std::chrono::steady_clock::now() + options_.receipt_timeout;
    for (;;) {
        auto receipt = rpc("eth_getTransactionReceipt", {txn_hash});
        if (!receipt.is_null()) return std::move(receipt.as_object());
        if (std::chrono::steady_clock::now() > deadline)
            throw std::runtime_error(fmt::format("no receipt for {} within {} ms (automine off?)", txn_hash,
                                                 options_.receipt_timeout.count()));
        std::this_thread::sleep_for(5ms);
    }
}

boost::json::object Devnet::send(const core::Address& from, const core::Address& to, core::ByteView calldata) {
    const auto hash = send_async(from, to, calldata);
    auto receipt = wait_for_receipt(hash);
    if (status_of(receipt) != 1) throw std::runtime_error(fmt::format("transaction {} reverted", hash));
    return receipt;
}

boost::json::object Devnet::send_expect_revert(const core::Address& from, const core::Address& to,
                                               core::ByteView calldata) {
    const auto hash = send_async(from, to, calldata, kRevertGas);
    auto receipt = wait_for_receipt(hash);
    if (status_of(receipt) != 0)
        throw std::runtime_error(fmt::format("transaction {} succeeded but was expected to revert", hash));
    return receipt;
}

core::Bytes Devnet::call(const core::Address& to, core::ByteView calldata, const std::optional<core::Address>& from) {
    boost::json::object txn{{"to", to.lower_hex()}, {"input", core::to_hex(calldata)}};
    if (from) txn["from"] = from->lower_hex();
    return bytes_of(rpc("eth_call", {std::move(txn), "latest"}), "eth_call result");
}

core::Bytes Devnet::call_expect_revert(const core::Address& to, core::ByteView calldata,
                                       const std::optional<core::Address>& from) {
    try {
        call(to, calldata, from);
    } catch (const DevnetRpcError& e) {
        if (e.data().is_string()) return bytes_of(e.data(), "revert data");
        if (e.data().is_null()) return {};
        throw;
    }
    throw std::runtime_error("eth_call succeeded but was expected to revert");
}

boost::json::array Devnet::get_logs(boost::json::object filter) {
    return std::move(rpc("eth_getLogs", {std::move(filter)}).as_array());
}

void Devnet::mine(uint64_t blocks) { rpc("anvil_mine", {quantity(blocks)}); }

// anvil_reorg takes the depth as a JSON number, unlike most QUANTITY parameters.
void Devnet::reorg(uint64_t depth) { rpc("anvil_reorg", {depth, boost::json::array{}}); }

void Devnet::set_automine(bool enabled) { rpc("evm_setAutomine", {enabled}); }

std::string Devnet::snapshot() { return std::string(rpc("evm_snapshot").as_string()); }

void Devnet::revert(std::string_view snapshot_id) {
    if (!rpc("evm_revert", {snapshot_id}).as_bool())
        throw std::runtime_error(fmt::format("evm_revert {} refused", snapshot_id));
}

uint64_t Devnet::block_number() { return parse_quantity(rpc("eth_blockNumber")); }

}  // namespace tokensync::test_util
