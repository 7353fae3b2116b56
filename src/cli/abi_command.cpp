#include "cli/abi_command.hpp"

namespace tokensync::cli {

void add_abi_command(CLI::App& app, int& exit_code) {
    (void)app;
    (void)exit_code;
}

}  // namespace tokensync::cli
