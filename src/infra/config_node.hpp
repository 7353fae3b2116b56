#pragma once

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "infra/env.hpp"

namespace tokensync::infra {

class ConfigMap;

// A YAML node with its key path ("chains[0].rpc[1]") so every error can say
// where it is. Scalars are read after ${VAR} expansion. All failures throw
// ConfigError.
class ConfigNode {
  public:
    ConfigNode(const YAML::Node& node, std::string path, const Environment& env, std::filesystem::path base_dir);

    const std::string& path() const noexcept { return path_; }
    const std::filesystem::path& base_dir() const noexcept { return base_dir_; }
    [[noreturn]] void fail(std::string_view what) const;

    std::string as_string() const;
    std::string as_nonempty_string() const;
    std::uint64_t as_uint() const;
    bool as_bool() const;
    // A list; `allow_single` also takes one scalar as a list of one.
    std::vector<ConfigNode> as_list(bool allow_single = false) const;
    // A mapping whose keys must all be in `known` (else a did-you-mean error).
    ConfigMap as_map(std::span<const std::string_view> known) const;
    ConfigMap as_map(std::initializer_list<std::string_view> known) const;

  private:
    friend class ConfigMap;
    std::string kind() const;

    YAML::Node node_;
    std::string path_;
    const Environment* env_;
    std::filesystem::path base_dir_;
};

class ConfigMap {
  public:
    explicit ConfigMap(ConfigNode node) : node_(std::move(node)) {}

    const ConfigNode& node() const noexcept { return node_; }
    bool has(std::string_view key) const;
    ConfigNode required(std::string_view key) const;
    // nullopt when the key is absent or its value is null (`key:` alone).
    std::optional<ConfigNode> optional(std::string_view key) const;

  private:
    ConfigNode child(std::string_view key) const;
    ConfigNode node_;
};

inline ConfigMap ConfigNode::as_map(std::initializer_list<std::string_view> known) const {
    return as_map(std::span<const std::string_view>(known.begin(), known.size()));
}

}  // namespace tokensync::infra
