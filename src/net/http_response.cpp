#include "net/http_response.hpp"

#include <algorithm>
#include <cctype>

namespace tokensync::net {

std::optional<std::string_view> HttpResponse::header(std::string_view name) const {
    const auto same = [name](const std::string& candidate) {
        return std::ranges::equal(candidate, name,
                                  [](unsigned char a, unsigned char b) { return std::tolower(a) == std::tolower(b); });
    };
    for (const auto& [key, value] : headers) {
        if (same(key)) return value;
    }
    return std::nullopt;
}

}  // namespace tokensync::net
