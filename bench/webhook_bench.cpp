// Webhook intake: wrk (Debian) on loopback posts validly signed Alchemy
// Custom-webhook deliveries, each with its own id, to a running `tokensync
// run` (SQLite, one chain on anvil); requests/s and latency percentiles per
// run, as wrk measures them. The daemon and wrk share the machine's cores.
//
//   webhook_bench [--runs N] [--seconds S] [--connections C] [--threads T] [--no-warmup]
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>

#include "core/hex.hpp"
#include "core/hmac.hpp"
#include "test_util/abi_call.hpp"
#include "test_util/daemon.hpp"
#include "test_util/devnet.hpp"
#include "test_util/process.hpp"
#include "test_util/temp_dir.hpp"

namespace {

using namespace tokensync;

constexpr std::string_view kKey = "whsec_bench_signing_key_0123456789";

std::string sign(std::string_view body) {
    const auto mac = core::hmac_sha256({reinterpret_cast<const uint8_t*>(kKey.data()), kKey.size()},
                                       {reinterpret_cast<const uint8_t*>(body.data()), body.size()});
    return core::to_hex(mac, false);
}

// One Custom (GraphQL) delivery of the minted block, with its first log
// (about 1 KB, the size of a one-transfer block notice).
std::string delivery(const std::string& id, const boost::json::object& receipt) {
    const auto& log = receipt.at("logs").as_array().at(0).as_object();
    const auto q = [](const boost::json::value& v) { return std::stoull(std::string(v.as_string()), nullptr, 16); };
    boost::json::object transaction{{"hash", receipt.at("transactionHash")},
                                    {"nonce", 0},
                                    {"index", q(receipt.at("transactionIndex"))},
                                    {"from", boost::json::object{{"address", receipt.at("from")}}},
                                    {"to", boost::json::object{{"address", receipt.at("to")}}},
                                    {"status", 1}};
    boost::json::object custom_log{{"data", log.at("data")},
                                   {"topics", log.at("topics")},
                                   {"index", q(log.at("logIndex"))},
                                   {"account", boost::json::object{{"address", log.at("address")}}},
                                   {"transaction", std::move(transaction)}};
    boost::json::object block{{"hash", receipt.at("blockHash")},
                              {"number", q(receipt.at("blockNumber"))},
                              {"timestamp", 1'764'000'000},
                              {"logs", boost::json::array{std::move(custom_log)}}};
    boost::json::object event{{"data", boost::json::object{{"block", std::move(block)}}},
                              {"sequenceNumber", "10000000000578619000"},
                              {"network", "BASE_SEPOLIA"}};
    boost::json::object body{{"webhookId", "wh_bench000000001"},
                             {"id", id},
                             {"createdAt", "2026-11-24T07:51:07.945953790Z"},
                             {"type", "GRAPHQL"},
                             {"event", std::move(event)}};
    return boost::json::serialize(body);
}

std::string capture(const std::string& text, const std::string& pattern) {
    std::smatch m;
    return std::regex_search(text, m, std::regex(pattern)) ? m[1].str() : "?";
}

}  // namespace

int main(int argc, char** argv) {
    int runs = 3;
    int seconds = 10;
    int connections = 32;
    int threads = 1;
    bool warmup = true;
    CLI::App app("Webhook intake throughput with wrk");
    app.add_option("--runs", runs)->check(CLI::PositiveNumber);
    app.add_option("--seconds", seconds)->check(CLI::PositiveNumber);
    app.add_option("--connections", connections)->check(CLI::PositiveNumber);
    app.add_option("--threads", threads)->check(CLI::PositiveNumber);
    app.add_flag("!--no-warmup", warmup, "Skip the 3 s warm-up run");
    CLI11_PARSE(app, argc, argv);

    test_util::Devnet::Options devnet_options;
    devnet_options.chain_id = 84532;
    devnet_options.silent = true;
    test_util::Devnet devnet(devnet_options);
    const auto contracts = devnet.deploy_test_contracts();
    const auto receipt =
        devnet.send(test_util::dev_address(1), contracts.nft,
                    test_util::calldata("batchMint(address,uint256)", {test_util::dev_address(2).lower_hex(), "1"}));
    test_util::TempDir dir("tokensync-webhook-bench");
    const std::string yaml = fmt::format(
        "database: \"sqlite://{}\"\n"
        "chains:\n  - name: base\n    chain_id: 84532\n    rpc: [\"{}\"]\n    poll_interval_ms: 1000\n"
        "contracts:\n  - name: nft\n    chain: base\n    address: \"{}\"\n    modules: [token_registry, erc721]\n"
        "server:\n  listen: 127.0.0.1:{{port}}\n"
        "webhooks:\n  alchemy:\n    signing_key: {}\n",
        (dir.path() / "bench.db").string(), devnet.url(), contracts.nft.checksum(), kKey);
    test_util::Daemon daemon(yaml);
    if (!daemon.wait_for_status("/health/ready", 200, std::chrono::seconds(30))) {
        fmt::print(stderr, "the daemon did not get ready:\n{}\n", daemon.output_tail());
        return 1;
    }
    // Enough distinct deliveries that none repeats within a run at 20,000/s.
    const std::size_t per_run = static_cast<std::size_t>(seconds) * 20'000;
    const std::string script = std::string(TOKENSYNC_SOURCE_DIR) + "/bench/webhook_bench.lua";
    fmt::print("webhook intake: wrk -t{} -c{} -d{}s on loopback, {} distinct signed deliveries per run\n", threads,
               connections, seconds, per_run);
    // Run 0 is a warm-up (3 s), not reported: the first seconds against a
    // fresh daemon include start-up effects (the id set growing from empty).
    // Every run's payload file is written (and synced to disk) before the
    // first run, so no write-back competes with a measured run.
    const int first = warmup ? 0 : 1;
    for (int run = first; run <= runs; ++run) {
        std::ofstream out(dir.path() / fmt::format("payloads-{}.tsv", run));
        for (std::size_t i = 0; i < per_run; ++i) {
            const std::string body = delivery(fmt::format("whevt_bench_{}_{:08}", run, i), receipt);
            out << sign(body) << '\t' << body << '\n';
        }
    }
    test_util::run_command({"sync"});
    for (int run = first; run <= runs; ++run) {
        const auto payloads = dir.path() / fmt::format("payloads-{}.tsv", run);
        const auto result = test_util::run_command(
            {"wrk", fmt::format("-t{}", threads), fmt::format("-c{}", connections),
             fmt::format("-d{}s", run == 0 ? 3 : seconds), "--latency", "-s", script,
             daemon.base_url() + "/webhooks/alchemy", "--", payloads.string(), std::to_string(threads)});
        if (result.status != 0) {
            fmt::print(stderr, "wrk failed:\n{}\n", result.output);
            return 1;
        }
        if (run == 0) {
            std::filesystem::remove(payloads);
            continue;
        }
        fmt::print("run {}: requests/s={} p50={} p90={} p99={} non2xx={}\n", run,
                   capture(result.output, R"(Requests/sec:\s+([\d.]+))"),
                   capture(result.output, R"(50%\s+([\d.]+\w+))"), capture(result.output, R"(90%\s+([\d.]+\w+))"),
                   capture(result.output, R"(99%\s+([\d.]+\w+))"),
                   capture(result.output, R"(Non-2xx or 3xx responses:\s+(\d+))") == "?"
                       ? "0"
                       : capture(result.output, R"(Non-2xx or 3xx responses:\s+(\d+))"));
        std::filesystem::remove(payloads);
    }
    const std::string metrics = daemon.get("/metrics").body;
    fmt::print("daemon counted: accepted={} duplicate={} bad_signature={}\n",
               capture(metrics, R"(tokensync_webhook_deliveries_total\{outcome="accepted"\} (\S+))"),
               capture(metrics, R"(tokensync_webhook_deliveries_total\{outcome="duplicate"\} (\S+))"),
               capture(metrics, R"(tokensync_webhook_deliveries_total\{outcome="bad_signature"\} (\S+))"));
    return 0;
}
