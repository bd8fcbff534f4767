#include "net/socks5.hpp"

#include "net/deadline.hpp"
#include "net/pooled_awaitable.hpp"

#include <asio/ip/tcp.hpp>
#include <asio/redirect_error.hpp>
#include <asio/this_coro.hpp>

#include <array>
#include <string>
#include <vector>

namespace httpxx::detail {
namespace {

// RFC 1928 section 3 / RFC 1929 section 2.
constexpr unsigned char socks_version = 0x05;
constexpr unsigned char method_no_auth = 0x00;
constexpr unsigned char method_username_password = 0x02;
constexpr unsigned char method_none_acceptable = 0xFF;
constexpr unsigned char auth_version = 0x01;
// RFC 1928 sections 4 and 5.
constexpr unsigned char command_connect = 0x01;
constexpr unsigned char atyp_ipv4 = 0x01;
constexpr unsigned char atyp_domain = 0x03;
constexpr unsigned char atyp_ipv6 = 0x04;

std::string describe_target(std::string_view host, std::uint16_t port) {
  const bool v6 = host.find(':') != std::string_view::npos;
  return (v6 ? "[" + std::string(host) + "]" : std::string(host)) + ":" + std::to_string(port);
}

// The SOCKS exchange is a handful of small messages; each step fails with a message that
// names it, and the deadline guard turns a cancelled step into a timeout.
class Exchange {
 public:
  Exchange(ByteStream& stream, std::string target, NetError& error)
      : stream_(stream), target_(std::move(target)), error_(error) {}

  void fail(std::error_code code, const std::string& what) {
    error_.code = code;
    error_.message = "SOCKS5 " + what + " (connecting to " + target_ + ")";
  }

  void fail_io(const char* step, const std::error_code& ec) {
    if (ec == asio::error::eof) {
      fail(ec, std::string("proxy closed the connection during ") + step);
    } else {
      fail(ec, std::string(step) + " failed: " + ec.message());
    }
  }

  // step is a plain string: arguments of a co_await expression must not be temporaries with
  // destructors, which GCC 12 may destroy twice.
  Awaitable<bool> send(const std::vector<unsigned char>& message, const char* step) {
    std::error_code ec;
    const std::array<asio::const_buffer, 1> buffers{asio::buffer(message)};
    co_await stream_.write_all(buffers, ec);
    if (ec) fail_io(step, ec);
    co_return !ec;
  }

  Awaitable<bool> receive(unsigned char* data, std::size_t size, const char* step) {
    std::size_t done = 0;
    std::error_code ec;
    while (done < size && !ec) done += co_await stream_.read_some(asio::buffer(data + done, size - done), ec);
    if (ec) fail_io(step, ec);
    co_return !ec;
  }

