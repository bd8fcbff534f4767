#include "net/happy_eyeballs.hpp"
#include "net/tcp_connect.hpp"

#include "net_test_support.hpp"

#include <doctest/doctest.h>

#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>

#include <array>
#include <string>

using namespace httpxx::detail;
using httpxx::test::run;
using Clock = std::chrono::steady_clock;

namespace {

asio::ip::tcp::endpoint ep(const char* address, std::uint16_t port = 80) {
  return {asio::ip::make_address(address), port};
}

// Named, never a braced temporary, in co_await expressions (GCC 12 may destroy those twice).
const TcpConnectOptions defaults;

Deadline in(std::chrono::milliseconds delay) { return Clock::now() + delay; }

// Writes text and reads the same number of bytes back.
// text is a view: GCC 12 may destroy temporaries in a co_await expression twice.
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

// A listener whose accept queue is full: the kernel drops further SYNs, so connecting to it
// hangs until the attempt is abandoned — a black hole that stays on loopback.
struct BlackHole {
  explicit BlackHole(asio::io_context& io) : acceptor(io), filler(io) {
    acceptor.open(asio::ip::tcp::v4());
    acceptor.bind(ep("127.0.0.1", 0));
    acceptor.listen(0);
    filler.connect(acceptor.local_endpoint());
  }
  std::uint16_t port() const { return acceptor.local_endpoint().port(); }
  asio::ip::tcp::acceptor acceptor;
  asio::ip::tcp::socket filler;
};

}  // namespace

TEST_CASE("interleave_families alternates families starting with the first address's") {
  const std::vector<asio::ip::tcp::endpoint> resolved{ep("::1"), ep("2001:db8::1"), ep("2001:db8::2"),
                                                      ep("127.0.0.1"), ep("192.0.2.1")};
  const std::vector<asio::ip::tcp::endpoint> expected{ep("::1"), ep("127.0.0.1"), ep("2001:db8::1"),
                                                      ep("192.0.2.1"), ep("2001:db8::2")};
  CHECK(interleave_families(resolved) == expected);

  const std::vector<asio::ip::tcp::endpoint> v4_first{ep("192.0.2.1"), ep("192.0.2.2"), ep("::1")};
  const std::vector<asio::ip::tcp::endpoint> v4_expected{ep("192.0.2.1"), ep("::1"), ep("192.0.2.2")};
  CHECK(interleave_families(v4_first) == v4_expected);

  CHECK(interleave_families({}).empty());
  const std::vector<asio::ip::tcp::endpoint> one_family{ep("192.0.2.1"), ep("192.0.2.2")};
  CHECK(interleave_families(one_family) == one_family);
}

TEST_CASE("connect_tcp connects to a listener and the stream carries bytes both ways") {
  asio::io_context io;
  const auto port = httpxx::test::start_tcp_echo(io);
  run(io, [&]() -> asio::awaitable<void> {
    NetError error;
    auto stream = co_await connect_tcp("127.0.0.1", port, defaults, Deadline::max(), error);
    REQUIRE_FALSE(error);
    REQUIRE(stream);
    CHECK(stream->alpn().empty());
    CHECK(co_await round_trip(*stream, "hello") == "hello");
    CHECK(stream->is_reusable());
  }());
}

TEST_CASE("connect_tcp resolves localhost through the system resolver") {
  asio::io_context io;
  const auto port = httpxx::test::start_tcp_echo(io);
  run(io, [&]() -> asio::awaitable<void> {
    NetError error;
    auto stream = co_await connect_tcp("localhost", port, defaults, Clock::now() + std::chrono::seconds(10), error);
    REQUIRE_MESSAGE(!error, error.message);
    CHECK(co_await round_trip(*stream, "via name") == "via name");
  }());
}

TEST_CASE("connect_tcp accepts a bracketed IPv6 literal") {
  asio::io_context io;
  const auto port = httpxx::test::start_tcp_echo(io, "::1");
  run(io, [&]() -> asio::awaitable<void> {
    NetError error;
    auto stream = co_await connect_tcp("[::1]", port, defaults, Deadline::max(), error);
    REQUIRE_MESSAGE(!error, error.message);
    CHECK(co_await round_trip(*stream, "six") == "six");
  }());
}

