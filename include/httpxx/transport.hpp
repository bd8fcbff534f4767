#pragma once
// The one seam beneath both clients: a transport turns a Request into a Response.

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <asio/awaitable.hpp>

#include "httpxx/config.hpp"
#include "httpxx/request.hpp"
#include "httpxx/response.hpp"

namespace httpxx {

namespace detail {
class ClientCore;
}

class Transport {
 public:
  virtual ~Transport() = default;
  // Sends request and completes once the status line and headers have arrived. The body is read
  // on demand through the response's stream (or is already complete, as from MockTransport).
  // Runs on the awaiting coroutine's executor. The limits are request.timeout() (the client
  // always sets it), or the Timeout defaults when it is unset.
  virtual asio::awaitable<Response> handle_async_request(Request& request) = 0;
  // Closes every connection; requests after it open new ones.
  virtual asio::awaitable<void> aclose();
  // One line of state, e.g. "<HTTPTransport <ConnectionPool [Requests: 0 active, 0 queued | ...]>>".
  virtual std::string describe() const;

 private:
  friend class detail::ClientCore;
  // handle_async_request with the response built in the caller's storage, as the clients call
  // it: a transport that builds the response itself spares the moves through its coroutine
  // (a Response is over 300 bytes) and the room for it in its frame. By default, the response
  // of handle_async_request.
  virtual asio::awaitable<void> handle_async_request_into(Request& request, std::optional<Response>& response);
};

// Serves every request from a handler, for tests: no network.
class MockTransport final : public Transport {
 public:
  using Handler = std::function<Response(const Request&)>;
  explicit MockTransport(Handler handler) : handler_(std::move(handler)) {}
  asio::awaitable<Response> handle_async_request(Request& request) override;
  std::string describe() const override { return "<MockTransport>"; }

 private:
  Handler handler_;
};

// What the default transport is configured with; ClientOptions fills it in.
struct TransportOptions {
  bool verify = true;                      // verify the peer's certificate and host name
  std::string ca_bundle{};                 // PEM file or directory; "" = environment or system
  std::optional<ClientCert> cert{};
  bool http1 = true;
  bool http2 = true;                       // h2 by ALPN; with http1 = false, h2c prior knowledge
  Limits limits{};
  std::optional<Proxy> proxy{};
  std::string uds{};                       // connect through this Unix domain socket
  std::string local_address{};             // bind outgoing connections to this IP
  int retries = 0;                         // extra connect attempts after a failed connect
  bool trust_env = true;                   // SSL_CERT_FILE, SSL_CERT_DIR
  std::optional<std::size_t> max_header_bytes = 256 * 1024;   // of one response head
};

namespace detail {
class HTTPTransportImpl;
}

// The default transport: proxy routing, connection pool, TLS, HTTP/1.1 and HTTP/2.
class HTTPTransport final : public Transport {
 public:
  explicit HTTPTransport(TransportOptions options = {});
  ~HTTPTransport() override;
  asio::awaitable<Response> handle_async_request(Request& request) override;
  asio::awaitable<void> aclose() override;
  std::string describe() const override;

 private:
  asio::awaitable<void> handle_async_request_into(Request& request, std::optional<Response>& response) override;

  std::shared_ptr<detail::HTTPTransportImpl> impl_;
};

}  // namespace httpxx
