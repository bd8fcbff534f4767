#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "httpxx/auth.hpp"
#include "httpxx/config.hpp"
#include "httpxx/cookies.hpp"
#include "httpxx/headers.hpp"
#include "httpxx/query_params.hpp"

namespace httpxx {

class Request;
class Response;
class Transport;

// URL pattern -> transport, as httpx's mounts: "all://", "https://", "all://example.com",
// "all://*.example.com", "https://host:1234"; the most specific pattern wins; a null transport
// means "connect directly".
using Mounts = std::vector<std::pair<std::string, std::shared_ptr<Transport>>>;

struct SendOptions {
  bool stream = false;
  std::optional<Auth> auth{};
  std::optional<bool> follow_redirects{};
};

struct EventHooks {
  std::vector<std::function<void(Request&)>> request;
  std::vector<std::function<void(Response&)>> response;
};

// Designated initializers in this field order.
struct ClientOptions {
  std::string base_url{};                   // relative URLs are merged onto its path (httpx)
  Headers headers{};
  QueryParams params{};
  Cookies cookies{};
  std::optional<Auth> auth{};
  Timeout timeout{};                        // 5 s for connect, read, write and pool
  Limits limits{};
  bool follow_redirects = false;
  int max_redirects = 20;
  bool http1 = true;
  bool http2 = true;                        // ALPN h2 for https; http1=false: h2c prior knowledge
  bool verify = true;                       // verify the peer's certificate and host name
  std::string ca_bundle{};                  // PEM file or directory; "" = env or system store
  std::optional<ClientCert> cert{};
  std::optional<Proxy> proxy{};             // http://, https://, socks5://, socks5h://
  Mounts mounts{};
  std::shared_ptr<Transport> transport{};   // replaces the default transport (no env proxies)
  bool trust_env = true;                    // HTTP(S)_PROXY, ALL_PROXY, NO_PROXY, SSL_CERT_*
  EventHooks event_hooks{};
  std::string uds{};                        // connect through this Unix domain socket
  std::string default_encoding = "utf-8";
  // Beyond httpx: a cap on a body's decoded size (decompression bombs raise DecodingError).
  std::optional<std::size_t> max_decoded_size = std::size_t{1} << 30;
};

}  // namespace httpxx
