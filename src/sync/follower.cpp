#include "sync/follower.hpp"

#include <algorithm>
#include <thread>

#include <fmt/format.h>

#include "chain/evm/eth_api.hpp"
#include "infra/log.hpp"
#include "infra/redact.hpp"
#include "store/store.hpp"

namespace tokensync::sync {

std::string_view to_string(FollowState state) noexcept {
    switch (state) {
        case FollowState::kStarting:
            return "starting";
        case FollowState::kCatchingUp:
            return "catching_up";
        case FollowState::kLive:
            return "live";
        case FollowState::kHalted:
            return "halted";
        case FollowState::kStopped:
            return "stopped";
    }
    return "unknown";
}

Follower::Follower(ChainTarget target, store::Store& store, Indexer& indexer, std::vector<ContractStart> contracts,
                   FollowOptions options)
    : target_(std::move(target)),
      store_(store),
      indexer_(indexer),
      contracts_(std::move(contracts)),
      options_(std::move(options)),
      client_(target_.rpc),
      reader_(client_, {.max_span = options_.ingest.max_span}) {}

ChainStatus Follower::status() const {
    std::lock_guard lock(status_mutex_);
    return status_;
}

void Follower::wake(uint64_t block, EventSource source) {
    std::lock_guard lock(wake_mutex_);
    woken_ = true;
    wake_block_ = std::max(wake_block_, block);
    if (source == EventSource::kWebhook) wake_source_ = source;
}

void Follower::count_events(EventSource source, uint64_t logs) {
    {
        std::lock_guard lock(status_mutex_);
        status_.events += logs;
    }
    if (options_.on_events) options_.on_events(source, logs);
}

std::optional<uint64_t> Follower::wait_for_work(const HeadWaiter& wait_head, uint64_t head,
                                                std::chrono::milliseconds timeout) {
    // The head waiter blocks on the head tracker, which wake() cannot reach:
    // wait in short slices and look for a wake between them (a webhook's
    // step starts within one slice).
    constexpr std::chrono::milliseconds kSlice{20};
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        {
            std::lock_guard lock(wake_mutex_);
            if (woken_) {
                woken_ = false;
                const uint64_t block = std::exchange(wake_block_, 0);
                step_source_ = std::exchange(wake_source_, EventSource::kLive);
                {
                    std::lock_guard status_lock(status_mutex_);
                    ++status_.wakes;
                }
                return std::max(head, block == 0 ? chain::evm::block_number(client_) : block);
            }
        }
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return std::nullopt;
        step_source_ = EventSource::kLive;
        if (const auto seen = wait_head(head, std::min(left, kSlice))) return seen;
    }
}

void Follower::set_state(FollowState state) {
    std::lock_guard lock(status_mutex_);
    status_.state = state;
}

uint64_t next_block(store::Store& store, store::ChainId chain, const ContractStart& contract) {
    const auto cursor = store.get_cursor(chain, contract.address);
    return cursor ? cursor->block_number + 1 : contract.start_block;
}

Follower::Position Follower::position() {
    Position pos{.next = UINT64_MAX, .last = std::nullopt, .contracts = {}};
    for (const auto& c : contracts_) {
        const auto cursor = store_.get_cursor(target_.chain_id, c.address);
        const uint64_t next = cursor ? cursor->block_number + 1 : c.start_block;
        pos.contracts.push_back({c.address, next});
        if (next < pos.next) {
            pos.next = next;
            pos.last = cursor;
        }
    }
    if (pos.next == UINT64_MAX) pos.next = 0;
    return pos;
}

// The lowest block a reorg may still replace: the node's "finalized" block
// when it has one, else finality_depth below the head.
uint64_t Follower::finalized_floor(uint64_t head) {
    const uint64_t by_depth = head > options_.finality_depth ? head - options_.finality_depth : 0;
    if (has_finalized_tag_ != false) {
        try {
            const auto finalized = chain::evm::get_block(client_, "finalized");
            has_finalized_tag_ = finalized.has_value();
            if (finalized) return std::min(finalized->number, head);
        } catch (const chain::evm::RpcCallError&) {
            has_finalized_tag_ = false;  // the node has no such tag
        }
    }
    return by_depth;
}

bool Follower::check_cursor(const Position& pos, uint64_t head) {
    if (!pos.last || pos.last->block_hash.is_zero()) return false;
    const auto node = chain::evm::get_block(client_, pos.last->block_number);
    if (!node) return false;  // a lagging node: it does not have our block yet
    if (node->hash == pos.last->block_hash) return false;
    handle_reorg(*pos.last, head);
    return true;
}

