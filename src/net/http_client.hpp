#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "net/http_error.hpp"
#include "net/http_response.hpp"

namespace tokensync::net {

// A synchronous HTTP/1.1 client for one origin, keeping one connection alive
// across calls. When the server has closed an idle connection, the request
// is sent once more on a fresh one. Not thread-safe: one client per thread.
// Boost stays inside http_client.cpp (pimpl) so includers compile fast.
class HttpClient {
  public:
    struct Options {
        std::chrono::milliseconds connect_timeout{5'000};
        std::chrono::milliseconds request_timeout{30'000};  // sending the request and reading the whole response
        std::size_t max_body_bytes = 512u << 20;            // eth_getLogs answers can be tens of MB
        std::string user_agent = "tokensync";
        std::vector<std::pair<std::string, std::string>> headers;  // sent with every request
        // https: a PEM file of CA certificates trusted besides the system's
        // (a private node with its own CA or a self-signed certificate).
        std::string tls_ca_file;
    };

    // base_url: "http[s]://host[:port][/path][?query]". Throws HttpError
    // (kInvalidUrl, or kTls when the CA file cannot be used). Connects lazily;
    // https verifies the server's certificate and host name (TLS 1.2+).
    explicit HttpClient(std::string_view base_url);
    HttpClient(std::string_view base_url, Options options);
    ~HttpClient();
    HttpClient(HttpClient&&) noexcept;
    HttpClient& operator=(HttpClient&&) noexcept;
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // target: "" for the base URL's own path and query (a JSON-RPC endpoint),
    // else an origin-form target such as "/v1/predictions". Any status code is
    // returned; HttpError is thrown only when no response arrived.
    HttpResponse post(std::string_view target, std::string_view body,
                      std::string_view content_type = "application/json");
    HttpResponse get(std::string_view target = "");

    // host:port of the server, for messages.
    const std::string& authority() const noexcept;
    // How many TCP connections this client has opened (tests and metrics).
    std::size_t connections_opened() const noexcept;
    // Drops the kept-alive connection, if any.
    void close() noexcept;

  private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace tokensync::net
