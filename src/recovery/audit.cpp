#include "recovery/audit.hpp"

#include <algorithm>
#include <ctime>
#include <expected>

#include <fmt/format.h>

#include "chain/evm/rpc_error.hpp"
#include "core/abi/parse.hpp"
#include "infra/log.hpp"
#include "recovery/contract_reads.hpp"

namespace tokensync::recovery {
namespace {

namespace evm = chain::evm;
using Read = std::expected<core::Address, std::string>;

const core::abi::Function& owner_of_fn() {
    static const core::abi::Function fn =
        *core::abi::parse_function("function ownerOf(uint256) view returns (address)");
    return fn;
}

std::string owner_text(const core::Address& owner) { return owner.is_zero() ? "" : owner.checksum(); }

class Audit {
  public:
    Audit(const RecoveryTarget& target, store::Store& store, const AuditOptions& options)
        : target_{target},
          store_{store},
          options_{options},
          page_size_{std::max<std::size_t>(1, options.page_size)},
          reader_{target, options.reads},
          authors_{target, store} {
        report_.fix = options.fix;
        report_.block = reader_.block();
        report_.multicall = reader_.multicall();
        report_.owners_checked = target.erc721;
        report_.first_token_id = core::Uint256(target.config.first_token_id);
        report_.next_token_id = reader_.counter();
        infra::log::debug("audit.counter", {{"next_token_id", report_.next_token_id.to_decimal()},
                                            {"first_token_id", target.config.first_token_id},
                                            {"block", report_.block},
                                            {"owners", target.erc721},
                                            {"multicall", report_.multicall ? report_.multicall->checksum() : "off"}});
    }

    // Every id: rows below the first id, the ids the chain has (a page at a
    // time), rows at or above the counter.
    AuditReport run() {
        const core::Uint256& first = report_.first_token_id;
        const core::Uint256& end = report_.next_token_id;
        if (!first.is_zero()) rows_beyond(core::Uint256(0), first);
        for (core::Uint256 lo = first; lo < end;) {
            const core::Uint256 room = *end.checked_sub(lo);
            const core::Uint256 hi = room < core::Uint256(page_size_) ? end : lo.wrapping_add(page_size_);
            compare_ids(lo, hi);
            lo = hi;
        }
        rows_beyond(std::max(first, end), std::nullopt);
        return std::move(report_);
    }

    // The one id of sync_token: compared like a page of one, always fixed.
    void one(const core::Uint256& id) {
        if (id >= report_.first_token_id && id < report_.next_token_id) {
            compare_ids(id, id.wrapping_add(1));
        } else {
            rows_beyond(id, id.wrapping_add(1));
        }
    }

    const AuditReport& report() const noexcept { return report_; }
    const store::ApplyResult& applied() const noexcept { return applied_; }
    const std::string& last_error() const noexcept { return last_error_; }