void Follower::handle_reorg(const store::Cursor& cursor, uint64_t head) {
    const uint64_t floor = std::min(finalized_floor(head), cursor.block_number);
    std::vector<uint64_t> numbers;  // below the cursor, newest first, down to the finalized block
    for (uint64_t n = cursor.block_number; n > floor; --n)
        numbers.push_back(n - 1);
    const auto headers = chain::evm::get_blocks(client_, numbers);
    std::optional<uint64_t> ancestor;
    for (std::size_t i = 0; i < numbers.size() && !ancestor; ++i) {
        if (!headers[i]) continue;
        const auto stored = store_.block_hash(target_.chain_id, numbers[i]);
        if (stored && *stored == headers[i]->hash) ancestor = numbers[i];
    }
    if (!ancestor) {
        const std::string message = fmt::format(
            "chain {}: block {} was replaced and no stored block down to the finalized block {} matches the node: "
            "the reorg is deeper than the finality window; ingestion of this chain stops (nothing was written)",
            target_.name, cursor.block_number, floor);
        {
            std::lock_guard lock(status_mutex_);
            status_.state = FollowState::kHalted;
            status_.last_error = message;
        }
        infra::log::error("sync.reorg_too_deep",
                          {{"chain", target_.name}, {"block", cursor.block_number}, {"finalized", floor}});
        throw ReorgTooDeepError(message);
    }
    const uint64_t depth = cursor.block_number - *ancestor;
    const auto removed = store_.rollback_above(target_.chain_id, *ancestor);
    {
        std::lock_guard lock(status_mutex_);
        ++status_.reorgs;
        status_.last_reorg_depth = depth;
        status_.max_reorg_depth = std::max(status_.max_reorg_depth, depth);
        status_.processed = *ancestor;
        status_.recent_reorgs.push_back({.block = cursor.block_number,
                                         .ancestor = *ancestor,
                                         .depth = depth,
                                         .at_unix = std::chrono::duration_cast<std::chrono::seconds>(
                                                        std::chrono::system_clock::now().time_since_epoch())
                                                        .count()});
        constexpr std::size_t kRecentReorgs = 10;
        if (status_.recent_reorgs.size() > kRecentReorgs) status_.recent_reorgs.erase(status_.recent_reorgs.begin());
    }
    infra::log::warn("sync.reorg", {{"chain", target_.name},
                                    {"depth", depth},
                                    {"ancestor", *ancestor},
                                    {"transfers_removed", removed.transfers},
                                    {"raw_events_removed", removed.raw_events}});
}

void Follower::ingest(const Position& pos, uint64_t to, uint64_t head, const std::atomic<bool>* stop) {
    IngestOptions opts = options_.ingest;
    opts.all_headers_from = finalized_floor(head);
    opts.stop = stop;
    opts.cursors = pos.contracts;
    if (pos.last && pos.last->block_number + 1 == pos.next && !pos.last->block_hash.is_zero())
        opts.parent_hash = pos.last->block_hash;
    indexer_.refresh(store_);
    const IngestResult r = ingest_range(target_, store_, indexer_, pos.next, to, opts);
    if (r.commits > 0) {
        std::lock_guard lock(status_mutex_);
        status_.processed = r.done_to;
    }
    count_events(step_source_, r.logs);
    // A reorg during the ingest: the cursor now names a replaced block;
    // find the common ancestor and roll back now (the next step ingests the
    // new branch).
    if (r.unlinked_at) check_cursor(position(), head);
}

Follower::LiveStep Follower::live_step(const Position& pos, uint64_t to) {
    std::vector<uint64_t> numbers;
    for (uint64_t n = pos.next; n <= to; ++n)
        numbers.push_back(n);
    const auto headers = chain::evm::get_blocks(client_, numbers);
    // The new blocks must hang off the cursor and off each other; if not, the
    // node is between two branches and the next step will see which won.
    core::Hash32 parent = pos.last ? pos.last->block_hash : core::Hash32{};
    for (std::size_t i = 0; i < headers.size(); ++i) {
        if (!headers[i]) return LiveStep::kNotReady;  // the node does not have it yet (a lagging fail-over)
        if ((i > 0 || !parent.is_zero()) && headers[i]->parent_hash != parent) {
            infra::log::debug("sync.step_unlinked", {{"chain", target_.name}, {"block", headers[i]->number}});
            return i == 0 ? LiveStep::kUnlinked : LiveStep::kNotReady;
        }
        parent = headers[i]->hash;
    }
    chain::evm::LogFilter filter = indexer_.filter();
    filter.from_block = pos.next;
    filter.to_block = to;
    const std::vector<chain::evm::Log> logs = reader_.get_logs(filter);
    store::ChangeSet cs;
    cs.chain_id = target_.chain_id;
    BlockTimes times;
    for (const auto& h : headers) {
        times[h->number] = static_cast<int64_t>(h->timestamp);
        cs.blocks.push_back({.number = h->number,
                             .hash = h->hash,
                             .parent_hash = h->parent_hash,
                             .timestamp = static_cast<int64_t>(h->timestamp)});
    }
    for (const auto& log : logs) {
        if (log.block_number < pos.next || log.block_number > to ||
            headers[log.block_number - pos.next]->hash != log.block_hash) {
            return LiveStep::kNotReady;  // the logs come from another branch than the headers: read again
        }
    }
    if (const auto missed = reader_.find_missed_block(filter, headers, logs)) {
        infra::log::warn("sync.logs_incomplete", {{"chain", target_.name}, {"block", *missed}});
        return LiveStep::kNotReady;  // read again: the node has the block but not (all) its logs yet
    }
    indexer_.index(logs, times, cs);
    // Contracts already past `to` keep their cursors (they never move back).
    for (const auto& c : pos.contracts) {
        if (c.next <= to + 1) cs.cursors.push_back({c.contract, to, headers.back()->hash});
    }
    store_.apply(cs);
    {
        std::lock_guard lock(status_mutex_);
        status_.processed = to;
    }
    count_events(step_source_, logs.size());
    infra::log::info(
        "sync.live",
        {{"chain", target_.name}, {"from", pos.next}, {"to", to}, {"logs", static_cast<uint64_t>(logs.size())}});
    return LiveStep::kCommitted;
}

