#include <mutex>

#include <asio/error.hpp>
#include <asio/this_coro.hpp>

#include "content/request_body.hpp"
#include "httpxx/errors.hpp"
#include "httpxx/transport.hpp"
#include "models/percent_encoding.hpp"
#include "net/socks5.hpp"
#include "net/tcp_connect.hpp"
#include "net/tls.hpp"
#include "transport/connection_pool.hpp"
#include "transport/http11_connection.hpp"
#include "transport/http2_connection.hpp"
#include "transport/http_proxy.hpp"
#include "transport/transport_errors.hpp"

namespace httpxx {
namespace detail {

namespace {

enum class ProxyKind { none, http, https, socks5, socks5h };

ProxyKind proxy_kind(const std::optional<Proxy>& proxy) {
  if (!proxy) return ProxyKind::none;
  const auto scheme = proxy->url.scheme();
  if (scheme == "http") return ProxyKind::http;
  if (scheme == "https") return ProxyKind::https;
  if (scheme == "socks5") return ProxyKind::socks5;
  if (scheme == "socks5h") return ProxyKind::socks5h;
  throw UnsupportedProtocol("unsupported proxy scheme '" + std::string(scheme) +
                            "://' (use http://, https://, socks5:// or socks5h://)");
}

bool is_idempotent(std::string_view method) {
  // RFC 9110 section 9.2.2
  for (std::string_view m : {"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"}) {
    if (method == m) return true;
  }
  return false;
}

}  // namespace

class HTTPTransportImpl {
 public:
  explicit HTTPTransportImpl(TransportOptions options)
      : options_(std::move(options)),
        proxy_kind_(proxy_kind(options_.proxy)),
        pool_(std::make_shared<ConnectionPool>(options_.limits)) {
    if (options_.proxy) {
      proxy_headers_ = options_.proxy->headers;
      if (auto authorization = proxy_authorization(options_.proxy->url); !authorization.empty()) {
        proxy_headers_.set("Proxy-Authorization", std::move(authorization));
      }
    }
    if (!options_.http1 && !options_.http2) {
      throw std::invalid_argument("at least one of http1 and http2 must be enabled");
    }
  }

  // A static member holding the transport: the transport may be released while the request runs.
  // The connection builds the response in the caller's storage.
  static Awaitable<void> handle(std::shared_ptr<HTTPTransportImpl> self, Request& request,
                                std::optional<Response>& response) {
    const auto& url = request.url();
    const auto scheme = url.scheme();
    const bool secure = scheme == "https";
    if (!secure && scheme != "http") {
      throw UnsupportedProtocol("Request URL has an unsupported protocol '" + std::string(scheme) + "://'.");
    }
    if (url.host().empty()) throw UnsupportedProtocol("Request URL is missing a host: '" + std::string(url.href()) + "'.");

    const RequestDeadlines deadlines(request.timeout().value_or(Timeout{}));
    // The pool key: one set of connections per origin (and per proxy, which is one per transport).
    std::string origin_storage;
    const std::string_view origin = url.origin(origin_storage);

    RequestRoute route;
    // RFC 9112 3.2.2: through an HTTP forward proxy, plain-http requests use the absolute-form.
    const auto proxy_kind = self->proxy_kind_;
    if ((proxy_kind == ProxyKind::http || proxy_kind == ProxyKind::https) && !secure) {
      route.absolute_form = true;
      route.proxy_headers = &self->proxy_headers_;
    }

    // HTTP/2 by ALPN for https, or h2c with prior knowledge when HTTP/1.1 is off.
    const auto& options = self->options_;
    const bool may_multiplex = options.http2 && (secure || !options.http1) && proxy_kind != ProxyKind::http;
    for (int attempt = 0;; ++attempt) {
      PoolLease lease;
      if (!self->pool_->try_acquire(origin, may_multiplex, lease)) {
        const auto pool_deadline = deadlines.for_phase(Phase::pool);
        // Arguments of a co_await are named variables: GCC 12 can destroy a temporary with a
        // destructor twice when it is created inside the co_await expression.
        const std::string pool_limit = deadlines.describe(Phase::pool, pool_deadline.is_total);
        lease = co_await self->pool_->acquire(origin, may_multiplex, pool_deadline.at, pool_limit);
      }
      if (!lease.connection()) lease.attach(co_await self->open_connection(url, deadlines));
      auto* connection = lease.connection();
      try {
        response.reset();
        co_await connection->send(request, route, deadlines, std::move(lease), response);
        if (route.absolute_form && response->status_code() == 407) {
          co_await response->aclose();
          throw forwarding_refused(*response, url);
        }
        co_return;
      } catch (const StaleConnection& stale) {
        // RFC 9110 9.2.2: only a request that is safe to repeat is sent again, and only once.
        const auto& body = request.body();
        const bool replayable = !body || body->bytes() || body->rewind();
        if (attempt > 0 || !replayable || (!stale.unprocessed() && !is_idempotent(request.method()))) {
          throw RemoteProtocolError(stale.what());
        }
      }
    }
  }

