#include "bench/raw_logs.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include "net/http_client.hpp"

namespace tokensync::bench {
namespace {

std::string request_body(const RawLogsOptions& options, uint64_t from, uint64_t to, uint64_t id) {
    boost::json::array addresses;
    for (const auto& a : options.addresses)
        addresses.emplace_back(a.lower_hex());
    const boost::json::object filter{{"fromBlock", fmt::format("0x{:x}", from)},
                                     {"toBlock", fmt::format("0x{:x}", to)},
                                     {"address", std::move(addresses)}};
    return boost::json::serialize(boost::json::object{
        {"jsonrpc", "2.0"}, {"id", id}, {"method", "eth_getLogs"}, {"params", boost::json::array{filter}}});
}

uint64_t count_logs(const std::string& body) {
    const auto answer = boost::json::parse(body);
    const auto& obj = answer.as_object();
    if (const auto* result = obj.if_contains("result"); result != nullptr && result->is_array())
        return result->as_array().size();
    throw std::runtime_error("eth_getLogs answered " + body.substr(0, 300));
}

}  // namespace

RawLogsResult read_raw_logs(const RawLogsOptions& options) {
    if (options.workers == 0 || options.span == 0 || options.from > options.to)
        throw std::invalid_argument("read_raw_logs: needs workers > 0, span > 0 and from <= to");
    std::atomic<uint64_t> next{options.from};
    std::atomic<uint64_t> logs{0};
    std::atomic<uint64_t> calls{0};
    std::atomic<bool> failed{false};
    std::exception_ptr error;
    std::mutex error_mutex;

    const auto work = [&] {
        try {
            net::HttpClient client(options.url);
            while (!failed) {
                const uint64_t from = next.fetch_add(options.span);
                if (from > options.to) return;
                const uint64_t to = std::min(options.to, from + options.span - 1);
                const auto response = client.post("", request_body(options, from, to, from));
                if (!response.ok()) throw std::runtime_error(fmt::format("eth_getLogs: HTTP {}", response.status));
                logs += count_logs(response.body);
                ++calls;
            }
        } catch (...) {
            const std::lock_guard lock(error_mutex);
            if (!error) error = std::current_exception();
            failed = true;
        }
    };

    const auto started = std::chrono::steady_clock::now();
    {
        std::vector<std::jthread> threads;
        for (std::size_t i = 0; i < options.workers; ++i)
            threads.emplace_back(work);
    }
    RawLogsResult result;
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (error) std::rethrow_exception(error);
    result.logs = logs;
    result.calls = calls;
    return result;
}

}  // namespace tokensync::bench
