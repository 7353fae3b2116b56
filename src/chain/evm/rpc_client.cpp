#include "chain/evm/rpc_client.hpp"

#include <algorithm>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

#include "chain/evm/retry_after.hpp"
#include "infra/log.hpp"
#include "infra/redact.hpp"
#include "net/http_error.hpp"
#include "net/url.hpp"

namespace tokensync::chain::evm {
namespace {

using std::chrono::milliseconds;

std::vector<std::string> checked_urls(const RpcClientOptions& options) {
    if (options.urls.empty()) throw std::invalid_argument("a chain needs at least one RPC URL");
    return options.urls;
}

infra::Backoff make_backoff(const RpcClientOptions& options) {
    return options.seed ? infra::Backoff(options.backoff, *options.seed) : infra::Backoff(options.backoff);
}

// Failures decided by the status line alone: overload and server errors.
std::optional<std::string> status_failure(const net::HttpResponse& response) {
    if (response.status == 429 || response.status >= 500) return fmt::format("HTTP {}", response.status);
    return std::nullopt;
}

milliseconds retry_after_of(const net::HttpResponse& response, milliseconds cap) {
    if (response.status != 429 && response.status != 503) return milliseconds{0};
    const auto header = response.header("Retry-After");
    if (!header) return milliseconds{0};
    const auto wait = parse_retry_after(*header, std::chrono::system_clock::now());
    return wait ? std::min(*wait, cap) : milliseconds{0};
}

}  // namespace

RpcClient::RpcClient(RpcClientOptions options)
    : options_(std::move(options)),
      health_(checked_urls(options_).size(), options_.cooldown),
      backoff_(make_backoff(options_)) {
    if (options_.max_batch_size == 0) options_.max_batch_size = 1;
    if (!options_.sleep) options_.sleep = [](milliseconds d) { std::this_thread::sleep_for(d); };
    for (const auto& url : options_.urls) {
        auto parsed = net::Url::parse(url);
        if (!parsed) {
            throw std::invalid_argument(
                fmt::format("invalid RPC URL {}: {}", infra::redact_url(url), net::to_string(parsed.error())));
        }
        endpoints_.push_back(Endpoint{url, parsed->authority(), nullptr});
    }
}

RpcClient::~RpcClient() = default;
RpcClient::RpcClient(RpcClient&&) noexcept = default;
RpcClient& RpcClient::operator=(RpcClient&&) noexcept = default;

std::size_t RpcClient::preferred_endpoint() const { return health_.pick(EndpointHealth::Clock::now()); }

net::HttpClient& RpcClient::http(std::size_t index) {
    auto& endpoint = endpoints_.at(index);
    if (!endpoint.http) endpoint.http = std::make_unique<net::HttpClient>(endpoint.url, options_.http);
    return *endpoint.http;
}

uint64_t RpcClient::take_ids(std::size_t count) {
    const uint64_t first = next_id_;
    next_id_ += count;
    return first;
}

net::HttpResponse RpcClient::post_with_retries(std::span<const Request> requests, const std::string& body,
                                               const Accept& accept) {
    const unsigned budget = std::max<unsigned>(options_.backoff.max_attempts, static_cast<unsigned>(endpoints_.size()));
    std::vector<std::optional<std::string>> causes(endpoints_.size());
    for (unsigned failures = 0;;) {
        auto now = EndpointHealth::Clock::now();
        const std::size_t index = health_.pick(now);
        if (failures > 0 && health_.cooling_down(index, now)) {
            // No fresh URL left: back off, and respect the server's Retry-After.
            auto wait = backoff_.next_delay(failures);
            const auto not_before = health_.not_before(index);
            if (not_before > now) wait = std::max(wait, std::chrono::ceil<milliseconds>(not_before - now));
            if (wait.count() > 0) options_.sleep(wait);
        }
        std::optional<Failure> failure;
        try {
            auto response = http(index).post("", body);
            failure = accept(response);
            if (options_.observer) options_.observer(requests, endpoints_[index].authority, !failure);
            if (!failure) {
                health_.record_success(index);
                last_endpoint_ = index;
                return response;
            }
        } catch (const net::HttpError& e) {
            // Reconnect on the next try rather than reuse a connection in an unknown state.
            if (endpoints_[index].http) endpoints_[index].http->close();
            failure = Failure{infra::redact(e.what()), milliseconds{0}};
            if (options_.observer) options_.observer(requests, endpoints_[index].authority, false);
        }
        now = EndpointHealth::Clock::now();
        health_.record_failure(index, now, now + failure->retry_after);
        causes[index] = failure->cause;
        ++failures;
        infra::log::warn("rpc.request_failed", {{"endpoint", endpoints_[index].authority},
                                                {"cause", failure->cause},
                                                {"attempt", failures},
                                                {"of", budget}});
        if (failures >= budget) break;
    }
    std::string message = "BlockchainConnectionError:";
    bool first = true;
    for (std::size_t i = 0; i < endpoints_.size(); ++i) {
        if (!causes[i]) continue;
        message += fmt::format("{} cannot reach {} ({})", first ? "" : ";", endpoints_[i].authority, *causes[i]);
        first = false;
    }
    throw BlockchainConnectionError(message);
}

boost::json::value RpcClient::call(std::string_view method, boost::json::array params) {
    const uint64_t id = take_ids(1);
    const Request request{std::string(method), std::move(params)};
    const std::string body = encode_request(id, request);
    std::optional<Result> outcome;
    post_with_retries({&request, 1}, body, [&](const net::HttpResponse& response) -> std::optional<Failure> {
        const auto retry_after = retry_after_of(response, options_.max_retry_after);
        if (auto cause = status_failure(response)) return Failure{*cause, retry_after};
        auto decoded = decode_response(response.body, id);
        if (!decoded) {
            if (!response.ok()) return Failure{fmt::format("HTTP {}", response.status), retry_after};
            return Failure{fmt::format("invalid answer: {}", decoded.error().reason), retry_after};
        }
        if (!decoded->has_value() && is_rate_limit(decoded->error())) {
            return Failure{fmt::format("rate limited: {}", decoded->error().to_string()), retry_after};
        }
        outcome = std::move(*decoded);
        return std::nullopt;
    });
    if (!outcome->has_value()) throw RpcCallError(request.method, std::move(outcome->error()));
    return std::move(**outcome);
}

std::vector<Result> RpcClient::send_chunk(const std::vector<Request>& requests, std::size_t begin, std::size_t end) {
    const std::size_t count = end - begin;
    const uint64_t first_id = take_ids(count);
    const std::string body =
        encode_batch(first_id, std::span<const Request>(requests.data() + begin, requests.data() + end));
    std::optional<BatchAnswer> answer;
    post_with_retries(std::span<const Request>(requests.data() + begin, requests.data() + end), body,
                      [&](const net::HttpResponse& response) -> std::optional<Failure> {
                          const auto retry_after = retry_after_of(response, options_.max_retry_after);
                          if (auto cause = status_failure(response)) return Failure{*cause, retry_after};
                          auto decoded = decode_batch(response.body, first_id, count);
                          if (!decoded) {
                              if (!response.ok()) return Failure{fmt::format("HTTP {}", response.status), retry_after};
                              return Failure{fmt::format("invalid answer: {}", decoded.error().reason), retry_after};
                          }
                          if (decoded->whole && is_rate_limit(*decoded->whole)) {
                              return Failure{fmt::format("rate limited: {}", decoded->whole->to_string()), retry_after};
                          }
                          answer = std::move(*decoded);
                          return std::nullopt;
                      });
    return std::move(answer->items);
}

std::vector<Result> RpcClient::batch(const std::vector<Request>& requests) {
    std::vector<Result> results;
    results.reserve(requests.size());
    for (std::size_t begin = 0; begin < requests.size(); begin += options_.max_batch_size) {
        const std::size_t end = std::min(requests.size(), begin + options_.max_batch_size);
        auto chunk = send_chunk(requests, begin, end);
        std::ranges::move(chunk, std::back_inserter(results));
    }
    retry_rate_limited_items(requests, results);
    return results;
}

void RpcClient::retry_rate_limited_items(const std::vector<Request>& requests, std::vector<Result>& results) {
    // A provider may refuse some items of a batch for rate and serve the rest:
    // those items alone are sent again, after a back-off, while tries remain.
    for (unsigned failures = 1; options_.backoff.may_retry(failures); ++failures) {
        std::vector<std::size_t> again;
        for (std::size_t i = 0; i < results.size(); ++i) {
            if (!results[i].has_value() && is_rate_limit(results[i].error())) again.push_back(i);
        }
        if (again.empty()) return;
        options_.sleep(backoff_.next_delay(failures));
        std::vector<Request> subset;
        subset.reserve(again.size());
        for (auto i : again)
            subset.push_back(requests[i]);
        for (std::size_t begin = 0; begin < subset.size(); begin += options_.max_batch_size) {
            const std::size_t end = std::min(subset.size(), begin + options_.max_batch_size);
            auto chunk = send_chunk(subset, begin, end);
            for (std::size_t k = 0; k < chunk.size(); ++k)
                results[again[begin + k]] = std::move(chunk[k]);
        }
    }
}

}  // namespace tokensync::chain::evm
