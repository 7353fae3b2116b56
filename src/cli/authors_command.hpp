#pragma once

#include <CLI/App.hpp>

#include "cli/global_options.hpp"

namespace tokensync::cli {

// `tokensync authors add --wallet 0x.. --prompt "..."` creates a prompt
// author (or updates the prompt of a known wallet, matched in any case), so
// the default author of `recovery:` can be created without SQL;
// `tokensync authors list` prints one line per author.
void add_authors_command(CLI::App& app, const GlobalOptions& options, int& exit_code);

}  // namespace tokensync::cli
