// The `keeper:` section: the account that signs the keeper's transactions.
// The key comes from the file (usually `${VAR}`) or from a key file; either
// way it is registered as a secret before anything can print it, and no
// error message quotes it.
#include <fmt/format.h>

#include "core/text.hpp"
#include "infra/config_sections.hpp"
#include "infra/redact.hpp"

namespace tokensync::infra {
namespace {

core::PrivateKey parse_key(const ConfigNode& node, const std::string& text, std::string_view source) {
    // Registered before the key is checked (a malformed key is still secret),
    // without the white space around it (a key file's newline).
    SecretRegistry::global().add(core::trim_space(text));
    auto key = core::PrivateKey::from_hex(text);
    if (!key) {
        node.fail(fmt::format("{} {}; a keeper key is 64 hex digits, with or without 0x", source,
                              core::to_string(key.error())));
    }
    return *key;
}

}  // namespace

void parse_keeper_section(const ConfigNode& node, Config& config) {
    const ConfigMap map = node.as_map({"chain", "private_key", "private_key_file"});
    const ConfigNode chain = map.required("chain");
    std::string name = chain.as_nonempty_string();
    if (config.find_chain(name) == nullptr) chain.fail(fmt::format("no chain named \"{}\" in chains", name));

    const auto inline_key = map.optional("private_key");
    const auto key_file = map.optional("private_key_file");
    if (inline_key && key_file) node.fail("give private_key or private_key_file, not both");
    if (!inline_key && !key_file) {
        node.fail("needs private_key (e.g. private_key: ${TOKENSYNC_KEEPER_KEY}) or private_key_file");
    }
    if (inline_key) {
        const std::string text = inline_key->as_string();
        if (text.empty()) inline_key->fail("is empty (is its environment variable set?)");
        config.keeper.emplace(KeeperConfig{std::move(name), parse_key(*inline_key, text, "the value")});
        return;
    }
    std::filesystem::path path = key_file->as_nonempty_string();
    if (path.is_relative()) path = key_file->base_dir() / path;
    path = path.lexically_normal();
    const auto read = read_config_file(path);
    if (!read) key_file->fail(fmt::format("cannot read the key file \"{}\": {}", path.string(), read.error()));
    auto key = parse_key(*key_file, *read, fmt::format("the key file \"{}\"", path.string()));
    config.keeper.emplace(KeeperConfig{std::move(name), key});
}

}  // namespace tokensync::infra
