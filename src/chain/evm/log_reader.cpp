#include "chain/evm/log_reader.hpp"

#include <algorithm>
#include <set>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "chain/evm/eth_api.hpp"
#include "infra/log.hpp"

namespace tokensync::chain::evm {
namespace {

boost::json::object filter_object(const LogFilter& filter) {
    boost::json::object o;
    if (filter.addresses.size() == 1) {
        o["address"] = filter.addresses.front().lower_hex();
    } else if (!filter.addresses.empty()) {
        boost::json::array addresses;
        for (const auto& a : filter.addresses)
            addresses.emplace_back(a.lower_hex());
        o["address"] = std::move(addresses);
    }
    if (!filter.topics.empty()) {
        boost::json::array topics;
        for (const auto& position : filter.topics) {
            if (position.empty()) {
                topics.emplace_back(nullptr);
            } else if (position.size() == 1) {
                topics.emplace_back(position.front().hex());
            } else {
                boost::json::array any;
                for (const auto& t : position)
                    any.emplace_back(t.hex());
                topics.emplace_back(std::move(any));
            }
        }
        o["topics"] = std::move(topics);
    }
    return o;
}

// eth_getLogs params for a range of blocks.
boost::json::array range_params(const LogFilter& filter, uint64_t from, uint64_t to) {
    auto o = filter_object(filter);
    o["fromBlock"] = to_quantity(from);
    o["toBlock"] = to_quantity(to);
    return boost::json::array{std::move(o)};
}

// eth_getLogs params for one block named by hash (EIP-234).
boost::json::array by_hash_params(const LogFilter& filter, const core::Hash32& block_hash) {
    auto o = filter_object(filter);
    o["blockHash"] = block_hash.hex();
    return boost::json::array{std::move(o)};
}

std::vector<Log> parsed_logs(const boost::json::value& v, std::string_view where) {
    auto logs = parse_logs(v);
    if (!logs)
        throw LogFetchError(fmt::format("eth_getLogs {}: malformed answer: {}", where, logs.error().to_string()));
    return std::move(*logs);
}

}  // namespace

bool may_match(const LogsBloom& bloom, const LogFilter& filter) noexcept {
    if (bloom.is_zero()) return false;
    const bool address = filter.addresses.empty() || std::ranges::any_of(filter.addresses, [&](const auto& a) {
                             return bloom.may_contain(core::ByteView{a.bytes()});
                         });
    return address && std::ranges::all_of(filter.topics, [&](const auto& position) {
               return position.empty() || std::ranges::any_of(position, [&](const core::Hash32& t) {
                          return bloom.may_contain(core::ByteView{t.bytes});
                      });
           });
}

LogReader::LogReader(RpcClient& client, RangePlanner::Options options)
    : client_(client), planners_(client.endpoint_count(), RangePlanner(options)) {}

std::vector<Log> LogReader::fetch(const LogFilter& filter, uint64_t from, uint64_t to) {
    ++calls_;
    return parsed_logs(client_.call("eth_getLogs", range_params(filter, from, to)), fmt::format("[{}, {}]", from, to));
}

LogReader::LogsAndHeaders LogReader::get_logs_and_blocks(const LogFilter& filter, std::span<const uint64_t> blocks) {
    LogsAndHeaders out;
    const uint64_t from = filter.from_block;
    const uint64_t to = filter.to_block;
    if (from > to || planners_[client_.preferred_endpoint()].next_to(from, to) != to) {
        out.logs = get_logs(filter);
        out.headers = get_blocks(client_, blocks);
        return out;
    }
    std::vector<Request> requests;
    requests.reserve(blocks.size() + 1);
    requests.push_back({"eth_getLogs", range_params(filter, from, to)});
    for (const uint64_t n : blocks)
        requests.push_back(block_request(n));
    ++calls_;
    const std::vector<Result> results = client_.batch(requests);
    out.headers.reserve(blocks.size());
    for (std::size_t i = 0; i < blocks.size(); ++i)
        out.headers.push_back(block_from(results[i + 1], blocks[i]));
    if (results.front()) {
        planners_[client_.last_endpoint()].on_success();
        out.logs = parsed_logs(*results.front(), fmt::format("[{}, {}]", from, to));
        return out;
    }
    // Refused for its size: the planner learns from the refusal, and
    // get_logs reads the range in the calls it now plans.
    const auto advice = parse_range_error(results.front().error().message);
    if (!advice) throw RpcCallError("eth_getLogs", results.front().error());
    planners_[client_.last_endpoint()].on_too_large(from, to, *advice);
    out.logs = get_logs(filter);
    return out;
}

std::vector<Log> LogReader::fetch_by_hash(const LogFilter& filter, uint64_t block, const RpcError& why) {
    const auto header = get_block(client_, block);
    if (!header) throw LogFetchError(fmt::format("block {} is too large for eth_getLogs and not found", block));
    ++calls_;
    try {
        return parsed_logs(client_.call("eth_getLogs", by_hash_params(filter, header->hash)),
                           fmt::format("block {}", block));
    } catch (const RpcCallError& e) {
        throw LogFetchError(fmt::format("block {}: eth_getLogs refused the single block ({}) and by blockHash ({})",
                                        block, why.to_string(), e.error().to_string()));
    }
}

std::optional<uint64_t> LogReader::find_missed_block(const LogFilter& filter,
                                                     std::span<const std::optional<BlockHeader>> headers,
                                                     std::span<const Log> logs) {
    std::set<uint64_t> answered;
    for (const Log& log : logs)
        answered.insert(log.block_number);
    std::vector<const BlockHeader*> suspects;
    for (const auto& h : headers) {
        if (h && h->logs_bloom && !answered.contains(h->number) && may_match(*h->logs_bloom, filter))
            suspects.push_back(&*h);
    }
    if (suspects.empty()) return std::nullopt;
    std::vector<Request> requests;
    requests.reserve(suspects.size());
    for (const BlockHeader* h : suspects)
        requests.push_back({"eth_getLogs", by_hash_params(filter, h->hash)});
    calls_ += requests.size();
    const std::vector<Result> results = client_.batch(requests);
    for (std::size_t i = 0; i < suspects.size(); ++i) {
        if (!results[i]) throw RpcCallError("eth_getLogs", results[i].error());
        const auto found = parsed_logs(*results[i], fmt::format("block {} by hash", suspects[i]->number));
        if (!found.empty()) {
            infra::log::debug("rpc.get_logs.missed", {{"block", suspects[i]->number},
                                                      {"logs", static_cast<uint64_t>(found.size())},
                                                      {"endpoint", client_.authority(client_.last_endpoint())}});
            return suspects[i]->number;
        }
    }
    return std::nullopt;
}

std::vector<Log> LogReader::get_logs(const LogFilter& filter) {
    std::vector<Log> logs;
    uint64_t from = filter.from_block;
    while (from <= filter.to_block) {
        const std::size_t endpoint = client_.preferred_endpoint();
        const uint64_t to = planners_[endpoint].next_to(from, filter.to_block);
        std::vector<Log> chunk;
        try {
            chunk = fetch(filter, from, to);
            planners_[client_.last_endpoint()].on_success();
        } catch (const RpcCallError& e) {
            const auto advice = parse_range_error(e.error().message);
            if (!advice) throw;
            auto& planner = planners_[client_.last_endpoint()];
            if (planner.on_too_large(from, to, *advice)) {
                infra::log::debug("rpc.get_logs.split", {{"from", from},
                                                         {"to", to},
                                                         {"span", planner.span()},
                                                         {"endpoint", client_.authority(client_.last_endpoint())}});
                continue;
            }
            chunk = fetch_by_hash(filter, from, e.error());
        }
        std::ranges::move(chunk, std::back_inserter(logs));
        if (to == UINT64_MAX) break;
        from = to + 1;
    }
    return logs;
}

}  // namespace tokensync::chain::evm
