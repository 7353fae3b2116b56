#include "test_util/devnet.hpp"

#include <charconv>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <thread>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>

namespace tokensync::test_util {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr auto kPollInterval = 50ms;
constexpr int kPortAttempts = 3;  // free_port() can race with another process taking the port

std::string describe_error(const boost::json::value& error) {
    if (!error.is_object()) return boost::json::serialize(error);
    const auto& obj = error.as_object();
    if (const auto* msg = obj.if_contains("message"); msg != nullptr && msg->is_string())
        return std::string(msg->as_string());
    return boost::json::serialize(error);
}

}  // namespace

DevnetRpcError::DevnetRpcError(std::string_view method, int64_t code, std::string message, boost::json::value data)
    : std::runtime_error(fmt::format("{} failed: {} (code {})", method, message, code)),
      code_(code),
      rpc_message_(std::move(message)),
      data_(std::move(data)) {}

uint64_t parse_quantity(const boost::json::value& v) {
    if (!v.is_string()) throw std::invalid_argument("quantity is not a string: " + boost::json::serialize(v));
    const std::string_view s = v.as_string();
    if (s.size() < 3 || !s.starts_with("0x")) throw std::invalid_argument(fmt::format("bad quantity {}", s));
    uint64_t out = 0;
    const auto [ptr, ec] = std::from_chars(s.data() + 2, s.data() + s.size(), out, 16);
    if (ec != std::errc{} || ptr != s.data() + s.size()) throw std::invalid_argument(fmt::format("bad quantity {}", s));
    return out;
}

core::Address dev_address(std::size_t index) {
    const auto addr = core::Address::from_hex(kDevAccounts.at(index).address);
    if (!addr) throw std::logic_error("bad dev account constant");
    return *addr;
}

Devnet::Devnet() : Devnet(Options{}) {}

Devnet::Devnet(Options options) : options_(std::move(options)), dir_(std::make_unique<TempDir>("tokensync-devnet")) {
    for (int attempt = 1;; ++attempt) {
        port_ = free_port();
        try {
            start();
            return;
        } catch (const std::exception&) {
            // Another process may have taken the port since free_port(); anything else is final.
            if (attempt == kPortAttempts || running() || log_tail(5).find("in use") == std::string::npos) throw;
            process_ = Process{};
        }
    }
}

Devnet::~Devnet() = default;  // Process stops anvil; TempDir removes logs and state

std::filesystem::path Devnet::anvil_path() {
    const char* env = std::getenv("TOKENSYNC_SOURCE_DIR");
    const std::filesystem::path source = env != nullptr && *env != '\0' ? env : TOKENSYNC_SOURCE_DIR;
    return source / "node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil";
}

void Devnet::start() {
    url_ = fmt::format("http://127.0.0.1:{}", port_);
    std::vector<std::string> argv{anvil_path().string(),
                                  "--host",
                                  "127.0.0.1",
                                  "--port",
                                  std::to_string(port_),
                                  "--chain-id",
                                  std::to_string(options_.chain_id)};
    if (options_.silent) argv.emplace_back("--silent");
    if (load_state_) {
        argv.emplace_back("--load-state");
        argv.push_back(load_state_->string());
    }
    argv.insert(argv.end(), options_.extra_args.begin(), options_.extra_args.end());
    Process::Options popts;
    popts.argv = std::move(argv);
    popts.stdout_path = log_path().string();
    {
        std::ofstream mark(log_path(), std::ios::app);
        mark << "---- tokensync devnet: starting anvil on port " << port_ << '\n';
    }
    process_ = Process(popts);
    net::HttpClient::Options copts;
    copts.connect_timeout = 200ms;
    copts.request_timeout = 120s;  // eth_getLogs over a large chain, anvil_dumpState
    client_.emplace(url_, copts);
    wait_until_ready();
}

void Devnet::wait_until_ready() {
    const auto deadline = Clock::now() + options_.start_timeout;
    std::string last_error = "no answer";
    while (Clock::now() < deadline) {
        if (!process_.running())
            throw std::runtime_error(
                fmt::format("anvil exited during start-up (status {}); log tail:\n{}", process_.wait(), log_tail()));
        try {
            const auto id = parse_quantity(rpc("eth_chainId"));
            if (id != options_.chain_id)
                throw std::runtime_error(fmt::format("anvil answers chain id {}, not {}", id, options_.chain_id));
            return;
        } catch (const net::HttpError& e) {
            last_error = e.what();
        }
        std::this_thread::sleep_for(kPollInterval);
    }
    throw std::runtime_error(fmt::format("anvil did not answer eth_chainId within {} ms ({}); log tail:\n{}",
                                         options_.start_timeout.count(), last_error, log_tail()));
}

std::string Devnet::log_tail(std::size_t max_lines) const {
    std::ifstream in(log_path());
    std::deque<std::string> lines;
    for (std::string line; std::getline(in, line);) {
        lines.push_back(std::move(line));
        if (lines.size() > max_lines) lines.pop_front();
    }
    std::string out;
    for (const auto& line : lines)
        out += line + '\n';
    return out;
}

boost::json::value Devnet::rpc(std::string_view method, boost::json::array params) {
    const boost::json::object request{
        {"jsonrpc", "2.0"}, {"id", next_id_++}, {"method", method}, {"params", std::move(params)}};
    const auto response = client_->post("", boost::json::serialize(request));
    if (!response.ok())
        throw std::runtime_error(fmt::format("{}: HTTP {} from anvil: {}", method, response.status, response.body));
    auto parsed = boost::json::parse(response.body);
    auto& obj = parsed.as_object();
    if (const auto* error = obj.if_contains("error")) {
        int64_t code = 0;
        boost::json::value data;
        if (error->is_object()) {
            if (const auto* c = error->as_object().if_contains("code"); c != nullptr && c->is_int64())
                code = c->as_int64();
            if (const auto* d = error->as_object().if_contains("data")) data = *d;
        }
        throw DevnetRpcError(method, code, describe_error(*error), std::move(data));
    }
    return std::move(obj["result"]);
}

void Devnet::kill(int signal) {
    process_.kill(signal);
    process_.wait();
    client_->close();
}

void Devnet::restart() {
    if (process_.running()) process_.stop();
    client_->close();
    start();
}

bool Devnet::running() { return process_.running(); }

}  // namespace tokensync::test_util
