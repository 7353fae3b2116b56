#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace tokensync::test_util {

// What a TLS test server presents: its certificate and private key, PEM.
struct TlsTestIdentity {
    std::string cert_pem;
    std::string key_pem;
};

// A throwaway certificate authority and one server identity it signed,
// made in memory at test time (P-256 keys, valid from an hour ago for a day).
struct TlsTestPki {
    std::string ca_pem;  // what a client must trust (HttpClient::Options::tls_ca_file)
    TlsTestIdentity server;

    // Writes ca_pem to dir/ca.pem and returns that path, for tls_ca_file.
    std::string save_ca(const std::filesystem::path& dir) const;
};

// The server certificate names dns_names and ip_addresses in its
// subjectAltName, so a client reaching it by another name must refuse it.
// Throws std::runtime_error when OpenSSL fails.
TlsTestPki make_test_pki(const std::vector<std::string>& dns_names = {"localhost"},
                         const std::vector<std::string>& ip_addresses = {"127.0.0.1"});

// A self-signed server certificate (no CA) for the same names; a client
// trusts it by taking cert_pem itself as its CA file.
TlsTestIdentity make_self_signed_identity(const std::vector<std::string>& dns_names = {"localhost"},
                                          const std::vector<std::string>& ip_addresses = {"127.0.0.1"});

}  // namespace tokensync::test_util
