#include <fmt/format.h>

#include "infra/config_sections.hpp"
#include "infra/redact.hpp"
#include "infra/url.hpp"

namespace tokensync::infra {
namespace {

ChainConfig parse_chain(const ConfigNode& node, const Config& config) {
    const ConfigMap map = node.as_map({"name", "chain_id", "rpc", "ws", "finality_depth", "poll_interval_ms"});
    ChainConfig chain;
    const ConfigNode name = map.required("name");
    chain.name = name.as_nonempty_string();
    if (config.find_chain(chain.name) != nullptr) name.fail(fmt::format("duplicate chain name \"{}\"", chain.name));
    const ConfigNode chain_id = map.required("chain_id");
    chain.chain_id = chain_id.as_uint();
    if (chain.chain_id == 0) chain_id.fail("must be greater than 0");
    const ConfigNode rpc = map.required("rpc");
    for (const auto& item : rpc.as_list(/*allow_single=*/true)) {
        std::string url = item.as_string();
        if (!is_http_url(url)) item.fail(fmt::format("\"{}\" is not an http(s) URL", redact_url(url)));
        chain.rpc.push_back(std::move(url));
    }
    if (chain.rpc.empty()) rpc.fail("needs at least one URL");
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
