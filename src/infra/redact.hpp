#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace tokensync::infra {

// What every hidden secret is replaced with.
inline constexpr std::string_view kRedacted = "***";

// The secrets inside a URL: the password of "user:password@" (the whole
// userinfo of http/ws URLs, where it is usually a bare token), API keys in
// path segments (the segment after "/v2/", "/v3/"... as used by Alchemy and
// Infura, and any long letters-and-digits segment as used by QuickNode), and
// the values of query parameters whose name says key/token/secret/password/
// auth/signature.
std::vector<std::string> url_secrets(std::string_view url);

// The URL with each of its secrets replaced by kRedacted; other text as is.
std::string redact_url(std::string_view url);

// True when a configuration key's name says it holds a secret: its last word
// (split at '_', '-', '.') is key/secret/token/password/passwd/pass/apikey,
// or it contains "password" or "secret" anywhere.
bool is_secret_key(std::string_view key_name);

// Secret strings known to the process (passwords, API keys read from the
// configuration). The logger and the error printer pass every line through
// it. Thread-safe.
class SecretRegistry {
  public:
    // Shorter strings would blank out ordinary words in every log line.
    static constexpr std::size_t kMinLength = 4;

    // A secret starting with 0x is also added without it.
    void add(std::string_view secret);
    // Every secret url_secrets() finds, as written and percent-decoded.
    void add_url(std::string_view url);
    std::string redact(std::string_view text) const;
    std::size_t size() const;
    void clear();

    static SecretRegistry& global();

  private:
    mutable std::mutex mutex_;
    std::vector<std::string> secrets_;  // longest first, so overlaps redact fully
};

// Registry secrets and every secret inside any URL found in the text.
std::string redact(std::string_view text);

}  // namespace tokensync::infra
