#include "cli/recover_command.hpp"

#include <optional>

#include <fmt/format.h>

#include "cli/exit_codes.hpp"
#include "infra/config_loader.hpp"
#include "infra/log.hpp"
#include "recovery/recovery.hpp"
#include "store/store.hpp"
#include "store/writer_lock.hpp"

namespace tokensync::cli {
namespace {

struct RecoverArgs {
    std::optional<uint64_t> limit;
    bool dry_run = false;
};

// Ids listed in full up to this many; longer lists end with "... N more".
constexpr std::size_t kFailedShown = 100;

recovery::RecoveryResult run_recovery(const infra::Config& config, const recovery::RecoverOptions& opts) {
    const recovery::RecoveryTarget target = recovery::recovery_target(config);
    auto store = store::open_store(config.database);
    store->migrate();
    return recovery::recover(target, *store, opts);
}

void log_completed(const recovery::RecoveryResult& r) {
    infra::log::info("recovery.completed", {{"recovered", r.recovered},
                                            {"duplicates_skipped", r.duplicates_skipped},
                                            {"failed", static_cast<uint64_t>(r.failed.size())},
                                            {"total_on_chain", r.total_on_chain.to_decimal()}});
}

int run_recover(const GlobalOptions& options, const RecoverArgs& args) {
    const infra::Config config = infra::load_config(options.config_path);
    recovery::RecoverOptions opts;
    opts.limit = args.limit;
    opts.dry_run = args.dry_run;
    std::optional<store::WriterLock> writer;  // one writing process per SQLite file
    if (!args.dry_run) writer.emplace(config.database);
    const recovery::RecoveryResult r = run_recovery(config, opts);
    if (args.dry_run) {
        fmt::print("[DRY RUN] Would recover {} missing tokens: {}\n", r.missing,
                   recovery::format_ids(r.first_missing, r.missing));
        return kExitOk;
    }
    log_completed(r);
    fmt::print("recovery.completed recovered={} duplicates_skipped={} failed={} total_on_chain={}\n", r.recovered,
               r.duplicates_skipped, r.failed.size(), r.total_on_chain.to_decimal());
    if (r.failed.empty()) return kExitOk;
    fmt::print("recovery.failed ids={} (see the recovery.token_failed lines for causes; run again to retry)\n",
               recovery::format_ids(r.failed, r.failed.size(), kFailedShown));
    return kExitPartial;
}

}  // namespace

void add_recover_command(CLI::App& app, const GlobalOptions& options, int& exit_code) {
    static RecoverArgs args;
    CLI::App* recover = app.add_subcommand(
        "recover", "Create the token rows missing below the contract's counter, attributed from the contract");
    recover->add_option("--limit", args.limit, "Recover only the first N missing ids")->check(CLI::PositiveNumber);
    recover->add_flag("--dry-run", args.dry_run, "Print the missing ids; write nothing");
    recover->callback([&options, &exit_code] { exit_code = run_guarded([&] { return run_recover(options, args); }); });
}

std::optional<recovery::RecoveryResult> recover_at_startup(const infra::Config& config) {
    if (!config.recovery || config.recovery->batch_size == 0) return std::nullopt;
    recovery::RecoverOptions opts;
    opts.limit = config.recovery->batch_size;
    const recovery::RecoveryResult r = run_recovery(config, opts);
    log_completed(r);
    if (!r.failed.empty()) {
        infra::log::warn("recovery.failed", {{"ids", recovery::format_ids(r.failed, r.failed.size(), kFailedShown)}});
    }
    return r;
}

}  // namespace tokensync::cli
