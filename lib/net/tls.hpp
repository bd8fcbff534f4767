// TLS client configuration, the shared per-client context, and the handshake over any ByteStream.
#pragma once

#include "net/byte_stream.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

// OpenSSL's handle types, declared so this header does not pull in OpenSSL.
struct ssl_ctx_st;
struct ssl_session_st;
struct ssl_st;

namespace httpxx::detail {

struct TlsConfig {
  bool verify = true;
  std::string ca_bundle;                          // PEM file or directory ("" = env or system)
  bool trust_env = true;                          // SSL_CERT_FILE / SSL_CERT_DIR
  std::string cert_file, key_file, key_password;  // client certificate (optional)
  std::vector<std::string> alpn;                  // e.g. {"h2", "http/1.1"}
};

// One SSL_CTX per client configuration, shared by all its connections (never one per
// connection), with client-side TLS session resumption per origin (host:port): sessions
// from the new-session callback kept in a small per-origin cache and set on the next connection.
// Thread-safe: connections on several threads may share one context.
class TlsContext : public std::enable_shared_from_this<TlsContext> {
 public:
  // Throws std::runtime_error with OpenSSL's reason when the CA bundle or client
  // certificate cannot be loaded (the transport turns it into a ConnectError).
  static std::shared_ptr<TlsContext> create(const TlsConfig& config);

  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;
  ~TlsContext();

  const TlsConfig& config() const noexcept;
  ssl_ctx_st* native_handle() const noexcept;

  // Prepares ssl for a connection to origin ("host:port"): sets a cached session to resume and
  // files the sessions the server issues on this connection under origin. origin must outlive
  // ssl, and so must this context (connections keep it alive through shared_from_this).
  void attach(ssl_st* ssl, const std::string& origin);

  // A session to resume with origin ("host:port"), or nullptr. The caller owns the returned
  // reference (SSL_SESSION_free). TLS 1.3 tickets are handed out once (RFC 8446 appendix C.4).
  ssl_session_st* take_session(std::string_view origin);
  // Keeps session (takes a new reference) for the next connection to origin.
  void store_session(std::string_view origin, ssl_session_st* session);
  // Sessions cached for every origin together.
  std::size_t cached_sessions() const;

  // One line for logs and tests, e.g. "<TlsContext verify=true alpn=h2,http/1.1 sessions=1>".
  std::string describe() const;

 private:
  struct Impl;
  explicit TlsContext(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// TLS over any ByteStream (plain TCP, or a proxy tunnel, or even TLS itself for an https
// proxy + https target): SNI (not for IP literals), ALPN, TLS 1.2 minimum, peer verification
// with host name check (SSL_set1_host / IP addresses against IP SANs via
// X509_VERIFY_PARAM_set1_ip_asc). Bounded by deadline. On failure error.message carries
// OpenSSL's verification reason (X509_verify_cert_error_string of SSL_get_verify_result:
// "certificate has expired", "self-signed certificate", "Hostname mismatch", ...) and the
// result is nullptr.
Awaitable<std::unique_ptr<ByteStream>> tls_handshake(std::unique_ptr<ByteStream> inner,
    TlsContext& context, std::string_view host, std::uint16_t port, Deadline deadline, NetError& error);

// Whether the stream is a TLS stream whose handshake resumed a cached session.
bool tls_session_reused(const ByteStream& stream) noexcept;

}  // namespace httpxx::detail
