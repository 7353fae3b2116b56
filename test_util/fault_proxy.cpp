#include "test_util/fault_proxy.hpp"

#include <algorithm>
#include <charconv>
#include <numeric>
#include <stdexcept>
#include <vector>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "net/http_client.hpp"

namespace tokensync::test_util {
namespace {

namespace json = boost::json;

std::size_t slot(Fault fault) { return static_cast<std::size_t>(fault); }

// "0x1f" -> 31; nullopt for tags ("latest") and anything else.
std::optional<uint64_t> quantity(const json::value* v) {
    if (v == nullptr || !v->is_string()) return std::nullopt;
    const std::string_view s = v->get_string();
    if (!s.starts_with("0x") || s.size() < 3) return std::nullopt;
    uint64_t n = 0;
    const auto [end, ec] = std::from_chars(s.data() + 2, s.data() + s.size(), n, 16);
    if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
    return n;
}

// An eth_getLogs call over a numbered block range: its id, filter and range.
struct LogsCall {
    json::value id;
    json::object filter;
    uint64_t from = 0;
    uint64_t to = 0;
};

std::optional<LogsCall> logs_call(const std::string& body) {
    boost::system::error_code ec;
    const json::value request = json::parse(body, ec);
    if (ec || !request.is_object()) return std::nullopt;  // a batch, or not JSON: passed on as it is
    const auto& o = request.get_object();
    const auto* method = o.if_contains("method");
    const auto* params = o.if_contains("params");
    if (method == nullptr || *method != "eth_getLogs" || params == nullptr || !params->is_array() ||
        params->get_array().empty() || !params->get_array()[0].is_object()) {
        return std::nullopt;
    }
    const auto& filter = params->get_array()[0].get_object();
    const auto from = quantity(filter.if_contains("fromBlock"));
    const auto to = quantity(filter.if_contains("toBlock"));
    if (!from || !to || *to < *from) return std::nullopt;
    const auto* id = o.if_contains("id");
    return LogsCall{id != nullptr ? *id : json::value(nullptr), filter, *from, *to};
}

// The logs of an eth_getLogs answer; nullopt for an error or anything else.
std::optional<json::array> answer_logs(const std::string& body) {
    boost::system::error_code ec;
    json::value answer = json::parse(body, ec);
    if (ec || !answer.is_object()) return std::nullopt;
    auto* result = answer.get_object().if_contains("result");
    if (result == nullptr || !result->is_array()) return std::nullopt;
    return std::move(result->get_array());
}

// The last block b in [from, to] such that the logs of [from, b] number at
// most max_logs (from itself when its block alone holds more). Logs come in
// block order, as nodes return them.
uint64_t last_block_within(const json::array& logs, uint64_t from, uint64_t to, uint64_t max_logs) {
    if (logs.size() <= max_logs) return to;
    const auto block = quantity(logs[max_logs].as_object().if_contains("blockNumber"));
    if (!block || *block <= from) return from;
    return std::min(to, *block - 1);
}

std::string error_answer(const json::value& id, int64_t code, std::string_view message) {
    return json::serialize(
        json::object{{"jsonrpc", "2.0"}, {"id", id}, {"error", json::object{{"code", code}, {"message", message}}}});
}

HttpTestReply status_reply(int status, std::string_view text) {
    HttpTestReply reply{status, std::string(text)};
    reply.content_type = "text/plain";
    return reply;
}

}  // namespace

std::string_view fault_name(Fault fault) {
    switch (fault) {
        case Fault::kRateLimit:
            return "rate_limit";
        case Fault::kHttp500:
            return "http_500";
        case Fault::kHttp502:
            return "http_502";
        case Fault::kHttp503:
            return "http_503";
        case Fault::kCloseBeforeAnswer:
            return "close_before_answer";
        case Fault::kCloseMidAnswer:
            return "close_mid_answer";
        case Fault::kSlow:
            return "slow";
        case Fault::kTruncatedJson:
            return "truncated_json";
    }
    return "unknown";
}

// Kept-alive connections to the node, one per request in flight.
struct FaultProxy::Upstream {
    std::string url;
    net::HttpClient::Options options;
    std::mutex mutex;
    std::vector<std::unique_ptr<net::HttpClient>> idle;