  private:
    // The ids [lo, hi), all below the counter, against their rows.
    void compare_ids(const core::Uint256& lo, const core::Uint256& hi) {
        const std::size_t count = static_cast<std::size_t>(hi.checked_sub(lo)->low64());
        std::vector<core::Uint256> ids;
        ids.reserve(count);
        for (core::Uint256 id = lo; id < hi; id = id.wrapping_add(1))
            ids.push_back(id);
        const std::vector<store::Token> rows =
            store_.tokens_in_range(target_.chain_id, target_.contract, lo, hi, count);
        const std::vector<Read> authors = reader_.addresses(target_.config.author_of_fn, ids);
        std::vector<Read> owners;
        // A missing row's owner is its owners row all the same (the
        // transfers may have been indexed when the mint was not).
        std::vector<store::OwnerRow> held;
        if (target_.erc721) {
            owners = reader_.addresses(owner_of_fn(), ids);
            held = store_.owners_in_range(target_.chain_id, target_.contract, lo, hi, count);
        }

        store::ChangeSet changes;
        changes.chain_id = target_.chain_id;
        const auto now = static_cast<int64_t>(std::time(nullptr));
        auto row = rows.begin();
        auto held_row = held.begin();
        for (std::size_t i = 0; i < ids.size(); ++i) {
            const core::Uint256& id = ids[i];
            while (row != rows.end() && row->token_id < id)
                ++row;
            const store::Token* stored = row != rows.end() && row->token_id == id ? &*row : nullptr;
            const Read* owner = target_.erc721 ? &owners[i] : nullptr;
            if (!authors[i] || (owner != nullptr && !*owner)) {
                fail(id, !authors[i] ? authors[i].error() : owner->error());
                continue;
            }
            ++report_.checked;
            const std::string& author = authors_.wallet_of(*authors[i]);
            if (stored == nullptr) {
                note(report_.missing, DriftKind::kMissing, id, "", author);
                changes.tokens.push_back(detail::detected_token(target_.contract, id, author, now));
            } else if (stored->author != author) {
                note(report_.wrong_author, DriftKind::kWrongAuthor, id, stored->author.value_or(""), author);
                changes.author_corrections.push_back({target_.contract, id, author});
            }
            if (owner == nullptr) continue;
            while (held_row != held.end() && held_row->token_id < id)
                ++held_row;
            const store::OwnerRow* held_owner =
                held_row != held.end() && held_row->token_id == id ? &*held_row : nullptr;
            // An owner a transfer above the read block set (a follower
            // running meanwhile) is newer than the chain's answer.
            if (held_owner != nullptr && held_owner->block_number > report_.block) continue;
            const core::Address stored_owner = held_owner != nullptr ? held_owner->owner : core::Address{};
            if (stored_owner != **owner) {
                note(report_.wrong_owner, DriftKind::kWrongOwner, id, owner_text(stored_owner), owner_text(**owner));
                changes.owner_corrections.push_back({target_.contract, id, **owner, report_.block});
            }
        }
        infra::log::debug("audit.page", {{"first", lo.to_decimal()},
                                         {"end", hi.to_decimal()},
                                         {"rows", static_cast<uint64_t>(rows.size())},
                                         {"missing", static_cast<uint64_t>(changes.tokens.size())},
                                         {"wrong_author", static_cast<uint64_t>(changes.author_corrections.size())},
                                         {"wrong_owner", static_cast<uint64_t>(changes.owner_corrections.size())}});
        repair(changes);
    }

    // Rows for ids in [lo, hi) (no end when nullopt) that the contract does not have.
    void rows_beyond(const core::Uint256& lo, const std::optional<core::Uint256>& hi) {
        core::Uint256 from = lo;
        while (true) {
            const std::vector<store::Token> rows =
                store_.tokens_in_range(target_.chain_id, target_.contract, from, hi, page_size_);
            if (rows.empty()) return;
            store::ChangeSet changes;
            changes.chain_id = target_.chain_id;
            for (const store::Token& t : rows) {
                // A row a mint above the read block created (a follower
                // running meanwhile) is newer than the counter read.
                if (t.block_number > report_.block) continue;
                note(report_.nonexistent, DriftKind::kNonexistent, t.token_id, t.author.value_or(""), "");
                changes.token_deletions.push_back({target_.contract, t.token_id, report_.block});
            }
            repair(changes);
            from = rows.back().token_id.wrapping_add(1);
            if (rows.size() < page_size_ || from.is_zero()) return;
        }
    }

    void note(DriftCount& count, DriftKind kind, const core::Uint256& id, std::string stored, std::string chain) {
        ++count.found;
        infra::log::debug("audit.drift",
                          {{"kind", to_string(kind)}, {"id", id.to_decimal()}, {"stored", stored}, {"chain", chain}});
        if (count.examples.size() < options_.examples)
            count.examples.push_back({id, std::move(stored), std::move(chain)});
    }

    void fail(const core::Uint256& id, const std::string& cause) {
        ++report_.failed_count;
        last_error_ = cause;
        if (report_.failed.size() < AuditReport::kFailedKept) report_.failed.push_back(id);
        infra::log::warn("audit.token_failed", {{"id", id.to_decimal()}, {"error", cause}});
    }

