#include "test_util/tls_test_cert.hpp"

#include <fstream>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace tokensync::test_util {
namespace {

template <class T, void (*Free)(T*)>
struct Deleter {
    void operator()(T* p) const noexcept { Free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using KeyContext = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Extension = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION, X509_EXTENSION_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

[[noreturn]] void fail(std::string_view what) {
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    const char* reason = code != 0 ? ERR_reason_error_string(code) : nullptr;
    throw std::runtime_error(fmt::format("test certificate: {} failed: {}", what, reason != nullptr ? reason : "?"));
}

void check(int ok, std::string_view what) {
    if (ok != 1) fail(what);
}

Key make_key() {
    KeyContext ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
    if (!ctx) fail("EVP_PKEY_CTX_new_from_name");
    check(EVP_PKEY_keygen_init(ctx.get()), "EVP_PKEY_keygen_init");
    check(EVP_PKEY_CTX_set_group_name(ctx.get(), "P-256"), "EVP_PKEY_CTX_set_group_name");
    EVP_PKEY* key = nullptr;
    check(EVP_PKEY_generate(ctx.get(), &key), "EVP_PKEY_generate");
    return Key(key);
}

void add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    Extension ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
    if (!ext) fail(fmt::format("extension {}", value));
    check(X509_add_ext(cert, ext.get(), -1), "X509_add_ext");
}

// An unsigned certificate for key, issued by issuer (null: by itself).
Cert make_cert(EVP_PKEY* key, const std::string& common_name, long serial, X509* issuer) {
    Cert cert(X509_new());
    if (!cert) fail("X509_new");
    check(X509_set_version(cert.get(), 2), "X509_set_version");
    check(ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial), "ASN1_INTEGER_set");
    if (X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) == nullptr) fail("notBefore");
    if (X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400) == nullptr) fail("notAfter");
    check(X509_set_pubkey(cert.get(), key), "X509_set_pubkey");
    X509_NAME* name = X509_get_subject_name(cert.get());
    const auto* cn = reinterpret_cast<const unsigned char*>(common_name.c_str());  // OpenSSL's byte strings
    check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, cn, -1, -1, 0), "X509_NAME_add_entry_by_txt");
    check(X509_set_issuer_name(cert.get(), issuer != nullptr ? X509_get_subject_name(issuer) : name),
          "X509_set_issuer_name");
    X509* signer = issuer != nullptr ? issuer : cert.get();
    add_extension(cert.get(), signer, NID_subject_key_identifier, "hash");
    add_extension(cert.get(), signer, NID_authority_key_identifier, "keyid:always");
    return cert;
}

void sign(X509* cert, EVP_PKEY* issuer_key) {
    if (X509_sign(cert, issuer_key, EVP_sha256()) == 0) fail("X509_sign");
}

std::string to_pem(X509* cert) {
    Bio bio(BIO_new(BIO_s_mem()));
    check(PEM_write_bio_X509(bio.get(), cert), "PEM_write_bio_X509");
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return {data, static_cast<std::size_t>(size)};
}

std::string to_pem(EVP_PKEY* key) {
    Bio bio(BIO_new(BIO_s_mem()));
    check(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr), "PEM_write_bio_PrivateKey");
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return {data, static_cast<std::size_t>(size)};
}

std::string subject_alt_names(const std::vector<std::string>& dns_names, const std::vector<std::string>& ip_addresses) {
    std::string names;
    for (const auto& dns : dns_names)
        names += fmt::format("{}DNS:{}", names.empty() ? "" : ",", dns);
    for (const auto& ip : ip_addresses)
        names += fmt::format("{}IP:{}", names.empty() ? "" : ",", ip);
    return names;
}

std::string common_name_of(const std::vector<std::string>& dns_names, const std::vector<std::string>& ip_addresses) {
    return dns_names.empty() ? ip_addresses.at(0) : dns_names.front();
}

}  // namespace

TlsTestPki make_test_pki(const std::vector<std::string>& dns_names, const std::vector<std::string>& ip_addresses) {
    const Key ca_key = make_key();
    Cert ca = make_cert(ca_key.get(), "tokensync test CA", 1, nullptr);
    add_extension(ca.get(), ca.get(), NID_basic_constraints, "critical,CA:TRUE");
    add_extension(ca.get(), ca.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
    sign(ca.get(), ca_key.get());

    const Key server_key = make_key();
    Cert server = make_cert(server_key.get(), common_name_of(dns_names, ip_addresses), 2, ca.get());
    add_extension(server.get(), ca.get(), NID_subject_alt_name, subject_alt_names(dns_names, ip_addresses));
    add_extension(server.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE");
    add_extension(server.get(), ca.get(), NID_ext_key_usage, "serverAuth");
    sign(server.get(), ca_key.get());

    return {to_pem(ca.get()), {to_pem(server.get()), to_pem(server_key.get())}};
}

TlsTestIdentity make_self_signed_identity(const std::vector<std::string>& dns_names,
                                          const std::vector<std::string>& ip_addresses) {
    const Key key = make_key();
    Cert cert = make_cert(key.get(), common_name_of(dns_names, ip_addresses), 3, nullptr);
    add_extension(cert.get(), cert.get(), NID_subject_alt_name, subject_alt_names(dns_names, ip_addresses));
    add_extension(cert.get(), cert.get(), NID_ext_key_usage, "serverAuth");
    sign(cert.get(), key.get());
    return {to_pem(cert.get()), to_pem(key.get())};
}

std::string TlsTestPki::save_ca(const std::filesystem::path& dir) const {
    const auto path = dir / "ca.pem";
    std::ofstream out(path, std::ios::binary);
    out << ca_pem;
    if (!out.flush()) throw std::runtime_error(fmt::format("cannot write {}", path.string()));
    return path.string();
}

}  // namespace tokensync::test_util
