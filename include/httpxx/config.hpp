#pragma once
// Plain configuration structs of ClientOptions: timeouts, pool limits, proxy, client certificate.

#include <cstddef>
#include <optional>
#include <string>

#include "httpxx/duration.hpp"
#include "httpxx/headers.hpp"
#include "httpxx/url.hpp"

namespace httpxx {

// Per-phase limits; nullopt means no limit for that phase.
struct Timeout {
  std::optional<Duration> connect = Duration(5), read = Duration(5), write = Duration(5),
                          pool = Duration(5);
  std::optional<Duration> total = std::nullopt;   // whole-request deadline (httpx lacks one)

  // Every phase set to the same limit: Timeout::all(10s), Timeout::all(std::nullopt).
  static Timeout all(std::optional<Duration> limit) { return {limit, limit, limit, limit, std::nullopt}; }
  friend bool operator==(const Timeout&, const Timeout&) = default;
};

// Connection pool limits; nullopt means unlimited.
struct Limits {
  std::optional<std::size_t> max_connections = 100;
  std::optional<std::size_t> max_keepalive_connections = 20;
  std::optional<Duration> keepalive_expiry = Duration(5);
  friend bool operator==(const Limits&, const Limits&) = default;
};

// A client certificate and its private key, both PEM files; password unlocks an encrypted key.
struct ClientCert {
  std::string cert_file, key_file, password;
};

// A proxy: "http://", "https://", "socks5://" or "socks5h://" URL. Credentials in the URL are
// sent as Proxy-Authorization (HTTP) or RFC 1929 username/password (SOCKS5), never logged.
struct Proxy {
  Proxy(const char* url) : Proxy(std::string(url)) {}          // NOLINT: implicit by design
  Proxy(const std::string& url) : url(url) {}                  // NOLINT: implicit by design
  Proxy(URL proxy_url, Headers proxy_headers) : url(std::move(proxy_url)), headers(std::move(proxy_headers)) {}
  URL url;
  Headers headers{};
};

}  // namespace httpxx
