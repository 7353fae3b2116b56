// The `recovery:` section: which contract's counter to check, the two view
// functions as human-readable signatures, and how to read in bulk.
#include <algorithm>

#include <fmt/format.h>

#include "core/abi/error.hpp"
#include "core/abi/parse.hpp"
#include "infra/config_sections.hpp"

namespace tokensync::infra {
namespace {

bool is_uint(const core::abi::Param& p) { return p.type.kind() == core::abi::Kind::kUint; }

core::abi::Function parse_signature(const ConfigNode& node, const std::string& text) {
    auto fn = core::abi::parse_function(text);
    if (!fn) {
        node.fail(fmt::format("\"{}\" is not a function signature: {}", text, core::abi::to_string(fn.error())));
    }
    return std::move(*fn);
}

void check_counter(const ConfigNode& node, const core::abi::Function& fn) {
    if (!fn.inputs.empty() || fn.outputs.size() != 1 || !is_uint(fn.outputs[0])) {
        node.fail(
            fmt::format("\"{}\" must take no arguments and return one uint (e.g. \"function nextTokenId() "
                        "view returns (uint256)\")",
                        fn.signature()));
    }
}

void check_author_of(const ConfigNode& node, const core::abi::Function& fn) {
    if (fn.inputs.size() != 1 || !is_uint(fn.inputs[0]) || fn.outputs.size() != 1 ||
        fn.outputs[0].type.kind() != core::abi::Kind::kAddress) {
        node.fail(
            fmt::format("\"{}\" must take one uint (the token id) and return one address (e.g. \"function "
                        "tokenPromptAuthor(uint256) view returns (address)\")",
                        fn.signature()));
    }
}

core::Address parse_address(const ConfigNode& node) {
    const std::string text = node.as_string();
    auto parsed = core::Address::from_hex(text);
    if (!parsed) node.fail(fmt::format("\"{}\": {}", text, core::to_string(parsed.error())));
    return *parsed;
}

// `text` holds the default signature and is replaced by the configured one.
core::abi::Function read_function(const ConfigMap& map, std::string_view key, std::string& text,
                                  void (*check)(const ConfigNode&, const core::abi::Function&)) {
    const std::optional<ConfigNode> node = map.optional(key);
    if (!node) return parse_signature(map.node(), text);
    text = node->as_nonempty_string();
    core::abi::Function fn = parse_signature(*node, text);
    check(*node, fn);
    return fn;
}

void parse_multicall(const ConfigNode& node, RecoveryConfig& recovery) {
    const std::string text = node.as_nonempty_string();
    if (text == "auto") {
        recovery.multicall = MulticallMode::kAuto;
    } else if (text == "off") {
        recovery.multicall = MulticallMode::kOff;
    } else if (text.starts_with("0x")) {
        recovery.multicall = MulticallMode::kAddress;
        recovery.multicall_address = parse_address(node);
    } else {
        node.fail(fmt::format("\"{}\" is not auto, off or a contract address", text));
    }
}

}  // namespace

void parse_recovery_section(const ConfigNode& node, Config& config) {
    const ConfigMap map = node.as_map(
        {"contract", "counter", "author_of", "first_token_id", "default_author", "batch_size", "multicall"});
    RecoveryConfig recovery;
    const ConfigNode contract = map.required("contract");
    recovery.contract = contract.as_nonempty_string();
    if (std::none_of(config.contracts.begin(), config.contracts.end(),
                     [&](const ContractConfig& c) { return c.name == recovery.contract; })) {
        std::string known;
        for (const auto& c : config.contracts)
            known += (known.empty() ? "" : ", ") + c.name;
        contract.fail(fmt::format("no contract named \"{}\" under contracts: (known: {})", recovery.contract,
                                  known.empty() ? "none" : known));
    }
    recovery.counter_fn = read_function(map, "counter", recovery.counter, check_counter);
    recovery.author_of_fn = read_function(map, "author_of", recovery.author_of, check_author_of);
    if (auto first = map.optional("first_token_id")) {
        recovery.first_token_id = first->as_uint();
        if (recovery.first_token_id > 1) first->fail("must be 0 or 1");
    }
    recovery.default_author = parse_address(map.required("default_author"));
    if (auto batch = map.optional("batch_size")) recovery.batch_size = batch->as_uint();
    if (auto multicall = map.optional("multicall")) parse_multicall(*multicall, recovery);
    config.recovery = std::move(recovery);
}

}  // namespace tokensync::infra
