// POST /webhooks/alchemy: a signed Alchemy Notify delivery.
//
// A delivery is a NOTICE, not data (docs/service.md): its signature is
// checked before anything else, then its logs only tell which chain to step
// and up to which block. The chain's follower reads those blocks from the
// node and commits them through Store::apply with its parent-hash checks,
// so a log arriving by webhook, WebSocket and polling is stored once, and a
// forged or reorged delivery cannot plant a row the node does not confirm.
#include <algorithm>
#include <cctype>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "api/delivery_log.hpp"
#include "api/service.hpp"
#include "chain/evm/alchemy_webhook.hpp"
#include "core/hmac.hpp"
#include "infra/config_sections.hpp"

namespace tokensync::api {
namespace {

core::ByteView bytes_of(std::string_view text) { return {reinterpret_cast<const uint8_t*>(text.data()), text.size()}; }

std::string upper(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

class AlchemyIntake {
  public:
    explicit AlchemyIntake(ServiceContext& context) : context_(context) {
        if (context.config != nullptr && context.config->alchemy_webhook)
            key_ = context.config->alchemy_webhook->signing_key;
        for (std::string_view outcome : {"accepted", "duplicate", "ignored", "bad_signature", "bad_body"})
            outcomes_.emplace_back(outcome, counter(outcome));
    }

    net::ServerReply handle(const RouteRequest& request) {
        if (key_.empty()) {
            return error_reply(404, "not_configured",
                               "webhooks.alchemy.signing_key is not set: this daemon accepts no Alchemy deliveries");
        }
        const std::string_view body = request.raw.body;
        const auto signature = request.raw.header("X-Alchemy-Signature");
        if (!signature) {
            count("bad_signature");
            return error_reply(401, "bad_signature", "missing X-Alchemy-Signature header");
        }
        // Before parsing: an unsigned body never reaches the JSON parser.
        if (!core::hmac_sha256_hex_matches(bytes_of(key_), bytes_of(body), *signature)) {
            count("bad_signature");
            return error_reply(401, "bad_signature", "X-Alchemy-Signature does not match the body");
        }
        auto delivery = chain::evm::parse_alchemy_webhook(body);
        if (!delivery) {
            count("bad_body");
            return error_reply(400, "bad_body", delivery.error().to_string());
        }
        if (context_.webhook_deliveries != nullptr && !context_.webhook_deliveries->remember(delivery->id)) {
            count("duplicate");
            return reply("duplicate", delivery->id, {});
        }
        const infra::ChainConfig* chain = chain_of(delivery->network);
        if (chain == nullptr) {
            // 200, not 4xx: Alchemy retries refused deliveries, and a webhook
            // of a network this daemon does not follow will never be usable.
            count("ignored");
            return reply("ignored", delivery->id,
                         fmt::format("network {} is not one of the configured chains", delivery->network));
        }
        uint64_t block = delivery->block_number.value_or(0);
        bool relevant = false;
        for (const auto& log : delivery->logs) {
            block = std::max(block, log.block_number);
            relevant = relevant || log.removed || followed(*chain, log.address);
        }
        // A custom webhook fires for every block; one without logs of our
        // contracts still shows the head moved, so it wakes the follower too.
        if (delivery->kind == chain::evm::WebhookDelivery::Kind::kCustom) relevant = true;
        if (relevant && context_.wake_chain) context_.wake_chain(chain->chain_id, block);
        count("accepted");
        return reply("accepted", delivery->id, {});
    }

  private:
    infra::Counter* counter(std::string_view outcome) {
        if (context_.metrics == nullptr) return nullptr;
        return &context_.metrics->counter("tokensync_webhook_deliveries_total", "Alchemy webhook deliveries by outcome",
                                          {{"outcome", std::string(outcome)}});
    }
    void count(std::string_view outcome) {
        for (auto& [name, c] : outcomes_) {
            if (name == outcome && c != nullptr) c->inc();
        }
    }

    // By the chain id of the payload's Alchemy network name (any case).
    const infra::ChainConfig* chain_of(std::string_view network) const {
        const infra::AlchemyNetwork* known = infra::find_alchemy_network(upper(network));
        if (known == nullptr || context_.config == nullptr) return nullptr;
        for (const auto& c : context_.config->chains) {
            if (c.chain_id == known->chain_id) return &c;
        }
        return nullptr;
    }

    bool followed(const infra::ChainConfig& chain, const core::Address& address) const {
        return std::ranges::any_of(context_.config->contracts, [&](const infra::ContractConfig& c) {
            return c.chain == chain.name && c.address == address;
        });
    }

    static net::ServerReply reply(std::string_view status, std::string_view id, std::string_view reason) {
        boost::json::object body{{"status", status}, {"id", id}};
        if (!reason.empty()) body["reason"] = reason;
        return json_reply(200, boost::json::serialize(body));
    }

    ServiceContext& context_;
    std::string key_;
    std::vector<std::pair<std::string_view, infra::Counter*>> outcomes_;
};

}  // namespace

void add_webhook_routes(Router& router, ServiceContext& context) {
    auto intake = std::make_shared<AlchemyIntake>(context);
    router.add("POST", "/webhooks/alchemy", [intake](const RouteRequest& request) { return intake->handle(request); });
}

}  // namespace tokensync::api