 private:
  ByteStream& stream_;
  std::string target_;
  NetError& error_;
};

// The target as RFC 1928 section 5 addresses it: ATYP, DST.ADDR, DST.PORT.
void append_address(std::vector<unsigned char>& out, const asio::ip::address& address) {
  if (address.is_v4()) {
    out.push_back(atyp_ipv4);
    const auto bytes = address.to_v4().to_bytes();
    out.insert(out.end(), bytes.begin(), bytes.end());
  } else {
    out.push_back(atyp_ipv6);
    const auto bytes = address.to_v6().to_bytes();
    out.insert(out.end(), bytes.begin(), bytes.end());
  }
}

}  // namespace

std::string_view socks5_reply_meaning(unsigned code) noexcept {
  switch (code) {
    case 0x00: return "succeeded";
    case 0x01: return "general SOCKS server failure";
    case 0x02: return "connection not allowed by ruleset";
    case 0x03: return "network unreachable";
    case 0x04: return "host unreachable";
    case 0x05: return "connection refused by destination host";
    case 0x06: return "TTL expired";
    case 0x07: return "command not supported";
    case 0x08: return "address type not supported";
    default: return "unknown reply code";
  }
}

Awaitable<void> socks5_connect(ByteStream& stream, std::string_view host, std::uint16_t port,
    bool resolve_locally, std::string_view username, std::string_view password,
    Deadline deadline, NetError& error) {
  error = NetError{};
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const std::string name(host);
  Exchange exchange(stream, describe_target(host, port), error);
  const bool authenticate = !username.empty() || !password.empty();
  if (username.size() > 255 || password.size() > 255) {
    // RFC 1929 section 2: ULEN and PLEN are single bytes.
    exchange.fail(std::make_error_code(std::errc::invalid_argument), "credentials are longer than 255 bytes");
    co_return;
  }

  std::vector<unsigned char> request{socks_version, command_connect, 0x00};
  std::error_code ec;
  const auto literal = asio::ip::make_address(name, ec);
  if (!ec) {
    append_address(request, literal);
  } else if (resolve_locally) {
    // socks5:// resolves on the client and hands the proxy an address (curl does the same).
    asio::ip::tcp::resolver resolver(co_await asio::this_coro::executor);
    DeadlineGuard guard(resolver.get_executor(), deadline, [&resolver] { resolver.cancel(); });
    const std::string service = std::to_string(port);
    const auto results = co_await resolver.async_resolve(name, service,
        asio::ip::tcp::resolver::numeric_service, asio::redirect_error(use_pooled, ec));
    if (ec && guard.expired()) {
      error.timed_out = true;
      error.code = asio::error::timed_out;
      error.message = "resolving host '" + name + "' timed out";
      co_return;
    }
    if (!ec && results.empty()) ec = asio::error::host_not_found;
    if (ec) {
      error.code = ec;
      error.message = "could not resolve host '" + name + "': " + ec.message();
      co_return;
    }
    append_address(request, results.begin()->endpoint().address());
  } else {
    if (name.empty() || name.size() > 255) {
      exchange.fail(std::make_error_code(std::errc::invalid_argument), "host name must be 1 to 255 bytes");
      co_return;
    }
    request.push_back(atyp_domain);
    request.push_back(static_cast<unsigned char>(name.size()));
    request.insert(request.end(), name.begin(), name.end());
  }
  request.push_back(static_cast<unsigned char>(port >> 8));
  request.push_back(static_cast<unsigned char>(port & 0xFF));

  DeadlineGuard guard(stream.get_executor(), deadline, [&stream] { stream.cancel(); });
  const auto timed_out = [&] {
    if (!guard.expired()) return false;
    error = NetError{asio::error::timed_out, "SOCKS5 handshake for " + describe_target(host, port) + " timed out", true};
    return true;
  };

  // Greeting (RFC 1928 section 3): offer username/password only when there are credentials.
  std::vector<unsigned char> greeting{socks_version, 1, method_no_auth};
  if (authenticate) greeting = {socks_version, 2, method_no_auth, method_username_password};
  std::array<unsigned char, 2> choice{};
  if (!co_await exchange.send(greeting, "greeting") || !co_await exchange.receive(choice.data(), 2, "greeting")) {
    timed_out();
    co_return;
  }
  if (choice[0] != socks_version) {
    exchange.fail(asio::error::invalid_argument, "proxy answered the greeting with version " + std::to_string(choice[0]));
    co_return;
  }
  if (choice[1] == method_username_password && authenticate) {
    // RFC 1929 section 2. The credentials are never part of a message.
    std::vector<unsigned char> auth{auth_version, static_cast<unsigned char>(username.size())};
    auth.insert(auth.end(), username.begin(), username.end());
    auth.push_back(static_cast<unsigned char>(password.size()));
    auth.insert(auth.end(), password.begin(), password.end());
    std::array<unsigned char, 2> status{};
    if (!co_await exchange.send(auth, "authentication") ||
        !co_await exchange.receive(status.data(), 2, "authentication")) {
      timed_out();
      co_return;
    }
    if (status[1] != 0x00) {
      exchange.fail(asio::error::access_denied, "proxy authentication failed: username or password rejected");
      co_return;
    }
  } else if (choice[1] == method_none_acceptable) {
    exchange.fail(asio::error::access_denied,
                  authenticate ? "proxy accepted none of the offered authentication methods"
                               : "proxy requires authentication and no credentials were given");
    co_return;
  } else if (choice[1] != method_no_auth) {
    exchange.fail(asio::error::invalid_argument,
                  "proxy chose an authentication method that was not offered (" + std::to_string(choice[1]) + ")");
    co_return;
  }

  // CONNECT (RFC 1928 sections 4 and 6): the reply ends with BND.ADDR, whose length ATYP gives.
  std::array<unsigned char, 4 + 256 + 2> reply{};
  if (!co_await exchange.send(request, "CONNECT request") ||
      !co_await exchange.receive(reply.data(), 5, "CONNECT reply")) {
    timed_out();
    co_return;
  }
  if (reply[0] != socks_version) {
    exchange.fail(asio::error::invalid_argument, "proxy answered CONNECT with version " + std::to_string(reply[0]));
    co_return;
  }
  if (reply[1] != 0x00) {
    exchange.fail(asio::error::connection_refused, "proxy refused the connection: " +
                  std::string(socks5_reply_meaning(reply[1])) + " (" + std::to_string(reply[1]) + ")");
    co_return;
  }
  std::size_t rest = 0;  // after the 5 bytes read: the rest of BND.ADDR, then BND.PORT
  switch (reply[3]) {
    case atyp_ipv4: rest = 4 - 1 + 2; break;
    case atyp_ipv6: rest = 16 - 1 + 2; break;
    case atyp_domain: rest = reply[4] + 2u; break;
    default:
      exchange.fail(asio::error::invalid_argument, "proxy's CONNECT reply has address type " + std::to_string(reply[3]));
      co_return;
  }
  if (!co_await exchange.receive(reply.data() + 5, rest, "CONNECT reply")) timed_out();
}

}  // namespace httpxx::detail
