#pragma once

#include <filesystem>
#include <string_view>

#include "infra/config.hpp"
#include "infra/env.hpp"

namespace tokensync::infra {

// Reads, expands and validates a configuration file. ${VAR} come from the
// real environment, then from a .env file beside the config file, then from
// one in `working_dir`. Every secret found (database password, URL keys,
// values of keys named like key/secret/token/password) is added to
// SecretRegistry::global() before anything can fail. Throws ConfigError.
Config load_config(const std::filesystem::path& file,
                   const std::filesystem::path& working_dir = std::filesystem::current_path());

// The same from text, with an explicit environment; relative `abi:` paths
// resolve against base_dir.
Config parse_config(std::string_view yaml, const Environment& env, const std::filesystem::path& base_dir);

}  // namespace tokensync::infra
