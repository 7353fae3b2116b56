#include "cli/config_command.hpp"

#include <fmt/format.h>

#include "cli/exit_codes.hpp"
#include "infra/config_loader.hpp"
#include "infra/redact.hpp"

namespace tokensync::cli {
namespace {

std::string join_redacted(const std::vector<std::string>& urls) {
    std::string out;
    for (const auto& url : urls)
        out += (out.empty() ? "" : ",") + infra::redact_url(url);
    return out;
}

std::string modules_text(const std::vector<infra::Module>& modules) {
    std::string out;
    for (const auto m : modules)
        out += fmt::format("{}{}", out.empty() ? "" : ",", infra::to_string(m));
    return out;
}

int run_check(const GlobalOptions& options) {
    const infra::Config config = infra::load_config(options.config_path);
    fmt::print("{}", infra::redact(describe_config(config)));
    return kExitOk;
}

}  // namespace

std::string describe_config(const infra::Config& config) {
    std::string out = fmt::format("config ok: {}\n", config.source.string());
    out += fmt::format("database: {}\n", infra::redact_url(config.database));
    out += fmt::format("chains: {}\n", config.chains.size());
    for (const auto& chain : config.chains) {
        out +=
            fmt::format("  {}: chain_id={} rpc={} ws={} finality_depth={}\n", chain.name, chain.chain_id,
                        join_redacted(chain.rpc), chain.ws ? infra::redact_url(*chain.ws) : "-", chain.finality_depth);
    }
    out += fmt::format("contracts: {}\n", config.contracts.size());
    for (const auto& contract : config.contracts) {
        std::string source;
        if (contract.abi_path) source = fmt::format(" abi={}", contract.abi_path->string());
        if (!contract.abi_events.empty()) source += fmt::format(" events={}", contract.abi_events.size());
        out += fmt::format("  {}: chain={} address={} start_block={} modules={}{}\n", contract.name, contract.chain,
                           contract.address.checksum(), contract.start_block, modules_text(contract.modules), source);
    }
    if (config.keeper) {
        out +=
            fmt::format("keeper: chain={} address={}\n", config.keeper->chain, config.keeper->key.address().checksum());
    }
    return out;
}

void add_config_command(CLI::App& app, const GlobalOptions& options, int& exit_code) {
    CLI::App* config = app.add_subcommand("config", "Inspect the configuration file");
    config->require_subcommand(1);
    CLI::App* check = config->add_subcommand("check", "Load and validate the configuration, print a summary");
    check->callback([&options, &exit_code] { exit_code = run_guarded([&] { return run_check(options); }); });
}

}  // namespace tokensync::cli
