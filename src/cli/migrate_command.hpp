#pragma once

#include <CLI/App.hpp>

#include "cli/global_options.hpp"

namespace tokensync::cli {

// `tokensync migrate`: opens the configured database and applies pending
// schema migrations; prints `store.migrated applied=N version=M`.
void add_migrate_command(CLI::App& app, const GlobalOptions& options, int& exit_code);

}  // namespace tokensync::cli
