// The parallel range ingester: K workers take block ranges from a shared
// counter, fetch their logs and headers and index them; the calling thread
// commits the results strictly in block order, so balances never see a
// transfer before the one that funded it and a checkpoint always means
// "everything up to here".
#include "sync/range_ingest.hpp"

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "chain/evm/eth_api.hpp"
#include "chain/evm/log_reader.hpp"
#include "chain/evm/rpc_error.hpp"
#include "infra/log.hpp"
#include "store/store.hpp"

namespace tokensync::sync {
namespace {

// Units of up to this many blocks read all their headers with their logs.
constexpr uint64_t kInlineHeaderBlocks = 32;
constexpr uint64_t kFirstSpan = 1;  // the density is unknown: start small, grow after one unit
constexpr int kUnitAttempts = 3;
// A unit whose reads failed on every URL after the client's own retries is
// tried again this many times, after a pause, before the whole range fails:
// a provider's bad minute should not end a long backfill.
constexpr int kUnitFetchAttempts = 3;
constexpr auto kUnitRetryPause = std::chrono::milliseconds(500);
// Before reading again a unit whose eth_getLogs answer missed a block's logs.
constexpr auto kIncompletePause = std::chrono::milliseconds(100);
constexpr auto kCommitWait = std::chrono::milliseconds(200);

struct UnitResult {
    uint64_t from = 0;
    uint64_t to = 0;
    uint64_t logs = 0;
    core::Hash32 end_hash;
    std::optional<core::Hash32> first_parent;  // the parent hash of block `from`, when its header was read
    store::ChangeSet changes;
};

void append(store::ChangeSet& into, store::ChangeSet&& from) {
    auto move_all = [](auto& dst, auto& src) {
        if (dst.empty()) {
            dst = std::move(src);
        } else {
            std::ranges::move(src, std::back_inserter(dst));
        }
    };
    move_all(into.blocks, from.blocks);
    move_all(into.raw_events, from.raw_events);
    move_all(into.authors, from.authors);
    move_all(into.tokens, from.tokens);
    move_all(into.mint_events, from.mint_events);
    move_all(into.transfers, from.transfers);
    move_all(into.events, from.events);
}

// Fetches one unit's logs and the headers it needs, and indexes them.
UnitResult fetch_unit(chain::evm::RpcClient& client, chain::evm::LogReader& reader, const Indexer& indexer,
                      store::ChainId chain_id, uint64_t from, uint64_t to, uint64_t all_headers_from) {
    chain::evm::LogFilter filter = indexer.filter();
    filter.from_block = from;
    filter.to_block = to;
    for (int attempt = 1;; ++attempt) {
        // A short unit asks for every header of its range in the batch that
        // reads its logs (one round trip); a long one reads the logs, then
        // only the headers it keeps.
        std::vector<chain::evm::Log> logs;
        std::map<uint64_t, std::optional<chain::evm::BlockHeader>> read;
        if (to - from < kInlineHeaderBlocks) {
            std::vector<uint64_t> range;
            for (uint64_t n = from; n <= to; ++n)
                range.push_back(n);
            auto both = reader.get_logs_and_blocks(filter, range);
            logs = std::move(both.logs);
            for (std::size_t i = 0; i < range.size(); ++i)
                read.emplace(range[i], both.headers[i]);
        } else {
            logs = reader.get_logs(filter);
        }
        std::set<uint64_t> wanted;
        for (const auto& log : logs)
            wanted.insert(log.block_number);
        wanted.insert(to);
        for (uint64_t n = std::max(from, all_headers_from); n <= to && all_headers_from != UINT64_MAX; ++n)
            wanted.insert(n);
        const std::vector<uint64_t> numbers(wanted.begin(), wanted.end());
        std::vector<uint64_t> unread;
        std::ranges::copy_if(numbers, std::back_inserter(unread), [&](uint64_t n) { return !read.contains(n); });
        if (!unread.empty()) {
            auto more = chain::evm::get_blocks(client, unread);
            for (std::size_t i = 0; i < unread.size(); ++i)
                read.emplace(unread[i], more[i]);
        }
        std::vector<std::optional<chain::evm::BlockHeader>> headers;
        headers.reserve(numbers.size());
        for (const uint64_t n : numbers)
            headers.push_back(read.at(n));

        UnitResult unit;
        unit.from = from;
        unit.to = to;
        unit.logs = logs.size();
        unit.changes.chain_id = chain_id;
        BlockTimes times;
        std::map<uint64_t, core::Hash32> hashes;
        for (std::size_t i = 0; i < numbers.size(); ++i) {
            if (!headers[i]) {
                throw IngestError(
                    fmt::format("block {} is not known to the node (range [{}, {}])", numbers[i], from, to));
            }
            const auto& h = *headers[i];
            times[h.number] = static_cast<int64_t>(h.timestamp);
            hashes[h.number] = h.hash;
            unit.changes.blocks.push_back({.number = h.number,
                                           .hash = h.hash,
                                           .parent_hash = h.parent_hash,
                                           .timestamp = static_cast<int64_t>(h.timestamp)});
        }
        // Logs and headers come from two requests, or one batch the node
        // answers call by call; if the chain reorganised in between, logs
        // and headers disagree or consecutive headers do not link, and the
        // unit is read again.
        const auto stale = std::ranges::find_if(
            logs, [&](const chain::evm::Log& log) { return hashes.at(log.block_number) != log.block_hash; });
        const auto& blocks = unit.changes.blocks;  // ascending: `wanted` is a set
        const auto unlinked = std::ranges::adjacent_find(
            blocks, [](const auto& a, const auto& b) { return b.number == a.number + 1 && b.parent_hash != a.hash; });
        if (stale == logs.end() && unlinked != blocks.end()) {
            if (attempt < kUnitAttempts) {
                infra::log::warn("sync.unit_changed", {{"block", unlinked->number + 1}, {"attempt", attempt}});
                continue;
            }
            throw IngestError(fmt::format("block {} changed while it was read, {} times: the chain is reorganising",
                                          unlinked->number + 1, kUnitAttempts));
        }
        if (stale != logs.end()) {
            if (attempt < kUnitAttempts) {
                infra::log::warn("sync.unit_changed", {{"block", stale->block_number}, {"attempt", attempt}});
                continue;
            }
            throw IngestError(fmt::format("block {} changed while it was read, {} times: the chain is reorganising",
                                          stale->block_number, kUnitAttempts));
        }
        // An answer that left out a block's logs while its header's bloom
        // says it has some (checked in the unfinalized window, where the
        // headers are read anyway).
        const auto window = std::ranges::lower_bound(numbers, all_headers_from) - numbers.begin();
        if (const auto missed =
                reader.find_missed_block(filter, std::span(headers).subspan(static_cast<std::size_t>(window)), logs)) {
            if (attempt < kUnitAttempts) {
                infra::log::warn("sync.logs_incomplete", {{"block", *missed}, {"attempt", attempt}});
                std::this_thread::sleep_for(kIncompletePause * attempt);
                continue;
            }
            throw IngestError(fmt::format(
                "eth_getLogs [{}, {}] answered without the logs of block {}, {} times, though its logsBloom and a read "
                "by its hash show some: the node's log index is behind its blocks",
                from, to, *missed, kUnitAttempts));
        }
        unit.end_hash = hashes.at(to);
        if (!blocks.empty() && blocks.front().number == from) unit.first_parent = blocks.front().parent_hash;
        indexer.index(logs, times, unit.changes);
        return unit;
    }
}

class Ingest {
  public:
    Ingest(const ChainTarget& target, store::Store& store, const Indexer& indexer, uint64_t from, uint64_t to,
           const IngestOptions& options)
        : target_(target),
          store_(store),
          indexer_(indexer),
          from_(from),
          to_(to),
          options_(options),
          next_block_(from),
          window_(std::max<std::size_t>(options.workers, 1) * 2) {}

