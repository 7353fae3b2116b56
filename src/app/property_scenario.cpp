#include "app/property_scenario.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <csignal>
#include <exception>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <thread>
#include <tuple>
#include <utility>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "core/hex.hpp"
#include "store/store.hpp"
#include "test_util/abi_call.hpp"
#include "test_util/alchemy_delivery.hpp"
#include "test_util/daemon.hpp"
#include "test_util/populate.hpp"
#include "test_util/shared_postgres.hpp"

namespace tokensync::app::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using test_util::Fault;

// BASE_SEPOLIA, so deliveries name a network Alchemy knows.
constexpr uint64_t kChainId = 84'532;
constexpr std::string_view kNetwork = "BASE_SEPOLIA";
constexpr std::string_view kSigningKey = "whsec_property_test_key_0123456789";
constexpr auto kConvergeTimeout = 45s;
constexpr std::size_t kAccounts = 10;

std::string quantity(uint64_t v) { return fmt::format("0x{:x}", v); }
uint64_t qty(const json::value& v) { return test_util::parse_quantity(v); }
std::string str(const json::value& v) { return std::string(v.as_string()); }
double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}
std::string lower(std::string s) {
    std::ranges::transform(s, s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string sign(std::string_view body) { return test_util::alchemy_signature(body, kSigningKey); }

// The logs of one block as the node gave them, with what a delivery needs.
struct BlockLogs {
    json::object block;    // eth_getBlockByNumber (hash, number, timestamp)
    json::array receipts;  // eth_getBlockReceipts
};

test_util::DeliveryBlock delivery_block(const BlockLogs& b) {
    return {.hash = b.block.at("hash"),
            .number = qty(b.block.at("number")),
            .timestamp = qty(b.block.at("timestamp")),
            .receipts = b.receipts};
}

// A Custom (GraphQL) delivery of one block (PROTOCOLS.md §4).
std::string custom_delivery(const std::string& id, const BlockLogs& b) {
    return test_util::custom_delivery(id, delivery_block(b), kNetwork);
}

// An Address Activity delivery of one block; `removed` marks the logs of a
// block a reorg took out.
std::string activity_delivery(const std::string& id, const BlockLogs& b, const test_util::TestContracts& contracts,
                              bool removed) {
    const std::string nft = contracts.nft.lower_hex();
    return test_util::activity_delivery(id, delivery_block(b), kNetwork, removed, [&](std::string_view address) {
        return std::string(address == nft ? "erc721" : "erc1155");
    });
}

core::Address topic_address(const core::Hash32& topic) {
    core::ByteArray<20> b{};
    std::copy(topic.bytes.end() - 20, topic.bytes.end(), b.begin());
    return core::Address(b);
}

}  // namespace

std::string_view action_name(ActionKind kind) {
    switch (kind) {
        case ActionKind::kActivity:
            return "activity";
        case ActionKind::kReorgEmpty:
            return "reorg_empty";
        case ActionKind::kReorgBranch:
            return "reorg_branch";
        case ActionKind::kKill:
            return "kill9";
        case ActionKind::kRestart:
            return "restart";
        case ActionKind::kPgRestart:
            return "pg_restart";
        case ActionKind::kWebhook:
            return "webhook";
        case ActionKind::kFaultBurst:
            return "fault_burst";
    }
    return "?";
}

RowCounts& RowCounts::operator+=(const RowCounts& o) {
    missing += o.missing;
    duplicate += o.duplicate;
    extra += o.extra;
    wrong += o.wrong;
    return *this;
}

double percentile(std::vector<double> values, double p) {
    if (values.empty()) return 0;
    std::ranges::sort(values);
    const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
    return values[std::clamp<std::size_t>(rank, 1, values.size()) - 1];
}

PropertyWorld::PropertyWorld(Backend backend, PropertyOptions options) : backend_(backend), options_(options) {
    fresh_chain();
    if (backend_ == Backend::kPostgres) test_util::shared_postgres_cluster();  // initdb and start once
}

void PropertyWorld::fresh_chain() {
    proxy_.reset();
    devnet_.reset();
    seeds_on_chain_ = 0;
    test_util::Devnet::Options devnet;
    devnet.chain_id = kChainId;
    devnet.silent = true;
    devnet_ = std::make_unique<test_util::Devnet>(devnet);
    contracts_ = devnet_->deploy_test_contracts();
    deploy_block_ = devnet_->block_number();
    devnet_->set_automine(false);
    snapshot_ = devnet_->snapshot();
    test_util::FaultProxy::Options proxy;
    proxy.upstream = devnet_->url();
    proxy.retry_after_seconds = 0;
    proxy.slow_delay = 150ms;
    proxy_ = std::make_unique<test_util::FaultProxy>(proxy);
}

PropertyWorld::~PropertyWorld() = default;

// One seed from start to verdict.
class SeedRun {
  public:
    SeedRun(PropertyWorld& world, uint64_t seed)
        : world_(world), devnet_(*world.devnet_), contracts_(world.contracts_), rng_(seed) {
        result_.seed = seed;
    }

    SeedResult run() {
        const auto started = Clock::now();
        const auto injected = [&] {
            const auto c = world_.proxy_->counters();
            return c.faults() + c.lagged_answers;
        };
        uint64_t faults_before = injected();
        try {
            setup();
            faults_before = injected();
            const std::size_t span = world_.options_.max_actions - world_.options_.min_actions + 1;
            const std::size_t actions = world_.options_.min_actions + pick(span);
            for (std::size_t i = 0; i < actions; ++i)
                step();
            finish();
        } catch (const std::exception& e) {
            fail(fmt::format("exception: {}", e.what()));
        }
        result_.rpc_faults = injected() - faults_before;
        teardown();
        result_.passed = result_.failure.empty();
        result_.seconds = ms_since(started) / 1000.0;
        return std::move(result_);
    }

  private:
    uint64_t pick(uint64_t n) { return n == 0 ? 0 : rng_() % n; }  // same on every standard library
    bool chance(uint64_t one_in) { return pick(one_in) == 0; }
    void count(ActionKind kind) { ++result_.actions[static_cast<std::size_t>(kind)]; }
    bool postgres() const { return world_.backend_ == Backend::kPostgres; }

    void fail(const std::string& what) {
        if (!result_.failure.empty()) return;  // the first failure is the one that matters
        result_.failure = fmt::format("{}\nactions so far: {}", what, trail_);
        if (daemon_)
            result_.failure += "\ntokensync output (tail):\n" + daemon_->output_tail(30);
        else if (!last_output_.empty())
            result_.failure += "\ntokensync output of the last run (tail):\n" + last_output_;
    }
    // A convergence that took long: its context goes to the result's notes.
    void slow(std::string_view what, double ms) {
        result_.notes +=
            fmt::format("seed {}: {} took {:.0f} ms to converge; actions so far: {}\n", result_.seed, what, ms, trail_);
        if (daemon_) result_.notes += "tokensync output (tail):\n" + daemon_->output_tail(40);
    }
    void note(const std::string& s) { trail_ += (trail_.empty() ? "" : ", ") + s; }

    // Fresh chain from the snapshot, fresh database, faults for this seed,
    // some activity, then the daemon.
    void setup() {
        devnet_.revert(world_.snapshot_);
        world_.snapshot_ = devnet_.snapshot();  // a reverted snapshot is used up
        devnet_.set_automine(false);
        database_ = fresh_database(world_.backend_, world_.dir_.path());
        auto& proxy = *world_.proxy_;
        static constexpr std::array<double, 4> kRates{0.0, 0.01, 0.02, 0.03};
        proxy.set_rates(kRates[pick(kRates.size())]);
        if (chance(2)) {
            proxy.set_log_limits(1 + pick(4), 10 + pick(60),
                                 chance(2) ? test_util::RangeErrorStyle::kHint : test_util::RangeErrorStyle::kNoHint);
        } else {
            proxy.set_log_limits(std::nullopt, std::nullopt);
        }
        // Sometimes a log index that lags the blocks (answers without the
        // newest blocks' logs), as providers' and anvil's mid-reorg do.
        static constexpr std::array<double, 4> kLagging{0.0, 0.0, 0.1, 0.3};
        proxy.set_lagging_logs(kLagging[pick(kLagging.size())]);
        register_authors();
        activity();
        start_daemon(true);
    }

    // Some dev accounts are known prompt authors (stored in EIP-55 or lower
    // case): a token whose BatchMinted names one gets that author, the
    // others none (no default author without `recovery:`).
    void register_authors() {
        auto& store = reader();
        store.migrate();
        store::ChangeSet changes;
        changes.chain_id = kChainId;
        for (std::size_t i = 0; i < kAccounts; ++i) {
            if (!chance(2)) continue;
            const auto wallet = test_util::dev_address(i);
            const std::string stored = chance(2) ? wallet.checksum() : wallet.lower_hex();
            changes.authors.push_back({.wallet = stored, .prompt = fmt::format("prompt of account {}", i)});
            authors_[wallet.lower_hex()] = stored;
        }
        store.apply(changes);
    }

    void step() {
        if (!daemon_) {
            if (down_for_ == 0) return start_daemon(!chance(4));
            --down_for_;
        }
        if (catching_up_) {
            // Often a reorg while the daemon just started catches up.
            catching_up_ = false;
            if (chance(2)) return reorg(chance(2));
        }
        // Weights; actions that need a running daemon only while it runs.
        struct Choice {
            ActionKind kind;
            uint64_t weight;
        };
        std::vector<Choice> choices{{ActionKind::kActivity, 30},
                                    {ActionKind::kReorgEmpty, 9},
                                    {ActionKind::kReorgBranch, 12},
                                    {ActionKind::kFaultBurst, 5}};
        if (daemon_) {
            choices.push_back({ActionKind::kKill, 10});
            choices.push_back({ActionKind::kWebhook, 12});
            if (postgres()) choices.push_back({ActionKind::kPgRestart, 6});
        }
        uint64_t total = 0;
        for (const auto& c : choices)
            total += c.weight;
        uint64_t roll = pick(total);
        ActionKind kind = choices.front().kind;
        for (const auto& c : choices) {
            if (roll < c.weight) {
                kind = c.kind;
                break;
            }
            roll -= c.weight;
        }
        switch (kind) {
            case ActionKind::kActivity:
                return activity();
            case ActionKind::kReorgEmpty:
                return reorg(false);
            case ActionKind::kReorgBranch:
                return reorg(true);
            case ActionKind::kKill:
                return kill();
            case ActionKind::kPgRestart:
                return pg_restart();
            case ActionKind::kWebhook:
                return webhooks();
            case ActionKind::kFaultBurst:
                return fault_burst();
            case ActionKind::kRestart:
                return start_daemon(true);
        }
    }

    // ---- actions ----

    void activity(uint64_t max_logs = 40) {
        test_util::PopulateOptions o;
        o.seed = rng_();
        o.target_logs = 4 + pick(max_logs);
        o.accounts = 3 + pick(kAccounts - 2);
        o.txns_per_block = 2 + pick(6);
        o.max_mint_quantity = 1 + pick(4);
        o.multi_token_ids = 2 + pick(6);
        o.connections = 1;
        const auto s = test_util::populate(devnet_, contracts_, o);
        count(ActionKind::kActivity);
        note(fmt::format("activity({} blocks, {} logs)", s.blocks, s.total_logs()));
    }

    void reorg(bool branch) {
        const uint64_t head = devnet_.block_number();
        // The new branch starts above the snapshot block: after evm_revert
        // anvil has no state of that block to build a branch on (the
        // contracts would vanish), only of the blocks mined since.
        const uint64_t room = head > world_.deploy_block_ + 1 ? head - world_.deploy_block_ - 1 : 0;
        if (room == 0) return activity();
        const uint64_t depth = 1 + pick(std::min(world_.options_.max_reorg_depth, room));
        // Deliveries for blocks about to be orphaned, sent later as stale.
        for (uint64_t n = head; n > head - depth && n + 3 > head; --n) {
            if (chance(2)) orphaned_.push_back(block_logs(n));
        }
        const auto made = Clock::now();
        if (branch) {
            devnet_.rpc("anvil_reorg", {depth, branch_transactions(head - depth, depth)});
            // Sometimes the new branch is longer than the old one.
            const uint64_t longer = pick(3);
            if (longer == 1) devnet_.mine(1);
            if (longer == 2) activity(8);
            count(ActionKind::kReorgBranch);
            note(fmt::format("reorg_branch({}{})", depth, longer == 0 ? "" : ", longer"));
        } else {
            devnet_.reorg(depth);
            count(ActionKind::kReorgEmpty);
            note(fmt::format("reorg_empty({})", depth));
        }
        result_.reorg_depths.push_back(depth);
        if (!daemon_) return;  // found at the next start's catch-up
        if (chance(4)) {
            // A kill while the rollback may be under way.
            std::this_thread::sleep_for(std::chrono::milliseconds(pick(150)));
            return kill();
        }
        if (const auto ms = wait_converged(made)) {
            result_.reorg_converge_ms.push_back(*ms);
            if (*ms > 5'000) slow("reorg", *ms);
        } else {
            throw std::runtime_error(
                fmt::format("no convergence within {} s after a reorg of depth {}", kConvergeTimeout.count(), depth));
        }
    }

    // anvil_reorg's [transaction, block offset] pairs: mints at random
    // offsets, each followed (same sender, so nonce order) by transfers and
    // burns of what it minted. One that reverts on the new state is mined
    // and emits nothing, which is fine: the truth is read from the chain.
    json::array branch_transactions(uint64_t base, uint64_t depth) {
        // The NFT ids the branch mints start at nextTokenId() of its base
        // block. anvil keeps the state of recent blocks only; without it
        // ("0x") the branch transfers an id that may not exist, and that
        // transaction reverts.
        uint64_t next_id = 0;
        const auto next_raw =
            devnet_.rpc("eth_call", {json::object{{"to", contracts_.nft.lower_hex()},
                                                  {"input", core::to_hex(test_util::calldata("nextTokenId()"))}},
                                     quantity(base)});
        if (const auto next_bytes = core::from_hex(next_raw.as_string()); next_bytes && next_bytes->size() == 32) {
            next_id = test_util::decode_return("nextTokenId() returns (uint256)", *next_bytes)
                          .at(0)
                          .get_if<core::Uint256>()
                          ->low64();
        }
        json::array pairs;
        auto add = [&](std::size_t from, const core::Address& to, const core::Bytes& input, uint64_t offset) {
            pairs.push_back(json::array{json::object{{"from", test_util::dev_address(from).lower_hex()},
                                                     {"to", to.lower_hex()},
                                                     {"input", core::to_hex(input)},
                                                     {"gas", quantity(1'500'000)}},
                                        offset});
        };
        auto addr = [](std::size_t i) { return test_util::dev_address(i).lower_hex(); };
        for (uint64_t offset = 0; offset < depth; ++offset) {
            if (chance(4)) continue;  // an empty block in the branch
            const std::size_t a = pick(kAccounts);
            const std::size_t b = (a + 1 + pick(kAccounts - 1)) % kAccounts;
            switch (pick(3)) {
                case 0: {
                    const uint64_t q = 1 + pick(3);
                    add(a, contracts_.nft,
                        test_util::calldata("batchMint(address,uint256)", {addr(pick(kAccounts)), std::to_string(q)}),
                        offset);
                    if (chance(2)) {
                        add(a, contracts_.nft,
                            test_util::calldata("transferFrom(address,address,uint256)",
                                                {addr(a), addr(b), std::to_string(next_id)}),
                            offset);
                    }
                    next_id += q;
                    break;
                }
                case 1: {
                    const std::string id = std::to_string(1 + pick(6));
                    add(a, contracts_.multi_token,
                        test_util::calldata("mint(address,uint256,uint256)", {addr(a), id, "10"}), offset);
                    add(a, contracts_.multi_token,
                        test_util::calldata("safeTransferFrom(address,address,uint256,uint256,bytes)",
                                            {addr(a), addr(b), id, std::to_string(1 + pick(5)), "0x"}),
                        offset);
                    if (chance(2)) {
                        add(a, contracts_.multi_token,
                            test_util::calldata("burn(address,uint256,uint256)", {addr(a), id, "2"}), offset);
                    }
                    break;
                }
                default: {
                    const std::string ids = fmt::format("[{},{}]", 1 + pick(3), 4 + pick(3));
                    add(a, contracts_.multi_token,
                        test_util::calldata("mintBatch(address,uint256[],uint256[])", {addr(a), ids, "[5,7]"}), offset);
                    add(a, contracts_.multi_token,
                        test_util::calldata("safeBatchTransferFrom(address,address,uint256[],uint256[],bytes)",
                                            {addr(a), addr(b), ids, "[2,3]", "0x"}),
                        offset);
                    break;
                }
            }
        }
        return pairs;
    }

    void kill() {
        if (!daemon_) return;
        // A random moment: the daemon is usually still busy with the last action's blocks.
        std::this_thread::sleep_for(std::chrono::milliseconds(pick(120)));
        daemon_->stop(SIGKILL, 5s);
        last_output_ = daemon_->output_tail(30);
        daemon_.reset();
        count(ActionKind::kKill);
        note("kill9");
        down_for_ = pick(3);  // stays down for up to two actions
        if (down_for_ == 0) start_daemon(!chance(4));
    }

    void start_daemon(bool wait) {
        const auto started = Clock::now();
        test_util::Daemon::Options options;
        options.env = {fmt::format("ALCHEMY_KEY={}", kSigningKey)};
        options.start_timeout = 60s;
        const bool first = starts_++ == 0;
        // `tokensync run` exits (status 2) when the node fails every retry of
        // a start-up call, as a burst of forced faults can make it do; a
        // supervisor (systemd Restart=on-failure) starts it again, and so does
        // this test, counting it. The time to converge includes those starts.
        for (int attempt = 1;; ++attempt) {
            try {
                daemon_ = std::make_unique<test_util::Daemon>(config_yaml(), options);
                break;
            } catch (const std::runtime_error& e) {
                const std::string what = e.what();
                if (attempt == 3 || what.find("exited with status 2 before serving") == std::string::npos) throw;
                ++result_.startup_exits;
                note("startup_exit");
                if (result_.startup_exit_sample.empty()) {
                    const auto at = what.rfind("error:");
                    const std::string tail = at == std::string::npos ? what : what.substr(at);
                    result_.startup_exit_sample = tail.substr(0, tail.find('\n'));
                }
            }
        }
        if (!first) {
            count(ActionKind::kRestart);
            note(wait ? "restart" : "restart(no wait)");
        }
        catching_up_ = !wait;
        if (!wait) return;
        if (const auto ms = wait_converged(started)) {
            if (!first) result_.restart_converge_ms.push_back(*ms);
            if (*ms > 5'000) slow("start", *ms);
        } else {
            throw std::runtime_error(
                fmt::format("no convergence within {} s after tokensync started", kConvergeTimeout.count()));
        }
    }

    void pg_restart() {
        auto& cluster = test_util::shared_postgres_cluster();
        cluster.stop();
        reader_.reset();
        if (chance(2)) activity(15);  // blocks mined while the database is down
        std::this_thread::sleep_for(std::chrono::milliseconds(100 + pick(400)));
        cluster.start();
        count(ActionKind::kPgRestart);
        note("pg_restart");
    }

    void webhooks() {
        const uint64_t head = devnet_.block_number();
        const uint64_t n = 1 + pick(3);
        for (uint64_t i = 0; i < n; ++i) {
            std::string body;
            std::string what;
            const uint64_t mode = pick(4);
            if (mode == 1 && !sent_.empty()) {
                body = sent_[pick(sent_.size())];  // the same delivery again (same id)
                what = "replay";
            } else if (mode == 2 && !orphaned_.empty()) {
                const auto& b = orphaned_[pick(orphaned_.size())];
                body = chance(2) ? custom_delivery(next_id(), b) : activity_delivery(next_id(), b, contracts_, true);
                what = "orphaned";
            } else {
                // A recent block; mode 3 re-sends it under a new id.
                const uint64_t back = std::min<uint64_t>(pick(3), head - world_.deploy_block_);
                const auto b = block_logs(head - back);
                body = chance(2) ? custom_delivery(next_id(), b) : activity_delivery(next_id(), b, contracts_, false);
                what = mode == 3 ? "resent" : "new";
            }
            sent_.push_back(body);
            const auto r = daemon_->post("/webhooks/alchemy", body,
                                         {{"Content-Type", "application/json"}, {"X-Alchemy-Signature", sign(body)}});
            ++result_.webhook_posts;
            if (r.status != 200)
                throw std::runtime_error(fmt::format("webhook ({}) answered {} {}{}", what, r.status, r.body, r.error));
            note(fmt::format("webhook({})", what));
        }
        count(ActionKind::kWebhook);
    }

    void fault_burst() {
        const auto fault = static_cast<Fault>(pick(test_util::kFaultKinds));
        const std::size_t n = 1 + pick(6);
        world_.proxy_->force(fault, n);
        count(ActionKind::kFaultBurst);
        note(fmt::format("faults({} x{})", test_util::fault_name(fault), n));
    }

    // ---- observation ----

    std::string next_id() { return fmt::format("whevt_p{}_{}", result_.seed, ++deliveries_); }

    BlockLogs block_logs(uint64_t number) {
        BlockLogs b;
        b.block = devnet_.rpc("eth_getBlockByNumber", {quantity(number), false}).as_object();
        b.receipts = devnet_.rpc("eth_getBlockReceipts", {quantity(number)}).as_array();
        return b;
    }

    std::pair<uint64_t, core::Hash32> head() {
        const auto block = devnet_.rpc("eth_getBlockByNumber", {"latest", false});
        return {qty(block.at("number")), core::Hash32::from_hex(str(block.at("hash"))).value()};
    }

    store::Store& reader() {
        if (!reader_) reader_ = store::open_store(database_);
        return *reader_;
    }

    // Both contracts' cursors at the node's head, with its hash.
    bool at_head() {
        const auto [number, hash] = head();
        try {
            for (const auto& c : {contracts_.nft, contracts_.multi_token}) {
                const auto cursor = reader().get_cursor(kChainId, c);
                if (!cursor || cursor->block_number != number || cursor->block_hash != hash) return false;
            }
            return true;
        } catch (const std::exception&) {
            reader_.reset();  // the database restarted, or is not created yet
            return false;
        }
    }

    // Milliseconds from `since` until the cursors reach the head; nullopt on timeout.
    std::optional<double> wait_converged(Clock::time_point since) {
        const auto deadline = Clock::now() + kConvergeTimeout;
        while (Clock::now() < deadline) {
            if (at_head()) return ms_since(since);
            if (daemon_ && !daemon_->running()) throw std::runtime_error("tokensync exited on its own");
            std::this_thread::sleep_for(10ms);
        }
        return std::nullopt;
    }

    // /status says the chain is live and processed up to the node's head.
    bool status_at_head() {
        const auto r = daemon_->get("/status");
        if (r.status != 200) return false;
        const auto body = json::parse(r.body);
        const auto& chain = body.at("chains").as_array().at(0).as_object();
        if (chain.at("state").as_string() == "halted")
            throw std::runtime_error("the chain is halted: " + json::serialize(chain));
        const uint64_t node_head = devnet_.block_number();
        return chain.at("state").as_string() == "live" && chain.at("head").to_number<uint64_t>() == node_head &&
               chain.at("last_processed").is_number() && chain.at("last_processed").to_number<uint64_t>() == node_head;
    }

    void finish() {
        auto& proxy = *world_.proxy_;
        if (postgres() && !test_util::shared_postgres_cluster().running()) test_util::shared_postgres_cluster().start();
        if (!daemon_) start_daemon(true);
        const auto deadline = Clock::now() + kConvergeTimeout;
        bool ready = false;
        while (!ready && Clock::now() < deadline) {
            ready = status_at_head() && at_head();
            if (!ready) std::this_thread::sleep_for(20ms);
        }
        if (!ready) throw std::runtime_error("/status never showed the head processed with its hash");
        proxy.set_rates(0);
        proxy.set_lagging_logs(0);
        verify();
    }

    void verify() {
        const ChainTruth truth = read_chain(devnet_, contracts_);
        result_.logs = truth.logs.size();
        result_.blocks = truth.head;
        auto& store = reader();
        const std::string diff = compare_store(store, kChainId, contracts_, truth);
        result_.rows = count_rows(store, truth);
        if (!diff.empty() || result_.rows.total() != 0) {
            fail(fmt::format("the store differs from the chain: {} missing, {} duplicate, {} extra, {} wrong\n{}{}",
                             result_.rows.missing, result_.rows.duplicate, result_.rows.extra, result_.rows.wrong,
                             details_text_, diff));
        }
    }

    // The counts for the report, stricter than compare_store in two ways:
    // each stored log must carry its canonical block's hash, and each
    // token's author must be the promptAuthor of its BatchMinted log.
    RowCounts count_rows(store::Store& store, const ChainTruth& truth) {
        RowCounts rows;
        std::vector<core::Hash32> canonical(truth.head + 1);
        for (uint64_t n = 0; n <= truth.head; ++n) {
            const auto block = devnet_.rpc("eth_getBlockByNumber", {quantity(n), false});
            canonical[n] = core::Hash32::from_hex(str(block.at("hash"))).value();
        }
        std::set<std::tuple<uint64_t, uint64_t, std::string, std::string>> stored;
        for (const auto& contract : {contracts_.nft, contracts_.multi_token}) {
            store.scan_raw_events(kChainId, contract, 10'000, [&](const store::RawEvent& e, std::optional<int64_t>) {
                const auto key = std::tuple{e.block_number, e.log_index, e.tx_hash.hex(), e.contract.lower_hex()};
                if (!stored.insert(key).second) {
                    ++rows.duplicate;
                } else if (!truth.logs.contains(key)) {
                    ++rows.extra;
                } else if (e.block_number > truth.head || e.block_hash != canonical[e.block_number]) {
                    ++rows.wrong;
                    detail(fmt::format("log at block {} index {} stored with block hash {}, canonical {}",
                                       e.block_number, e.log_index, e.block_hash.hex(),
                                       e.block_number > truth.head ? "none" : canonical[e.block_number].hex()));
                }
            });
        }
        for (const auto& l : truth.logs)
            if (!stored.contains(l)) ++rows.missing;

        std::map<std::pair<std::string, std::string>, core::Uint256> balances;
        store.scan_balances(kChainId, contracts_.multi_token, 10'000, [&](const store::BalanceRow& b) {
            balances.emplace(std::pair{b.token_id.to_decimal(), b.holder.lower_hex()}, b.amount);
        });
        compare_maps("balance", balances, truth.balances, rows);

        std::map<std::string, std::string> owners;
        store.scan_owners(kChainId, contracts_.nft, 10'000, [&](const store::OwnerRow& o) {
            owners.emplace(o.token_id.to_decimal(), o.owner.lower_hex());
        });
        compare_maps("owner", owners, truth.owners, rows);

        std::map<std::string, std::string> authors;
        store.scan_tokens(kChainId, contracts_.nft, 10'000, [&](const store::Token& t) {
            authors.emplace(t.token_id.to_decimal(), lower(t.author.value_or("")));
        });
        compare_maps("author", authors, chain_authors(), rows);
        return rows;
    }

    template <class Map>
    void compare_maps(std::string_view what, const Map& stored, const Map& truth, RowCounts& rows) {
        for (const auto& [k, v] : truth) {
            const auto it = stored.find(k);
            if (it == stored.end()) {
                ++rows.missing;
                detail(fmt::format("{} {}: missing, chain has {}", what, key_text(k), value_text(v)));
            } else if (it->second != v) {
                ++rows.wrong;
                detail(fmt::format("{} {}: stored {}, chain has {}", what, key_text(k), value_text(it->second),
                                   value_text(v)));
            }
        }
        for (const auto& [k, v] : stored) {
            if (!truth.contains(k)) {
                ++rows.extra;
                detail(fmt::format("{} {}: stored {}, not on the chain", what, key_text(k), value_text(v)));
            }
        }
    }
    static std::string key_text(const std::string& k) { return k; }
    static std::string key_text(const std::pair<std::string, std::string>& k) {
        return fmt::format("(id {}, holder {})", k.first, k.second);
    }
    static std::string value_text(const std::string& v) { return v.empty() ? "\"\"" : v; }
    static std::string value_text(const core::Uint256& v) { return v.to_decimal(); }
    void detail(const std::string& line) {
        if (++details_ <= 12) details_text_ += "  " + line + "\n";
    }

    // Token id -> author (lower case; "" for none): the registered wallet
    // named by the canonical chain's BatchMinted log.
    std::map<std::string, std::string> chain_authors() {
        static const auto minted = test_util::event(
            "BatchMinted(address indexed minter, address indexed promptAuthor, uint256 indexed startTokenId, "
            "uint256 quantity)");
        const json::array logs = devnet_.get_logs({{"fromBlock", "0x0"},
                                                   {"toBlock", "latest"},
                                                   {"address", contracts_.nft.lower_hex()},
                                                   {"topics", json::array{json::value(minted.topic0().hex())}}});
        std::map<std::string, std::string> out;
        for (const auto& v : logs) {
            const auto& topics = v.at("topics").as_array();
            const auto author = topic_address(core::Hash32::from_hex(str(topics.at(2))).value()).lower_hex();
            const auto start = core::Uint256::from_be_bytes(core::Hash32::from_hex(str(topics.at(3))).value().bytes);
            const auto data = core::from_hex(str(v.at("data"))).value();
            core::ByteArray<32> word{};
            std::copy(data.begin(), data.begin() + 32, word.begin());
            const uint64_t q = core::Uint256::from_be_bytes(word).low64();
            const auto known = authors_.find(author);
            const std::string expected = known == authors_.end() ? "" : lower(known->second);
            for (uint64_t i = 0; i < q; ++i)
                out[start.checked_add(core::Uint256(i)).value().to_decimal()] = expected;
        }
        return out;
    }

    std::string config_yaml() const {
        return fmt::format(
            "database: \"{}\"\n"
            "chains:\n"
            "  - name: base\n"
            "    chain_id: {}\n"
            "    rpc: [\"{}\"]\n"
            "    ws: ws://127.0.0.1:{}\n"
            "    poll_interval_ms: 50\n"
            "    finality_depth: 64\n"
            "sync:\n"
            "  workers: 2\n"
            "contracts:\n"
            "  - name: nft\n"
            "    chain: base\n"
            "    address: \"{}\"\n"
            "    abi: {}\n"
            "    modules: [token_registry, erc721]\n"
            "  - name: multi\n"
            "    chain: base\n"
            "    address: \"{}\"\n"
            "    abi: {}\n"
            "    modules: [erc1155]\n"
            "server:\n"
            "  listen: 127.0.0.1:{{port}}\n"
            "  shutdown_timeout_ms: 5000\n"
            "webhooks:\n"
            "  alchemy:\n"
            "    signing_key: ${{ALCHEMY_KEY}}\n",
            database_, kChainId, world_.proxy_->url(), devnet_.port(), contracts_.nft.checksum(),
            test_util::Devnet::artifact_path("PromptNFT").string(), contracts_.multi_token.checksum(),
            test_util::Devnet::artifact_path("TestMultiToken").string());
    }

    void teardown() {
        if (daemon_) {
            last_output_ = daemon_->output_tail(30);
            daemon_->stop(SIGKILL, 5s);
            daemon_.reset();
        }
        reader_.reset();
        world_.proxy_->set_rates(0);
        world_.proxy_->set_lagging_logs(0);
        try {
            if (postgres() && !test_util::shared_postgres_cluster().running())
                test_util::shared_postgres_cluster().start();
        } catch (const std::exception& e) {
            fail(fmt::format("PostgreSQL did not start again: {}", e.what()));
        }
    }

    PropertyWorld& world_;
    test_util::Devnet& devnet_;
    const test_util::TestContracts& contracts_;
    std::mt19937_64 rng_;
    SeedResult result_;
    std::string database_;
    std::unique_ptr<test_util::Daemon> daemon_;
    std::unique_ptr<store::Store> reader_;
    std::size_t starts_ = 0;
    bool catching_up_ = false;  // started without waiting for the catch-up
    uint64_t down_for_ = 0;     // actions left before a killed daemon starts again
    uint64_t deliveries_ = 0;
    std::vector<std::string> sent_;               // delivery bodies, for replays
    std::vector<BlockLogs> orphaned_;             // blocks a reorg replaced
    std::string trail_;                           // the actions done, for failure messages
    std::string last_output_;                     // the tail of the last killed daemon's output
    std::map<std::string, std::string> authors_;  // registered: lower-case wallet -> as stored
    std::size_t details_ = 0;                     // differences found by count_rows
    std::string details_text_;                    // the first of them
};

SeedResult PropertyWorld::run_seed(uint64_t seed) {
    if (seeds_on_chain_++ == kSeedsPerChain) {
        fresh_chain();
        ++seeds_on_chain_;
    }
    return SeedRun(*this, seed).run();
}

}  // namespace tokensync::app::testing