    std::unique_ptr<net::HttpClient> take() {
        {
            std::lock_guard lock(mutex);
            if (!idle.empty()) {
                auto client = std::move(idle.back());
                idle.pop_back();
                return client;
            }
        }
        return std::make_unique<net::HttpClient>(url, options);
    }
    void give_back(std::unique_ptr<net::HttpClient> client) {
        std::lock_guard lock(mutex);
        idle.push_back(std::move(client));
    }
};

FaultProxy::FaultProxy(Options options)
    : options_(std::move(options)), upstream_(std::make_unique<Upstream>()), rng_(options_.seed) {
    for (std::size_t i = 0; i < kFaultKinds; ++i)
        set_rate(static_cast<Fault>(i), options_.rates[i]);
    set_lagging_logs(options_.lagging_logs);
    upstream_->url = options_.upstream;
    upstream_->options.request_timeout = std::chrono::seconds{60};
    upstream_->give_back(upstream_->take());  // throws net::HttpError now for a URL it cannot use
    HttpTestServer::Options server_options;
    server_options.concurrent_handler = true;
    server_options.record_requests = false;
    server_ = std::make_unique<HttpTestServer>([this](const HttpTestRequest& r) { return handle(r); }, server_options);
}

FaultProxy::~FaultProxy() { stop(); }

void FaultProxy::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    stopping_cv_.notify_all();
    server_->stop();
}

std::string FaultProxy::url() const { return server_->url("/"); }

void FaultProxy::set_rate(Fault fault, double rate) {
    std::lock_guard lock(mutex_);
    if (!(rate >= 0.0 && rate <= 1.0)) {
        throw std::invalid_argument(
            fmt::format("FaultProxy: rate of {} is {}, not in [0, 1]", fault_name(fault), rate));
    }
    auto rates = options_.rates;
    rates[slot(fault)] = rate;
    const double sum = std::accumulate(rates.begin(), rates.end(), 0.0);
    if (sum > 1.0 + 1e-9) throw std::invalid_argument(fmt::format("FaultProxy: fault rates sum to {} > 1", sum));
    options_.rates = rates;
}

void FaultProxy::set_rates(double rate_each) {
    for (std::size_t i = 0; i < kFaultKinds; ++i)
        set_rate(static_cast<Fault>(i), 0.0);
    for (std::size_t i = 0; i < kFaultKinds; ++i)
        set_rate(static_cast<Fault>(i), rate_each);
}

void FaultProxy::set_lagging_logs(double rate) {
    if (!(rate >= 0.0 && rate <= 1.0))
        throw std::invalid_argument(fmt::format("FaultProxy: lagging_logs is {}, not in [0, 1]", rate));
    std::lock_guard lock(mutex_);
    options_.lagging_logs = rate;
}

void FaultProxy::set_log_limits(std::optional<uint64_t> max_log_span, std::optional<uint64_t> max_logs,
                                RangeErrorStyle style) {
    std::lock_guard lock(mutex_);
    options_.max_log_span = max_log_span;
    options_.max_logs = max_logs;
    options_.range_error = style;
}

void FaultProxy::force(Fault fault, std::size_t count) {
    std::lock_guard lock(mutex_);
    forced_.insert(forced_.end(), count, fault);
}

uint64_t FaultProxy::Counters::faults() const { return std::accumulate(injected.begin(), injected.end(), uint64_t{0}); }

FaultProxy::Counters FaultProxy::counters() const {
    std::lock_guard lock(mutex_);
    return counters_;
}

// Called with mutex_ held.
std::optional<Fault> FaultProxy::next_fault() {
    if (!forced_.empty()) {
        const Fault fault = forced_.front();
        forced_.pop_front();
        return fault;
    }
    const double draw = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
    double edge = 0.0;
    for (std::size_t i = 0; i < kFaultKinds; ++i) {
        edge += options_.rates[i];
        if (draw < edge) return static_cast<Fault>(i);
    }
    return std::nullopt;
}

std::optional<FaultProxy::Answer> FaultProxy::forward(const std::string& body) {
    auto client = upstream_->take();
    {
        std::lock_guard lock(mutex_);
        ++counters_.forwarded;
    }
    try {
        auto response = client->post("", body);
        upstream_->give_back(std::move(client));
        return Answer{response.status, std::move(response.body)};
    } catch (const net::HttpError&) {
        std::lock_guard lock(mutex_);
        ++counters_.upstream_failures;
        return std::nullopt;
    }
}

