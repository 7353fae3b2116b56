#include "chain/evm/bulk_call.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "chain/evm/eth_api.hpp"
#include "core/abi/decode.hpp"
#include "core/abi/encode.hpp"
#include "core/abi/parse.hpp"
#include "core/hex.hpp"

namespace tokensync::chain::evm {
namespace {

// The part of Multicall3 tokensync uses: each call may fail on its own.
const core::abi::Function& aggregate3() {
    static const core::abi::Function fn =
        *core::abi::parse_function("function aggregate3((address,bool,bytes)[]) payable returns ((bool,bytes)[])");
    return fn;
}

// A revert's data shortened for a message: the selector says which error.
std::string revert_text(core::ByteView data) {
    if (data.empty()) return "reverted without data";
    return fmt::format("reverted with {}{}", core::to_hex(data.first(std::min<std::size_t>(data.size(), 36))),
                       data.size() > 36 ? "..." : "");
}

Request eth_call_request(const core::Address& to, core::ByteView data, const std::string& block) {
    boost::json::object txn{{"to", to.lower_hex()}, {"data", core::to_hex(data)}};
    return {"eth_call", boost::json::array{std::move(txn), boost::json::value(block)}};
}

CallResult call_result(const Result& r) {
    if (!r) {
        // A revert's own bytes say more than the node's rendering of them.
        if (auto data = revert_data(r.error())) return std::unexpected(revert_text(*data));
        return std::unexpected(r.error().to_string());
    }
    if (!r->is_string() || !core::is_hex_data(r->get_string())) {
        return std::unexpected(std::string("eth_call: result is not 0x-prefixed even-length hex"));
    }
    return *core::from_hex(r->get_string());
}

core::Bytes encode_aggregate3(std::span<const ContractCall> calls) {
    core::abi::Array items;
    items.items.reserve(calls.size());
    for (const ContractCall& c : calls) {
        items.items.push_back(core::abi::Value{
            core::abi::Tuple{{core::abi::Value{c.to}, core::abi::Value{true}, core::abi::Value{c.data}}}});
    }
    const core::abi::Value arg{std::move(items)};
    auto data = core::abi::encode_call(aggregate3(), std::span<const core::abi::Value>(&arg, 1));
    if (!data) throw std::logic_error("aggregate3: cannot encode the calls");
    return std::move(*data);
}

// Fills out[0..calls.size()) from one aggregate3 answer.
void decode_aggregate3(const Result& r, std::span<CallResult> out) {
    const CallResult whole = call_result(r);
    if (!whole) {
        std::fill(out.begin(), out.end(), std::unexpected("multicall: " + whole.error()));
        return;
    }
    auto values = core::abi::decode_return(aggregate3(), *whole);
    const core::abi::Array* list = values && values->size() == 1 ? (*values)[0].get_if<core::abi::Array>() : nullptr;
    if (list == nullptr || list->items.size() != out.size()) {
        std::fill(out.begin(), out.end(), std::unexpected(std::string("multicall: malformed aggregate3 answer")));
        return;
    }
    for (std::size_t i = 0; i < out.size(); ++i) {
        const auto* item = list->items[i].get_if<core::abi::Tuple>();
        const bool* ok = item != nullptr && item->items.size() == 2 ? item->items[0].get_if<bool>() : nullptr;
        const core::Bytes* ret = ok != nullptr ? item->items[1].get_if<core::Bytes>() : nullptr;
        if (ret == nullptr) {
            out[i] = std::unexpected(std::string("multicall: malformed aggregate3 item"));
        } else if (*ok) {
            out[i] = *ret;
        } else {
            out[i] = std::unexpected(revert_text(*ret));
        }
    }
}

// One JSON-RPC batch of work: calls [begin, end) of the whole list.
struct Group {
    std::size_t begin = 0;
    std::size_t end = 0;
};

class Runner {
  public:
    Runner(const RpcClientOptions& rpc, std::span<const ContractCall> calls, const BulkCallOptions& options)
        : rpc_{rpc}, calls_{calls}, options_{options}, results_(calls.size()) {
        const std::size_t per_unit = options.multicall ? std::max<std::size_t>(1, options.calls_per_multicall) : 1;
        const std::size_t units_per_group = options.multicall ? std::max<std::size_t>(1, options.multicalls_per_batch)
                                                              : std::max<std::size_t>(1, options.calls_per_batch);
        per_unit_ = per_unit;
        const std::size_t per_group = per_unit * units_per_group;
        for (std::size_t b = 0; b < calls.size(); b += per_group)
            groups_.push_back({b, std::min(calls.size(), b + per_group)});
        // The client chunks batches itself; let a whole group through as one.
        rpc_.max_batch_size = std::max(rpc_.max_batch_size, units_per_group);
    }

    std::vector<CallResult> run() {
        const std::size_t workers =
            std::clamp<std::size_t>(options_.concurrency, 1, std::max<std::size_t>(1, groups_.size()));
        if (workers == 1) {
            work();
        } else {
            std::vector<std::jthread> threads;
            threads.reserve(workers);
            for (std::size_t i = 0; i < workers; ++i)
                threads.emplace_back([this] { work(); });
        }
        if (error_) std::rethrow_exception(error_);
        return std::move(results_);
    }

  private:
    void work() {
        try {
            RpcClient client(rpc_);
            for (std::size_t g = next_.fetch_add(1); g < groups_.size() && !failed_.load(); g = next_.fetch_add(1)) {
                send(client, groups_[g]);
            }
        } catch (...) {
            const std::lock_guard lock(mutex_);
            if (!error_) error_ = std::current_exception();
            failed_.store(true);
        }
    }

    void send(RpcClient& client, const Group& g) {
        std::vector<Request> requests;
        if (options_.multicall) {
            for (std::size_t b = g.begin; b < g.end; b += per_unit_) {
                const auto unit = calls_.subspan(b, std::min(g.end, b + per_unit_) - b);
                requests.push_back(eth_call_request(*options_.multicall, encode_aggregate3(unit), options_.block));
            }
        } else {
            for (std::size_t i = g.begin; i < g.end; ++i)
                requests.push_back(eth_call_request(calls_[i].to, calls_[i].data, options_.block));
        }
        const std::vector<Result> answers = client.batch(requests);
        if (options_.multicall) {
            for (std::size_t u = 0, b = g.begin; b < g.end; ++u, b += per_unit_) {
                const std::size_t n = std::min(g.end, b + per_unit_) - b;
                decode_aggregate3(answers[u], std::span<CallResult>(results_).subspan(b, n));
            }
        } else {
            for (std::size_t i = g.begin; i < g.end; ++i)
                results_[i] = call_result(answers[i - g.begin]);
        }
    }

    RpcClientOptions rpc_;
    std::span<const ContractCall> calls_;
    const BulkCallOptions& options_;
    std::vector<CallResult> results_;
    std::vector<Group> groups_;
    std::size_t per_unit_ = 1;
    std::atomic<std::size_t> next_{0};
    std::atomic<bool> failed_{false};
    std::mutex mutex_;
    std::exception_ptr error_;
};

}  // namespace

std::vector<CallResult> bulk_call(const RpcClientOptions& rpc, std::span<const ContractCall> calls,
                                  const BulkCallOptions& options) {
    if (calls.empty()) return {};
    return Runner(rpc, calls, options).run();
}

std::optional<core::Address> detect_multicall3(RpcClient& client) {
    const core::Address canonical = *core::Address::from_hex(kMulticall3Address);
    if (get_code(client, canonical).empty()) return std::nullopt;
    return canonical;
}

}  // namespace tokensync::chain::evm
