// POST /admin/catchup, /admin/recover, /admin/audit and /api/sync-token: the
// admin API, behind `Authorization: Bearer <server.admin_token>`.
#include <algorithm>
#include <expected>
#include <initializer_list>
#include <mutex>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "api/service.hpp"
#include "chain/evm/rpc_error.hpp"
#include "core/hmac.hpp"
#include "infra/redact.hpp"
#include "recovery/audit.hpp"
#include "recovery/recovery.hpp"
#include "store/store.hpp"

namespace tokensync::api {
namespace {

net::ServerReply unauthorized(std::string_view message, bool invalid_token) {
    net::ServerReply reply = error_reply(401, "unauthorized", message);
    reply.headers.emplace_back("WWW-Authenticate", invalid_token ? R"(Bearer realm="tokensync", error="invalid_token")"
                                                                 : R"(Bearer realm="tokensync")");
    return reply;
}

// nullopt when the request carries the admin token; the refusal otherwise.
std::optional<net::ServerReply> refuse_unless_admin(const ServiceContext& context, const RouteRequest& request) {
    if (!context.admin_token || context.admin_token->empty()) {
        return error_reply(403, "admin_disabled", "the admin API is disabled: set server.admin_token in the config");
    }
    const auto header = request.raw.header("Authorization");
    constexpr std::string_view kScheme = "Bearer ";
    if (!header || header->size() <= kScheme.size()) {
        return unauthorized("this route needs an Authorization: Bearer <admin token> header", false);
    }
    // The scheme name is case-insensitive (RFC 7235).
    for (std::size_t i = 0; i < kScheme.size(); ++i) {
        const char c = (*header)[i];
        if ((c | 0x20) != (kScheme[i] | 0x20)) {
            return unauthorized("this route needs an Authorization: Bearer <admin token> header", false);
        }
    }
    if (!core::constant_time_equals(header->substr(kScheme.size()), *context.admin_token)) {
        return unauthorized("the admin token is wrong", true);
    }
    return std::nullopt;
}

// A route that needs the admin token.
Route admin_only(const ServiceContext& context, Route route) {
    return [&context, route = std::move(route)](const RouteRequest& request) {
        if (auto refusal = refuse_unless_admin(context, request)) return std::move(*refusal);
        return route(request);
    };
}

// A request body that failed validation (answered 400 with the message).
struct BadBody {
    std::string message;
};

// The body as a JSON object; an empty body is an empty object when
// `optional`. Returns the message for a 400 on failure.
std::expected<boost::json::object, BadBody> body_object(const RouteRequest& request, bool optional) {
    const std::string_view body = request.raw.body;
    if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
        if (optional) return boost::json::object{};
        return std::unexpected(BadBody{"the request needs a JSON object body"});
    }
    boost::system::error_code ec;
    boost::json::value value = boost::json::parse(body, ec);
    if (ec) return std::unexpected(BadBody{"the body is not valid JSON: " + ec.message()});
    if (!value.is_object()) return std::unexpected(BadBody{"the body must be a JSON object"});
    return std::move(value.as_object());
}

// Rejects members other than `known`, so a typo ("dryrun") is not ignored.
std::optional<BadBody> only_members(const boost::json::object& body, std::initializer_list<std::string_view> known) {
    for (const auto& member : body) {
        if (std::find(known.begin(), known.end(), member.key()) == known.end()) {
            std::string list;
            for (const auto name : known)
                list += (list.empty() ? "" : ", ") + std::string(name);
            return BadBody{fmt::format("unknown member \"{}\" (expected: {})", std::string_view(member.key()), list)};
        }
    }
    return std::nullopt;
}

std::expected<bool, BadBody> bool_member(const boost::json::object& body, std::string_view name) {
    const auto* value = body.if_contains(name);
    if (value == nullptr || value->is_null()) return false;
    if (!value->is_bool()) return std::unexpected(BadBody{fmt::format("\"{}\" must be true or false", name)});
    return value->as_bool();
}

std::expected<std::optional<uint64_t>, BadBody> limit_member(const boost::json::object& body) {
    const auto* value = body.if_contains("limit");
    if (value == nullptr || value->is_null()) return std::optional<uint64_t>{};
    if (value->is_int64() && value->as_int64() > 0) return std::optional<uint64_t>(value->as_int64());
    if (value->is_uint64() && value->as_uint64() > 0) return std::optional<uint64_t>(value->as_uint64());
    return std::unexpected(BadBody{"\"limit\" must be a positive integer"});
}

// Runs `work` on a leased store and turns what the recovery layer throws
// into statuses: the database down is 503, the node unreachable 502, a
// config that cannot work 409.
net::ServerReply with_recovery_target(
    ServiceContext& context, const std::function<std::string(const recovery::RecoveryTarget&, store::Store&)>& work) {
    if (context.config == nullptr || !context.config->recovery) {
        return error_reply(409, "no_recovery_config",
                           "the config has no recovery section (recovery.contract names the contract to read)");
    }
    if (context.stores == nullptr) return error_reply(503, "unavailable", "the daemon has no database connection");
    try {
        const recovery::RecoveryTarget target = recovery::recovery_target(*context.config);
        auto lease = context.stores->lease();
        try {
            return json_reply(200, work(target, *lease));
        } catch (const store::StoreError&) {
            lease.discard();
            throw;
        }
    } catch (const store::StoreError& e) {
        return error_reply(503, "database_error", infra::redact(e.what()));
    } catch (const chain::evm::BlockchainConnectionError& e) {
        return error_reply(502, "node_unreachable", infra::redact(e.what()));
    } catch (const chain::evm::RpcResponseError& e) {
        return error_reply(502, "node_error", infra::redact(e.what()));
    } catch (const recovery::ContractNotFoundError& e) {
        return error_reply(409, "contract_not_found", infra::redact(e.what()));
    } catch (const recovery::DefaultAuthorNotFoundError& e) {
        return error_reply(409, "default_author_not_found", infra::redact(e.what()));
    } catch (const infra::ConfigError& e) {
        return error_reply(409, "config_error", infra::redact(e.what()));
    }
}

// One long chain job at a time: a second recover or audit while one runs
// gets 409 instead of racing it for the same rows.
std::mutex& job_mutex() {
    static std::mutex mutex;
    return mutex;
}

net::ServerReply busy() {
    return error_reply(409, "busy", "a recovery, audit or token sync is already running; try again when it ends");
}

net::ServerReply recover(ServiceContext& context, const RouteRequest& request) {
    auto body = body_object(request, true);
    if (!body) return error_reply(400, "bad_request", body.error().message);
    if (auto bad = only_members(*body, {"dry_run", "limit"})) return error_reply(400, "bad_request", bad->message);
    const auto dry_run = bool_member(*body, "dry_run");
    if (!dry_run) return error_reply(400, "bad_request", dry_run.error().message);
    const auto limit = limit_member(*body);
    if (!limit) return error_reply(400, "bad_request", limit.error().message);

    std::unique_lock lock(job_mutex(), std::try_to_lock);
    if (!lock.owns_lock()) return busy();
    recovery::RecoverOptions options;
    options.dry_run = *dry_run;
    options.limit = *limit;
    return with_recovery_target(context, [&](const recovery::RecoveryTarget& target, store::Store& store) {
        const recovery::RecoveryResult result = recovery::recover(target, store, options);
        std::string json = recovery::to_json(result, options.dry_run);
        if (context.recovery_done) context.recovery_done("admin", json, options.dry_run ? 0 : result.recovered);
        return json;
    });
}

net::ServerReply audit(ServiceContext& context, const RouteRequest& request) {
    auto body = body_object(request, true);
    if (!body) return error_reply(400, "bad_request", body.error().message);
    if (auto bad = only_members(*body, {"fix"})) return error_reply(400, "bad_request", bad->message);
    const auto fix = bool_member(*body, "fix");
    if (!fix) return error_reply(400, "bad_request", fix.error().message);

    std::unique_lock lock(job_mutex(), std::try_to_lock);
    if (!lock.owns_lock()) return busy();
    recovery::AuditOptions options;
    options.fix = *fix;
    return with_recovery_target(context, [&](const recovery::RecoveryTarget& target, store::Store& store) {
        return recovery::to_json(recovery::run_audit(target, store, options));
    });
}

net::ServerReply sync_token(ServiceContext& context, const RouteRequest& request) {
    auto body = body_object(request, false);
    if (!body) return error_reply(400, "bad_request", body.error().message);
    if (auto bad = only_members(*body, {"contract", "token_id"})) return error_reply(400, "bad_request", bad->message);
    const auto* contract = body->if_contains("contract");
    if (contract == nullptr || !contract->is_string() || contract->as_string().empty()) {
        return error_reply(400, "bad_request", "\"contract\" must be a contract's name from the config or its address");
    }
    const auto* token_id = body->if_contains("token_id");
    std::optional<core::Uint256> id;
    if (token_id != nullptr && token_id->is_string()) {
        if (auto parsed = core::Uint256::parse(token_id->as_string())) id = *parsed;
    } else if (token_id != nullptr && token_id->is_uint64()) {
        id = core::Uint256{token_id->as_uint64()};
    } else if (token_id != nullptr && token_id->is_int64() && token_id->as_int64() >= 0) {
        id = core::Uint256{static_cast<uint64_t>(token_id->as_int64())};
    }
    if (!id) {
        return error_reply(400, "bad_request",
                           "\"token_id\" must be a uint256 as a decimal or 0x-hex string (or a JSON integer)");
    }
    if (context.config == nullptr || !context.config->recovery) {
        return error_reply(409, "no_recovery_config",
                           "the config has no recovery section: sync-token reads the recovery contract's tokens");
    }
    // The contract named, by config name or address; sync_token reads the
    // recovery contract, so another configured contract is refused.
    const std::string_view wanted = contract->as_string();
    const auto address = core::Address::from_hex_lenient(wanted);
    const infra::ContractConfig* found = nullptr;
    for (const auto& c : context.config->contracts) {
        if (c.name == wanted || (address && c.address == *address)) {
            found = &c;
            break;
        }
    }
    if (found == nullptr) {
        return error_reply(404, "unknown_contract", fmt::format("no contract \"{}\" in the config", wanted));
    }
    if (found->name != context.config->recovery->contract) {
        return error_reply(409, "not_recovery_contract",
                           fmt::format("sync-token re-reads tokens of the recovery contract \"{}\" only, not \"{}\"",
                                       context.config->recovery->contract, found->name));
    }

    std::unique_lock lock(job_mutex(), std::try_to_lock);
    if (!lock.owns_lock()) return busy();
    return with_recovery_target(context, [&](const recovery::RecoveryTarget& target, store::Store& store) {
        return recovery::to_json(recovery::sync_token(target, store, *id));
    });
}

}  // namespace

void add_admin_routes(Router& router, ServiceContext& context) {
    router.add("POST", "/admin/catchup", admin_only(context, [&context](const RouteRequest&) {
                   if (!context.request_catchup) return error_reply(503, "unavailable", "the daemon is starting");
                   context.request_catchup();
                   return json_reply(202, R"({"status":"accepted"})");
               }));
    router.add("POST", "/admin/recover",
               admin_only(context, [&context](const RouteRequest& r) { return recover(context, r); }));
    router.add("POST", "/admin/audit",
               admin_only(context, [&context](const RouteRequest& r) { return audit(context, r); }));
    router.add("POST", "/api/sync-token",
               admin_only(context, [&context](const RouteRequest& r) { return sync_token(context, r); }));
}

}  // namespace tokensync::api
