#include "api/router.hpp"

#include <algorithm>

#include <boost/json.hpp>

namespace tokensync::api {

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> out;
    if (path.empty() || path.front() != '/') return out;
    std::size_t start = 1;
    while (true) {
        const std::size_t slash = path.find('/', start);
        out.push_back(path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    return out;
}

bool is_param(std::string_view segment) {
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// nullopt when the path does not match; the parameters otherwise.
std::optional<std::vector<std::pair<std::string, std::string>>> match(const std::vector<std::string>& pattern,
                                                                      const std::vector<std::string_view>& path) {
    if (pattern.size() != path.size()) return std::nullopt;
    std::vector<std::pair<std::string, std::string>> params;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (is_param(pattern[i])) {
            if (path[i].empty()) return std::nullopt;
            auto value = percent_decode(path[i], false);
            if (!value) return std::nullopt;
            params.emplace_back(pattern[i].substr(1, pattern[i].size() - 2), std::move(*value));
        } else if (pattern[i] != path[i]) {
            return std::nullopt;
        }
    }
    return params;
}

}  // namespace

std::string_view RouteRequest::param(std::string_view name) const {
    for (const auto& [key, value] : params)
        if (key == name) return value;
    return {};
}

std::optional<std::string_view> RouteRequest::query_value(std::string_view name) const {
    for (const auto& [key, value] : query)
        if (key == name) return std::string_view(value);
    return std::nullopt;
}

void Router::add(std::string_view method, std::string_view pattern, Route route) {
    Entry entry;
    entry.method = std::string(method);
    for (const auto segment : split_path(pattern))
        entry.segments.emplace_back(segment);
    entry.route = std::move(route);
    routes_.push_back(std::move(entry));
}

net::ServerReply Router::handle(const net::ServerRequest& request) const {
    const std::string_view path = request.path();
    const auto segments = split_path(path);
    std::vector<std::string> allowed;
    for (const auto& entry : routes_) {
        auto params = match(entry.segments, segments);
        if (!params) continue;
        if (entry.method != request.method) {
            if (std::find(allowed.begin(), allowed.end(), entry.method) == allowed.end())
                allowed.push_back(entry.method);
            continue;
        }
        RouteRequest route_request{request, std::move(*params), {}};
        const std::string_view target = request.target;
        if (const auto q = target.find('?'); q != std::string_view::npos) {
            std::string_view rest = target.substr(q + 1);
            while (!rest.empty()) {
                const std::size_t amp = rest.find('&');
                const std::string_view pair = rest.substr(0, amp);
                rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
                if (pair.empty()) continue;
                const std::size_t eq = pair.find('=');
                auto key = percent_decode(pair.substr(0, eq), true);
                auto value =
                    percent_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), true);
                if (!key || !value)
                    return error_reply(400, "bad_request", "malformed percent-escape in the query string");
                route_request.query.emplace_back(std::move(*key), std::move(*value));
            }
        }
        return entry.route(route_request);
    }
    if (!allowed.empty()) {
        std::string allow;
        for (const auto& m : allowed)
            allow += (allow.empty() ? "" : ", ") + m;
        auto reply = error_reply(405, "method_not_allowed", request.method + " is not allowed here; use " + allow);
        reply.headers.emplace_back("Allow", allow);
        return reply;
    }
    return error_reply(404, "not_found", "no such path: " + std::string(path.substr(0, 200)));
}

net::HttpServer::Handler Router::handler() const {
    return [this](const net::ServerRequest& request) { return handle(request); };
}

net::ServerReply error_reply(int status, std::string_view type, std::string_view message) {
    boost::json::object error;
    error["type"] = type;
    error["message"] = message;
    boost::json::object body;
    body["error"] = std::move(error);
    return json_reply(status, boost::json::serialize(body));
}

net::ServerReply json_reply(int status, std::string body) {
    net::ServerReply reply;
    reply.status = status;
    reply.content_type = "application/json";
    reply.body = std::move(body);
    return reply;
}

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '%') {
            if (i + 2 >= text.size()) return std::nullopt;
            const int hi = hex_value(text[i + 1]);
            const int lo = hex_value(text[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            out.push_back(static_cast<char>(hi * 16 + lo));
            i += 2;
        } else if (c == '+' && plus_is_space) {
            out.push_back(' ');
        } else {
            out.push_back(c);
        }
    }
    return out;
}

}  // namespace tokensync::api
