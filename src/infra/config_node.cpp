#include "infra/config_node.hpp"

#include <algorithm>
#include <charconv>
#include <vector>

#include <fmt/format.h>

#include "infra/config.hpp"
#include "infra/did_you_mean.hpp"

namespace tokensync::infra {
namespace {

std::string join_path(std::string_view parent, std::string_view key) {
    return parent.empty() ? std::string(key) : fmt::format("{}.{}", parent, key);
}

}  // namespace

ConfigNode::ConfigNode(const YAML::Node& node, std::string path, const Environment& env, std::filesystem::path base_dir)
    : node_(node), path_(std::move(path)), env_(&env), base_dir_(std::move(base_dir)) {}

void ConfigNode::fail(std::string_view what) const { throw ConfigError(path_, what); }

std::string ConfigNode::kind() const {
    switch (node_.Type()) {
        case YAML::NodeType::Sequence:
            return "a list";
        case YAML::NodeType::Map:
            return "a mapping";
        case YAML::NodeType::Scalar:
            return fmt::format("\"{}\"", node_.Scalar());
        default:
            return "nothing";
    }
}

std::string ConfigNode::as_string() const {
    if (!node_.IsScalar()) fail(fmt::format("expected a string, got {}", kind()));
    auto expanded = expand_variables(node_.Scalar(), env_->lookup());
    if (!expanded) fail(describe(expanded.error()));
    return std::move(*expanded);
}

std::string ConfigNode::as_nonempty_string() const {
    std::string value = as_string();
    if (value.empty()) fail("must not be empty");
    return value;
}

std::uint64_t ConfigNode::as_uint() const {
    if (!node_.IsScalar()) fail(fmt::format("expected a non-negative integer, got {}", kind()));
    const std::string text = as_string();
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec == std::errc::result_out_of_range) fail(fmt::format("{} is too large", text));
    if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) {
        fail(fmt::format("expected a non-negative integer, got \"{}\"", text));
    }
    return value;
}

bool ConfigNode::as_bool() const {
    if (!node_.IsScalar()) fail(fmt::format("expected true or false, got {}", kind()));
    const std::string text = as_string();
    if (text == "true") return true;
    if (text == "false") return false;
    fail(fmt::format("expected true or false, got \"{}\"", text));
}

std::vector<ConfigNode> ConfigNode::as_list(bool allow_single) const {
    if (allow_single && node_.IsScalar()) return {*this};
    if (!node_.IsSequence()) fail(fmt::format("expected a list, got {}", kind()));
    std::vector<ConfigNode> items;
    for (std::size_t i = 0; i < node_.size(); ++i) {
        items.emplace_back(node_[i], fmt::format("{}[{}]", path_, i), *env_, base_dir_);
    }
    return items;
}

ConfigMap ConfigNode::as_map(std::span<const std::string_view> candidates) const {
    if (!node_.IsMap()) fail(fmt::format("expected a mapping, got {}", kind()));
    for (const auto& entry : node_) {
        if (!entry.first.IsScalar()) fail("keys must be plain strings");
        const std::string& key = entry.first.Scalar();
        if (std::find(candidates.begin(), candidates.end(), key) != candidates.end()) continue;
        std::string what = fmt::format("unknown key \"{}\"", key);
        if (auto guess = did_you_mean(key, candidates)) what += fmt::format(" (did you mean \"{}\"?)", *guess);
        fail(what);
    }
    return ConfigMap(*this);
}

bool ConfigMap::has(std::string_view key) const { return optional(key).has_value(); }

ConfigNode ConfigMap::child(std::string_view key) const {
    const YAML::Node& map = node_.node_;  // const: operator[] must not insert the key
    return ConfigNode(map[std::string(key)], join_path(node_.path_, key), *node_.env_, node_.base_dir_);
}

ConfigNode ConfigMap::required(std::string_view key) const {
    auto value = optional(key);
    if (!value) node_.fail(fmt::format("missing required key \"{}\"", key));
    return std::move(*value);
}

std::optional<ConfigNode> ConfigMap::optional(std::string_view key) const {
    const YAML::Node& map = node_.node_;
    const YAML::Node value = map[std::string(key)];
    if (!value.IsDefined() || value.IsNull()) return std::nullopt;
    return child(key);
}

}  // namespace tokensync::infra
