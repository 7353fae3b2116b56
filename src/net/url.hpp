#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

namespace tokensync::net {

enum class UrlError {
    kMissingScheme,      // no "scheme://"
    kUnsupportedScheme,  // a scheme other than http or https
    kMissingHost,        // nothing between "//" and the port or path
    kInvalidHost,        // an unterminated "[" IPv6 literal or a character that cannot be in a host
    kInvalidPort,        // not 1..65535
    kUserInfo,           // "user:password@" in the URL; credentials belong in headers
};

std::string_view to_string(UrlError e) noexcept;

// An http:// or https:// URL split into what a connection needs. Provider
// URLs often carry an API key in the path or query, so error messages and
// logs use authority() only, never target.
struct Url {
    std::string scheme;  // "http" or "https", lower case
    std::string host;    // without brackets for IPv6 literals
    uint16_t port = 0;   // the scheme's default when the URL has none
    std::string target;  // path and query, "/" when empty

    bool is_tls() const noexcept { return scheme == "https"; }
    // "host:port" ("[::1]:8545" for IPv6), safe to show.
    std::string authority() const;
    // The Host header value: the port is left out when it is the default one.
    std::string host_header() const;

    static std::expected<Url, UrlError> parse(std::string_view text);
};

}  // namespace tokensync::net
