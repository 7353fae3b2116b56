#include "bench/backfill_run.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <fmt/format.h>

namespace tokensync::bench {
namespace {

constexpr std::size_t kTailBytes = 2'000;

std::string config_text(const BackfillRunOptions& o) {
    return fmt::format(R"(database: "{db}"
chains:
  - name: devnet
    chain_id: 31337
    rpc: ["{rpc}"]
contracts:
  - name: nft
    chain: devnet
    address: "{nft}"
    start_block: {from}
    abi: "{artifacts}/PromptNFT.json"
    modules: [erc721, token_registry]
  - name: multi
    chain: devnet
    address: "{multi}"
    start_block: {from}
    abi: "{artifacts}/TestMultiToken.json"
    modules: [erc1155]
)",
                       fmt::arg("db", o.database_url), fmt::arg("rpc", o.rpc_url),
                       fmt::arg("nft", o.contracts.nft.lower_hex()),
                       fmt::arg("multi", o.contracts.multi_token.lower_hex()), fmt::arg("from", o.from),
                       fmt::arg("artifacts", o.artifacts.string()));
}

std::string tail_of(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    std::string s = text.str();
    return s.size() > kTailBytes ? "..." + s.substr(s.size() - kTailBytes) : s;
}

// posix_spawn, not test_util::Process: wait4 gives the child's own peak RSS.
BackfillRunResult spawn_and_wait(const std::vector<std::string>& argv, const std::filesystem::path& out,
                                 const std::filesystem::path& err) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<char*> args;
    args.reserve(argv.size() + 1);
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));  // NOLINT(cppcoreguidelines-pro-type-const-cast): argv API
    args.push_back(nullptr);

    const auto started = std::chrono::steady_clock::now();
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error(fmt::format("cannot start {}: {}", argv[0], std::strerror(rc)));
    int status = 0;
    rusage usage{};
    if (wait4(pid, &status, 0, &usage) != pid)
        throw std::runtime_error(fmt::format("wait4 on {}: {}", argv[0], std::strerror(errno)));
    BackfillRunResult result;
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    result.peak_rss_kb = usage.ru_maxrss;
    result.stdout_text = tail_of(out);
    result.stderr_text = tail_of(err);
    return result;
}

}  // namespace

BackfillRunResult run_backfill(const BackfillRunOptions& options) {
    if (!std::filesystem::exists(options.tokensync))
        throw std::runtime_error(
            fmt::format("no tokensync binary at {} (build it, or pass --tokensync)", options.tokensync.string()));
    std::filesystem::create_directories(options.work_dir);
    const auto config = options.work_dir / "tokensync.yaml";
    {
        std::ofstream out(config, std::ios::trunc);
        out << config_text(options);
        if (!out) throw std::runtime_error(fmt::format("cannot write {}", config.string()));
    }
    return spawn_and_wait(
        {options.tokensync.string(), "--config", config.string(), "backfill", "--from", std::to_string(options.from),
         "--to", std::to_string(options.to), "--workers", std::to_string(options.workers)},
        options.work_dir / "stdout.txt", options.work_dir / "stderr.txt");
}

}  // namespace tokensync::bench
