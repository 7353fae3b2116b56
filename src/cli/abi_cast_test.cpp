// Compares `tokensync abi` with Foundry's `cast` on randomly generated
// signatures, arguments, logs and addresses (fixed seed, so failures repeat).
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/abi/args.hpp"
#include "core/abi/encode.hpp"
#include "core/abi/parse.hpp"
#include "core/address.hpp"
#include "core/hex.hpp"
#include "core/uint256.hpp"
#include "test_util/process.hpp"

namespace tokensync::cli {
namespace {

namespace abi = core::abi;
using test_util::run_command;

constexpr uint64_t kSeed = 20261124;
// About 700 processes: a few hundred comparisons in well under a minute on
// two busy cores.
constexpr int kFunctionCases = 70;
constexpr int kEventCases = 60;
constexpr int kChecksumCases = 30;
constexpr unsigned kThreads = 4;

std::string cast_path() {
    const char* dir = std::getenv("TOKENSYNC_SOURCE_DIR");
    return std::string{dir != nullptr ? dir : TOKENSYNC_SOURCE_DIR} + "/node_modules/.bin/cast";
}

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' '))
        s.pop_back();
    return s;
}

// ---- random generation -------------------------------------------------

class Gen {
  public:
    explicit Gen(uint64_t seed) : rng_{seed} {}

    int range(int lo, int hi) { return std::uniform_int_distribution<int>{lo, hi}(rng_); }
    bool coin() { return range(0, 1) == 1; }

    core::Bytes bytes(std::size_t n) {
        core::Bytes out(n);
        for (auto& b : out)
            b = static_cast<uint8_t>(range(0, 255));
        return out;
    }

    std::string word(int min_len, int max_len) {
        static constexpr std::string_view kChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        std::string s;
        int n = range(min_len, max_len);
        for (int i = 0; i < n; ++i)
            s += kChars[static_cast<std::size_t>(range(0, kChars.size() - 1))];
        return s;
    }

    std::string identifier() { return "p" + word(1, 6); }

    abi::Type value_type() {
        switch (range(0, 4)) {
            case 0:
                return abi::Type::uint(static_cast<unsigned>(8 * range(1, 32)));
            case 1:
                return abi::Type::sint(static_cast<unsigned>(8 * range(1, 32)));
            case 2:
                return abi::Type::address();
            case 3:
                return abi::Type::boolean();
            default:
                return abi::Type::fixed_bytes(static_cast<unsigned>(range(1, 32)));
        }
    }

    abi::Type type(int depth) {
        int pick = range(0, depth > 0 ? 9 : 6);
        if (pick <= 4) return value_type();
        if (pick == 5) return abi::Type::bytes();
        if (pick == 6) return abi::Type::string();
        if (pick == 7) return abi::Type::array(type(depth - 1));
        if (pick == 8) return abi::Type::fixed_array(type(depth - 1), static_cast<uint64_t>(range(1, 3)));
        std::vector<abi::Type> cs;
        int n = range(1, 3);
        cs.reserve(static_cast<std::size_t>(n));
        for (int i = 0; i < n; ++i)
            cs.push_back(type(depth - 1));
        return abi::Type::tuple(std::move(cs));
    }

    core::Uint256 uint_of_bits(uint64_t bits) {
        switch (range(0, 5)) {
            case 0:
                return core::Uint256{0};
            case 1: {  // the maximum
                auto all = core::Bytes(bits / 8, 0xff);
                return core::Uint256::from_be_bytes(all).value();
            }
            case 2:
                return core::Uint256{static_cast<uint64_t>(range(0, 255))};
            default:
                return core::Uint256::from_be_bytes(
                           bytes(static_cast<std::size_t>(range(1, static_cast<int>(bits / 8)))))
                    .value();
        }
    }

