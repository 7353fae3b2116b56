#pragma once

#include <CLI/CLI.hpp>

#include "cli/global_options.hpp"

namespace tokensync::cli {

// `tokensync backfill`, `tokensync catchup` and `tokensync run`.
void add_sync_commands(CLI::App& app, const GlobalOptions& options, int& exit_code);

}  // namespace tokensync::cli