  Awaitable<std::shared_ptr<Connection>> open_connection(const URL& url, const RequestDeadlines& deadlines) {
    const auto deadline = deadlines.for_phase(Phase::connect);
    const auto host = url.host_for_connect();
    const auto port = url.effective_port();
    const bool secure = url.scheme() == "https";
    const std::string peer = std::string(url.host()) + ":" + std::to_string(port);
    NetError error;
    std::unique_ptr<ByteStream> stream;
    bool proxy_step = false;
    const TcpConnectOptions tcp = tcp_options();

    if (!options_.uds.empty()) {
      stream = co_await connect_unix(options_.uds, deadline.at, error);
    } else if (proxy_kind_ == ProxyKind::none) {
      stream = co_await connect_tcp(host, port, tcp, deadline.at, error);
    } else {
      const auto& proxy = options_.proxy->url;
      stream = co_await connect_tcp(proxy.host_for_connect(), proxy.effective_port(), tcp, deadline.at, error);
      if (error) {
        error.message = "could not connect to the proxy: " + error.message;
        proxy_step = !error.timed_out;
      }
      if (!error && proxy_kind_ == ProxyKind::https) {
        stream = co_await tls_handshake(std::move(stream), tls_context(true), proxy.host_for_connect(),
                                        proxy.effective_port(), deadline.at, error);
        if (error) error.message = "TLS with the proxy failed: " + error.message;
      }
      if (!error && (proxy_kind_ == ProxyKind::socks5 || proxy_kind_ == ProxyKind::socks5h)) {
        const std::string username = percent_user(proxy, true), password = percent_user(proxy, false);
        co_await socks5_connect(*stream, host, port, proxy_kind_ == ProxyKind::socks5, username, password,
                                deadline.at, error);
        // A name that socks5:// failed to resolve here is no fault of the proxy: ConnectError.
        const bool resolving = error.code.category() == asio::error::get_netdb_category() ||
                               error.code.category() == asio::error::get_addrinfo_category();
        proxy_step = error && !resolving;
      } else if (!error && secure) {
        co_await connect_tunnel(*stream, host, port, proxy_headers_, deadline.at, error);
        proxy_step = static_cast<bool>(error);
      }
    }
    if (!error && secure) {
      stream = co_await tls_handshake(std::move(stream), tls_context(false), host, port, deadline.at, error);
    }
    if (error) raise_connect_error(error, deadlines, deadline.is_total, proxy_step && !error.timed_out);

    const bool h2 = stream->alpn() == "h2" || (!secure && !options_.http1 && options_.http2 && !route_absolute(url));
    if (h2) {
      auto connection = std::make_shared<Http2Connection>(std::move(stream), peer, h2::SessionSettings{},
                                                          deadlines.timeout().write);
      connection->start();
      co_return connection;
    }
    co_return std::make_shared<Http11Connection>(std::move(stream), peer, parser_limits());
  }

  std::string describe() const { return "<HTTPTransport " + pool_->describe() + ">"; }
  void close() { pool_->close_idle(); }

 private:
  static std::string percent_user(const URL& url, bool username);

  // Plain http through an HTTP forward proxy goes in absolute-form over HTTP/1.1.
  bool route_absolute(const URL& url) const {
    return url.scheme() == "http" && (proxy_kind_ == ProxyKind::http || proxy_kind_ == ProxyKind::https);
  }

  TcpConnectOptions tcp_options() const {
    TcpConnectOptions tcp;
    tcp.local_address = options_.local_address;
    return tcp;
  }

  h1::ParserLimits parser_limits() const {
    h1::ParserLimits limits;
    if (options_.max_header_bytes) limits.max_head_bytes = *options_.max_header_bytes;
    return limits;
  }

  // One TLS context per transport (and one for an https:// proxy), made on first use and shared
  // by every connection: loading the CA store per connection is what made httpx#2298 slow.
  TlsContext& tls_context(bool for_proxy) {
    std::lock_guard lock(tls_mutex_);
    auto& context = for_proxy ? proxy_tls_ : target_tls_;
    if (!context) {
      TlsConfig config;
      config.verify = options_.verify;
      config.ca_bundle = options_.ca_bundle;
      config.trust_env = options_.trust_env;
      if (options_.cert && !for_proxy) {
        config.cert_file = options_.cert->cert_file;
        config.key_file = options_.cert->key_file;
        config.key_password = options_.cert->password;
      }
      // RFC 7301: offer h2 first when enabled; a proxy is always spoken to in HTTP/1.1.
      if (for_proxy || !options_.http2) {
        config.alpn = {"http/1.1"};
      } else if (options_.http1) {
        config.alpn = {"h2", "http/1.1"};
      } else {
        config.alpn = {"h2"};
      }
      try {
        context = TlsContext::create(config);
      } catch (const std::runtime_error& e) {
        throw ConnectError(std::string("could not set up TLS: ") + e.what());
      }
    }
    return *context;
  }

  TransportOptions options_;
  ProxyKind proxy_kind_;
  Headers proxy_headers_;
  std::shared_ptr<ConnectionPool> pool_;
  std::mutex tls_mutex_;
  std::shared_ptr<TlsContext> target_tls_, proxy_tls_;
};

std::string HTTPTransportImpl::percent_user(const URL& url, bool username) {
  return percent_decode(username ? url.username() : url.password());
}

}  // namespace detail

HTTPTransport::HTTPTransport(TransportOptions options)
    : impl_(std::make_shared<detail::HTTPTransportImpl>(std::move(options))) {}

HTTPTransport::~HTTPTransport() = default;

asio::awaitable<Response> HTTPTransport::handle_async_request(Request& request) {
  std::optional<Response> response;
  co_await detail::HTTPTransportImpl::handle(impl_, request, response);
  co_return std::move(*response);
}

asio::awaitable<void> HTTPTransport::handle_async_request_into(Request& request, std::optional<Response>& response) {
  return detail::HTTPTransportImpl::handle(impl_, request, response);
}

asio::awaitable<void> HTTPTransport::aclose() {
  impl_->close();
  co_return;
}

std::string HTTPTransport::describe() const { return impl_->describe(); }

}  // namespace httpxx
