#include "net/socks5.hpp"
#include "net/tcp_connect.hpp"

#include "net_test_support.hpp"

#include <doctest/doctest.h>

#include <array>
#include <string>

using namespace httpxx::detail;
using httpxx::test::run;
using Clock = std::chrono::steady_clock;

namespace {

// Arguments of co_await expressions are named or trivially destructible: GCC 12 may destroy
// temporaries there twice.
const TcpConnectOptions defaults;

// microsocks on a free port of 127.0.0.1, optionally requiring user:pass.
struct Microsocks {
  explicit Microsocks(const std::string& user = "", const std::string& password = "")
      : port(httpxx::test::closed_port()), process(arguments(port, user, password)) {
    REQUIRE_MESSAGE(httpxx::test::wait_for_listener(port), "microsocks did not start");
  }
  static std::vector<std::string> arguments(std::uint16_t port, const std::string& user, const std::string& password) {
    std::vector<std::string> argv{"microsocks", "-i", "127.0.0.1", "-p", std::to_string(port)};
    if (!user.empty()) argv.insert(argv.end(), {"-u", user, "-P", password});
    return argv;
  }
  std::uint16_t port;
  httpxx::test::ChildProcess process;
};

struct Tunnel {
  std::unique_ptr<ByteStream> stream;
  NetError error;
};

asio::awaitable<Tunnel> tunnel(std::uint16_t proxy_port, std::string_view host, std::uint16_t port,
                               bool resolve_locally, std::string_view user = "", std::string_view password = "") {
  Tunnel result;
  result.stream = co_await connect_tcp("127.0.0.1", proxy_port, defaults, Deadline::max(), result.error);
  REQUIRE_MESSAGE(!result.error, result.error.message);
  co_await socks5_connect(*result.stream, host, port, resolve_locally, user, password,
                          Clock::now() + std::chrono::seconds(10), result.error);
  co_return result;
}

asio::awaitable<std::string> round_trip(ByteStream& stream, std::string_view text) {
  std::error_code ec;
  const std::array<asio::const_buffer, 1> out{asio::buffer(text)};
  co_await stream.write_all(out, ec);
  REQUIRE_FALSE(ec);
  std::string received(text.size(), '\0');
  std::size_t done = 0;
  while (done < received.size() && !ec) {
    done += co_await stream.read_some(asio::buffer(received.data() + done, received.size() - done), ec);
  }
  REQUIRE_FALSE(ec);
  co_return received;
}

}  // namespace

TEST_CASE("socks5_reply_meaning follows RFC 1928 section 6") {
  CHECK(socks5_reply_meaning(0) == "succeeded");
  CHECK(socks5_reply_meaning(1) == "general SOCKS server failure");
  CHECK(socks5_reply_meaning(5) == "connection refused by destination host");
  CHECK(socks5_reply_meaning(8) == "address type not supported");
  CHECK(socks5_reply_meaning(0x42) == "unknown reply code");
}

TEST_CASE("SOCKS5 tunnels to the target, by address, by name, and resolved locally") {
  Microsocks proxy;
  asio::io_context io;
  const auto echo = httpxx::test::start_tcp_echo(io);
  run(io, [&]() -> asio::awaitable<void> {
    auto by_address = co_await tunnel(proxy.port, "127.0.0.1", echo, false);
    REQUIRE_MESSAGE(!by_address.error, by_address.error.message);
    CHECK(co_await round_trip(*by_address.stream, "through the proxy") == "through the proxy");

    auto by_name = co_await tunnel(proxy.port, "localhost", echo, false);
    REQUIRE_MESSAGE(!by_name.error, by_name.error.message);
    CHECK(co_await round_trip(*by_name.stream, "named") == "named");

    auto local = co_await tunnel(proxy.port, "localhost", echo, true);
    REQUIRE_MESSAGE(!local.error, local.error.message);
    CHECK(co_await round_trip(*local.stream, "resolved here") == "resolved here");
  }());
}

TEST_CASE("SOCKS5 with username and password") {
  Microsocks proxy("alice", "s3cret-pass");
  asio::io_context io;
  const auto echo = httpxx::test::start_tcp_echo(io);
  run(io, [&]() -> asio::awaitable<void> {
    auto good = co_await tunnel(proxy.port, "127.0.0.1", echo, false, "alice", "s3cret-pass");
    REQUIRE_MESSAGE(!good.error, good.error.message);
    CHECK(co_await round_trip(*good.stream, "authenticated") == "authenticated");

    auto bad = co_await tunnel(proxy.port, "127.0.0.1", echo, false, "alice", "wrong-pass");
    CHECK(static_cast<bool>(bad.error));
    CHECK_MESSAGE(bad.error.message.find("SOCKS5 proxy authentication failed") != std::string::npos,
                  bad.error.message);
    CHECK(bad.error.message.find("wrong-pass") == std::string::npos);
    CHECK(bad.error.message.find("alice") == std::string::npos);

    auto none = co_await tunnel(proxy.port, "127.0.0.1", echo, false);
    CHECK(static_cast<bool>(none.error));
    CHECK_MESSAGE(none.error.message.find("requires authentication") != std::string::npos, none.error.message);
  }());
}

TEST_CASE("SOCKS5 reports the proxy's refusal to reach the target") {
  Microsocks proxy;
  asio::io_context io;
  const auto closed = httpxx::test::closed_port();
  run(io, [&]() -> asio::awaitable<void> {
    auto refused = co_await tunnel(proxy.port, "127.0.0.1", closed, false);
    CHECK(refused.error.code == asio::error::connection_refused);
    CHECK_MESSAGE(refused.error.message ==
                      "SOCKS5 proxy refused the connection: connection refused by destination host (5) "
                      "(connecting to 127.0.0.1:" + std::to_string(closed) + ")",
                  refused.error.message);
  }());
}

TEST_CASE("SOCKS5 gives up at the deadline when the proxy never answers") {
  asio::io_context io;
  const auto silent = httpxx::test::start_silent_server(io);
  run(io, [&]() -> asio::awaitable<void> {
    NetError error;
    auto stream = co_await connect_tcp("127.0.0.1", silent, defaults, Deadline::max(), error);
    REQUIRE(stream);
    co_await socks5_connect(*stream, "example.org", 443, false, "", "", Clock::now() + std::chrono::milliseconds(200),
                            error);
    CHECK(error.timed_out);
    CHECK(error.message == "SOCKS5 handshake for example.org:443 timed out");
  }());
}
