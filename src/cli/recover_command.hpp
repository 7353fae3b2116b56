#pragma once

#include <optional>

#include <CLI/App.hpp>

#include "cli/global_options.hpp"
#include "infra/config.hpp"
#include "recovery/recovery.hpp"

namespace tokensync::cli {

// `tokensync recover [--limit N] [--dry-run]`: counter-gap recovery
// (docs/recovery.md). Prints `recovery.completed recovered=.. duplicates_skipped=..
// failed=.. total_on_chain=..`, or with --dry-run `[DRY RUN] Would recover N
// missing tokens: [...]`. Exit 0 when nothing failed, 1 when some ids failed
// (listed), 2 for configuration or connection errors.
void add_recover_command(CLI::App& app, const GlobalOptions& options, int& exit_code);

// What `tokensync run` does before following: recovers at most
// recovery.batch_size missing ids (nothing when there is no recovery section
// or batch_size is 0) and logs the outcome. Errors propagate.
std::optional<recovery::RecoveryResult> recover_at_startup(const infra::Config& config);

}  // namespace tokensync::cli
