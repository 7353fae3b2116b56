// The parsers of ABI descriptions (core/abi/parse.hpp, artifact.hpp): types,
// human-readable event and function signatures, and ABI JSON / compiler
// artifacts. The same input goes to each of them.
//
// Properties: a parsed type's canonical form parses back to the same
// canonical form; a parsed event's or function's canonical signature parses
// back to the same signature (hence the same topic0 or selector); every type
// read from ABI JSON round-trips the same way, and event_by_topic0 finds each
// non-anonymous event of the document.

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/abi/artifact.hpp"
#include "core/abi/parse.hpp"
#include "fuzz_support.hpp"

namespace abi = tokensync::core::abi;
using tokensync::fuzz::require;

namespace {

void check_type(const abi::Type& type) {
    const std::string canonical = type.canonical();
    const auto again = abi::parse_type(canonical);
    require(again.has_value() && again->canonical() == canonical, "a canonical type parses back to itself");
}

void check_params(const std::vector<abi::Param>& params) {
    for (const auto& p : params)
        check_type(p.type);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    const auto text = tokensync::fuzz::as_text({data, size});

    if (const auto type = abi::parse_type(text)) check_type(*type);

    if (const auto event = abi::parse_event(text)) {
        check_params(event->inputs);
        const auto again = abi::parse_event(event->signature());
        require(again.has_value() && again->signature() == event->signature(),
                "an event's canonical signature parses back to itself");
    }

    if (const auto function = abi::parse_function(text)) {
        check_params(function->inputs);
        check_params(function->outputs);
        const auto again = abi::parse_function(function->signature());
        require(again.has_value() && again->signature() == function->signature(),
                "a function's canonical signature parses back to itself");
    }

    if (const auto document = abi::parse_abi_json(text)) {
        for (const auto& function : document->functions) {
            check_params(function.inputs);
            check_params(function.outputs);
        }
        for (const auto& event : document->events) {
            check_params(event.inputs);
            if (event.anonymous) continue;
            const auto* found = document->event_by_topic0(event.topic0());
            require(found != nullptr && found->topic0() == event.topic0(), "event_by_topic0 finds each event");
        }
    }
    return 0;
}
