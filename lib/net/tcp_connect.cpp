#include "net/tcp_connect.hpp"

#include "net/deadline.hpp"
#include "net/happy_eyeballs.hpp"
#include "net/pooled_awaitable.hpp"
#include "net/socket_stream.hpp"

#include <asio/ip/tcp.hpp>
#include <asio/local/stream_protocol.hpp>
#include <asio/redirect_error.hpp>
#include <asio/this_coro.hpp>

#include <algorithm>
#include <optional>
#include <string>

namespace httpxx::detail {
namespace {

// "[::1]" as written in URLs (RFC 3986 section 3.2.2) names the same address as "::1".
std::string_view strip_brackets(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') return host.substr(1, host.size() - 2);
  return host;
}

std::string describe_target(std::string_view host, std::uint16_t port) {
  const auto bare = strip_brackets(host);
  const bool v6 = bare.find(':') != std::string_view::npos;
  return (v6 ? "[" + std::string(bare) + "]" : std::string(bare)) + ":" + std::to_string(port);
}

void fail(NetError& error, std::error_code code, std::string message) {
  error.code = code;
  error.message = std::move(message);
}

void fail_timed_out(NetError& error, std::string message) {
  error.timed_out = true;
  fail(error, asio::error::timed_out, std::move(message));
}

// The addresses of host: the literal itself, or what the system resolver answers.
Awaitable<std::vector<asio::ip::tcp::endpoint>> resolve(std::string_view host, std::uint16_t port,
                                                        Deadline deadline, NetError& error) {
  const auto bare = strip_brackets(host);
  std::error_code ec;
  const auto literal = asio::ip::make_address(std::string(bare), ec);
  if (!ec) co_return std::vector<asio::ip::tcp::endpoint>{{literal, port}};

  // Arguments of a co_await expression are named: GCC 12 may destroy temporaries there twice.
  const std::string name(bare);
  const std::string service = std::to_string(port);
  asio::ip::tcp::resolver resolver(co_await asio::this_coro::executor);
  DeadlineGuard guard(resolver.get_executor(), deadline, [&resolver] { resolver.cancel(); });
  const auto results = co_await resolver.async_resolve(name, service,
      asio::ip::tcp::resolver::numeric_service, asio::redirect_error(use_pooled, ec));
  if (ec && guard.expired()) {
    fail_timed_out(error, "resolving host '" + std::string(bare) + "' timed out");
    co_return std::vector<asio::ip::tcp::endpoint>{};
  }
  if (!ec && results.empty()) ec = asio::error::host_not_found;
  if (ec) {
    fail(error, ec, "could not resolve host '" + std::string(bare) + "': " + ec.message());
    co_return std::vector<asio::ip::tcp::endpoint>{};
  }
  std::vector<asio::ip::tcp::endpoint> endpoints;
  for (const auto& entry : results) {
    // getaddrinfo can list an address once per socket type; one attempt each is enough.
    if (std::find(endpoints.begin(), endpoints.end(), entry.endpoint()) == endpoints.end()) {
      endpoints.push_back(entry.endpoint());
    }
  }
  co_return endpoints;
}

}  // namespace

Awaitable<std::unique_ptr<ByteStream>> connect_tcp(std::string_view host, std::uint16_t port,
    const TcpConnectOptions& options, Deadline deadline, NetError& error) {
  error = NetError{};
  const auto target = describe_target(host, port);

  std::optional<asio::ip::address> local;
  if (!options.local_address.empty()) {
    std::error_code ec;
    local = asio::ip::make_address(options.local_address, ec);
    if (ec) {
      fail(error, ec, "invalid local address '" + options.local_address + "': " + ec.message());
      co_return nullptr;
    }
  }

  auto endpoints = co_await resolve(host, port, deadline, error);
  if (error) co_return nullptr;
  if (local) {
    // A socket bound to an IPv4 address cannot reach an IPv6 peer and vice versa.
    std::erase_if(endpoints, [&](const auto& e) { return e.address().is_v6() != local->is_v6(); });
    if (endpoints.empty()) {
      fail(error, asio::error::address_family_not_supported,
           "connect to " + target + " failed: no address of the local address's family");
      co_return nullptr;
    }
  }

  const auto ordered = interleave_families(endpoints);
  auto socket = co_await race_connect(ordered, local, options.happy_eyeballs_delay,
                                      deadline, target, error);
  if (error) co_return nullptr;
  std::error_code ec;
  // Requests are written whole in one gathered write: Nagle would only delay them.
  socket.set_option(asio::ip::tcp::no_delay(true), ec);
  if (ec) {
    fail(error, ec, "connect to " + target + " failed: setting TCP_NODELAY: " + ec.message());
    co_return nullptr;
  }
  co_return make_tcp_stream(std::move(socket));
}

Awaitable<std::unique_ptr<ByteStream>> connect_unix(std::string_view path, Deadline deadline,
                                                    NetError& error) {
  error = NetError{};
  const auto target = "unix socket " + std::string(path);
  asio::local::stream_protocol::socket socket(co_await asio::this_coro::executor);
  std::error_code ec;
  {
    DeadlineGuard guard(socket.get_executor(), deadline, [&socket] {
      std::error_code ignored;
      socket.cancel(ignored);
    });
    const asio::local::stream_protocol::endpoint endpoint{std::string(path)};
    co_await socket.async_connect(endpoint, asio::redirect_error(use_pooled, ec));
    if (ec && guard.expired()) {
      fail_timed_out(error, "connect to " + target + " timed out");
      co_return nullptr;
    }
  }
  if (ec) {
    fail(error, ec, "connect to " + target + " failed: " + ec.message());
    co_return nullptr;
  }
  co_return make_unix_stream(std::move(socket));
}

}  // namespace httpxx::detail
