#pragma once

#include <CLI/App.hpp>

#include "cli/global_options.hpp"

namespace tokensync::cli {

// `tokensync export --contract NAME --what events|transfers|owners|balances|tokens
// [--format csv|jsonl] [--out FILE]`: one configured contract's indexed rows
// in a stable order, to standard output or atomically to FILE.
void add_export_command(CLI::App& app, const GlobalOptions& options, int& exit_code);

}  // namespace tokensync::cli
