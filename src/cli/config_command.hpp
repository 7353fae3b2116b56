#pragma once

#include <string>

#include <CLI/App.hpp>

#include "cli/global_options.hpp"
#include "infra/config.hpp"

namespace tokensync::cli {

// `tokensync config check`: loads and validates the configuration and prints
// a summary (secrets redacted). Exit 0, or 2 with the error.
void add_config_command(CLI::App& app, const GlobalOptions& options, int& exit_code);

// The summary `config check` prints; URLs are redacted.
std::string describe_config(const infra::Config& config);

}  // namespace tokensync::cli