TEST_CASE("connect_tcp binds the local address it is given") {
  asio::io_context io;
  const auto port = httpxx::test::start_tcp_echo(io);
  run(io, [&]() -> asio::awaitable<void> {
    NetError error;
    TcpConnectOptions options;
    options.local_address = "127.0.0.1";
    auto stream = co_await connect_tcp("127.0.0.1", port, options, Deadline::max(), error);
    REQUIRE_MESSAGE(!error, error.message);
    CHECK(co_await round_trip(*stream, "bound") == "bound");

    options.local_address = "::1";
    stream = co_await connect_tcp("127.0.0.1", port, options, Deadline::max(), error);
    CHECK(stream == nullptr);
    CHECK(error.message.find("local address") != std::string::npos);

    options.local_address = "not an address";
    stream = co_await connect_tcp("127.0.0.1", port, options, Deadline::max(), error);
    CHECK(stream == nullptr);
    CHECK(error.message.find("invalid local address 'not an address'") != std::string::npos);
  }());
}

TEST_CASE("connect_tcp to a closed port reports the refusal with host and port") {
  asio::io_context io;
  const auto port = httpxx::test::closed_port();
  run(io, [&]() -> asio::awaitable<void> {
    NetError error;
    auto stream = co_await connect_tcp("127.0.0.1", port, defaults, Deadline::max(), error);
    CHECK(stream == nullptr);
    CHECK(error.code == asio::error::connection_refused);
    CHECK_FALSE(error.timed_out);
    CHECK(error.message == "connect to 127.0.0.1:" + std::to_string(port) + " failed: Connection refused");
  }());
}

TEST_CASE("connect_tcp gives up at the deadline when the peer never answers") {
  asio::io_context io;
  BlackHole hole(io);
  run(io, [&]() -> asio::awaitable<void> {
    NetError error;
    const auto start = Clock::now();
    auto stream = co_await connect_tcp("127.0.0.1", hole.port(), defaults, in(std::chrono::milliseconds(200)), error);
    CHECK(stream == nullptr);
    CHECK(error.timed_out);
    CHECK(static_cast<bool>(error));
    CHECK(error.message == "connect to 127.0.0.1:" + std::to_string(hole.port()) + " timed out");
    CHECK(Clock::now() - start >= std::chrono::milliseconds(200));
    CHECK(Clock::now() - start < std::chrono::seconds(5));
  }());
}

TEST_CASE("race_connect starts the next address at once when one fails") {
  asio::io_context io;
  const auto good = httpxx::test::start_tcp_echo(io);
  const auto refused = httpxx::test::closed_port();
  run(io, [&]() -> asio::awaitable<void> {
    NetError error;
    const auto start = Clock::now();
    // ::1 refuses, 127.0.0.1 accepts: with a 10 s delay, only the failure can start the second.
    const std::vector<asio::ip::tcp::endpoint> endpoints{ep("::1", refused), ep("127.0.0.1", good)};
    auto socket = co_await race_connect(endpoints, std::nullopt,
                                        std::chrono::seconds(10), Deadline::max(), "localhost:1", error);
    REQUIRE_FALSE(error);
    CHECK(socket.remote_endpoint() == ep("127.0.0.1", good));
    CHECK(Clock::now() - start < std::chrono::seconds(5));
  }());
}

TEST_CASE("race_connect staggers attempts and the first to connect wins") {
  asio::io_context io;
  BlackHole hole(io);
  const auto good = httpxx::test::start_tcp_echo(io);
  run(io, [&]() -> asio::awaitable<void> {
    NetError error;
    const auto start = Clock::now();
    const std::vector<asio::ip::tcp::endpoint> endpoints{ep("127.0.0.1", hole.port()), ep("127.0.0.1", good)};
    auto socket = co_await race_connect(endpoints, std::nullopt,
                                        std::chrono::milliseconds(100), Clock::now() + std::chrono::seconds(20),
                                        "example:1", error);
    REQUIRE_FALSE(error);
    CHECK(socket.remote_endpoint() == ep("127.0.0.1", good));
    // The second attempt waited for the delay: the first was still pending.
    CHECK(Clock::now() - start >= std::chrono::milliseconds(100));
  }());
}

TEST_CASE("race_connect reports the last failure when every address fails") {
  asio::io_context io;
  const auto refused = httpxx::test::closed_port();
  run(io, [&]() -> asio::awaitable<void> {
    NetError error;
    const std::vector<asio::ip::tcp::endpoint> endpoints{ep("127.0.0.1", refused), ep("::1", refused)};
    auto socket = co_await race_connect(endpoints, std::nullopt,
                                        std::chrono::milliseconds(250), Deadline::max(), "example.org:8080", error);
    CHECK_FALSE(socket.is_open());
    CHECK(error.code == asio::error::connection_refused);
    CHECK(error.message == "connect to example.org:8080 failed: Connection refused");

    const std::vector<asio::ip::tcp::endpoint> none;
    co_await race_connect(none, std::nullopt, std::chrono::milliseconds(250), Deadline::max(), "none:1", error);
    CHECK(error.code == asio::error::host_not_found);
  }());
}

