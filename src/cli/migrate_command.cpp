#include "cli/migrate_command.hpp"

#include <fmt/format.h>

#include "cli/exit_codes.hpp"
#include "infra/config_loader.hpp"
#include "infra/log.hpp"
#include "store/store.hpp"
#include "store/writer_lock.hpp"

namespace tokensync::cli {
namespace {

int run_migrate(const GlobalOptions& options) {
    const infra::Config config = infra::load_config(options.config_path);
    const store::WriterLock writer(config.database);  // one writing process per SQLite file
    const auto store = store::open_store(config.database);
    const store::MigrationResult result = store->migrate();
    infra::log::info("store.migrated", {{"applied", result.applied}, {"version", result.version}});
    fmt::print("store.migrated applied={} version={}\n", result.applied, result.version);
    return kExitOk;
}

}  // namespace

void add_migrate_command(CLI::App& app, const GlobalOptions& options, int& exit_code) {
    CLI::App* migrate = app.add_subcommand("migrate", "Apply pending database schema migrations");
    migrate->callback([&options, &exit_code] { exit_code = run_guarded([&] { return run_migrate(options); }); });
}

}  // namespace tokensync::cli
