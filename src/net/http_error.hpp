#pragma once

#include <stdexcept>
#include <string>

namespace tokensync::net {

// Why a request produced no HTTP response. A response with any status code
// (404, 500, 429...) is not an error at this layer: callers read the status.
enum class HttpErrorKind {
    kInvalidUrl,  // the URL could not be parsed
    kResolve,     // the host name did not resolve (or not within the connect timeout)
    kConnect,     // refused, unreachable, or no connection within the connect timeout
    kTls,         // https: the TLS handshake failed or timed out (untrusted certificate, wrong host name...),
                  // or the TLS settings could not be used (an unreadable CA file)
    kTimeout,     // the request was not sent and answered within the request timeout
    kSend,        // the connection failed while sending the request
    kReceive,     // the connection failed or the response was malformed while reading
};

// Thrown by HttpClient. The message names host:port and the cause, never the
// URL's path or query: provider API keys live there.
class HttpError : public std::runtime_error {
  public:
    HttpError(HttpErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
    HttpErrorKind kind() const noexcept { return kind_; }

  private:
    HttpErrorKind kind_;
};

}  // namespace tokensync::net
