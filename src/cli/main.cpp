#include <exception>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/abi_command.hpp"
#include "cli/audit_command.hpp"
#include "cli/authors_command.hpp"
#include "cli/config_command.hpp"
#include "cli/exit_codes.hpp"
#include "cli/export_command.hpp"
#include "cli/global_options.hpp"
#include "cli/migrate_command.hpp"
#include "cli/recover_command.hpp"
#include "cli/sync_commands.hpp"
#include "infra/redact.hpp"

namespace cli = tokensync::cli;

int main(int argc, char** argv) {
    try {
        CLI::App app{"tokensync: keeps an off-chain token database in step with the chain"};
        app.require_subcommand(1);
        app.fallthrough();  // global options may also follow the sub-command
        cli::GlobalOptions options;
        cli::add_global_options(app, options);
        int exit_code = cli::kExitOk;
        cli::add_config_command(app, options, exit_code);
        cli::add_migrate_command(app, options, exit_code);
        cli::add_abi_command(app, exit_code);
        cli::add_export_command(app, options, exit_code);
        cli::add_sync_commands(app, options, exit_code);
        cli::add_authors_command(app, options, exit_code);
        cli::add_recover_command(app, options, exit_code);
        cli::add_audit_command(app, options, exit_code);
        try {
            app.parse(argc, argv);
        } catch (const CLI::ParseError& e) {
            return app.exit(e) == 0 ? cli::kExitOk : cli::kExitConfig;  // --help and --version exit 0
        }
        return exit_code;
    } catch (const std::exception& e) {
        fmt::print(stderr, "error: {}\n", tokensync::infra::redact(e.what()));
    } catch (...) {
        fmt::print(stderr, "error: unknown exception\n");
    }
    return cli::kExitConfig;
}