    // One transaction per page. A repair the database no longer needs (a
    // row another writer inserted or deleted, an author already right)
    // counts as fixed: what was found is gone either way. An owner left
    // alone because a transfer above the read block set it is not: the
    // next audit, reading a newer block, decides.
    void repair(const store::ChangeSet& changes) {
        if (!options_.fix) return;
        if (changes.tokens.empty() && changes.author_corrections.empty() && changes.owner_corrections.empty() &&
            changes.token_deletions.empty()) {
            return;
        }
        const store::ApplyResult r = store_.apply(changes);
        report_.missing.fixed += r.tokens.inserted + r.tokens.skipped;
        report_.wrong_author.fixed += r.author_corrections.updated + r.author_corrections.skipped;
        report_.wrong_owner.fixed += r.owner_corrections.updated;
        report_.nonexistent.fixed += r.token_deletions.updated + r.token_deletions.skipped;
        applied_.tokens.inserted += r.tokens.inserted;
        applied_.author_corrections.updated += r.author_corrections.updated;
        applied_.owner_corrections.updated += r.owner_corrections.updated;
        applied_.token_deletions.updated += r.token_deletions.updated;
        infra::log::debug("audit.page_repaired", {{"inserted", r.tokens.inserted},
                                                  {"authors_corrected", r.author_corrections.updated},
                                                  {"owners_corrected", r.owner_corrections.updated},
                                                  {"deleted", r.token_deletions.updated}});
    }

    const RecoveryTarget& target_;
    store::Store& store_;
    const AuditOptions& options_;
    std::size_t page_size_;
    detail::ContractReader reader_;
    detail::AuthorBook authors_;
    AuditReport report_;
    store::ApplyResult applied_;
    std::string last_error_;
};

}  // namespace

std::string_view to_string(DriftKind kind) noexcept {
    switch (kind) {
        case DriftKind::kMissing:
            return "missing";
        case DriftKind::kWrongAuthor:
            return "wrong_author";
        case DriftKind::kWrongOwner:
            return "wrong_owner";
        case DriftKind::kNonexistent:
            return "nonexistent";
    }
    return "unknown";
}

const DriftCount& AuditReport::count(DriftKind kind) const noexcept {
    switch (kind) {
        case DriftKind::kMissing:
            return missing;
        case DriftKind::kWrongAuthor:
            return wrong_author;
        case DriftKind::kWrongOwner:
            return wrong_owner;
        case DriftKind::kNonexistent:
            break;
    }
    return nonexistent;
}

uint64_t AuditReport::found() const noexcept {
    return missing.found + wrong_author.found + wrong_owner.found + nonexistent.found;
}

uint64_t AuditReport::fixed() const noexcept {
    return missing.fixed + wrong_author.fixed + wrong_owner.fixed + nonexistent.fixed;
}

uint64_t AuditReport::remaining() const noexcept { return found() - fixed(); }

AuditReport run_audit(const RecoveryTarget& target, store::Store& store, const AuditOptions& options) {
    return detail::naming_the_chain(target, [&] { return Audit(target, store, options).run(); });
}

SyncTokenResult sync_token(const RecoveryTarget& target, store::Store& store, const core::Uint256& id) {
    return detail::naming_the_chain(target, [&] {
        AuditOptions options;
        options.fix = true;
        options.page_size = 1;
        Audit audit(target, store, options);
        audit.one(id);
        const AuditReport& report = audit.report();
        if (report.failed_count != 0) {
            throw evm::RpcResponseError(fmt::format("cannot read token {} of {} on {} (chain id {}) at block {}: {}",
                                                    id.to_decimal(), target.contract.checksum(), target.chain_name,
                                                    target.chain_id, report.block, audit.last_error()));
        }
        SyncTokenResult r;
        r.id = id;
        r.block = report.block;
        r.exists = id >= report.first_token_id && id < report.next_token_id;
        const store::ApplyResult& applied = audit.applied();
        r.inserted = applied.tokens.inserted != 0;
        r.author_corrected = applied.author_corrections.updated != 0;
        r.owner_corrected = applied.owner_corrections.updated != 0;
        r.deleted = applied.token_deletions.updated != 0;
        if (auto token = store.get_token(target.chain_id, target.contract, id)) {
            r.author = token->author;
            if (target.erc721 && r.exists) r.owner = token->owner;
        }
        return r;
    });
}

}  // namespace tokensync::recovery