    // A value as typed on a command line; `nested` strings avoid spaces,
    // which cast trims inside brackets.
    std::string arg(const abi::Type& t, bool nested) {
        switch (t.kind()) {
            case abi::Kind::kUint: {
                auto v = uint_of_bits(t.size());
                return coin() ? v.to_decimal() : v.to_hex();
            }
            case abi::Kind::kInt: {
                // A random N-bit pattern, sign-extended to 256 bits.
                auto v = uint_of_bits(t.size());
                auto be = v.to_be_bytes();
                std::size_t first = 32 - t.size() / 8;
                if ((be[first] & 0x80) != 0) {
                    for (std::size_t i = 0; i < first; ++i)
                        be[i] = 0xff;
                }
                return core::Uint256::from_be_bytes(be).to_signed_decimal();
            }
            case abi::Kind::kAddress: {
                core::ByteArray<20> a{};
                auto b = bytes(20);
                std::copy(b.begin(), b.end(), a.begin());
                core::Address addr{a};
                return coin() ? addr.checksum() : addr.lower_hex();
            }
            case abi::Kind::kBool:
                return coin() ? "true" : "false";
            case abi::Kind::kFixedBytes:
                return core::to_hex(bytes(t.size()));
            case abi::Kind::kBytes:
                return core::to_hex(bytes(static_cast<std::size_t>(range(0, 40))));
            case abi::Kind::kString:
                if (nested) return word(1, 12);
                return word(1, 5) + (coin() ? " " + word(1, 40) : "");
            case abi::Kind::kArray:
            case abi::Kind::kFixedArray: {
                auto n = t.kind() == abi::Kind::kArray ? range(0, 3) : static_cast<int>(t.size());
                std::string s = "[";
                for (int i = 0; i < n; ++i)
                    s += (i != 0 ? "," : "") + arg(t.element(), true);
                return s + "]";
            }
            case abi::Kind::kTuple: {
                std::string s = "(";
                for (std::size_t i = 0; i < t.components().size(); ++i) {
                    s += (i != 0 ? "," : "") + arg(t.components()[i], true);
                }
                return s + ")";
            }
        }
        return {};
    }

  private:
    std::mt19937_64 rng_;
};

// ---- cast's output format ----------------------------------------------

// cast prints large numbers with a " [1.157e77]" hint; drop it.
std::string strip_hints(const std::string& s) {
    static const std::regex kHint{R"( \[-?[0-9.]+e-?[0-9]+\])"};
    return std::regex_replace(s, kHint, "");
}

// Renders one value of tokensync's JSON the way cast decode-event prints it.
std::string cast_style(const abi::Type& t, const boost::json::value& v) {
    switch (t.kind()) {
        case abi::Kind::kBool:
            return v.as_bool() ? "true" : "false";
        case abi::Kind::kString:
            return "\"" + std::string{v.as_string()} + "\"";  // generated strings need no escapes
        case abi::Kind::kArray:
        case abi::Kind::kFixedArray:
        case abi::Kind::kTuple: {
            const auto& items = v.as_array();
            bool tuple = t.kind() == abi::Kind::kTuple;
            std::string s = tuple ? "(" : "[";
            for (std::size_t i = 0; i < items.size(); ++i) {
                if (i != 0) s += ", ";
                s += cast_style(tuple ? t.components()[i] : t.element(), items[i]);
            }
            return s + (tuple ? ")" : "]");
        }
        default:
            return std::string{v.as_string()};
    }
}

// ---- the cases -----------------------------------------------------------

struct Checker {
    std::string tokensync = TOKENSYNC_BINARY;
    std::string cast = cast_path();
    std::mutex mutex;
    std::vector<std::string> failures;
    std::map<std::string, int> compared;  // per kind of comparison

    // Runs a command that must succeed; returns its trimmed output.
    std::optional<std::string> run(const std::vector<std::string>& argv, const std::string& label) {
        auto r = run_command(argv);
        if (r.status != 0) {
            fail(fmt::format("{}: exit {}: {}\n  argv: {}", label, r.status, trim(r.output), fmt::join(argv, " | ")));
            return std::nullopt;
        }
        return trim(r.output);
    }

    void fail(std::string message) {
        std::lock_guard lock{mutex};
        failures.push_back(std::move(message));
    }

    void same(const std::string& what, const std::string& ours, const std::string& theirs,
              const std::vector<std::string>& context) {
        {
            std::lock_guard lock{mutex};
            ++compared[what];
        }
        if (ours != theirs) {
            fail(fmt::format("{} differs\n  tokensync: {}\n  cast:      {}\n  case: {}", what, ours, theirs,
                             fmt::join(context, " | ")));
        }
    }
};

std::string param_list(const std::vector<abi::Type>& types, const std::vector<std::string>& decorations) {
    std::string s;
    for (std::size_t i = 0; i < types.size(); ++i) {
        if (i != 0) s += ", ";
        s += types[i].canonical() + decorations[i];
    }
    return s;
}

