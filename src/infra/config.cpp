#include "infra/config.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include <fmt/format.h>

#include "infra/redact.hpp"

namespace tokensync::infra {
namespace {

constexpr std::array<std::pair<Module, std::string_view>, 4> kModuleNames{{
    {Module::kTokenRegistry, "token_registry"},
    {Module::kErc721, "erc721"},
    {Module::kErc1155, "erc1155"},
    {Module::kEvents, "events"},
}};

std::string config_message(std::string_view path, std::string_view what) {
    return path.empty() ? fmt::format("config error: {}", what) : fmt::format("config error: {}: {}", path, what);
}

}  // namespace

// Redacted here, once, so no caller can print a secret by accident.
ConfigError::ConfigError(const std::string& what) : std::runtime_error(redact(what)) {}

ConfigError::ConfigError(std::string_view path, std::string_view what) : ConfigError(config_message(path, what)) {}

std::string_view to_string(Module module) noexcept {
    for (const auto& [value, name] : kModuleNames) {
        if (value == module) return name;
    }
    return "unknown";
}

std::optional<Module> parse_module(std::string_view name) noexcept {
    for (const auto& [value, known] : kModuleNames) {
        if (known == name) return value;
    }
    return std::nullopt;
}

const ChainConfig* Config::find_chain(std::string_view name) const noexcept {
    const auto it = std::find_if(chains.begin(), chains.end(), [&](const ChainConfig& c) { return c.name == name; });
    return it == chains.end() ? nullptr : &*it;
}

}  // namespace tokensync::infra
