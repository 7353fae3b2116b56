#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "chain/evm/rpc_client.hpp"
#include "core/address.hpp"
#include "core/hash.hpp"
#include "store/types.hpp"
#include "sync/indexer.hpp"

namespace tokensync::store {
class Store;
}

namespace tokensync::sync {

// The chain a sync job reads: its id (rows are keyed by it), its name (for
// messages) and how to reach its nodes. Each worker opens its own client.
struct ChainTarget {
    store::ChainId chain_id = 0;
    std::string name;
    chain::evm::RpcClientOptions rpc;
};

// A contract whose cursor a range ingest advances: `next` is the first
// block it has not processed; the cursor moves to a commit's end once that
// commit covers `next - 1` or more.
struct CursorRule {
    core::Address contract;
    uint64_t next = 0;
};

struct IngestProgress {
    uint64_t from = 0;
    uint64_t to = 0;
    uint64_t done_to = 0;  // last block committed
    uint64_t blocks_done = 0;
    uint64_t logs_done = 0;
    uint64_t commits = 0;
    std::chrono::steady_clock::duration elapsed{};
};

struct IngestOptions {
    std::size_t workers = 4;                // threads fetching block ranges in parallel
    uint64_t checkpoint_every = 10'000;     // blocks per commit, at most
    uint64_t batch_logs = 5'000;            // logs per commit, at most (a larger unit still commits whole)
    uint64_t max_span = 2'000;              // blocks per eth_getLogs call, at most
    uint64_t target_logs_per_call = 2'000;  // the span adapts to the chain's log density to aim at this
    // Every block at or above this height is stored with its header (the
    // unfinalized window, so reorgs can be found by parent hash); below it
    // only blocks with logs and the end of each commit are.
    uint64_t all_headers_from = UINT64_MAX;
    // The stored hash of block from - 1, when known. Within the unfinalized
    // window each unit's first block must hang off it (or off the unit
    // before): when the chain reorganised between two reads, the ingest
    // commits what still links up and stops with `unlinked_at` set, so the
    // caller finds the reorg from its cursor and rolls it back.
    std::optional<core::Hash32> parent_hash;
    // Contracts whose cursors move to the end of each commit that reaches
    // their next block (so a cursor never moves back, and never jumps a gap).
    std::vector<CursorRule> cursors;
    // A system_state key under which each commit records how far the job
    // got, so a restarted job resumes after it (see resume_point).
    std::optional<std::string> checkpoint_key;
    const std::atomic<bool>* stop = nullptr;                 // set to stop early; what is done is committed
    std::function<void(const IngestProgress&)> on_progress;  // after each commit, on the calling thread
};

struct IngestResult {
    uint64_t logs = 0;
    uint64_t commits = 0;
    uint64_t done_to = 0;      // last committed block (when commits > 0)
    core::Hash32 done_hash;    // its hash
    bool interrupted = false;  // stopped by options.stop before `to`
    // The first block that did not hang off the block committed before it
    // (options.parent_hash): the chain reorganised during the ingest, which
    // stopped there.
    std::optional<uint64_t> unlinked_at;
    uint64_t get_logs_calls = 0;
};

// Thrown when a range cannot be ingested: the message names the block
// range and the cause. Everything before the failing range was committed.
class IngestError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Fetches the logs of [from, to] with K workers, indexes them and commits
// them in block order, each commit with its cursors and checkpoint, in one
// transaction per commit through Store::apply. Store is used only from the
// calling thread. Throws IngestError (after committing what is contiguous).
IngestResult ingest_range(const ChainTarget& target, store::Store& store, const Indexer& indexer, uint64_t from,
                          uint64_t to, const IngestOptions& options);

// The checkpoint written under `key`: the last block a job with that key
// committed, if any.
std::optional<uint64_t> checkpoint_done(store::Store& store, const std::string& key);

}  // namespace tokensync::sync
