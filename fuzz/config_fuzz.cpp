// The configuration loader (infra/config_loader.hpp: parse_config), from
// YAML text with a fixed environment. Relative `abi:` paths resolve against
// a temporary folder holding one ABI file, "erc721.json".
//
// Properties: a problem is a ConfigError (yaml-cpp's own exceptions and any
// other type crash the fuzzer); its message is not empty and never holds a
// secret that the loader registered; an accepted configuration keeps the
// documented invariants (at least one chain, each with an RPC URL; each
// contract on a known chain with at least one module; recovery on a known
// contract with functions of the documented shape).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "infra/config_loader.hpp"
#include "infra/redact.hpp"

namespace infra = tokensync::infra;
using tokensync::fuzz::require;

namespace {

// Values of the fixed environment that the loader treats as secrets when a
// secret-named key or a URL uses them.
constexpr std::string_view kApiKey = "fuzzApiKey0123456789";
constexpr std::string_view kPassword = "fuzz-db-password-42";

std::optional<std::string> lookup(std::string_view name) {
    if (name == "ALCHEMY_API_KEY" || name == "RPC_KEY") return std::string(kApiKey);
    if (name == "DB_PASSWORD") return std::string(kPassword);
    if (name == "NETWORK") return "BASE_SEPOLIA";
    if (name == "CONTRACT") return "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    if (name == "EMPTY") return "";
    return std::nullopt;
}

std::filesystem::path abi_dir;

void remove_abi_dir() {
    std::error_code ec;
    std::filesystem::remove_all(abi_dir, ec);
}

bool registered(std::string_view secret) { return infra::SecretRegistry::global().redact(secret) != secret; }

void check_config(const infra::Config& config) {
    require(!config.chains.empty(), "a configuration has a chain");
    for (const auto& chain : config.chains)
        require(!chain.rpc.empty(), "a chain has an RPC URL");
    for (const auto& contract : config.contracts) {
        require(config.find_chain(contract.chain) != nullptr, "a contract is on a known chain");
        require(!contract.modules.empty(), "a contract feeds a module");
    }
    if (const auto& recovery = config.recovery) {
        bool known = false;
        for (const auto& contract : config.contracts)
            known = known || contract.name == recovery->contract;
        require(known, "recovery names a known contract");
        require(recovery->counter_fn.inputs.empty() && recovery->counter_fn.outputs.size() == 1,
                "the counter takes nothing and returns one value");
        require(recovery->author_of_fn.inputs.size() == 1 && recovery->author_of_fn.outputs.size() == 1,
                "author_of takes an id and returns one value");
        require(recovery->first_token_id <= 1, "first_token_id is 0 or 1");
        require((recovery->multicall == infra::MulticallMode::kAddress) == recovery->multicall_address.has_value(),
                "a Multicall address is set exactly in address mode");
    }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    char pattern[] = "/tmp/tokensync-config-fuzz-XXXXXX";
    const char* dir = ::mkdtemp(pattern);
    if (dir == nullptr) std::abort();
    abi_dir = dir;
    std::ofstream(abi_dir / "erc721.json")
        << R"([{"type":"event","name":"Transfer","anonymous":false,"inputs":[)"
           R"({"name":"from","type":"address","indexed":true},{"name":"to","type":"address","indexed":true},)"
           R"({"name":"tokenId","type":"uint256","indexed":true}]}])";
    std::atexit(remove_abi_dir);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    const infra::Environment env(lookup);
    try {
        check_config(infra::parse_config(tokensync::fuzz::as_text({data, size}), env, abi_dir));
    } catch (const infra::ConfigError& e) {
        const std::string_view message = e.what();
        require(!message.empty(), "a configuration error has a message");
        for (const auto secret : {kApiKey, kPassword}) {
            if (registered(secret))
                require(message.find(secret) == std::string_view::npos,
                        "a registered secret never appears in an error");
        }
    }
    // Each input starts from an empty registry, as a process would.
    infra::SecretRegistry::global().clear();
    return 0;
}
