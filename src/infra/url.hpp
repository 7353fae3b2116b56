#pragma once

#include <optional>
#include <string_view>

namespace tokensync::infra {

// The pieces of "scheme://userinfo@host/path?query#fragment" as views into
// the original string, so callers can also compute byte offsets (redaction
// replaces ranges in place). Empty views mean "absent".
struct UrlParts {
    std::string_view scheme;
    std::string_view userinfo;
    std::string_view host;  // host[:port]
    std::string_view path;  // starts with '/' when present
    std::string_view query;
    std::string_view fragment;
};

// nullopt unless the text starts with a valid scheme followed by "://".
std::optional<UrlParts> split_url(std::string_view url) noexcept;

// "host", "host:port", "[v6]" or "[v6]:port" split apart. The host comes
// without brackets; port is empty when absent and is not checked to be a
// number. nullopt for an unterminated '[' or text after ']' that is not a
// port.
struct HostPort {
    std::string_view host;
    std::string_view port;
    bool has_port = false;
    bool bracketed = false;  // an IPv6 literal
};
std::optional<HostPort> split_host_port(std::string_view authority) noexcept;

// http:// or https:// (any case) with a non-empty host and no whitespace.
bool is_http_url(std::string_view url) noexcept;
// ws:// or wss://, same rules.
bool is_ws_url(std::string_view url) noexcept;

}  // namespace tokensync::infra
