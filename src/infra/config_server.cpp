// The `server:` section (the daemon's HTTP server) and the `webhooks:`
// section (signed deliveries it accepts).
#include <charconv>

#include <arpa/inet.h>

#include <fmt/format.h>

#include "infra/config_sections.hpp"

namespace tokensync::infra {
namespace {

// A signing key shorter than this is a copy-paste slip (Alchemy's are 32+
// characters), and an HMAC key that short is guessable.
constexpr std::size_t kMinSecret = 16;
constexpr std::uint64_t kMaxBodyLimit = std::uint64_t{1} << 30;

void parse_listen(const ConfigNode& node, ServerConfig& server) {
    const std::string text = node.as_nonempty_string();
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
        node.fail(
            fmt::format("\"{}\" is not host:port (e.g. 127.0.0.1:8000, or 0.0.0.0:8000 for every interface)", text));
    }
    std::string host = text.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);  // [::1]:8000
    } else if (host.find(':') != std::string::npos) {
        node.fail(fmt::format("\"{}\": write an IPv6 address in brackets, e.g. [::1]:8000", text));
    }
    const std::string_view port_text = std::string_view(text).substr(colon + 1);
    unsigned long port = 0;
    const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || port == 0 || port > 65535) {
        node.fail(fmt::format("\"{}\": the port must be a number from 1 to 65535", text));
    }
    if (host == "localhost") host = "127.0.0.1";
    unsigned char buf[16];
    if (inet_pton(AF_INET, host.c_str(), buf) != 1 && inet_pton(AF_INET6, host.c_str(), buf) != 1) {
        node.fail(fmt::format("\"{}\": the host must be an IP address or localhost (the server binds to it)", text));
    }
    server.host = host;
    server.port = static_cast<std::uint16_t>(port);
}

std::uint64_t positive(const ConfigNode& node, std::uint64_t max) {
    const std::uint64_t v = node.as_uint();
    if (v == 0 || v > max) node.fail(fmt::format("must be from 1 to {}", max));
    return v;
}

}  // namespace

void parse_server_section(const ConfigNode& node, Config& config) {
    const ConfigMap map =
        node.as_map({"listen", "admin_token", "body_limit", "request_timeout_ms", "shutdown_timeout_ms", "threads"});
    ServerConfig server;
    if (auto listen = map.optional("listen")) parse_listen(*listen, server);
    if (auto token = map.optional("admin_token")) {
        // An empty value (an unset ${VAR}) leaves the admin API disabled.
        std::string value = token->as_string();
        if (!value.empty()) {
            if (value.size() < kMinSecret) {
                token->fail(fmt::format("is {} characters; use at least {} (e.g. openssl rand -hex 32)", value.size(),
                                        kMinSecret));
            }
            server.admin_token = std::move(value);
        }
    }
    if (auto limit = map.optional("body_limit")) server.body_limit = positive(*limit, kMaxBodyLimit);
    if (auto t = map.optional("request_timeout_ms")) server.request_timeout_ms = positive(*t, 3'600'000);
    if (auto t = map.optional("shutdown_timeout_ms")) server.shutdown_timeout_ms = positive(*t, 3'600'000);
    if (auto t = map.optional("threads")) server.threads = positive(*t, 64);
    config.server = std::move(server);
}

void parse_webhooks_section(const ConfigNode& node, Config& config) {
    const ConfigMap map = node.as_map({"alchemy"});
    const auto alchemy_node = map.optional("alchemy");
    if (!alchemy_node) return;
    const ConfigMap alchemy = alchemy_node->as_map({"signing_key", "remember_ids"});
    AlchemyWebhookConfig webhook;
    const ConfigNode key = alchemy.required("signing_key");
    webhook.signing_key = key.as_nonempty_string();
    if (webhook.signing_key.size() < kMinSecret) {
        key.fail(
            fmt::format("is {} characters, too short for a signing key (at least {}; copy the whole key from the "
                        "Alchemy dashboard)",
                        webhook.signing_key.size(), kMinSecret));
    }
    if (auto n = alchemy.optional("remember_ids")) webhook.remember_ids = positive(*n, 10'000'000);
    config.alchemy_webhook = std::move(webhook);
}

}  // namespace tokensync::infra
