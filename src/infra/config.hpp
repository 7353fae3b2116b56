#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/abi/signature.hpp"
#include "core/address.hpp"
#include "core/secp256k1.hpp"

namespace tokensync::infra {

inline constexpr std::string_view kDefaultDatabase = "sqlite://./tokensync.db";
inline constexpr std::uint64_t kDefaultFinalityDepth = 64;
inline constexpr std::uint64_t kDefaultPollIntervalMs = 1'000;

// Thrown by the loader. The message starts with "config error: ", names the
// key path (e.g. "chains[0].rpc[1]") and never contains a secret.
class ConfigError : public std::runtime_error {
  public:
    explicit ConfigError(const std::string& what);
    ConfigError(std::string_view path, std::string_view what);
};

// What a contract's events feed.
enum class Module { kTokenRegistry, kErc721, kErc1155, kEvents };

std::string_view to_string(Module module) noexcept;
std::optional<Module> parse_module(std::string_view name) noexcept;

struct ChainConfig {
    std::string name;
    std::uint64_t chain_id = 0;
    std::vector<std::string> rpc;  // in fail-over order; never empty
    std::optional<std::string> ws;
    std::uint64_t finality_depth = kDefaultFinalityDepth;
    std::uint64_t poll_interval_ms = kDefaultPollIntervalMs;  // head polling when the WebSocket is down or absent
    // `tls_ca_file:` a PEM file of CA certificates trusted for this chain's
    // https/wss URLs besides the system's (a private node, a self-signed
    // certificate); resolved against the config file's folder, checked at load.
    std::optional<std::filesystem::path> tls_ca_file;
};

// How the engine fetches and commits (`sync:`).
struct SyncConfig {
    std::uint64_t workers = 4;                // parallel eth_getLogs fetchers in backfill and catch-up
    std::uint64_t checkpoint_every = 10'000;  // blocks per committed chunk, at most
    std::uint64_t batch_logs = 5'000;         // logs per committed chunk, at most (bounds memory)
    std::uint64_t max_span = 2'000;           // blocks per eth_getLogs call, at most
    // How often a standby `tokensync run` tries to take a chain's lease (docs/service.md).
    std::uint64_t lease_retry_ms = 1'000;
};

struct ContractConfig {
    std::string name;
    std::string chain;  // the name of a ChainConfig
    core::Address address;
    std::uint64_t start_block = 0;
    // `abi:` resolved against the config file's folder, and the file's text
    // (an ABI JSON array or a compiler artifact with an "abi" member).
    std::optional<std::filesystem::path> abi_path;
    std::string abi_text;
    // `events:` human-readable signatures, e.g. "Transfer(address indexed from, ...)".
    std::vector<std::string> events;
    // The events of the ABI file or of `events:`, parsed and checked at load.
    std::vector<core::abi::Event> abi_events;
    std::vector<Module> modules;  // never empty
};

// Counter-gap recovery (`recovery:`, docs/recovery.md): every id from
// first_token_id below the contract's counter should have a token row.
enum class MulticallMode { kAuto, kOff, kAddress };

struct RecoveryConfig {
    std::string contract;  // the name of a ContractConfig
    std::string counter = "function nextTokenId() view returns (uint256)";
    std::string author_of = "function tokenPromptAuthor(uint256) view returns (address)";
    core::abi::Function counter_fn;    // no inputs, one uint output
    core::abi::Function author_of_fn;  // one uint input, one address output
    std::uint64_t first_token_id = 0;  // 0 or 1
    core::Address default_author;
    std::uint64_t batch_size = 1'000;  // ids recovered at daemon start; 0 turns it off
    MulticallMode multicall = MulticallMode::kAuto;
    std::optional<core::Address> multicall_address;  // set with kAddress
};

// The daemon's HTTP server (`server:`, config_server.cpp). Without the
// section `tokensync run` serves nothing (docs/service.md).
struct ServerConfig {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8000;
    std::optional<std::string> admin_token;      // the admin API is disabled without it
    std::uint64_t body_limit = 1 << 20;          // bytes; larger bodies get 413
    std::uint64_t request_timeout_ms = 10'000;   // a request must arrive whole within this
    std::uint64_t shutdown_timeout_ms = 10'000;  // SIGTERM: drain and commit within this, then exit
    std::uint64_t threads = 2;                   // request handler threads
};

// `webhooks: alchemy:` (config_server.cpp).
struct AlchemyWebhookConfig {
    std::string signing_key;               // the webhook's signing key (HMAC-SHA256 of the body)
    std::uint64_t remember_ids = 100'000;  // delivery ids kept for deduplication
};

// `keeper:` (config_keeper.cpp): the account that signs the keeper's
// transactions on one chain. Only its address is ever shown.
struct KeeperConfig {
    std::string chain;  // a chains[] name
    core::PrivateKey key;
};

struct Config {
    std::filesystem::path source;  // the file it was read from ("" when parsed from text)
    std::string database{kDefaultDatabase};
    std::vector<ChainConfig> chains;
    std::vector<ContractConfig> contracts;
    SyncConfig sync;
    std::optional<RecoveryConfig> recovery;
    std::optional<ServerConfig> server;
    std::optional<AlchemyWebhookConfig> alchemy_webhook;  // webhooks.alchemy
    std::optional<KeeperConfig> keeper;

    const ChainConfig* find_chain(std::string_view name) const noexcept;
};

}  // namespace tokensync::infra
