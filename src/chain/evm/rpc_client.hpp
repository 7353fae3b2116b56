#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include "chain/evm/endpoint_health.hpp"
#include "chain/evm/json_rpc.hpp"
#include "chain/evm/rpc_error.hpp"
#include "infra/backoff.hpp"
#include "net/http_client.hpp"
#include "net/http_response.hpp"

namespace tokensync::chain::evm {

struct RpcClientOptions {
    std::vector<std::string> urls;  // one chain's endpoints, in order of preference
    net::HttpClient::Options http;
    infra::BackoffPolicy backoff;               // max_attempts counts tries over all URLs (at least one per URL)
    std::size_t max_batch_size = 100;           // larger batches are sent in chunks
    std::chrono::milliseconds cooldown{5'000};  // a failed URL is avoided this long while others are healthy
    std::chrono::milliseconds max_retry_after{60'000};     // longer Retry-After requests are shortened to this
    std::optional<uint64_t> seed;                          // jitter seed, for deterministic tests
    std::function<void(std::chrono::milliseconds)> sleep;  // defaults to std::this_thread::sleep_for
    // Called after every HTTP exchange, retries included (metrics): the
    // requests it carried, the endpoint's host:port (never its path or
    // query, which may hold a key) and whether the answer was usable.
    std::function<void(std::span<const Request> requests, std::string_view authority, bool ok)> observer;
};

// A JSON-RPC client for one chain over HTTP, with retries, back-off and
// fail-over across URLs. Throws RpcCallError when the node answers call()
// with an error, BlockchainConnectionError when no URL answers usefully
// within the retry budget. Transport failures, HTTP 429/5xx, invalid or
// truncated JSON and rate-limit errors are retried; the caller's mistakes
// (invalid params, reverts) are not. Not thread-safe: one client per thread.
class RpcClient {
  public:
    // Throws std::invalid_argument when there is no URL or one cannot be
    // parsed (the message shows the URL with its secrets redacted).
    explicit RpcClient(RpcClientOptions options);
    ~RpcClient();
    RpcClient(RpcClient&&) noexcept;
    RpcClient& operator=(RpcClient&&) noexcept;
    RpcClient(const RpcClient&) = delete;
    RpcClient& operator=(const RpcClient&) = delete;

    boost::json::value call(std::string_view method, boost::json::array params = {});
    // Per-item outcomes in request order; items fail independently. Items
    // refused for rate alone are sent again within the retry budget.
    std::vector<Result> batch(const std::vector<Request>& requests);

    // Index into options().urls of the URL the next request will go to, and
    // of the URL that gave the last answer.
    std::size_t preferred_endpoint() const;
    std::size_t last_endpoint() const noexcept { return last_endpoint_; }
    std::size_t endpoint_count() const noexcept { return endpoints_.size(); }
    const std::string& authority(std::size_t index) const { return endpoints_.at(index).authority; }
    const EndpointHealth& health() const noexcept { return health_; }
    const RpcClientOptions& options() const noexcept { return options_; }

  private:
    struct Endpoint {
        std::string url;
        std::string authority;  // host:port, safe to show
        std::unique_ptr<net::HttpClient> http;
    };
    // Why an answer was not usable; the request is tried again.
    struct Failure {
        std::string cause;
        std::chrono::milliseconds retry_after{0};
    };
    using Accept = std::function<std::optional<Failure>(const net::HttpResponse&)>;

    net::HttpResponse post_with_retries(std::span<const Request> requests, const std::string& body,
                                        const Accept& accept);
    std::vector<Result> send_chunk(const std::vector<Request>& requests, std::size_t begin, std::size_t end);
    void retry_rate_limited_items(const std::vector<Request>& requests, std::vector<Result>& results);
    net::HttpClient& http(std::size_t index);
    uint64_t take_ids(std::size_t count);

    RpcClientOptions options_;
    std::vector<Endpoint> endpoints_;
    EndpointHealth health_;
    infra::Backoff backoff_;
    uint64_t next_id_ = 1;
    std::size_t last_endpoint_ = 0;
};

}  // namespace tokensync::chain::evm
