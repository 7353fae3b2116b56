#include "infra/url.hpp"

#include <algorithm>
#include <cctype>

namespace tokensync::infra {
namespace {

bool is_scheme_char(char c) noexcept {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '+' || c == '-' || c == '.';
}

bool iequals(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

bool has_scheme(std::string_view url, std::string_view plain, std::string_view secure) noexcept {
    auto parts = split_url(url);
    if (!parts || parts->host.empty()) return false;
    if (!iequals(parts->scheme, plain) && !iequals(parts->scheme, secure)) return false;
    return std::none_of(url.begin(), url.end(),
                        [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; });
}

}  // namespace

std::optional<UrlParts> split_url(std::string_view url) noexcept {
    const auto sep = url.find("://");
    if (sep == std::string_view::npos || sep == 0) return std::nullopt;
    UrlParts parts;
    parts.scheme = url.substr(0, sep);
    if (std::isalpha(static_cast<unsigned char>(parts.scheme.front())) == 0 ||
        !std::all_of(parts.scheme.begin(), parts.scheme.end(), is_scheme_char)) {
        return std::nullopt;
    }
    std::string_view rest = url.substr(sep + 3);
    const auto authority_end = std::min(rest.find_first_of("/?#"), rest.size());
    std::string_view authority = rest.substr(0, authority_end);
    rest.remove_prefix(authority_end);
    // The last '@' ends the userinfo: passwords may contain '@' unencoded.
    if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
        parts.userinfo = authority.substr(0, at);
        authority.remove_prefix(at + 1);
    }
    parts.host = authority;
    if (const auto hash = rest.find('#'); hash != std::string_view::npos) {
        parts.fragment = rest.substr(hash + 1);
        rest = rest.substr(0, hash);
    }
    if (const auto q = rest.find('?'); q != std::string_view::npos) {
        parts.query = rest.substr(q + 1);
        rest = rest.substr(0, q);
    }
    parts.path = rest;
    return parts;
}

std::optional<HostPort> split_host_port(std::string_view authority) noexcept {
    HostPort out;
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        out.host = authority.substr(1, close - 1);
        out.bracketed = true;
        const std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') return std::nullopt;
            out.port = after.substr(1);
            out.has_port = true;
        }
        return out;
    }
    const auto colon = authority.rfind(':');
    out.host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
        out.port = authority.substr(colon + 1);
        out.has_port = true;
    }
    return out;
}

bool is_http_url(std::string_view url) noexcept { return has_scheme(url, "http", "https"); }

bool is_ws_url(std::string_view url) noexcept { return has_scheme(url, "ws", "wss"); }

}  // namespace tokensync::infra
