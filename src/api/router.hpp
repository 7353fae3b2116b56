#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "net/http_server.hpp"

// HTTP routing for the daemon's server: method + path pattern → handler.
namespace tokensync::api {

// A request matched to a route: the raw request, the values of the
// pattern's `{name}` segments, and the decoded query string.
struct RouteRequest {
    const net::ServerRequest& raw;
    std::vector<std::pair<std::string, std::string>> params;  // from the path pattern, percent-decoded
    std::vector<std::pair<std::string, std::string>> query;   // in order of appearance, percent-decoded

    // The path parameter `name` (empty when the pattern has none).
    std::string_view param(std::string_view name) const;
    // The first query value of `name`, if present (also when empty).
    std::optional<std::string_view> query_value(std::string_view name) const;
};

using Route = std::function<net::ServerReply(const RouteRequest&)>;

// Patterns are absolute paths whose segments are literals or `{name}`
// (one whole segment, never empty). A trailing slash is not ignored:
// "/status/" does not match "/status". Routes are tried in the order they
// were added; the first whose method and pattern match answers. A path that
// matches some pattern but not with this method gets 405 with an Allow
// header; a path that matches none gets 404. Both are JSON errors.
class Router {
  public:
    void add(std::string_view method, std::string_view pattern, Route route);
    net::ServerReply handle(const net::ServerRequest& request) const;
    // As an HttpServer handler (the router must outlive the server).
    net::HttpServer::Handler handler() const;

  private:
    struct Entry {
        std::string method;
        std::vector<std::string> segments;  // "{name}" marks a parameter
        Route route;
    };
    std::vector<Entry> routes_;
};

// `{"error":{"type":type,"message":message}}` with `status`.
net::ServerReply error_reply(int status, std::string_view type, std::string_view message);
// `body` (already JSON) with `status` and application/json.
net::ServerReply json_reply(int status, std::string body);

// Percent-decoding ("%2F" → "/", and "+" → " " when `plus_is_space`);
// nullopt for a malformed escape.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

}  // namespace tokensync::api
