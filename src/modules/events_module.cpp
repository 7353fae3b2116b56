#include "modules/events_module.hpp"

#include "core/abi/json.hpp"

namespace tokensync::modules {

std::expected<void, ModuleError> EventsModule::handle(const DecodedLog& log, const View& /*view*/,
                                                      store::ChangeSet& out) const {
    if (log.event == nullptr) return std::unexpected(ModuleError::kNoEvent);
    if (log.args.size() != log.event->inputs.size()) return std::unexpected(ModuleError::kBadArguments);
    // The decoder matched topics[0] to the event; only anonymous events need the hash computed.
    const core::Hash32 topic0 =
        log.event->anonymous || log.raw.topics.empty() ? log.event->topic0() : log.raw.topics[0];
    out.events.push_back({.tx_hash = log.raw.tx_hash,
                          .log_index = log.raw.log_index,
                          .block_number = log.raw.block_number,
                          .block_timestamp = log.block_timestamp,
                          .contract = log.raw.contract,
                          .event_name = log.event->name,
                          .signature = log.event->signature(),
                          .topic0 = topic0,
                          .args_json = core::abi::to_json(log.event->inputs, log.args)});
    return {};
}

}  // namespace tokensync::modules