std::function<void()> function_case(Checker& c, Gen& g, int index) {
    int n = g.range(0, 4);
    std::vector<abi::Type> types;
    std::vector<std::string> decorations;
    std::vector<std::string> args;
    for (int i = 0; i < n; ++i) {
        types.push_back(g.type(2));
        args.push_back(g.arg(types.back(), false));
        decorations.push_back(g.coin() ? " " + g.identifier() : "");
    }
    std::string name = fmt::format("f{}_{}", index, g.word(1, 4));
    std::string human =
        fmt::format("function {}({}) external view returns (uint256)", name, param_list(types, decorations));
    std::string bare = fmt::format("{}({})", name, param_list(types, std::vector<std::string>(types.size())));
    std::string sig = g.coin() ? human : bare;
    return [&c, sig, bare, args] {
        auto ours = c.run({c.tokensync, "abi", "selector", sig}, "tokensync abi selector");
        auto theirs = c.run({c.cast, "sig", sig}, "cast sig");
        if (ours && theirs) c.same("selector", *ours, *theirs, {sig});

        std::vector<std::string> ts{c.tokensync, "abi", "encode", sig};
        std::vector<std::string> cs{c.cast, "calldata", bare};
        ts.insert(ts.end(), args.begin(), args.end());
        cs.insert(cs.end(), args.begin(), args.end());
        auto ours_data = c.run(ts, "tokensync abi encode");
        auto theirs_data = c.run(cs, "cast calldata");
        std::vector<std::string> context{bare};
        context.insert(context.end(), args.begin(), args.end());
        if (ours_data && theirs_data) c.same("calldata", *ours_data, *theirs_data, context);
    };
}

std::function<void()> event_case(Checker& c, Gen& g, int index) {
    struct Param {
        abi::Type type;
        bool indexed;
        std::string arg;
        std::string name;
    };
    std::vector<Param> params;
    int n = g.range(1, 5);
    int indexed = 0;
    for (int i = 0; i < n; ++i) {
        bool idx = indexed < 3 && g.range(0, 2) == 0;
        abi::Type t = idx ? g.value_type() : g.type(2);
        indexed += idx ? 1 : 0;
        std::string arg = g.arg(t, false);
        params.push_back({std::move(t), idx, std::move(arg), g.coin() ? g.identifier() + std::to_string(i) : ""});
    }
    std::string name = fmt::format("E{}_{}", index, g.word(1, 4));
    std::string human = "event " + name + "(";
    std::string data_sig = "f(";
    std::string data_types = "(";
    std::vector<std::string> data_args;
    std::vector<std::string> topics;
    for (std::size_t i = 0; i < params.size(); ++i) {
        const auto& p = params[i];
        human += (i != 0 ? ", " : "") + p.type.canonical() + (p.indexed ? " indexed" : "") +
                 (p.name.empty() ? "" : " " + p.name);
        if (p.indexed) {
            // A value type's topic is its one-word encoding.
            auto v = abi::parse_arg(p.type, p.arg).value();
            topics.push_back(core::to_hex(abi::encode_one(p.type, v).value()));
        } else {
            data_types += (data_args.empty() ? "" : ",") + p.type.canonical();
            data_args.push_back(p.arg);
        }
    }
    human += ")";
    data_types += ")";
    return [&c, params, human, name, data_types, data_args, topics] {
        auto ours_topic = c.run({c.tokensync, "abi", "topic", human}, "tokensync abi topic");
        auto theirs_topic = c.run({c.cast, "sig-event", human}, "cast sig-event");
        if (!ours_topic || !theirs_topic) return;
        c.same("topic0", *ours_topic, *theirs_topic, {human});

        std::vector<std::string> encode{c.cast, "abi-encode", "f" + data_types};
        encode.insert(encode.end(), data_args.begin(), data_args.end());
        auto data = c.run(encode, "cast abi-encode");
        if (!data) return;
        std::string topic_list = *ours_topic;
        for (const auto& t : topics)
            topic_list += "," + t;
        auto ours = c.run({c.tokensync, "abi", "decode-log", human, "--topics", topic_list, "--data", *data},
                          "tokensync abi decode-log");
        if (!ours) return;
        boost::json::object decoded = boost::json::parse(*ours).as_object();

        std::vector<std::string> our_lines;
        std::vector<std::string> indexed_lines;
        for (std::size_t i = 0; i < params.size(); ++i) {
            const auto& p = params[i];
            std::string key = p.name.empty() ? "arg" + std::to_string(i) : p.name;
            const auto* v = decoded.if_contains(key);
            if (v == nullptr) {
                c.fail(fmt::format("decode-log: no key {} in {}", key, *ours));
                return;
            }
            (p.indexed ? indexed_lines : our_lines).push_back(cast_style(p.type, *v));
        }
        if (!data_args.empty()) {
            auto theirs = c.run({c.cast, "decode-event", "--sig", "E" + data_types, *data}, "cast decode-event");
            if (theirs) {
                c.same("decoded data", fmt::format("{}", fmt::join(our_lines, "\n")), strip_hints(*theirs),
                       {human, *data});
            }
        }
        // Indexed values come back from their topics as they were typed
        // (numbers in decimal, addresses checksummed).
        std::size_t k = 0;
        for (const auto& p : params) {
            if (!p.indexed) continue;
            auto expected = abi::parse_arg(p.type, p.arg).value();
            std::string want;
            if (const auto* u = expected.get_if<core::Uint256>())
                want = u->to_decimal();
            else if (const auto* s = expected.get_if<abi::Int>())
                want = s->value.to_signed_decimal();
            else if (const auto* a = expected.get_if<core::Address>())
                want = a->checksum();
            else if (const auto* b = expected.get_if<bool>())
                want = *b ? "true" : "false";
            else
                want = core::to_hex(std::get<abi::FixedBytes>(expected.data).bytes);
            c.same("indexed value", indexed_lines[k++], want, {human, p.arg});
        }
    };
}

