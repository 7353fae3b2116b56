#pragma once

#include <cstdint>
#include <expected>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "infra/config.hpp"
#include "infra/config_node.hpp"

// One parser per top-level section of the configuration file. Adding a
// section: a field in Config, a parse_*_section here (own .cpp), and a row
// in kSections (config_loader.cpp). Sections are parsed in table order, so a
// section may look at the ones before it (contracts check chain names).
namespace tokensync::infra {

// The whole of a file the configuration names (the config itself, ABI
// artifacts, CA files), or why it cannot be read: it must be a regular file
// (a FIFO or /dev/zero would never end) of at most kMaxConfigFileBytes.
inline constexpr std::uintmax_t kMaxConfigFileBytes = 64U << 20;
std::expected<std::string, std::string> read_config_file(const std::filesystem::path& path);

void parse_database_section(const ConfigNode& node, Config& config);
void parse_chains_section(const ConfigNode& node, Config& config);
void parse_contracts_section(const ConfigNode& node, Config& config);
void parse_sync_section(const ConfigNode& node, Config& config);
void parse_recovery_section(const ConfigNode& node, Config& config);
void parse_server_section(const ConfigNode& node, Config& config);
void parse_webhooks_section(const ConfigNode& node, Config& config);
void parse_keeper_section(const ConfigNode& node, Config& config);

// A chain's `network:` (config_networks.cpp): an Alchemy network name gives
// the chain id and, with `alchemy_api_key:`, the RPC URL.
struct AlchemyNetwork {
    std::string_view name;  // "BASE_SEPOLIA"
    std::uint64_t chain_id;
    std::string_view host;  // "base-sepolia.g.alchemy.com"
};
std::span<const AlchemyNetwork> alchemy_networks() noexcept;
const AlchemyNetwork* find_alchemy_network(std::string_view name) noexcept;

}  // namespace tokensync::infra
