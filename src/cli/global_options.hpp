#pragma once

#include <functional>
#include <string>

#include <CLI/App.hpp>

#include "infra/log.hpp"

namespace tokensync::cli {

// Options every command understands, filled in by CLI11 before any
// sub-command runs.
struct GlobalOptions {
    std::string config_path = "./tokensync.yaml";
    bool verbose = false;
    infra::log::Format log_format = infra::log::Format::kText;
};

// Adds --config (or $TOKENSYNC_CONFIG), -v/--verbose, --log-format and
// --version, and sets up logging as soon as parsing is complete, before the
// sub-command's callback runs.
void add_global_options(CLI::App& app, GlobalOptions& options);

// Runs a command body at the boundary: a ConfigError prints its message, any
// other exception prints "error: ..." (redacted); both give kExitConfig.
int run_guarded(const std::function<int()>& body);

}  // namespace tokensync::cli
