#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "core/abi/artifact.hpp"
#include "core/abi/encode.hpp"
#include "core/abi/parse.hpp"
#include "core/hex.hpp"
#include "core/uint256.hpp"
#include "test_util/devnet.hpp"

namespace tokensync::test_util {
namespace {

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(fmt::format("cannot read {} (were the contracts compiled?)", path.string()));
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

}  // namespace

std::filesystem::path Devnet::artifact_path(std::string_view name) {
    // The build writes the artifacts (test_util/devnet.cmake); ctest passes the build directory.
    const char* env = std::getenv("TOKENSYNC_BUILD_DIR");
    const std::filesystem::path build = env != nullptr && *env != '\0' ? env : TOKENSYNC_BUILD_DIR;
    return build / "contracts" / fmt::format("{}.json", name);
}

core::Address Devnet::deploy(std::string_view artifact_name, core::ByteView constructor_args,
                             const core::Address& from) {
    const auto path = artifact_path(artifact_name);
    const auto abi = core::abi::parse_abi_json(read_file(path));
    if (!abi) throw std::runtime_error(fmt::format("{}: {}", path.string(), core::abi::to_string(abi.error())));
    if (abi->bytecode.empty()) throw std::runtime_error(fmt::format("{}: no bytecode", path.string()));
    core::Bytes code = abi->bytecode;
    code.insert(code.end(), constructor_args.begin(), constructor_args.end());

    const boost::json::object txn{{"from", from.lower_hex()}, {"input", core::to_hex(code)}};
    const auto hash = std::string(rpc("eth_sendTransaction", {txn}).as_string());
    const auto receipt = wait_for_receipt(hash);
    if (parse_quantity(receipt.at("status")) != 1)
        throw std::runtime_error(fmt::format("deploying {} reverted", artifact_name));
    const auto address = core::Address::from_hex_lenient(receipt.at("contractAddress").as_string());
    if (!address) throw std::runtime_error(fmt::format("deploying {}: no contract address", artifact_name));
    return *address;
}

TestContracts Devnet::deploy_test_contracts(const TestContractOptions& options) {
    const auto deployer = dev_address(options.deployer);
    const auto first_id = core::Uint256(options.first_token_id).to_be_bytes();
    TestContracts out;
    out.nft = deploy("PromptNFT", first_id, deployer);
    out.multi_token = deploy("TestMultiToken", {}, deployer);
    out.code_reveal = deploy("CodeReveal", {}, deployer);
    if (options.nft_keeper) {
        const auto set_keeper = core::abi::parse_function("setKeeper(address)");
        const core::abi::Value keeper{*options.nft_keeper};
        const auto calldata = core::abi::encode_call(*set_keeper, std::span(&keeper, 1));
        if (!calldata) throw std::logic_error("setKeeper encoding failed");
        send(deployer, out.nft, *calldata);
    }
    return out;
}

}  // namespace tokensync::test_util
