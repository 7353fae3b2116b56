#include <CLI/CLI.hpp>

#include "cli/abi_command.hpp"

int main(int argc, char** argv) {
    CLI::App app{"tokensync"};
    int exit_code = 0;
    tokensync::cli::add_abi_command(app, exit_code);
    CLI11_PARSE(app, argc, argv);
    return exit_code;
}