    IngestResult run() {
        started_ = std::chrono::steady_clock::now();
        const std::size_t workers = std::max<std::size_t>(options_.workers, 1);
        std::vector<std::thread> threads;
        threads.reserve(workers);
        for (std::size_t i = 0; i < workers; ++i)
            threads.emplace_back([this] { work(); });
        std::exception_ptr commit_error;
        try {
            commit_loop();
        } catch (...) {
            commit_error = std::current_exception();
        }
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        cv_.notify_all();
        for (auto& t : threads)
            t.join();
        // Read only now: after a failed unit commit_loop ends while other
        // workers may still be adding their calls (under mutex_).
        result_.get_logs_calls = get_logs_calls_;
        if (commit_error) std::rethrow_exception(commit_error);
        if (worker_error_) {
            try {
                std::rethrow_exception(worker_error_);
            } catch (const IngestError&) {
                throw;
            } catch (const std::exception& e) {
                throw IngestError(
                    fmt::format("chain {}: blocks [{}, {}]: {}", target_.name, failed_from_, failed_to_, e.what()));
            }
        }
        return result_;
    }

  private:
    bool stop_requested() const { return options_.stop != nullptr && options_.stop->load(); }

    uint64_t next_span() const {
        if (density_ <= 0) return std::min(options_.max_span, kFirstSpan);
        const double span = static_cast<double>(options_.target_logs_per_call) / density_;
        return std::clamp<uint64_t>(static_cast<uint64_t>(span), 1, options_.max_span);
    }

