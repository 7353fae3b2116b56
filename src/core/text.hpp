#pragma once

#include <cctype>
#include <string_view>

namespace tokensync::core {

// The text without the white space (std::isspace) around it.
inline std::string_view trim_space(std::string_view s) noexcept {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0)
        s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0)
        s.remove_suffix(1);
    return s;
}

}  // namespace tokensync::core
