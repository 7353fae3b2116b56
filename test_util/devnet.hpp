#pragma once

#include <chrono>
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "core/address.hpp"
#include "core/bytes.hpp"
#include "net/http_client.hpp"
#include "test_util/devnet_accounts.hpp"
#include "test_util/process.hpp"
#include "test_util/temp_dir.hpp"

namespace tokensync::test_util {

// A JSON-RPC error answer from the node ("execution reverted", nonce errors...).
class DevnetRpcError : public std::runtime_error {
  public:
    DevnetRpcError(std::string_view method, int64_t code, std::string message, boost::json::value data);
    int64_t code() const noexcept { return code_; }
    const std::string& rpc_message() const noexcept { return rpc_message_; }
    const boost::json::value& data() const noexcept { return data_; }  // revert bytes for code 3

  private:
    int64_t code_;
    std::string rpc_message_;
    boost::json::value data_;
};

// The test contracts of contracts/, deployed by Devnet::deploy_test_contracts.
struct TestContracts {
    core::Address nft;          // PromptNFT (ERC-721, batchMint, keeper reveals)
    core::Address multi_token;  // TestMultiToken (ERC-1155, public mints)
    core::Address code_reveal;  // CodeReveal (TokenRevealed, owner-only setBulkCodes)
};

struct TestContractOptions {
    uint64_t first_token_id = 1;              // PromptNFT's first id (0 or 1)
    std::optional<core::Address> nft_keeper;  // set with setKeeper when present
    std::size_t deployer = 0;                 // dev account index; owner of the NFT and CodeReveal
};

// An anvil node on a free loopback port, for tests. Starts in the
// constructor (throws with the node's log tail when it does not answer),
// stops in the destructor. Every transaction helper sends from an unlocked
// dev account with eth_sendTransaction and checks the receipt's status.
// Not thread-safe.
class Devnet {
  public:
    struct Options {
        uint64_t chain_id = 31337;
        bool silent = false;  // --silent: no log of each request (for very chatty tests)
        std::chrono::milliseconds start_timeout{15'000};
        std::chrono::milliseconds receipt_timeout{15'000};
        std::vector<std::string> extra_args;  // e.g. {"--prune-history"} or {"--load-state", file}
    };

    Devnet();
    explicit Devnet(Options options);
    ~Devnet();
    Devnet(const Devnet&) = delete;
    Devnet& operator=(const Devnet&) = delete;

    const std::string& url() const noexcept { return url_; }
    uint16_t port() const noexcept { return port_; }
    uint64_t chain_id() const noexcept { return options_.chain_id; }
    const std::filesystem::path& dir() const noexcept { return dir_->path(); }  // removed with the fixture
    std::filesystem::path log_path() const { return dir_->path() / "anvil.log"; }
    std::string log_tail(std::size_t max_lines = 40) const;

    // One JSON-RPC call; the result, or DevnetRpcError.
    boost::json::value rpc(std::string_view method, boost::json::array params = {});

    // Contract creation from a compiled artifact (contracts/<name>.sol), with
    // ABI-encoded constructor arguments appended to its bytecode.
    core::Address deploy(std::string_view artifact_name, core::ByteView constructor_args = {},
                         const core::Address& from = dev_address(0));
    TestContracts deploy_test_contracts(const TestContractOptions& options = {});

    // Sends and waits for the receipt; throws unless its status is 1.
    boost::json::object send(const core::Address& from, const core::Address& to, core::ByteView calldata);
    // Sends with a fixed gas limit (so the node cannot refuse it while
    // estimating) and waits; throws unless the transaction was mined and reverted.
    boost::json::object send_expect_revert(const core::Address& from, const core::Address& to, core::ByteView calldata);
    // Sends without waiting (for automine off); returns the transaction hash.
    std::string send_async(const core::Address& from, const core::Address& to, core::ByteView calldata,
                           std::optional<uint64_t> gas = std::nullopt);
    boost::json::object wait_for_receipt(std::string_view txn_hash);

    // eth_call at "latest"; the return data. Reverts throw DevnetRpcError.
    core::Bytes call(const core::Address& to, core::ByteView calldata,
                     const std::optional<core::Address>& from = std::nullopt);
    // eth_call that must revert; returns the revert data (error selector and arguments).
    core::Bytes call_expect_revert(const core::Address& to, core::ByteView calldata,
                                   const std::optional<core::Address>& from = std::nullopt);
    boost::json::array get_logs(boost::json::object filter);

    void mine(uint64_t blocks = 1);
    // Replaces the last depth blocks with empty ones (anvil_reorg): same height, new hashes.
    void reorg(uint64_t depth);
    void set_automine(bool enabled);
    std::string snapshot();                     // an id for revert()
    void revert(std::string_view snapshot_id);  // throws if the node refuses
    uint64_t block_number();

    // Process control for crash and restart scenarios. kill() sends the signal
    // and waits for the exit; restart() starts anvil again on the same port
    // with the same options: an empty chain, or the last restart_from_state file.
    void kill(int signal = SIGKILL);
    void restart();
    bool running();
    // The whole chain (blocks, logs, state) as a file --load-state accepts.
    void save_state(const std::filesystem::path& path);
    // Stops anvil if it runs and starts it on the same port from that file;
    // later restart() calls load it too.
    void restart_from_state(const std::filesystem::path& path);

    static std::filesystem::path anvil_path();
    static std::filesystem::path artifact_path(std::string_view name);

  private:
    void start();
    void wait_until_ready();

    Options options_;
    std::unique_ptr<TempDir> dir_;
    uint16_t port_ = 0;
    std::string url_;
    Process process_;
    std::optional<net::HttpClient> client_;
    std::optional<std::filesystem::path> load_state_;
    uint64_t next_id_ = 1;
};

// "0x1f" -> 31; throws std::invalid_argument for anything but a JSON string of a QUANTITY.
uint64_t parse_quantity(const boost::json::value& v);

}  // namespace tokensync::test_util