HttpTestReply FaultProxy::handle(const HttpTestRequest& request) {
    {
        std::lock_guard lock(mutex_);
        counters_.peak_in_flight = std::max(counters_.peak_in_flight, ++in_flight_);
    }
    auto reply = handle_one(request);
    std::lock_guard lock(mutex_);
    --in_flight_;
    return reply;
}

HttpTestReply FaultProxy::handle_one(const HttpTestRequest& request) {
    std::optional<Fault> fault;
    std::chrono::milliseconds slow_delay{0};
    int retry_after = 0;
    {
        std::lock_guard lock(mutex_);
        ++counters_.requests;
        fault = next_fault();
        if (fault) ++counters_.injected[slot(*fault)];
        slow_delay = options_.slow_delay;
        retry_after = options_.retry_after_seconds;
    }
    if (!fault) return serve(request.body);
    switch (*fault) {
        case Fault::kRateLimit: {
            auto reply = status_reply(429, "Too Many Requests");
            reply.headers = {{"Retry-After", std::to_string(retry_after)}};
            return reply;
        }
        case Fault::kHttp500:
            return status_reply(500, "Internal Server Error");
        case Fault::kHttp502:
            return status_reply(502, "Bad Gateway");
        case Fault::kHttp503:
            return status_reply(503, "Service Unavailable");
        case Fault::kCloseBeforeAnswer: {
            HttpTestReply reply;
            reply.action = HttpTestReply::Action::kDrop;
            return reply;
        }
        case Fault::kCloseMidAnswer:
        case Fault::kTruncatedJson: {
            auto answer = forward(request.body);
            if (!answer) return status_reply(502, "the node gave no answer");
            HttpTestReply reply{answer->status, std::move(answer->body)};
            if (*fault == Fault::kCloseMidAnswer) {
                reply.action = HttpTestReply::Action::kCloseMidway;
            } else {
                // A strict prefix of a JSON object or array is never valid JSON.
                reply.body.resize(reply.body.size() / 2);
            }
            return reply;
        }
        case Fault::kSlow: {
            std::unique_lock lock(mutex_);
            if (stopping_cv_.wait_for(lock, slow_delay, [this] { return stopping_; })) {
                HttpTestReply reply;
                reply.action = HttpTestReply::Action::kDrop;  // the proxy is going away
                return reply;
            }
            lock.unlock();
            return serve(request.body);
        }
    }
    return serve(request.body);
}

HttpTestReply FaultProxy::serve(const std::string& body) {
    if (auto reply = serve_batch(body)) return std::move(*reply);
    return serve_one(body);
}

HttpTestReply FaultProxy::serve_one(const std::string& body) {
    auto reply = forward_and_check(body);
    lag_logs(body, reply);
    return reply;
}

std::optional<HttpTestReply> FaultProxy::serve_batch(const std::string& body) {
    {
        std::lock_guard lock(mutex_);
        if (!options_.max_log_span && !options_.max_logs && options_.lagging_logs <= 0.0) return std::nullopt;
    }
    boost::system::error_code ec;
    json::value request = json::parse(body, ec);
    if (ec || !request.is_array()) return std::nullopt;
    std::vector<std::string> items;
    std::vector<bool> is_logs_call;
    for (const auto& item : request.get_array()) {
        items.push_back(json::serialize(item));
        is_logs_call.push_back(logs_call(items.back()).has_value());
    }
    if (std::ranges::none_of(is_logs_call, [](bool b) { return b; })) return std::nullopt;
    // Each eth_getLogs range call is answered as it would be alone; the
    // other calls go to the node together. The client matches by id.
    json::array answers;
    json::array rest;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (!is_logs_call[i]) {
            rest.push_back(std::move(request.get_array()[i]));
            continue;
        }
        auto reply = serve_one(items[i]);
        json::value answer = reply.status == 200 ? json::parse(reply.body, ec) : json::value();
        if (reply.status != 200 || ec) return reply;  // passed back whole: the batch failed with it
        answers.push_back(std::move(answer));
    }
    if (!rest.empty()) {
        auto answer = forward(json::serialize(rest));
        if (!answer) return status_reply(502, "the node gave no answer");
        json::value more = answer->status == 200 ? json::parse(answer->body, ec) : json::value();
        if (answer->status != 200 || ec || !more.is_array())
            return HttpTestReply{answer->status, std::move(answer->body)};
        for (auto& a : more.get_array())
            answers.push_back(std::move(a));
    }
    return HttpTestReply{200, json::serialize(answers)};
}