std::function<void()> checksum_case(Checker& c, Gen& g) {
    std::string address = core::to_hex(g.bytes(20));
    return [&c, address] {
        auto ours = c.run({c.tokensync, "abi", "checksum", address}, "tokensync abi checksum");
        auto theirs = c.run({c.cast, "to-check-sum-address", address}, "cast to-check-sum-address");
        if (ours && theirs) c.same("checksum", *ours, *theirs, {address});
    };
}

TEST(AbiCast, AgreesWithCast) {
    Checker checker;
    Gen gen{kSeed};
    std::vector<std::function<void()>> jobs;
    jobs.reserve(static_cast<std::size_t>(kFunctionCases) + kEventCases);
    for (int i = 0; i < kFunctionCases; ++i)
        jobs.push_back(function_case(checker, gen, i));
    for (int i = 0; i < kEventCases; ++i)
        jobs.push_back(event_case(checker, gen, i));
    for (int i = 0; i < kChecksumCases; ++i)
        jobs.push_back(checksum_case(checker, gen));

    std::atomic<std::size_t> next{0};
    std::vector<std::thread> workers;
    for (unsigned t = 0; t < kThreads; ++t) {
        workers.emplace_back([&] {
            for (std::size_t i = next++; i < jobs.size(); i = next++)
                jobs[i]();
        });
    }
    for (auto& w : workers)
        w.join();

    for (std::size_t i = 0; i < checker.failures.size() && i < 20; ++i)
        ADD_FAILURE() << checker.failures[i];
    EXPECT_TRUE(checker.failures.empty()) << checker.failures.size() << " mismatches";
    // Every kind of comparison ran, a few hundred in all.
    int total = 0;
    for (const char* what : {"selector", "calldata", "topic0", "decoded data", "indexed value", "checksum"}) {
        EXPECT_GT(checker.compared[what], 0) << what;
        total += checker.compared[what];
    }
    EXPECT_GE(total, 250);
    RecordProperty("comparisons", total);
}

// The error path: bad input gives one line on stderr and exit code 2.
TEST(AbiCast, BadInputExitsWithTwo) {
    std::string ts = TOKENSYNC_BINARY;
    const std::vector<std::vector<std::string>> cases{
        {ts, "abi", "topic", "E(uint7)"},
        {ts, "abi", "selector", "event E()"},
        {ts, "abi", "encode", "f(uint8)", "256"},
        {ts, "abi", "encode", "f(uint8,bool)", "1"},
        {ts, "abi", "decode-log", "E(uint256 indexed)", "--topics", "0x01"},
        {ts, "abi", "decode-log", "E(uint256)", "--data", "0x00"},
        {ts, "abi", "checksum", "0x1234"},
    };
    for (const auto& argv : cases) {
        auto r = run_command(argv);
        EXPECT_EQ(r.status, 2) << fmt::format("{}", fmt::join(argv, " "));
        EXPECT_TRUE(r.output.starts_with("error: ")) << r.output;
        EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
    }
}

}  // namespace
}  // namespace tokensync::cli
