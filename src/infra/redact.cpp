#include "infra/redact.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <span>
#include <utility>

#include "infra/url.hpp"

namespace tokensync::infra {
namespace {

using Range = std::pair<std::size_t, std::size_t>;  // [begin, end) in the URL

// Long opaque segments are almost always keys; 24 characters clears ordinary
// path words while catching 32-character provider keys.
constexpr std::size_t kOpaqueSegmentLength = 24;
constexpr std::size_t kVersionedKeyLength = 8;

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
    return out;
}

bool contains_any(std::string_view haystack, std::span<const std::string_view> needles) {
    const std::string low = lower(haystack);
    return std::any_of(needles.begin(), needles.end(),
                       [&](std::string_view n) { return low.find(n) != std::string::npos; });
}

bool is_token_char(char c) noexcept { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_'; }

bool is_token(std::string_view s) noexcept { return !s.empty() && std::all_of(s.begin(), s.end(), is_token_char); }

bool is_version_segment(std::string_view s) noexcept {
    return s.size() >= 2 && (s[0] == 'v' || s[0] == 'V') &&
           std::all_of(s.begin() + 1, s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
}

bool looks_opaque(std::string_view s) noexcept {
    const bool digit =
        std::any_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
    const bool alpha =
        std::any_of(s.begin(), s.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
    return s.size() >= kOpaqueSegmentLength && is_token(s) && digit && alpha;
}

bool is_secret_param(std::string_view name) {
    // "auth" and "sig" only as whole names: "author" and "signer" are not secret.
    static constexpr std::array<std::string_view, 5> kWords{"key", "token", "secret", "pass", "signature"};
    const std::string low = lower(name);
    return low == "auth" || low == "sig" || contains_any(low, kWords);
}

std::size_t offset(std::string_view whole, std::string_view part) noexcept {
    return static_cast<std::size_t>(part.data() - whole.data());
}

void add_userinfo_range(std::string_view url, const UrlParts& parts, std::vector<Range>& out) {
    if (parts.userinfo.empty()) return;
    const auto colon = parts.userinfo.find(':');
    const std::size_t begin = offset(url, parts.userinfo);
    if (colon != std::string_view::npos) {
        if (colon + 1 < parts.userinfo.size()) out.emplace_back(begin + colon + 1, begin + parts.userinfo.size());
        return;
    }
    const std::string scheme = lower(parts.scheme);
    if (scheme == "http" || scheme == "https" || scheme == "ws" || scheme == "wss") {
        out.emplace_back(begin, begin + parts.userinfo.size());
    }
}

void add_path_ranges(std::string_view url, const UrlParts& parts, std::vector<Range>& out) {
    std::string_view path = parts.path;
    bool after_version = false;
    while (!path.empty()) {
        path.remove_prefix(1);  // the '/'
        const auto end = std::min(path.find('/'), path.size());
        const std::string_view segment = path.substr(0, end);
        const bool versioned_key = after_version && is_token(segment) && segment.size() >= kVersionedKeyLength;
        if (versioned_key || looks_opaque(segment)) {
            const std::size_t begin = offset(url, segment);
            out.emplace_back(begin, begin + segment.size());
        }
        after_version = is_version_segment(segment);
        path.remove_prefix(end);
    }
}

void add_query_ranges(std::string_view url, const UrlParts& parts, std::vector<Range>& out) {
    std::string_view query = parts.query;
    while (!query.empty()) {
        const auto end = std::min(query.find('&'), query.size());
        const std::string_view pair = query.substr(0, end);
        const auto eq = pair.find('=');
        if (eq != std::string_view::npos && eq + 1 < pair.size() && is_secret_param(pair.substr(0, eq))) {
            const std::size_t begin = offset(url, pair) + eq + 1;
            out.emplace_back(begin, offset(url, pair) + pair.size());
        }
        query.remove_prefix(std::min(end + 1, query.size()));
    }
}

std::vector<Range> secret_ranges(std::string_view url) {
    std::vector<Range> ranges;
    const auto parts = split_url(url);
    if (!parts) return ranges;
    add_userinfo_range(url, *parts, ranges);
    add_path_ranges(url, *parts, ranges);
    add_query_ranges(url, *parts, ranges);
    return ranges;  // already in ascending, non-overlapping order
}

void replace_all(std::string& text, std::string_view needle) {
    for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + kRedacted.size())) {
        text.replace(pos, needle.size(), kRedacted);
    }
}

bool is_url_char(char c) noexcept {
    return std::isgraph(static_cast<unsigned char>(c)) != 0 && c != '"' && c != '\'' && c != '<' && c != '>' &&
           c != '`' && c != ',' && c != ')' && c != ']' && c != '}';
}

bool is_scheme_char(char c) noexcept {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '+' || c == '-' || c == '.';
}

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string percent_decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
            out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

}  // namespace

std::vector<std::string> url_secrets(std::string_view url) {
    std::vector<std::string> out;
    for (const auto& [begin, end] : secret_ranges(url))
        out.emplace_back(url.substr(begin, end - begin));
    return out;
}

std::string redact_url(std::string_view url) {
    std::string out;
    std::size_t pos = 0;
    for (const auto& [begin, end] : secret_ranges(url)) {
        out.append(url.substr(pos, begin - pos));
        out.append(kRedacted);
        pos = end;
    }
    out.append(url.substr(pos));
    return out;
}

bool is_secret_key(std::string_view key_name) {
    // The last word decides ("api_key", "auth_token"), so that names like
    // "token_address" or "key_file" do not turn ordinary values into secrets.
    static constexpr std::array<std::string_view, 7> kLastWords{"key",    "secret", "token", "password",
                                                                "passwd", "pass",   "apikey"};
    static constexpr std::array<std::string_view, 2> kAnywhere{"password", "secret"};
    const std::string low = lower(key_name);
    const auto cut = low.find_last_of("_-.");
    const std::string_view last = std::string_view(low).substr(cut == std::string::npos ? 0 : cut + 1);
    return std::find(kLastWords.begin(), kLastWords.end(), last) != kLastWords.end() || contains_any(low, kAnywhere);
}

void SecretRegistry::add(std::string_view secret) {
    if (secret.size() < kMinLength) return;
    // A hex secret (a private key) may be printed without its prefix.
    if (secret.starts_with("0x") || secret.starts_with("0X")) add(secret.substr(2));
    const std::lock_guard lock(mutex_);
    if (std::find(secrets_.begin(), secrets_.end(), secret) != secrets_.end()) return;
    secrets_.emplace_back(secret);
    std::stable_sort(secrets_.begin(), secrets_.end(),
                     [](const auto& a, const auto& b) { return a.size() > b.size(); });
}

void SecretRegistry::add_url(std::string_view url) {
    for (const auto& secret : url_secrets(url)) {
        add(secret);
        add(percent_decode(secret));  // drivers report the decoded password
    }
}

std::string SecretRegistry::redact(std::string_view text) const {
    std::string out(text);
    const std::lock_guard lock(mutex_);
    for (const auto& secret : secrets_)
        replace_all(out, secret);
    return out;
}

std::size_t SecretRegistry::size() const {
    const std::lock_guard lock(mutex_);
    return secrets_.size();
}

void SecretRegistry::clear() {
    const std::lock_guard lock(mutex_);
    secrets_.clear();
}

SecretRegistry& SecretRegistry::global() {
    static SecretRegistry registry;
    return registry;
}

std::string redact(std::string_view text) {
    const std::string known = SecretRegistry::global().redact(text);
    std::string out;
    std::size_t pos = 0;
    for (auto sep = known.find("://"); sep != std::string::npos; sep = known.find("://", sep + 3)) {
        std::size_t begin = sep;
        while (begin > pos && is_scheme_char(known[begin - 1]))
            --begin;
        if (begin == sep) continue;
        std::size_t end = sep + 3;
        while (end < known.size() && is_url_char(known[end]))
            ++end;
        out.append(known, pos, begin - pos);
        out.append(redact_url(std::string_view(known).substr(begin, end - begin)));
        pos = end;
        sep = end - 3;  // the next search starts after this URL
    }
    out.append(known, pos);
    return out;
}

}  // namespace tokensync::infra
