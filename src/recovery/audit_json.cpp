// The audit's and the recovery's results as JSON: what `tokensync audit
// --json` prints, the HTTP routes return and /status shows. Ids are decimal strings (a uint256 does not fit a
// JSON number); absent values are null.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "recovery/audit.hpp"
#include "recovery/recovery.hpp"

namespace tokensync::recovery {
namespace {

namespace json = boost::json;

json::value text_or_null(const std::string& s) { return s.empty() ? json::value(nullptr) : json::value(s); }

json::array id_array(const std::vector<core::Uint256>& ids) {
    json::array out;
    out.reserve(ids.size());
    for (const core::Uint256& id : ids)
        out.emplace_back(id.to_decimal());
    return out;
}

json::object drift(const DriftCount& count) {
    json::array examples;
    for (const DriftExample& e : count.examples)
        examples.push_back(json::object{
            {"id", e.id.to_decimal()}, {"stored", text_or_null(e.stored)}, {"chain", text_or_null(e.chain)}});
    return json::object{{"found", count.found}, {"fixed", count.fixed}, {"examples", std::move(examples)}};
}

}  // namespace

std::string to_json(const AuditReport& report) {
    json::array failed;
    for (const core::Uint256& id : report.failed)
        failed.push_back(json::value(id.to_decimal()));
    json::object kinds;
    for (DriftKind kind :
         {DriftKind::kMissing, DriftKind::kWrongAuthor, DriftKind::kWrongOwner, DriftKind::kNonexistent}) {
        kinds[to_string(kind)] = drift(report.count(kind));
    }
    json::object out{
        {"block", report.block},
        {"first_token_id", report.first_token_id.to_decimal()},
        {"next_token_id", report.next_token_id.to_decimal()},
        {"multicall", report.multicall ? json::value(report.multicall->checksum()) : json::value(nullptr)},
        {"fix", report.fix},
        {"owners_checked", report.owners_checked},
        {"checked", report.checked},
        {"drift", std::move(kinds)},
        {"found", report.found()},
        {"fixed", report.fixed()},
        {"remaining", report.remaining()},
        {"failed", json::object{{"count", report.failed_count}, {"ids", std::move(failed)}}},
        {"clean", report.clean()},
    };
    return json::serialize(out);
}

std::string to_json(const RecoveryResult& result, bool dry_run) {
    const json::object out{
        {"dry_run", dry_run},
        {"recovered", result.recovered},
        {"duplicates_skipped", result.duplicates_skipped},
        {"claimed_elsewhere", result.claimed_elsewhere},
        {"failed", id_array(result.failed)},
        {"total_on_chain", result.total_on_chain.to_decimal()},
        {"missing", result.missing},
        {"first_missing", id_array(result.first_missing)},
        {"multicall", result.multicall ? json::value(result.multicall->checksum()) : json::value(nullptr)},
    };
    return json::serialize(out);
}

std::string to_json(const SyncTokenResult& result) {
    const json::object out{
        {"id", result.id.to_decimal()},
        {"block", result.block},
        {"exists", result.exists},
        {"author", result.author ? json::value(*result.author) : json::value(nullptr)},
        {"owner", result.owner ? json::value(result.owner->checksum()) : json::value(nullptr)},
        {"inserted", result.inserted},
        {"author_corrected", result.author_corrected},
        {"owner_corrected", result.owner_corrected},
        {"deleted", result.deleted},
        {"changed", result.changed()},
    };
    return json::serialize(out);
}

}  // namespace tokensync::recovery