    UnitResult fetch_with_retries(chain::evm::RpcClient& client, chain::evm::LogReader& reader, uint64_t from,
                                  uint64_t to) {
        for (int attempt = 1;; ++attempt) {
            try {
                return fetch_unit(client, reader, indexer_, target_.chain_id, from, to, options_.all_headers_from);
            } catch (const chain::evm::BlockchainConnectionError& e) {
                if (attempt >= kUnitFetchAttempts || stop_requested()) throw;
                infra::log::warn(
                    "sync.unit_retry",
                    {{"chain", target_.name}, {"from", from}, {"to", to}, {"attempt", attempt}, {"error", e.what()}});
                std::this_thread::sleep_for(kUnitRetryPause * attempt);
            }
        }
    }

    void work() {
        chain::evm::RpcClient client(target_.rpc);
        chain::evm::LogReader reader(client, {.max_span = options_.max_span});
        for (;;) {
            uint64_t index = 0;
            uint64_t from = 0;
            uint64_t to = 0;
            std::vector<store::ChangeSet> retired;  // freed here, off the committing thread
            {
                std::unique_lock lock(mutex_);
                cv_.wait(lock, [&] { return stopping_ || failed_ || next_index_ - commit_index_ < window_; });
                retired.swap(retired_);
                if (stopping_ || failed_ || next_block_ > to_ || stop_requested()) break;
                index = next_index_++;
                from = next_block_;
                to = std::min(to_, from + next_span() - 1);
                next_block_ = to + 1;
                if (to == UINT64_MAX) next_block_ = to;  // never wraps
            }
            try {
                UnitResult unit = fetch_with_retries(client, reader, from, to);
                std::lock_guard lock(mutex_);
                const double observed = static_cast<double>(unit.logs) / static_cast<double>(unit.to - unit.from + 1);
                density_ = density_ <= 0 ? std::max(observed, 1e-6) : 0.7 * density_ + 0.3 * std::max(observed, 1e-6);
                done_.emplace(index, std::move(unit));
            } catch (...) {
                std::lock_guard lock(mutex_);
                if (!failed_) {
                    failed_ = true;
                    worker_error_ = std::current_exception();
                    failed_from_ = from;
                    failed_to_ = to;
                    failed_index_ = index;
                }
            }
            cv_.notify_all();
        }
        {
            std::lock_guard lock(mutex_);
            get_logs_calls_ += reader.calls();
            ++workers_done_;
        }
        cv_.notify_all();
    }

    // Takes the next unit in order, waiting up to `wait` for it. nullopt when
    // it is not there (yet, or ever).
    std::optional<UnitResult> take_next(std::chrono::milliseconds wait, bool& finished) {
        std::unique_lock lock(mutex_);
        const std::size_t workers = std::max<std::size_t>(options_.workers, 1);
        auto ready = [&] { return done_.contains(commit_index_); };
        auto over = [&] {
            // Nothing more will arrive in order: the range is handed out and
            // every worker has stopped, or a worker failed before this unit.
            if (failed_ && commit_index_ >= failed_index_) return true;
            return workers_done_ == workers;
        };
        cv_.wait_for(lock, wait, [&] { return ready() || over(); });
        if (ready()) {
            auto node = done_.extract(commit_index_);
            ++commit_index_;
            lock.unlock();
            cv_.notify_all();
            return std::move(node.mapped());
        }
        finished = over();
        return std::nullopt;
    }

