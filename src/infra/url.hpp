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

// http:// or https:// (any case) with a non-empty host and no whitespace.
bool is_http_url(std::string_view url) noexcept;
// ws:// or wss://, same rules.
bool is_ws_url(std::string_view url) noexcept;

}  // namespace tokensync::infra