bool Follower::step(uint64_t head) {
    {
        std::lock_guard lock(status_mutex_);
        if (status_.state == FollowState::kHalted) throw ReorgTooDeepError(status_.last_error);
        status_.head = std::max(status_.head, head);
        ++status_.steps;
    }
    Position pos = position();
    // A short step checks that its first block hangs off the cursor with the
    // headers it reads anyway; the cursor's own block is asked for only when
    // that fails, or when there is no new block (a reorg at the same height).
    const auto short_step = [&] { return head >= pos.next && head - pos.next + 1 <= options_.max_step_blocks; };
    if (short_step()) {
        indexer_.refresh(store_);
        const LiveStep done = live_step(pos, head);
        if (done != LiveStep::kUnlinked) return done == LiveStep::kCommitted;
    }
    while (check_cursor(pos, head))
        pos = position();
    if (head < pos.next) return true;  // nothing new, or a lagging node
    if (!short_step()) {
        ingest(pos, head, head, nullptr);
        return true;
    }
    indexer_.refresh(store_);
    return live_step(pos, head) == LiveStep::kCommitted;
}

std::optional<uint64_t> Follower::catch_up(const std::atomic<bool>& stop) {
    set_state(FollowState::kCatchingUp);
    step_source_ = EventSource::kBackfill;
    const uint64_t head = chain::evm::block_number(client_);
    {
        std::lock_guard lock(status_mutex_);
        status_.head = std::max(status_.head, head);
    }
    Position pos = position();
    if (check_cursor(pos, head)) pos = position();
    {
        std::lock_guard lock(status_mutex_);
        if (pos.last) status_.processed = pos.last->block_number;
    }
    infra::log::info("sync.catchup_started", {{"chain", target_.name}, {"from", pos.next}, {"head", head}});
    if (head >= pos.next) ingest(pos, head, head, &stop);
    const auto processed = status().processed;
    infra::log::info("sync.catchup_done", {{"chain", target_.name}, {"processed", processed ? *processed : 0}});
    return processed;
}

void Follower::run(const HeadWaiter& wait_head, const std::atomic<bool>& stop) {
    for (;;) {
        try {
            catch_up(stop);
            break;
        } catch (const ReorgTooDeepError&) {
            throw;
        } catch (const std::exception& e) {
            {
                std::lock_guard lock(status_mutex_);
                ++status_.step_errors;
                status_.last_error = infra::redact(e.what());
            }
            infra::log::warn("sync.catchup_failed", {{"chain", target_.name}, {"error", e.what()}});
            if (stop.load()) break;
            std::this_thread::sleep_for(options_.retry_delay);
        }
        if (stop.load()) break;
    }
    set_state(FollowState::kLive);
    uint64_t head = status().head;
    bool retry = false;
    auto last_step = std::chrono::steady_clock::now();
    while (!stop.load()) {
        try {
            const auto seen =
                wait_for_work(wait_head, head, retry ? options_.retry_delay : std::chrono::milliseconds(1'000));
            if (stop.load()) break;
            if (seen) {
                head = *seen;
            } else if (!retry && std::chrono::steady_clock::now() - last_step < options_.idle_check) {
                continue;
            }
            last_step = std::chrono::steady_clock::now();
            // Not settled: step again after retry_delay, new head or not.
            retry = !step(head);
            std::lock_guard lock(status_mutex_);
            status_.last_error.clear();
        } catch (const ReorgTooDeepError&) {
            throw;
        } catch (const std::exception& e) {
            retry = true;
            {
                std::lock_guard lock(status_mutex_);
                ++status_.step_errors;
                status_.last_error = infra::redact(e.what());
            }
            infra::log::warn("sync.step_failed", {{"chain", target_.name}, {"head", head}, {"error", e.what()}});
            std::this_thread::sleep_for(options_.retry_delay);
        }
    }
    set_state(FollowState::kStopped);
}

}  // namespace tokensync::sync
