#pragma once

#include <CLI/App.hpp>

#include "cli/global_options.hpp"

namespace tokensync::cli {

// `tokensync audit [--fix] [--examples N] [--json]`: compares the token rows
// of recovery.contract with the chain (docs/recovery.md). Prints a line per
// kind of drift with its count and examples, then `audit.completed
// checked=.. missing=.. wrong_author=.. wrong_owner=.. nonexistent=..
// fixed=..` (or with --json the report as one JSON document). Exit 0 when no
// drift is left (none found, or all fixed), 1 when some remains or some ids
// could not be read, 2 for configuration or connection errors.
void add_audit_command(CLI::App& app, const GlobalOptions& options, int& exit_code);

}  // namespace tokensync::cli