void FaultProxy::lag_logs(const std::string& body, HttpTestReply& reply) {
    {
        std::lock_guard lock(mutex_);
        if (options_.lagging_logs <= 0.0 ||
            std::uniform_real_distribution<double>(0.0, 1.0)(rng_) >= options_.lagging_logs) {
            return;
        }
    }
    if (reply.status != 200 || !logs_call(body)) return;
    boost::system::error_code ec;
    json::value answer = json::parse(reply.body, ec);
    auto* result = !ec && answer.is_object() ? answer.get_object().if_contains("result") : nullptr;
    if (result == nullptr || !result->is_array()) return;
    const auto head_answer = forward(R"({"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]})");
    if (!head_answer) return;
    const json::value head_value = json::parse(head_answer->body, ec);
    const auto head =
        !ec && head_value.is_object() ? quantity(head_value.get_object().if_contains("result")) : std::nullopt;
    if (!head) return;
    json::array kept;
    const std::size_t before = result->get_array().size();
    for (auto& log : result->get_array()) {
        const auto block = log.is_object() ? quantity(log.get_object().if_contains("blockNumber")) : std::nullopt;
        if (!block || *block + 1 < *head) kept.push_back(std::move(log));
    }
    if (kept.size() == before) return;
    {
        std::lock_guard lock(mutex_);
        ++counters_.lagged_answers;
        counters_.lagged_logs += before - kept.size();
    }
    *result = std::move(kept);
    reply.body = json::serialize(answer);
}

HttpTestReply FaultProxy::forward_and_check(const std::string& body) {
    std::optional<uint64_t> max_span;
    std::optional<uint64_t> max_logs;
    RangeErrorStyle style = RangeErrorStyle::kHint;
    {
        std::lock_guard lock(mutex_);
        max_span = options_.max_log_span;
        max_logs = options_.max_logs;
        style = options_.range_error;
    }
    const auto call = (max_span || max_logs) ? logs_call(body) : std::nullopt;
    if (!call) {
        auto answer = forward(body);
        if (!answer) return status_reply(502, "the node gave no answer");
        return HttpTestReply{answer->status, std::move(answer->body)};
    }

    // The range that would be served: within the span cap, then within the log cap.
    const bool too_wide = max_span && call->to - call->from >= *max_span;
    const uint64_t span_to = too_wide ? call->from + (*max_span - 1) : call->to;
    std::optional<Answer> answer;
    if (!too_wide || (max_logs && style == RangeErrorStyle::kHint)) {
        auto filter = call->filter;
        filter["toBlock"] = fmt::format("0x{:x}", span_to);
        const std::string sent =
            too_wide
                ? json::serialize(json::object{
                      {"jsonrpc", "2.0"}, {"id", call->id}, {"method", "eth_getLogs"}, {"params", json::array{filter}}})
                : body;
        answer = forward(sent);
        if (!answer) return status_reply(502, "the node gave no answer");
    }
    uint64_t hint_to = span_to;
    bool too_many = false;
    if (answer && max_logs) {
        if (const auto logs = answer_logs(answer->body)) {
            hint_to = last_block_within(*logs, call->from, span_to, *max_logs);
            too_many = logs->size() > *max_logs;
        }
    }
    if (!too_wide && !too_many) return HttpTestReply{answer->status, std::move(answer->body)};

    {
        std::lock_guard lock(mutex_);
        ++counters_.range_refusals;
    }
    const uint64_t log_cap = max_logs.value_or(10'000);
    if (style == RangeErrorStyle::kNoHint) {
        return HttpTestReply{
            200, error_answer(call->id, -32005, fmt::format("query returned more than {} results", log_cap))};
    }
    return HttpTestReply{
        200, error_answer(call->id, -32602,
                          fmt::format("Log response size exceeded. You can make eth_getLogs requests with up to a {} "
                                      "block range and no limit on the response size, or you can request any block "
                                      "range with a cap of {} logs in the response. Based on your parameters and the "
                                      "response size limit, this block range should work: [0x{:x}, 0x{:x}]",
                                      max_span.value_or(2'000), log_cap, call->from, hint_to))};
}

}  // namespace tokensync::test_util
