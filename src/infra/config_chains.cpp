#include <iterator>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "infra/config_sections.hpp"
#include "infra/did_you_mean.hpp"
#include "infra/redact.hpp"
#include "infra/url.hpp"

namespace tokensync::infra {
namespace {

const AlchemyNetwork* parse_network(const ConfigNode& node) {
    const std::string name = node.as_nonempty_string();
    if (const AlchemyNetwork* network = find_alchemy_network(name)) return network;
    std::vector<std::string_view> names;
    std::string known;
    for (const auto& n : alchemy_networks()) {
        names.push_back(n.name);
        known += (known.empty() ? "" : ", ") + std::string(n.name);
    }
    if (auto guess = did_you_mean(name, names)) {
        node.fail(fmt::format("unknown network \"{}\" (did you mean \"{}\"?)", name, *guess));
    }
    node.fail(fmt::format("unknown network \"{}\" (known: {})", name, known));
}

// The file must be readable and hold a PEM certificate; whether OpenSSL
// accepts each one shows when the first https/wss client is made.
std::filesystem::path checked_ca_file(const ConfigNode& node) {
    std::filesystem::path path = node.as_nonempty_string();
    if (path.is_relative()) path = node.base_dir() / path;
    path = path.lexically_normal();
    const auto read = read_config_file(path);
    if (!read) node.fail(fmt::format("cannot read the CA file \"{}\": {}", path.string(), read.error()));
    const std::string& text = *read;
    if (text.find("-----BEGIN CERTIFICATE-----") == std::string::npos)
        node.fail(fmt::format("\"{}\" holds no PEM certificate (-----BEGIN CERTIFICATE-----)", path.string()));
    return path;
}

ChainConfig parse_chain(const ConfigNode& node, const Config& config) {
    const ConfigMap map = node.as_map({"name", "chain_id", "network", "alchemy_api_key", "rpc", "ws", "finality_depth",
                                       "poll_interval_ms", "tls_ca_file"});
    ChainConfig chain;
    const ConfigNode name = map.required("name");
    chain.name = name.as_nonempty_string();
    if (config.find_chain(chain.name) != nullptr) name.fail(fmt::format("duplicate chain name \"{}\"", chain.name));
    const AlchemyNetwork* network = nullptr;
    if (auto net = map.optional("network")) network = parse_network(*net);
    if (auto chain_id = map.optional("chain_id")) {
        chain.chain_id = chain_id->as_uint();
        if (chain.chain_id == 0) chain_id->fail("must be greater than 0");
        if (network != nullptr && network->chain_id != chain.chain_id) {
            chain_id->fail(
                fmt::format("is {} but network {} is chain {}", chain.chain_id, network->name, network->chain_id));
        }
    } else if (network != nullptr) {
        chain.chain_id = network->chain_id;
    } else {
        map.required("chain_id");  // fails: says it is missing
    }
    if (auto key = map.optional("alchemy_api_key")) {
        if (network == nullptr) key->fail("needs \"network\" (e.g. BASE_SEPOLIA) to build the Alchemy URL");
        if (map.has("rpc")) key->fail("give either \"rpc\" or \"alchemy_api_key\", not both");
        const std::string api_key = key->as_nonempty_string();
        chain.rpc.push_back(fmt::format("https://{}/v2/{}", network->host, api_key));
        SecretRegistry::global().add_url(chain.rpc.back());
    } else {
        const ConfigNode rpc = map.required("rpc");
        for (const auto& item : rpc.as_list(/*allow_single=*/true)) {
            std::string url = item.as_string();
            if (!is_http_url(url)) item.fail(fmt::format("\"{}\" is not an http(s) URL", redact_url(url)));
            chain.rpc.push_back(std::move(url));
        }
        if (chain.rpc.empty()) rpc.fail("needs at least one URL");
    }
    if (auto ws = map.optional("ws")) {
        std::string url = ws->as_string();
        if (!is_ws_url(url)) ws->fail(fmt::format("\"{}\" is not a ws(s) URL", redact_url(url)));
        chain.ws = std::move(url);
    }
    if (auto depth = map.optional("finality_depth")) chain.finality_depth = depth->as_uint();
    if (auto poll = map.optional("poll_interval_ms")) {
        chain.poll_interval_ms = poll->as_uint();
        if (chain.poll_interval_ms == 0) poll->fail("must be greater than 0");
    }
    if (auto ca = map.optional("tls_ca_file")) chain.tls_ca_file = checked_ca_file(*ca);
    return chain;
}

}  // namespace

void parse_chains_section(const ConfigNode& node, Config& config) {
    const auto items = node.as_list();
    if (items.empty()) node.fail("needs at least one chain");
    for (const auto& item : items)
        config.chains.push_back(parse_chain(item, config));
}

}  // namespace tokensync::infra