TEST_CASE("a TCP stream is not reusable once the peer sent unread data or closed") {
  asio::io_context io;
  const auto port = httpxx::test::start_tcp_echo(io);
  run(io, [&]() -> asio::awaitable<void> {
    NetError error;
    auto stream = co_await connect_tcp("127.0.0.1", port, defaults, Deadline::max(), error);
    REQUIRE(stream);
    // One write comes back as one segment: reading four bytes leaves the fifth waiting.
    std::error_code ec;
    const std::string text = "pingX";
    const std::array<asio::const_buffer, 1> out{asio::buffer(text)};
    co_await stream->write_all(out, ec);
    std::array<char, 4> in{};
    std::size_t done = 0;
    while (done < in.size() && !ec) done += co_await stream->read_some(asio::buffer(in.data() + done, in.size() - done), ec);
    REQUIRE_FALSE(ec);
    CHECK_FALSE(stream->is_reusable());
    stream->close();
    CHECK_FALSE(stream->is_reusable());
  }());
}

TEST_CASE("cancel aborts a pending read and the stream stays usable") {
  asio::io_context io;
  const auto port = httpxx::test::start_tcp_echo(io);
  run(io, [&]() -> asio::awaitable<void> {
    NetError error;
    auto stream = co_await connect_tcp("127.0.0.1", port, defaults, Deadline::max(), error);
    REQUIRE(stream);
    // Runs once the read below is pending and its coroutine suspended.
    asio::post(io, [&] { stream->cancel(); });
    std::array<char, 8> in{};
    std::error_code ec;
    CHECK(co_await stream->read_some(asio::buffer(in), ec) == 0);
    CHECK(ec == asio::error::operation_aborted);
    CHECK(co_await round_trip(*stream, "after") == "after");
  }());
}

TEST_CASE("write_now writes gathered buffers at once and stops where the socket would block") {
  asio::io_context io;
  const auto port = httpxx::test::start_silent_server(io);
  run(io, [&]() -> asio::awaitable<void> {
    NetError error;
    auto stream = co_await connect_tcp("127.0.0.1", port, defaults, Deadline::max(), error);
    REQUIRE(stream);
    const std::string head = "GET / HTTP/1.1\r\n";
    const std::string tail = "\r\n";
    const std::array<asio::const_buffer, 2> request{asio::buffer(head), asio::buffer(tail)};
    CHECK(stream->write_now(request) == head.size() + tail.size());
    // The peer never reads: its receive buffer and our send buffer fill, and then write_now
    // returns short, and finally 0, instead of blocking.
    const std::string block(1024 * 1024, 'x');
    const std::array<asio::const_buffer, 1> big{asio::buffer(block)};
    std::size_t written = 0;
    std::size_t short_writes = 0;
    for (int i = 0; i < 256; ++i) {
      const auto n = stream->write_now(big);
      written += n;
      if (n < block.size()) ++short_writes;
      if (n == 0) break;
    }
    CHECK(short_writes > 0);
    CHECK(stream->write_now(big) == 0);
    CHECK(written < 256 * block.size());
  }());
}

TEST_CASE("write_now on a closed stream writes nothing") {
  asio::io_context io;
  const auto port = httpxx::test::start_tcp_echo(io);
  run(io, [&]() -> asio::awaitable<void> {
    NetError error;
    auto stream = co_await connect_tcp("127.0.0.1", port, defaults, Deadline::max(), error);
    REQUIRE(stream);
    stream->close();
    const std::string text = "late";
    const std::array<asio::const_buffer, 1> out{asio::buffer(text)};
    CHECK(stream->write_now(out) == 0);
  }());
}

TEST_CASE("connect_unix connects to a Unix domain socket") {
  asio::io_context io;
  httpxx::test::TempDir dir;
  const auto path = dir.file("echo.sock");
  httpxx::test::start_unix_echo(io, path);
  run(io, [&]() -> asio::awaitable<void> {
    NetError error;
    auto stream = co_await connect_unix(path, Deadline::max(), error);
    REQUIRE_MESSAGE(!error, error.message);
    CHECK(co_await round_trip(*stream, "over unix") == "over unix");
    CHECK(stream->is_reusable());

    const auto missing = dir.file("missing.sock");
    stream = co_await connect_unix(missing, Deadline::max(), error);
    CHECK(stream == nullptr);
    CHECK(error.message == "connect to unix socket " + missing + " failed: No such file or directory");
  }());
}
