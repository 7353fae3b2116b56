// The typed parsers of node answers (chain/evm/types.hpp): logs as
// eth_getLogs returns them, block headers, QUANTITY strings.
//
// Input: JSON (a log object, an array of logs, a block, a "0x.." string).
//
// Properties: the parsers report problems as ParseError and never throw;
// parse_logs yields one log per item, each equal to what parse_log gives; an
// accepted log, header or quantity written back in the node's format parses
// to the same value. Also checked: QUANTITY parsing against strtoull.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "evm_checks.hpp"
#include "fuzz_support.hpp"

using tokensync::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    boost::system::error_code ec;
    const boost::json::value v = boost::json::parse(tokensync::fuzz::as_text({data, size}), ec);
    if (ec) return 0;
    tokensync::fuzz::check_typed_parsers(v);

    if (const auto n = tokensync::chain::evm::parse_quantity(v, "n")) {
        const std::string text(v.get_string());
        require(text.size() > 2 && text.size() <= 18, "a QUANTITY has 1 to 16 digits");
        char* end = nullptr;
        const auto reference = std::strtoull(text.c_str() + 2, &end, 16);
        require(end == text.c_str() + text.size() && reference == *n, "parse_quantity agrees with strtoull");
    }
    return 0;
}
