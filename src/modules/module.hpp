#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "core/abi/signature.hpp"
#include "core/abi/value.hpp"
#include "modules/module_error.hpp"
#include "modules/view.hpp"
#include "store/types.hpp"

namespace tokensync::modules {

// One log of a followed contract, decoded with the contract's configured ABI.
struct DecodedLog {
    store::RawEvent raw;
    const core::abi::Event* event = nullptr;  // the ABI event whose topic0 and shape matched
    std::vector<core::abi::Value> args;       // one per event input, in declaration order
    int64_t block_timestamp = 0;              // unix seconds of the log's block
    std::string contract_name;                // the `contracts:` entry it came from
};

// Makes room in `v` for `more` elements, growing geometrically: reserving
// exactly size() + more for each log would move the whole vector once per
// log (a batch of blocks holds thousands of minted tokens).
template <class T>
void reserve_more(std::vector<T>& v, std::size_t more) {
    if (v.capacity() - v.size() >= more) return;
    v.reserve(std::max(v.size() + more, 2 * v.capacity()));
}

// A pure event handler: reads a decoded log (and, for lookups, a View) and
// appends the rows it implies to a ChangeSet. Logs a module does not handle
// leave `out` unchanged and succeed. On error `out` is left unchanged too,
// so a malformed log is reported and never half-applied.
class Module {
  public:
    virtual ~Module() = default;
    virtual std::string_view name() const noexcept = 0;
    virtual std::expected<void, ModuleError> handle(const DecodedLog& log, const View& view,
                                                    store::ChangeSet& out) const = 0;
};

}  // namespace tokensync::modules
