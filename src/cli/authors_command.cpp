#include "cli/authors_command.hpp"

#include <ctime>

#include <fmt/format.h>

#include "cli/exit_codes.hpp"
#include "core/address.hpp"
#include "infra/config_loader.hpp"
#include "infra/log.hpp"
#include "store/store.hpp"

namespace tokensync::cli {
namespace {

struct AddArgs {
    std::string wallet;
    std::string prompt;
};

std::unique_ptr<store::Store> open_migrated(const infra::Config& config) {
    auto store = store::open_store(config.database);
    store->migrate();
    return store;
}

// Authors are not tied to a chain, but a batch names one: the chain of the
// recovery contract, else the first configured chain.
store::ChainId authors_chain(const infra::Config& config) {
    if (config.recovery) {
        for (const auto& c : config.contracts) {
            if (c.name != config.recovery->contract) continue;
            if (const auto* chain = config.find_chain(c.chain)) return chain->chain_id;
        }
    }
    return config.chains.front().chain_id;
}

int run_add(const GlobalOptions& options, const AddArgs& args) {
    auto wallet = core::Address::from_hex(args.wallet);
    if (!wallet) {
        fmt::print(stderr, "error: --wallet \"{}\" is not an address: {}\n", args.wallet,
                   core::to_string(wallet.error()));
        return kExitConfig;
    }
    const infra::Config config = infra::load_config(options.config_path);
    auto store = open_migrated(config);
    store::ChangeSet changes;
    changes.chain_id = authors_chain(config);
    changes.authors.push_back(
        {.wallet = args.wallet, .prompt = args.prompt, .created_at = static_cast<int64_t>(std::time(nullptr))});
    const store::ApplyResult result = store->apply(changes);
    const char* what = result.authors.inserted > 0 ? "added" : result.authors.updated > 0 ? "updated" : "unchanged";
    const auto stored = store->find_author(args.wallet);
    const std::string shown = stored ? stored->wallet : args.wallet;
    infra::log::info("authors.saved", {{"wallet", shown}, {"result", what}});
    fmt::print("authors.{} wallet={}\n", what, shown);
    return kExitOk;
}

int run_list(const GlobalOptions& options) {
    const infra::Config config = infra::load_config(options.config_path);
    auto store = open_migrated(config);
    const std::vector<store::Author> authors = store->list_authors();
    for (const store::Author& a : authors)
        fmt::print("{}\t{}\t{}\n", a.wallet, a.created_at, a.prompt);
    if (authors.empty()) {
        fmt::print(stderr, "no authors yet (add one with: tokensync authors add --wallet 0x... --prompt \"...\")\n");
    }
    return kExitOk;
}

}  // namespace

void add_authors_command(CLI::App& app, const GlobalOptions& options, int& exit_code) {
    static AddArgs args;
    CLI::App* authors = app.add_subcommand("authors", "Prompt authors: add one, or list them");
    authors->require_subcommand(1);
    CLI::App* add = authors->add_subcommand("add", "Create an author, or update the prompt of a known wallet");
    add->add_option("--wallet", args.wallet, "The author's wallet address (matched in any case)")->required();
    add->add_option("--prompt", args.prompt, "The author's prompt")->required();
    add->callback([&options, &exit_code] { exit_code = run_guarded([&] { return run_add(options, args); }); });
    CLI::App* list = authors->add_subcommand("list", "Print every author: wallet, created_at (unix), prompt");
    list->callback([&options, &exit_code] { exit_code = run_guarded([&] { return run_list(options); }); });
}

}  // namespace tokensync::cli
