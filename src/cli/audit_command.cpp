#include "cli/audit_command.hpp"

#include <optional>
#include <string>

#include <fmt/format.h>

#include "cli/exit_codes.hpp"
#include "infra/config_loader.hpp"
#include "infra/log.hpp"
#include "recovery/audit.hpp"
#include "store/store.hpp"
#include "store/writer_lock.hpp"

namespace tokensync::cli {
namespace {

struct AuditArgs {
    bool fix = false;
    std::size_t examples = 10;
    bool json = false;
};

// "[3, 17]" for rows missing or not on chain; "[5 (db 0x.., chain 0x..)]"
// for values that differ; "... N more" when not every id is shown.
std::string examples_text(recovery::DriftKind kind, const recovery::DriftCount& count) {
    const bool values = kind == recovery::DriftKind::kWrongAuthor || kind == recovery::DriftKind::kWrongOwner;
    std::string out = "[";
    for (const recovery::DriftExample& e : count.examples) {
        if (out.size() > 1) out += ", ";
        out += e.id.to_decimal();
        if (values) {
            out += fmt::format(" (db {}, chain {})", e.stored.empty() ? "none" : e.stored,
                               e.chain.empty() ? "none" : e.chain);
        }
    }
    if (count.found > count.examples.size()) {
        out += fmt::format("{}... {} more", count.examples.empty() ? "" : ", ", count.found - count.examples.size());
    }
    return out + "]";
}

void print_report(const recovery::AuditReport& r) {
    for (recovery::DriftKind kind : {recovery::DriftKind::kMissing, recovery::DriftKind::kWrongAuthor,
                                     recovery::DriftKind::kWrongOwner, recovery::DriftKind::kNonexistent}) {
        if (kind == recovery::DriftKind::kWrongOwner && !r.owners_checked) {
            fmt::print("audit.wrong_owner skipped (the contract has no erc721 module)\n");
            continue;
        }
        const recovery::DriftCount& c = r.count(kind);
        fmt::print("audit.{} count={}{} examples={}\n", recovery::to_string(kind), c.found,
                   r.fix ? fmt::format(" fixed={}", c.fixed) : "", examples_text(kind, c));
    }
    fmt::print("audit.completed checked={} missing={} wrong_author={} wrong_owner={} nonexistent={} fixed={}\n",
               r.checked, r.missing.found, r.wrong_author.found, r.wrong_owner.found, r.nonexistent.found, r.fixed());
    if (r.failed_count != 0) {
        std::string ids;
        for (const core::Uint256& id : r.failed)
            ids += (ids.empty() ? "" : ", ") + id.to_decimal();
        if (r.failed_count > r.failed.size()) ids += fmt::format(", ... {} more", r.failed_count - r.failed.size());
        fmt::print("audit.failed ids=[{}] (see the audit.token_failed lines for causes; run again to retry)\n", ids);
    }
}

int run_audit_command(const GlobalOptions& options, const AuditArgs& args) {
    const infra::Config config = infra::load_config(options.config_path);
    const recovery::RecoveryTarget target = recovery::recovery_target(config);
    std::optional<store::WriterLock> writer;  // --fix writes: one writing process per SQLite file
    if (args.fix) writer.emplace(config.database);
    auto store = store::open_store(config.database);
    store->migrate();
    recovery::AuditOptions opts;
    opts.fix = args.fix;
    opts.examples = args.examples;
    const recovery::AuditReport r = recovery::run_audit(target, *store, opts);
    infra::log::info("audit.completed", {{"checked", r.checked},
                                         {"missing", r.missing.found},
                                         {"wrong_author", r.wrong_author.found},
                                         {"wrong_owner", r.wrong_owner.found},
                                         {"nonexistent", r.nonexistent.found},
                                         {"fixed", r.fixed()},
                                         {"failed", r.failed_count},
                                         {"block", r.block}});
    if (args.json) {
        fmt::print("{}\n", recovery::to_json(r));
    } else {
        print_report(r);
    }
    return r.clean() ? kExitOk : kExitPartial;
}

}  // namespace

void add_audit_command(CLI::App& app, const GlobalOptions& options, int& exit_code) {
    static AuditArgs args;
    CLI::App* audit = app.add_subcommand(
        "audit", "Compare the token rows with the chain (missing, wrong author, wrong owner, not on chain)");
    audit->add_flag("--fix", args.fix, "Repair what was found through the store's write path");
    audit->add_option("--examples", args.examples, "Example ids shown per kind of drift (default 10)")
        ->check(CLI::NonNegativeNumber);
    audit->add_flag("--json", args.json, "Print the report as one JSON document");
    audit->callback(
        [&options, &exit_code] { exit_code = run_guarded([&] { return run_audit_command(options, args); }); });
}

}  // namespace tokensync::cli
