#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "chain/evm/log_reader.hpp"
#include "chain/evm/rpc_client.hpp"
#include "core/address.hpp"
#include "store/types.hpp"
#include "sync/indexer.hpp"
#include "sync/range_ingest.hpp"

namespace tokensync::sync {

// A followed contract and the block its history starts at.
struct ContractStart {
    core::Address address;
    uint64_t start_block = 0;
};

// The first block `contract` has not processed: its cursor + 1, or its
// start_block when it has no cursor yet.
uint64_t next_block(store::Store& store, store::ChainId chain, const ContractStart& contract);

// Where the events of a commit came from (metrics): the catch-up or a long
// step through the parallel ingester, a step for a new head, or a step a
// webhook delivery asked for (Follower::wake).
enum class EventSource { kBackfill, kLive, kWebhook };

struct FollowOptions {
    IngestOptions ingest;                        // catch-up and large steps (cursors are set by the follower)
    uint64_t finality_depth = 64;                // when the node has no "finalized" block
    uint64_t max_step_blocks = 64;               // a live step longer than this goes through the parallel ingester
    std::chrono::milliseconds retry_delay{500};  // after a failed step
    // A step even without a new head this often (catches a reorg at the same
    // height, which changes no head number).
    std::chrono::milliseconds idle_check{5'000};
    // Called after each commit with the number of logs it read (may be 0);
    // from the follower's thread.
    std::function<void(EventSource, uint64_t logs)> on_events;
};

enum class FollowState { kStarting, kCatchingUp, kLive, kHalted, kStopped };
std::string_view to_string(FollowState state) noexcept;

// One rollback, for /status.
struct ReorgRecord {
    uint64_t block = 0;     // the stored block that was replaced (the old cursor)
    uint64_t ancestor = 0;  // the newest block kept
    uint64_t depth = 0;
    int64_t at_unix = 0;  // when it was handled
};

// What /status shows of one chain.
struct ChainStatus {
    FollowState state = FollowState::kStarting;
    uint64_t head = 0;                  // newest head seen
    std::optional<uint64_t> processed;  // last block committed for every contract
    uint64_t reorgs = 0;
    uint64_t last_reorg_depth = 0;
    uint64_t max_reorg_depth = 0;
    std::vector<ReorgRecord> recent_reorgs;  // newest last, at most 10
    uint64_t events = 0;                     // logs committed since start
    uint64_t wakes = 0;                      // steps asked for by wake()
    uint64_t steps = 0;
    uint64_t step_errors = 0;
    std::string last_error;  // redacted; empty when the last step succeeded
};

// Thrown when the chain reorganised below the finality window: ingestion of
// the chain stops and nothing is written.
class ReorgTooDeepError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Waits until the head differs from `last_seen` (a new block, or a new
// block at the same height) or `timeout` passes; the newest head number, or
// nullopt when nothing changed.
using HeadWaiter = std::function<std::optional<uint64_t>(uint64_t last_seen, std::chrono::milliseconds timeout)>;

// Keeps one chain's contracts in step with the node: catch-up from the
// cursors, then a step per new head. Every step checks the parent hash of
// the new blocks against the stored cursor; a mismatch is a reorg: the
// common ancestor is found among the stored block hashes, everything above
// it is rolled back in one transaction, and the new branch is ingested.
// Uses `store` from the calling thread only.
class Follower {
  public:
    Follower(ChainTarget target, store::Store& store, Indexer& indexer, std::vector<ContractStart> contracts,
             FollowOptions options);

    // Reorg check at the cursor, then everything up to the node's head.
    // Returns the last block processed (nullopt if the chain has no blocks yet).
    std::optional<uint64_t> catch_up(const std::atomic<bool>& stop);
    // catch_up, then follow new heads until `stop`. Returns normally when
    // stopped; throws ReorgTooDeepError (after marking the chain halted).
    void run(const HeadWaiter& wait_head, const std::atomic<bool>& stop);
    // One step towards `head` (reorg check, then ingest). Throws on failure.
    // False when the node's answers did not yet agree (headers of one branch,
    // logs of another, or logs missing that the headers' blooms announce):
    // nothing was written, and the step should be tried again shortly.
    bool step(uint64_t head);

    ChainStatus status() const;

    // Asks the running follower for a step now, up to at least `block` (0:
    // the node's head, asked for in that step), without waiting for a new
    // head. Thread-safe and cheap; wakes that arrive before the step are
    // merged into one. Events that step commits count as `source`.
    void wake(uint64_t block, EventSource source);

  private:
    // Waits for a new head or a wake(), up to `timeout`: the head to step to,
    // or nullopt. Sets step_source_.
    std::optional<uint64_t> wait_for_work(const HeadWaiter& wait_head, uint64_t head,
                                          std::chrono::milliseconds timeout);
    void count_events(EventSource source, uint64_t logs);

    struct Position {
        uint64_t next = 0;                  // first block not yet processed by every contract
        std::optional<store::Cursor> last;  // the cursor below it, when one is stored
        std::vector<CursorRule> contracts;  // each contract with its own next block
    };
    Position position();
    uint64_t finalized_floor(uint64_t head);
    // Returns true when a reorg was found and rolled back.
    bool check_cursor(const Position& pos, uint64_t head);
    void handle_reorg(const store::Cursor& cursor, uint64_t head);
    // What a live step did: committed the blocks; found the node not ready
    // (lagging, or between two branches: the next step reads again); or found
    // that the first new block does not hang off the cursor (a reorg to check).
    enum class LiveStep { kCommitted, kNotReady, kUnlinked };
    LiveStep live_step(const Position& pos, uint64_t to);
    void ingest(const Position& pos, uint64_t to, uint64_t head, const std::atomic<bool>* stop);
    void set_state(FollowState state);

    ChainTarget target_;
    store::Store& store_;
    Indexer& indexer_;
    std::vector<ContractStart> contracts_;
    FollowOptions options_;
    chain::evm::RpcClient client_;
    chain::evm::LogReader reader_;
    std::optional<bool> has_finalized_tag_;

    mutable std::mutex status_mutex_;
    ChainStatus status_;

    std::mutex wake_mutex_;
    bool woken_ = false;
    uint64_t wake_block_ = 0;
    EventSource wake_source_ = EventSource::kLive;
    EventSource step_source_ = EventSource::kLive;  // of the step under way (follower thread only)
};

}  // namespace tokensync::sync
