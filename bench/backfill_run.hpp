#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

#include "test_util/devnet.hpp"

namespace tokensync::bench {

struct BackfillRunOptions {
    std::filesystem::path tokensync;  // the built binary
    std::filesystem::path work_dir;   // config, logs (and the SQLite file) go here
    std::string database_url;         // sqlite:///... or postgresql://...
    std::string rpc_url;
    test_util::TestContracts contracts;
    std::filesystem::path artifacts;  // <build>/contracts, for the ABIs
    uint64_t from = 0;
    uint64_t to = 0;
    std::size_t workers = 4;
};

struct BackfillRunResult {
    int exit_status = -1;     // 128+signal when killed
    double seconds = 0;       // wall time of the whole command
    long peak_rss_kb = 0;     // the child's ru_maxrss
    std::string stdout_text;  // its last lines, for the report
    std::string stderr_text;
    bool ok() const { return exit_status == 0; }
};

// Writes a configuration following the NFT ([erc721, token_registry]) and the
// multi-token ([erc1155]) and runs
// `tokensync --config F backfill --from A --to B --workers K`, timing it and
// reading its peak memory with wait4. Throws only when it cannot start it.
BackfillRunResult run_backfill(const BackfillRunOptions& options);

}  // namespace tokensync::bench
