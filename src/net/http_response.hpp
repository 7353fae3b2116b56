#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tokensync::net {

struct HttpResponse {
    int status = 0;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  // in arrival order

    bool ok() const noexcept { return status >= 200 && status < 300; }
    // The first header with this name, compared case-insensitively.
    std::optional<std::string_view> header(std::string_view name) const;
};

}  // namespace tokensync::net
