#include "net/stream.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/verify_context.hpp>
#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

namespace tokensync::net {
namespace {

namespace ssl = boost::asio::ssl;
using boost::system::error_code;

// The first reason in OpenSSL's error queue, which it then empties.
std::string openssl_reason() {
    const unsigned long code = ::ERR_get_error();
    ::ERR_clear_error();
    const char* reason = code != 0 ? ::ERR_reason_error_string(code) : nullptr;
    return reason != nullptr ? reason : "unknown OpenSSL error";
}

}  // namespace

std::expected<ssl::context, std::string> make_client_tls_context(const std::string& ca_file) {
    ssl::context ctx(ssl::context::tls_client);
    if (::SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION) != 1)
        return std::unexpected(fmt::format("cannot require TLS 1.2: {}", openssl_reason()));
    error_code ec;
    ctx.set_default_verify_paths(ec);
    if (ec) return std::unexpected(fmt::format("cannot use the system's trusted certificates: {}", ec.message()));
    if (!ca_file.empty()) {
        // SSL_CTX_load_verify_locations rather than ctx.load_verify_file: its
        // error says whether the file is missing or not PEM.
        if (::SSL_CTX_load_verify_locations(ctx.native_handle(), ca_file.c_str(), nullptr) != 1)
            return std::unexpected(fmt::format("cannot load the CA file \"{}\": {}", ca_file, openssl_reason()));
    }
    ctx.set_verify_mode(ssl::verify_peer);
    return ctx;
}

void prepare_client_tls(Stream::Tls& tls, const std::string& host) {
    error_code not_ip;
    boost::asio::ip::make_address(host, not_ip);
    // SSL_set_tlsext_host_name is a macro with a C-style cast; this is what it expands to.
    if (not_ip)
        ::SSL_ctrl(tls.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                   const_cast<char*>(host.c_str()));
    tls.set_verify_mode(ssl::verify_peer);
    // host_name_verification only answers no; recording why in the store
    // context makes the handshake error say "hostname mismatch" instead of
    // an unspecified failure.
    tls.set_verify_callback(
        [check = ssl::host_name_verification(host)](bool preverified, ssl::verify_context& ctx) mutable {
            if (check(preverified, ctx)) return true;
            X509_STORE_CTX* store = ctx.native_handle();
            if (preverified && ::X509_STORE_CTX_get_error_depth(store) == 0)
                ::X509_STORE_CTX_set_error(store, X509_V_ERR_HOSTNAME_MISMATCH);
            return false;
        });
}

std::string describe_tls_failure(const error_code& ec, Stream::Tls& tls) {
    if (ec == ssl::error::stream_truncated || ec == boost::asio::error::eof)
        return "the server closed the connection during the handshake";
    if (ec.category() != boost::asio::error::get_ssl_category()) return ec.message();
    const auto code = static_cast<unsigned long>(ec.value());
    const char* reason = ::ERR_reason_error_string(code);
    std::string text = reason != nullptr ? reason : ec.message();
    const int why = ERR_GET_REASON(code);
    if (why == SSL_R_CERTIFICATE_VERIFY_FAILED) {
        const long result = ::SSL_get_verify_result(tls.native_handle());
        if (result != X509_V_OK) text += fmt::format(" ({})", ::X509_verify_cert_error_string(result));
    } else if (why == SSL_R_WRONG_VERSION_NUMBER || why == SSL_R_PACKET_LENGTH_TOO_LONG) {
        text += " (the server does not speak TLS on this port)";
    }
    return text;
}

}  // namespace tokensync::net
