#pragma once

#include <CLI/App.hpp>

namespace tokensync::cli {

// `tokensync abi topic|selector|encode|decode-log|checksum ...`. The
// sub-command's callback stores its process exit code in exit_code.
void add_abi_command(CLI::App& app, int& exit_code);

}  // namespace tokensync::cli
