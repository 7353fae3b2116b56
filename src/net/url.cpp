#include "net/url.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include <fmt/format.h>

#include "infra/url.hpp"

namespace tokensync::net {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::ranges::transform(out, out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

uint16_t default_port(std::string_view scheme) { return scheme == "https" ? 443 : 80; }

bool is_host_char(unsigned char c) { return std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_'; }

}  // namespace

std::string_view to_string(UrlError e) noexcept {
    switch (e) {
        case UrlError::kMissingScheme:
            return "missing scheme";
        case UrlError::kUnsupportedScheme:
            return "unsupported scheme";
        case UrlError::kMissingHost:
            return "missing host";
        case UrlError::kInvalidHost:
            return "invalid host";
        case UrlError::kInvalidPort:
            return "invalid port";
        case UrlError::kUserInfo:
            return "credentials in URL";
    }
    return "unknown URL error";
}

std::string Url::authority() const {
    if (host.find(':') != std::string::npos) return fmt::format("[{}]:{}", host, port);
    return fmt::format("{}:{}", host, port);
}

std::string Url::host_header() const {
    if (port != default_port(scheme)) return authority();
    if (host.find(':') != std::string::npos) return fmt::format("[{}]", host);
    return host;
}

std::expected<Url, UrlError> Url::parse(std::string_view text) {
    // infra::split_url does the splitting for every URL in the project; this
    // adds what a connection needs: a known scheme, a host, a numeric port.
    const auto parts = infra::split_url(text);
    if (!parts) return std::unexpected(UrlError::kMissingScheme);
    Url url;
    url.scheme = lower(parts->scheme);
    if (url.scheme != "http" && url.scheme != "https") return std::unexpected(UrlError::kUnsupportedScheme);
    if (text.substr(0, text.find_first_of("/?#", parts->scheme.size() + 3)).find('@') != std::string_view::npos)
        return std::unexpected(UrlError::kUserInfo);

    const auto split = infra::split_host_port(parts->host);
    if (!split) return std::unexpected(UrlError::kInvalidHost);
    const std::string_view host = split->host;
    const std::string_view port_text = split->port;
    const bool has_port = split->has_port;
    const bool host_ok =
        split->bracketed
            ? std::ranges::all_of(host, [](unsigned char c) { return std::isxdigit(c) != 0 || c == ':' || c == '.'; })
            : std::ranges::all_of(host, is_host_char);
    if (!host_ok) return std::unexpected(UrlError::kInvalidHost);
    if (host.empty()) return std::unexpected(UrlError::kMissingHost);

    url.port = default_port(url.scheme);
    if (has_port) {
        unsigned value = 0;
        const auto* end = port_text.data() + port_text.size();
        const auto [ptr, ec] = std::from_chars(port_text.data(), end, value);
        if (port_text.empty() || ec != std::errc{} || ptr != end || value == 0 || value > 65535)
            return std::unexpected(UrlError::kInvalidPort);
        url.port = static_cast<uint16_t>(value);
    }
    url.host = lower(host);

    // The fragment never goes on the wire. push_back/append rather than
    // assigning literals: g++ 12 warns falsely (-Wrestrict) on that here.
    if (parts->path.empty()) url.target.push_back('/');
    url.target.append(parts->path);
    if (!parts->query.empty()) {
        url.target.push_back('?');
        url.target.append(parts->query);
    }
    return url;
}

}  // namespace tokensync::net
