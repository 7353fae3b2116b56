#include <algorithm>

#include <fmt/format.h>

#include "core/abi/artifact.hpp"
#include "core/abi/error.hpp"
#include "core/abi/parse.hpp"
#include "infra/config_sections.hpp"

namespace tokensync::infra {
namespace {

std::string known_chain_names(const Config& config) {
    std::string names;
    for (const auto& chain : config.chains)
        names += (names.empty() ? "" : ", ") + chain.name;
    return names;
}

std::string known_module_names() {
    std::string names;
    for (const auto m : {Module::kTokenRegistry, Module::kErc721, Module::kErc1155, Module::kEvents}) {
        names += fmt::format("{}{}", names.empty() ? "" : ", ", to_string(m));
    }
    return names;
}

void read_abi_file(const ConfigNode& node, ContractConfig& contract) {
    std::filesystem::path path = node.as_nonempty_string();
    if (path.is_relative()) path = node.base_dir() / path;
    auto text = read_config_file(path);
    if (!text) node.fail(fmt::format("cannot read ABI file \"{}\": {}", path.string(), text.error()));
    contract.abi_path = path.lexically_normal();
    contract.abi_text = std::move(*text);
    auto abi = core::abi::parse_abi_json(contract.abi_text);
    if (!abi) {
        node.fail(fmt::format("\"{}\" is not an ABI or a compiler artifact: {}", path.string(),
                              core::abi::to_string(abi.error())));
    }
    contract.abi_events = std::move(abi->events);
}

void parse_event_list(const ConfigNode& node, ContractConfig& contract) {
    for (const auto& item : node.as_list()) {
        std::string signature = item.as_nonempty_string();
        auto event = core::abi::parse_event(signature);
        if (!event) {
            item.fail(
                fmt::format("\"{}\" is not an event signature: {}", signature, core::abi::to_string(event.error())));
        }
        contract.abi_events.push_back(std::move(*event));
        contract.events.push_back(std::move(signature));
    }
}

ContractConfig parse_contract(const ConfigNode& node, const Config& config) {
    const ConfigMap map = node.as_map({"name", "chain", "address", "start_block", "abi", "events", "modules"});
    ContractConfig contract;
    const ConfigNode name = map.required("name");
    contract.name = name.as_nonempty_string();
    if (std::any_of(config.contracts.begin(), config.contracts.end(),
                    [&](const ContractConfig& c) { return c.name == contract.name; })) {
        name.fail(fmt::format("duplicate contract name \"{}\"", contract.name));
    }
    const ConfigNode chain = map.required("chain");
    contract.chain = chain.as_nonempty_string();
    if (config.find_chain(contract.chain) == nullptr) {
        chain.fail(fmt::format("no chain named \"{}\" (known: {})", contract.chain, known_chain_names(config)));
    }
    const ConfigNode address = map.required("address");
    const std::string address_text = address.as_string();
    auto parsed = core::Address::from_hex(address_text);
    if (!parsed) {
        address.fail(fmt::format("\"{}\": {}", address_text, core::to_string(parsed.error())));
    }
    contract.address = *parsed;
    if (auto start = map.optional("start_block")) contract.start_block = start->as_uint();
    if (map.has("abi") && map.has("events")) node.fail("give either \"abi\" or \"events\", not both");
    if (auto abi = map.optional("abi")) read_abi_file(*abi, contract);
    if (auto events = map.optional("events")) parse_event_list(*events, contract);
    const ConfigNode modules = map.required("modules");
    for (const auto& item : modules.as_list(/*allow_single=*/true)) {
        const std::string module_name = item.as_string();
        const auto module = parse_module(module_name);
        if (!module) item.fail(fmt::format("unknown module \"{}\" (known: {})", module_name, known_module_names()));
        if (std::find(contract.modules.begin(), contract.modules.end(), *module) == contract.modules.end()) {
            contract.modules.push_back(*module);
        }
    }
    if (contract.modules.empty()) modules.fail("needs at least one module");
    const bool needs_events =
        std::find(contract.modules.begin(), contract.modules.end(), Module::kEvents) != contract.modules.end();
    if (needs_events && !contract.abi_path && contract.events.empty()) {
        node.fail("module \"events\" needs \"abi\" or \"events\" to know which events to store");
    }
    return contract;
}

}  // namespace

void parse_contracts_section(const ConfigNode& node, Config& config) {
    for (const auto& item : node.as_list())
        config.contracts.push_back(parse_contract(item, config));
}

}  // namespace tokensync::infra