    void commit_loop() {
        std::optional<UnitResult> pending;
        for (;;) {
            bool finished = false;
            auto unit = take_next(pending ? kCommitWait : std::chrono::milliseconds(1'000), finished);
            if (unit && unit->first_parent && last_hash_ && *unit->first_parent != *last_hash_) {
                // The chain changed between this unit's read and the one
                // before: keep what links up, and leave the reorg to the
                // caller (its cursor no longer matches the node).
                infra::log::warn("sync.ingest_unlinked", {{"chain", target_.name}, {"block", unit->from}});
                result_.unlinked_at = unit->from;
                if (pending) commit_and_retire(pending);
                break;
            }
            if (unit) {
                last_hash_ = unit->end_hash;
                if (!pending) {
                    pending = std::move(unit);
                } else {
                    append(pending->changes, std::move(unit->changes));
                    pending->to = unit->to;
                    pending->logs += unit->logs;
                    pending->end_hash = unit->end_hash;
                }
                const bool full = pending->logs >= options_.batch_logs ||
                                  pending->to - pending->from + 1 >= options_.checkpoint_every || pending->to == to_;
                if (full) commit_and_retire(pending);
                continue;
            }
            if (pending) commit_and_retire(pending);  // the next unit is late: commit what is ready meanwhile
            if (finished) break;
        }
        result_.interrupted = !failed_ && !result_.unlinked_at && (result_.commits == 0 || result_.done_to < to_);
    }

    // Commits `unit`, then hands its rows to the workers to free: hundreds
    // of thousands of small allocations that would otherwise cost the
    // committing thread, which every batch waits for.
    void commit_and_retire(std::optional<UnitResult>& unit) {
        commit(*unit);
        {
            std::lock_guard lock(mutex_);
            retired_.push_back(std::move(unit->changes));
        }
        unit.reset();
    }

    void commit(UnitResult& unit) {
        store::ChangeSet& cs = unit.changes;
        cs.chain_id = target_.chain_id;
        for (const auto& rule : options_.cursors) {
            if (unit.to + 1 >= rule.next) cs.cursors.push_back({rule.contract, unit.to, unit.end_hash});
        }
        if (options_.checkpoint_key) {
            boost::json::object o{{"from", from_}, {"to", to_}, {"done", unit.to}, {"hash", unit.end_hash.hex()}};
            cs.state.push_back({*options_.checkpoint_key, boost::json::serialize(o)});
        }
        store_.apply(cs);
        result_.logs += unit.logs;
        ++result_.commits;
        result_.done_to = unit.to;
        result_.done_hash = unit.end_hash;
        if (options_.on_progress) {
            options_.on_progress({.from = from_,
                                  .to = to_,
                                  .done_to = unit.to,
                                  .blocks_done = unit.to - from_ + 1,
                                  .logs_done = result_.logs,
                                  .commits = result_.commits,
                                  .elapsed = std::chrono::steady_clock::now() - started_});
        }
    }

    const ChainTarget& target_;
    store::Store& store_;
    const Indexer& indexer_;
    const uint64_t from_;
    const uint64_t to_;
    const IngestOptions& options_;

    std::mutex mutex_;
    std::condition_variable cv_;
    uint64_t next_block_;
    uint64_t next_index_ = 0;
    uint64_t commit_index_ = 0;
    const uint64_t window_;
    std::map<uint64_t, UnitResult> done_;
    std::vector<store::ChangeSet> retired_;  // committed, for a worker to free
    double density_ = 0;
    bool stopping_ = false;
    bool failed_ = false;
    std::exception_ptr worker_error_;
    uint64_t failed_from_ = 0;
    uint64_t failed_to_ = 0;
    uint64_t failed_index_ = 0;
    std::size_t workers_done_ = 0;
    uint64_t get_logs_calls_ = 0;

    std::optional<core::Hash32> last_hash_ = options_.parent_hash;  // end hash of the last unit taken (commit thread)

    std::chrono::steady_clock::time_point started_;
    IngestResult result_;
};

}  // namespace

IngestResult ingest_range(const ChainTarget& target, store::Store& store, const Indexer& indexer, uint64_t from,
                          uint64_t to, const IngestOptions& options) {
    if (from > to) return IngestResult{};
    Ingest ingest(target, store, indexer, from, to, options);
    return ingest.run();
}

std::optional<uint64_t> checkpoint_done(store::Store& store, const std::string& key) {
    const auto text = store.get_state(key);
    if (!text) return std::nullopt;
    boost::system::error_code ec;
    const boost::json::value v = boost::json::parse(*text, ec);
    if (ec || !v.is_object()) return std::nullopt;
    const auto* done = v.as_object().if_contains("done");
    if (done == nullptr) return std::nullopt;
    if (done->is_uint64()) return done->as_uint64();
    if (done->is_int64() && done->as_int64() >= 0) return static_cast<uint64_t>(done->as_int64());
    return std::nullopt;
}

}  // namespace tokensync::sync
