#include "cli/abi_command.hpp"

#include <cstdio>
#include <exception>
#include <expected>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/exit_codes.hpp"
#include "core/abi/args.hpp"
#include "core/abi/decode.hpp"
#include "core/abi/encode.hpp"
#include "core/abi/json.hpp"
#include "core/abi/parse.hpp"
#include "core/address.hpp"
#include "core/hash.hpp"
#include "core/hex.hpp"

namespace tokensync::cli {
namespace {

namespace abi = core::abi;

// Thrown for input errors; guarded() prints it and sets kExitConfig (2).
struct BadInput {
    std::string message;
};

template <typename T, typename E>
T or_fail(std::expected<T, E> r, std::string_view what) {
    if (!r) throw BadInput{fmt::format("{}: {}", what, to_string(r.error()))};
    return std::move(*r);
}

std::vector<std::string> split_commas(const std::string& text) {
    std::vector<std::string> out;
    if (text.empty()) return out;
    std::size_t start = 0;
    for (;;) {
        std::size_t comma = text.find(',', start);
        out.push_back(text.substr(start, comma - start));
        if (comma == std::string::npos) return out;
        start = comma + 1;
    }
}

struct Options {
    std::string signature;
    std::vector<std::string> args;
    std::string topics;
    std::string data = "0x";
    std::string address;
};

void run_topic(const Options& o) {
    auto ev = or_fail(abi::parse_event(o.signature), "invalid event signature");
    fmt::print("{}\n", ev.topic0().hex());
}

void run_selector(const Options& o) {
    auto fn = or_fail(abi::parse_function(o.signature), "invalid function signature");
    fmt::print("{}\n", core::to_hex(fn.selector()));
}

void run_encode(const Options& o) {
    auto fn = or_fail(abi::parse_function(o.signature), "invalid function signature");
    auto types = abi::types_of(fn.inputs);
    if (o.args.size() != types.size()) {
        throw BadInput{
            fmt::format("expected {} arguments for {}, got {}", types.size(), fn.signature(), o.args.size())};
    }
    std::vector<abi::Value> values;
    for (std::size_t i = 0; i < types.size(); ++i) {
        values.push_back(
            or_fail(abi::parse_arg(types[i], o.args[i]), fmt::format("argument {} ({})", i + 1, types[i].canonical())));
    }
    auto calldata = or_fail(abi::encode_call(fn, values), "cannot encode");
    fmt::print("{}\n", core::to_hex(calldata));
}

void run_decode_log(const Options& o) {
    auto ev = or_fail(abi::parse_event(o.signature), "invalid event signature");
    std::vector<core::Hash32> topics;
    for (const auto& t : split_commas(o.topics)) {
        topics.push_back(or_fail(core::Hash32::from_hex(t), fmt::format("topic '{}'", t)));
    }
    auto data = or_fail(core::from_hex(o.data), "data");
    auto values = or_fail(abi::decode_log(ev, topics, data), "cannot decode log");
    fmt::print("{}\n", abi::to_json(ev.inputs, values));
}

void run_checksum(const Options& o) {
    auto address = or_fail(core::Address::from_hex_lenient(o.address), "invalid address");
    fmt::print("{}\n", address.checksum());
}

// Runs one sub-command body and turns its failure into a one-line message.
void guarded(const std::function<void()>& body, int& exit_code) {
    try {
        body();
        exit_code = kExitOk;
    } catch (const BadInput& e) {
        fmt::print(stderr, "error: {}\n", e.message);
        exit_code = kExitConfig;
    } catch (const std::exception& e) {
        fmt::print(stderr, "error: {}\n", e.what());
        exit_code = kExitConfig;
    }
}

}  // namespace

void add_abi_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("abi", "Solidity ABI: selectors, topics, call encoding, log decoding");
    cmd->require_subcommand(1);
    // Shared by the sub-commands; CLI11 keeps the callbacks for the app's lifetime.
    auto options = std::make_shared<Options>();

    auto* topic = cmd->add_subcommand("topic", "Print the topic0 of an event signature");
    topic->add_option("signature", options->signature, "e.g. \"Transfer(address,address,uint256)\"")->required();
    topic->callback([options, &exit_code] { guarded([&] { run_topic(*options); }, exit_code); });

    auto* selector = cmd->add_subcommand("selector", "Print the 4-byte selector of a function signature");
    selector->add_option("signature", options->signature, "e.g. \"function balanceOf(address)\"")->required();
    selector->callback([options, &exit_code] { guarded([&] { run_selector(*options); }, exit_code); });

    auto* encode = cmd->add_subcommand("encode", "Print the call data of a function call");
    encode->add_option("signature", options->signature, "function signature")->required();
    // The arguments are taken raw from remaining(): a CLI11 vector option
    // would split "[1,2]" into two values.
    // fallthrough would hand them to the parent app, which rejects them.
    encode->allow_extras();
    encode->fallthrough(false);
    encode->footer("ARGS: 0x.. addresses and bytes, numbers (- for intN), true/false, [..] arrays, (..) tuples");
    encode->callback([options, encode, &exit_code] {
        guarded(
            [&] {
                options->args = encode->remaining();
                run_encode(*options);
            },
            exit_code);
    });

    auto* decode = cmd->add_subcommand("decode-log", "Decode a log's topics and data as JSON");
    decode->add_option("signature", options->signature, "event signature with 'indexed' markers")->required();
    decode->add_option("--topics", options->topics, "comma-separated 0x topics, topic0 first");
    decode->add_option("--data", options->data, "0x data");
    decode->callback([options, &exit_code] { guarded([&] { run_decode_log(*options); }, exit_code); });

    auto* checksum = cmd->add_subcommand("checksum", "Print an address in EIP-55 mixed case");
    checksum->add_option("address", options->address, "0x + 40 hex digits")->required();
    checksum->callback([options, &exit_code] { guarded([&] { run_checksum(*options); }, exit_code); });
}

}  // namespace tokensync::cli
