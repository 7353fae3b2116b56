#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/abi/decode.hpp"
#include "core/abi/signature.hpp"
#include "core/hash.hpp"
#include "modules/module.hpp"
#include "store/types.hpp"

namespace tokensync::modules {

// Turns a contract's raw logs into DecodedLogs with its configured events
// (ContractConfig::abi_events). Events are told apart by topic0 and then by
// topic count, since ERC-20 and ERC-721 share Transfer's topic0 with a
// different number of indexed parameters. Anonymous events have no topic0
// and are not matched. DecodedLog::event points into this decoder, which
// must outlive the logs it made.
class EventDecoder {
  public:
    explicit EventDecoder(std::vector<core::abi::Event> events);

    std::expected<DecodedLog, ModuleError> decode(const store::RawEvent& raw, int64_t block_timestamp,
                                                  std::string_view contract_name) const;
    // The same in place: sets log.event and log.args from log.raw (the
    // other members are the caller's). On error `log` keeps its raw event,
    // which the indexer then stores without copying it.
    std::expected<void, ModuleError> decode_into(DecodedLog& log) const;

    const std::vector<core::abi::Event>& events() const noexcept { return events_; }

  private:
    std::vector<core::abi::Event> events_;
    std::vector<core::abi::LogLayout> layouts_;                    // one per event, in the same order
    std::vector<std::pair<core::Hash32, std::size_t>> by_topic0_;  // topic0 -> index in events_
};

}  // namespace tokensync::modules
