#include "cli/export_command.hpp"

#include <iostream>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/exit_codes.hpp"
#include "data/atomic_file.hpp"
#include "data/export_kind.hpp"
#include "data/exporter.hpp"
#include "infra/config_loader.hpp"
#include "infra/did_you_mean.hpp"
#include "infra/log.hpp"
#include "store/migrations.hpp"
#include "store/store.hpp"

namespace tokensync::cli {
namespace {

struct ExportOptions {
    std::string contract;
    std::string what;
    std::string format = "csv";
    std::string out;  // "" = standard output
};

// "unknown --what 'tranfers' (did you mean 'transfers'?); expected one of: events, transfers, ..."
[[noreturn]] void unknown_name(std::string_view option, std::string_view given,
                               std::span<const std::string_view> names) {
    std::string message = fmt::format("unknown {} '{}'", option, given);
    if (auto close = infra::did_you_mean(given, names)) message += fmt::format(" (did you mean '{}'?)", *close);
    message += fmt::format("; expected one of: {}", fmt::join(names, ", "));
    throw std::invalid_argument(message);
}

const infra::ContractConfig& find_contract(const infra::Config& config, std::string_view name) {
    std::vector<std::string_view> names;
    for (const auto& c : config.contracts) {
        if (c.name == name) return c;
        names.emplace_back(c.name);
    }
    unknown_name("contract", name, names);
}

// The export reads tables of the latest schema; an older database would fail
// on a missing table with a less helpful message.
void require_current_schema(store::Store& store) {
    const int needed = store::builtin_migrations().back().version;
    const int version = store.schema_version();
    if (version < needed) {
        throw std::runtime_error(
            fmt::format("the database schema is at version {}, this build needs {}: run `tokensync migrate` first",
                        version, needed));
    }
}

int run_export(const GlobalOptions& options, const ExportOptions& opts) {
    const infra::Config config = infra::load_config(options.config_path);
    const infra::ContractConfig& contract = find_contract(config, opts.contract);
    const auto what = data::parse_export_what(opts.what);
    if (!what) unknown_name("--what", opts.what, data::export_what_names());
    const auto format = data::parse_export_format(opts.format);
    if (!format) unknown_name("--format", opts.format, data::export_format_names());
    const infra::ChainConfig* chain = config.find_chain(contract.chain);
    if (chain == nullptr)
        throw std::runtime_error(fmt::format("contract '{}' names no configured chain", contract.name));

    const auto store = store::open_store(config.database);
    require_current_schema(*store);
    const data::ExportRequest request{
        .chain_id = chain->chain_id,
        .contract = contract.address,
        .abi_events = contract.abi_events,
        .what = *what,
        .format = *format,
        .page_size = data::kDefaultExportPageSize,
    };
    uint64_t rows = 0;
    if (opts.out.empty()) {
        rows = data::export_table(*store, request, std::cout);
    } else {
        data::AtomicFile file(opts.out);
        rows = data::export_table(*store, request, file.stream());
        file.commit();
    }
    infra::log::info("export.done", {{"contract", contract.name},
                                     {"what", data::to_string(*what)},
                                     {"format", data::to_string(*format)},
                                     {"rows", rows}});
    return kExitOk;
}

}  // namespace

void add_export_command(CLI::App& app, const GlobalOptions& options, int& exit_code) {
    CLI::App* cmd = app.add_subcommand("export", "Write a contract's indexed rows as CSV or JSON Lines");
    auto opts = std::make_shared<ExportOptions>();
    cmd->add_option("--contract", opts->contract, "A contract name from the configuration")->required();
    cmd->add_option("--what", opts->what, "events, transfers, owners, balances or tokens")->required();
    cmd->add_option("--format", opts->format, "csv (RFC 4180, default) or jsonl (one JSON object per line)");
    cmd->add_option("--out", opts->out, "Write to this file (replaced atomically) instead of standard output");
    cmd->callback(
        [&options, &exit_code, opts] { exit_code = run_guarded([&] { return run_export(options, *opts); }); });
}

}  // namespace tokensync::cli
