#include "infra/config_loader.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "infra/config_node.hpp"
#include "infra/config_sections.hpp"
#include "infra/redact.hpp"

namespace tokensync::infra {
namespace {

struct Section {
    std::string_view name;
    void (*parse)(const ConfigNode&, Config&);
    bool required;
};

// In parse order: later sections may refer to earlier ones.
constexpr std::array<Section, 8> kSections{{
    {"database", parse_database_section, false},
    {"chains", parse_chains_section, true},
    {"contracts", parse_contracts_section, false},
    {"sync", parse_sync_section, false},
    {"recovery", parse_recovery_section, false},
    {"server", parse_server_section, false},
    {"webhooks", parse_webhooks_section, false},
    {"keeper", parse_keeper_section, false},
}};

// Registers secrets before validation, so even the first error message is
// already redacted. Values that do not expand are skipped: their error will
// name the variable, not the value.
void register_secrets(const YAML::Node& node, std::string_view key, const Environment& env) {
    if (node.IsMap()) {
        for (const auto& entry : node) {
            register_secrets(entry.second, entry.first.IsScalar() ? entry.first.Scalar() : "", env);
        }
    } else if (node.IsSequence()) {
        for (const auto& item : node)
            register_secrets(item, key, env);
    } else if (node.IsScalar()) {
        auto value = expand_variables(node.Scalar(), env.lookup());
        if (!value) return;
        if (is_secret_key(key)) SecretRegistry::global().add(*value);
        if (value->find("://") != std::string::npos) SecretRegistry::global().add_url(*value);
    }
}

}  // namespace

std::expected<std::string, std::string> read_config_file(const std::filesystem::path& path) {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (ec) return std::unexpected(ec.message());
    if (!std::filesystem::is_regular_file(status)) return std::unexpected(std::string("not a regular file"));
    const std::uintmax_t size = std::filesystem::file_size(path, ec);
    if (!ec && size > kMaxConfigFileBytes)
        return std::unexpected(fmt::format("larger than {} MiB", kMaxConfigFileBytes >> 20));
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::unexpected(std::string(std::strerror(errno)));
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

Config parse_config(std::string_view yaml, const Environment& env, const std::filesystem::path& base_dir) {
    YAML::Node root;
    try {
        root = YAML::Load(std::string(yaml));
    } catch (const YAML::ParserException& e) {
        throw ConfigError(
            fmt::format("config error: line {}, column {}: {}", e.mark.line + 1, e.mark.column + 1, e.msg));
    }
    register_secrets(root, "", env);
    if (root.IsNull()) throw ConfigError("", "the file is empty");
    std::array<std::string_view, kSections.size()> names{};
    for (std::size_t i = 0; i < kSections.size(); ++i)
        names[i] = kSections[i].name;
    const ConfigNode top(root, "", env, base_dir);
    const ConfigMap map = top.as_map(names);
    Config config;
    for (const auto& section : kSections) {
        if (auto node = map.optional(section.name)) {
            section.parse(*node, config);
        } else if (section.required) {
            top.fail(fmt::format("missing required key \"{}\"", section.name));
        }
    }
    return config;
}

Config load_config(const std::filesystem::path& file, const std::filesystem::path& working_dir) {
    const auto read = read_config_file(file);
    if (!read) throw ConfigError(fmt::format("config error: cannot read \"{}\": {}", file.string(), read.error()));
    const std::string& text = *read;
    const std::filesystem::path base_dir = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
    Environment env;
    try {
        load_dotenv_file(env, base_dir / ".env");
        std::error_code ec;
        if (!std::filesystem::equivalent(base_dir, working_dir, ec)) load_dotenv_file(env, working_dir / ".env");
    } catch (const std::runtime_error& e) {
        throw ConfigError(fmt::format("config error: {}", e.what()));
    }
    Config config = parse_config(text, env, base_dir);
    config.source = file;
    return config;
}

}  // namespace tokensync::infra
