#include "net/tcp_connect.hpp"
#include "net/tls.hpp"

#include "net_test_support.hpp"
#include "test_pki.hpp"
#include "tls_test_server.hpp"

#include <doctest/doctest.h>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include <algorithm>
#include <array>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

using namespace httpxx::detail;
using httpxx::test::run;
using httpxx::test::test_pki;
using httpxx::test::TlsServerOptions;
using httpxx::test::TlsTestServer;
using Clock = std::chrono::steady_clock;

namespace {

// Arguments of co_await expressions are named or trivially destructible: GCC 12 may destroy
// temporaries there twice.
const TcpConnectOptions defaults;

TlsServerOptions server_with(const std::string& cert) {
  TlsServerOptions options;
  options.cert_file = cert;
  options.key_file = test_pki().server_key;
  return options;
}

TlsConfig trusting_test_ca() {
  TlsConfig config;
  config.ca_bundle = test_pki().ca_cert;
  return config;
}

// TCP then TLS to 127.0.0.1:port, presenting host for verification and SNI.
asio::awaitable<std::unique_ptr<ByteStream>> connect_tls(std::uint16_t port, TlsContext& context,
                                                         std::string_view host, NetError& error) {
  auto tcp = co_await connect_tcp("127.0.0.1", port, defaults, Deadline::max(), error);
  REQUIRE_MESSAGE(!error, error.message);
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  co_return co_await tls_handshake(std::move(tcp), context, host, port, deadline, error);
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
  REQUIRE_MESSAGE(!ec, ec.message());
  co_return received;
}

// Many records each way, more than one read's worth: the records span reads.
std::string large_text() {
  std::string text(64 * 1024, '\0');
  for (std::size_t i = 0; i < text.size(); ++i) text[i] = static_cast<char>('a' + i % 26);
  return text;
}

// Expects the handshake to fail with reason somewhere in the message.
void expect_failure(const std::string& server_cert, const TlsConfig& config, const std::string& host,
                    const std::string& reason) {
  TlsTestServer server(server_with(server_cert));
  asio::io_context io;
  auto context = TlsContext::create(config);
  run(io, [&]() -> asio::awaitable<void> {
    NetError error;
    auto stream = co_await connect_tls(server.port(), *context, host, error);
    CHECK(stream == nullptr);
    CHECK_FALSE(error.timed_out);
    CHECK(static_cast<bool>(error.code));
    const auto target = (host == "::1" ? "[::1]" : host) + ":" + std::to_string(server.port());
    CHECK(error.message.rfind("TLS handshake with " + target + " failed: ", 0) == 0);
    CHECK_MESSAGE(error.message.find(reason) != std::string::npos, error.message);
  }());
}

}  // namespace

TEST_CASE("a trusted server: handshake, ALPN h2, data both ways") {
  auto options = server_with(test_pki().server_cert);
  options.alpn = {"h2", "http/1.1"};
  TlsTestServer server(options);
  asio::io_context io;
  auto config = trusting_test_ca();
  config.alpn = {"h2", "http/1.1"};
  auto context = TlsContext::create(config);
  CHECK(context->describe() == "<TlsContext verify=true alpn=h2,http/1.1 sessions=0>");
  run(io, [&]() -> asio::awaitable<void> {
    NetError error;
    auto stream = co_await connect_tls(server.port(), *context, "localhost", error);
    REQUIRE_MESSAGE(!error, error.message);
    CHECK(stream->alpn() == "h2");
    CHECK(co_await round_trip(*stream, "hello over TLS") == "hello over TLS");
    CHECK(stream->is_reusable());
  }());
  const auto connections = server.finished(1);
  REQUIRE(connections.size() == 1);
  CHECK(connections[0].alpn == "h2");
}

TEST_CASE("a transfer of many records each way arrives intact") {
  TlsTestServer server(server_with(test_pki().server_cert));
  asio::io_context io;
  auto context = TlsContext::create(trusting_test_ca());
  const auto text = large_text();
  run(io, [&]() -> asio::awaitable<void> {
    NetError error;
    auto stream = co_await connect_tls(server.port(), *context, "localhost", error);
    REQUIRE_MESSAGE(!error, error.message);
    CHECK(co_await round_trip(*stream, text) == text);
    CHECK(co_await round_trip(*stream, "and a short one") == "and a short one");
    CHECK(stream->is_reusable());
  }());
  CHECK(server.finished(1).size() == 1);
}

TEST_CASE("ALPN falls back to http/1.1 and is empty when not offered") {
  auto options = server_with(test_pki().server_cert);
  options.alpn = {"http/1.1"};
  TlsTestServer server(options);
  asio::io_context io;
  auto config = trusting_test_ca();
  config.alpn = {"h2", "http/1.1"};
  auto offering = TlsContext::create(config);
  auto silent = TlsContext::create(trusting_test_ca());
  run(io, [&]() -> asio::awaitable<void> {
    NetError error;
    auto stream = co_await connect_tls(server.port(), *offering, "localhost", error);
    REQUIRE_MESSAGE(!error, error.message);
    CHECK(stream->alpn() == "http/1.1");
    stream.reset();
    stream = co_await connect_tls(server.port(), *silent, "localhost", error);
    REQUIRE_MESSAGE(!error, error.message);
    CHECK(stream->alpn().empty());
  }());
}

TEST_CASE("an IP literal is verified against the certificate's IP addresses") {
  TlsTestServer server(server_with(test_pki().server_cert));
  asio::io_context io;
  auto context = TlsContext::create(trusting_test_ca());
  run(io, [&]() -> asio::awaitable<void> {
    NetError error;
    auto stream = co_await connect_tls(server.port(), *context, "127.0.0.1", error);
    REQUIRE_MESSAGE(!error, error.message);
    CHECK(co_await round_trip(*stream, "by address") == "by address");
  }());
}

TEST_CASE("verification failures carry OpenSSL's reason") {
  const auto& pki = test_pki();
  SUBCASE("self-signed") { expect_failure(pki.self_signed_cert, trusting_test_ca(), "localhost", "self-signed certificate"); }
  SUBCASE("unknown issuer") {
    TlsConfig config;
    config.ca_bundle = pki.other_ca_cert;
    expect_failure(pki.server_cert, config, "localhost", "unable to get local issuer certificate");
  }
  SUBCASE("expired") { expect_failure(pki.expired_cert, trusting_test_ca(), "localhost", "certificate has expired"); }
  SUBCASE("wrong host name") {
    expect_failure(pki.wrong_host_cert, trusting_test_ca(), "localhost", "certificate verify failed: hostname mismatch");
  }
  SUBCASE("wrong IP address") {
    expect_failure(pki.wrong_host_cert, trusting_test_ca(), "127.0.0.1", "IP address mismatch");
  }
}

TEST_CASE("verify=false accepts an untrusted certificate") {
  TlsTestServer server(server_with(test_pki().self_signed_cert));
  asio::io_context io;
  TlsConfig config;
  config.verify = false;
  auto context = TlsContext::create(config);
  CHECK(context->describe() == "<TlsContext verify=false alpn=none sessions=0>");
  run(io, [&]() -> asio::awaitable<void> {
    NetError error;
    auto stream = co_await connect_tls(server.port(), *context, "wrong.example", error);
    REQUIRE_MESSAGE(!error, error.message);
    CHECK(co_await round_trip(*stream, "unverified") == "unverified");
  }());
}

TEST_CASE("SSL_CERT_FILE supplies the CA when trust_env is on") {
  TlsTestServer server(server_with(test_pki().server_cert));
  asio::io_context io;
  ::setenv("SSL_CERT_FILE", test_pki().ca_cert.c_str(), 1);
  auto from_env = TlsContext::create(TlsConfig{});
  TlsConfig ignoring;
  ignoring.trust_env = false;
  ::setenv("SSL_CERT_FILE", test_pki().ca_cert.c_str(), 1);
  auto from_system = TlsContext::create(ignoring);
  ::unsetenv("SSL_CERT_FILE");
  run(io, [&]() -> asio::awaitable<void> {
    NetError error;
    auto stream = co_await connect_tls(server.port(), *from_env, "localhost", error);
    CHECK_MESSAGE(!error, error.message);
    stream.reset();
    stream = co_await connect_tls(server.port(), *from_system, "localhost", error);
    CHECK(stream == nullptr);
    CHECK(error.message.find("unable to get local issuer certificate") != std::string::npos);
  }());
}

TEST_CASE("a TLS 1.1-only server is refused") {
  auto options = server_with(test_pki().server_cert);
  options.tls11_only = true;
  TlsTestServer server(options);
  asio::io_context io;
  auto context = TlsContext::create(trusting_test_ca());
  run(io, [&]() -> asio::awaitable<void> {
    NetError error;
    auto stream = co_await connect_tls(server.port(), *context, "localhost", error);
    CHECK(stream == nullptr);
    CHECK_MESSAGE(error.message.find("protocol version") != std::string::npos, error.message);
  }());
  CHECK_FALSE(server.finished(1).at(0).handshake_ok);
}

// A server sends TLS 1.3 tickets after each handshake (RFC 8446 section 4.6.1), two after a full
// one and one after a resumption here. Each ticket is used once, so a chain of connections
// resumes only if every closed connection leaves its last ticket usable: OpenSSL marks the
// session of a connection freed without close_notify as not resumable. A TLS 1.2 session is
// shared by the connections that resume it, so there one such connection would end resumption
// for all that follow.
TEST_CASE("each new connection to an origin resumes the TLS session, and each ends with close_notify") {
  auto options = server_with(test_pki().server_cert);
  std::string protocol = "TLSv1.3";
  SUBCASE("TLS 1.3: each ticket used once") {}
  SUBCASE("TLS 1.2: one session resumed by each connection") {
    options.tls12_max = true;
    protocol = "TLSv1.2";
  }
  TlsTestServer server(options);
  asio::io_context io;
  auto context = TlsContext::create(trusting_test_ca());
  constexpr std::size_t count = 4;
  run(io, [&]() -> asio::awaitable<void> {
    for (std::size_t i = 0; i < count; ++i) {
      NetError error;
      auto stream = co_await connect_tls(server.port(), *context, "localhost", error);
      REQUIRE_MESSAGE(!error, error.message);
      CHECK_MESSAGE(tls_session_reused(*stream) == (i > 0), "connection " << i);
      // Reading processes the tickets the server sent after the handshake.
      const std::string message = "message " + std::to_string(i);
      CHECK(co_await round_trip(*stream, message) == message);
      CHECK(context->cached_sessions() >= 1);
      // Both ways a connection ends: closed, and destroyed without close().
      if (i % 2 == 0) stream->close();
      stream.reset();
    }
  }());
  const auto connections = server.finished(count);
  REQUIRE(connections.size() == count);
  for (std::size_t i = 0; i < count; ++i) {
    CAPTURE(i);
    CHECK(connections[i].protocol == protocol);
    CHECK(connections[i].session_reused == (i > 0));
    CHECK(connections[i].close_notify_received);
  }
}

TEST_CASE("a client certificate is presented when the server requires one") {
  const auto& pki = test_pki();
  auto options = server_with(pki.server_cert);
  options.client_ca_file = pki.ca_cert;
  TlsTestServer server(options);
  asio::io_context io;
  auto config = trusting_test_ca();
  config.cert_file = pki.client_cert;
  config.key_file = pki.client_key;
  config.key_password = pki.client_key_password;
  auto with_cert = TlsContext::create(config);
  auto without_cert = TlsContext::create(trusting_test_ca());
  run(io, [&]() -> asio::awaitable<void> {
    NetError error;
    auto stream = co_await connect_tls(server.port(), *with_cert, "localhost", error);
    REQUIRE_MESSAGE(!error, error.message);
    CHECK(co_await round_trip(*stream, "mutual") == "mutual");
    stream.reset();

    // With TLS 1.3 the client finishes its handshake before the server checks its certificate:
    // the refusal arrives as an alert on the first read.
    stream = co_await connect_tls(server.port(), *without_cert, "localhost", error);
    if (stream) {
      std::error_code ec;
      const std::string text = "x";
      const std::array<asio::const_buffer, 1> out{asio::buffer(text)};
      co_await stream->write_all(out, ec);
      std::array<char, 8> in{};
      co_await stream->read_some(asio::buffer(in), ec);
      CHECK(static_cast<bool>(ec));
    }
  }());
  const auto connections = server.finished(2);
  REQUIRE(connections.size() == 2);
  CHECK(connections[0].client_subject == "httpxx-test-client");
  CHECK_FALSE(connections[1].handshake_ok);
}

TEST_CASE("TlsContext::create reports files it cannot load") {
  const auto& pki = test_pki();
  TlsConfig missing_ca;
  missing_ca.ca_bundle = pki.dir + "/no-such-ca.pem";
  CHECK_THROWS_WITH_AS(TlsContext::create(missing_ca),
                       doctest::Contains(("could not load CA bundle '" + missing_ca.ca_bundle + "'").c_str()),
                       std::runtime_error);

  TlsConfig wrong_password = trusting_test_ca();
  wrong_password.cert_file = pki.client_cert;
  wrong_password.key_file = pki.client_key;
  wrong_password.key_password = "not the password";
  CHECK_THROWS_WITH_AS(TlsContext::create(wrong_password), doctest::Contains("could not load client key"),
                       std::runtime_error);

  TlsConfig directory;
  directory.ca_bundle = pki.dir;
  CHECK_NOTHROW(TlsContext::create(directory));
}

TEST_CASE("the TLS handshake gives up at the deadline when the server never answers") {
  asio::io_context io;
  const auto port = httpxx::test::start_silent_server(io);
  auto context = TlsContext::create(trusting_test_ca());
  run(io, [&]() -> asio::awaitable<void> {
    NetError error;
    auto tcp = co_await connect_tcp("127.0.0.1", port, defaults, Deadline::max(), error);
    REQUIRE(tcp);
    const auto start = Clock::now();
    auto stream = co_await tls_handshake(std::move(tcp), *context, "localhost", port,
                                         Clock::now() + std::chrono::milliseconds(200), error);
    CHECK(stream == nullptr);
    CHECK(error.timed_out);
    CHECK(error.message == "TLS handshake with localhost:" + std::to_string(port) + " timed out");
    CHECK(Clock::now() - start < std::chrono::seconds(5));
  }());
}

namespace {

// Sends total bytes through the echo server in writes of piece_size (each in two gathered pieces)
// while a concurrent reader takes the echo: far more than the socket buffers hold, so it completes
// only if the reader and the writer make progress at the same time, and the bytes must come back
// in order.
void echo_through(std::size_t total, std::size_t piece_size, int server_receive_buffer) {
  auto options = server_with(test_pki().server_cert);
  options.receive_buffer = server_receive_buffer;
  TlsTestServer server(options);
  asio::io_context io;
  auto context = TlsContext::create(trusting_test_ca());
  run(io, [&]() -> asio::awaitable<void> {
    NetError error;
    auto stream = co_await connect_tls(server.port(), *context, "localhost", error);
    REQUIRE_MESSAGE(!error, error.message);

    std::string sent(total, '\0');
    for (std::size_t i = 0; i < sent.size(); ++i) sent[i] = static_cast<char>('a' + (i * 2654435761u >> 24) % 26);
    std::string received;
    received.reserve(sent.size());
    bool reader_done = false;
    // Cancelled by the reader when it is done: an event to wait on, never a deadline.
    asio::steady_timer reader_finished(io, asio::steady_timer::time_point::max());
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
      std::vector<char> buffer(64 * 1024);
      std::error_code ec;
      while (received.size() < sent.size() && !ec) {
        const auto n = co_await stream->read_some(asio::buffer(buffer), ec);
        received.append(buffer.data(), n);
      }
      reader_done = true;
      reader_finished.cancel();
    }, asio::detached);

    std::error_code ec;
    for (std::size_t offset = 0; offset < sent.size() && !ec; offset += piece_size) {
      const auto size = std::min(piece_size, sent.size() - offset);
      const std::array<asio::const_buffer, 2> pieces{asio::buffer(sent.data() + offset, size / 2),
                                                     asio::buffer(sent.data() + offset + size / 2, size - size / 2)};
      co_await stream->write_all(pieces, ec);
    }
    REQUIRE_FALSE(ec);
    if (!reader_done) {
      std::error_code woken;
      co_await reader_finished.async_wait(asio::redirect_error(asio::use_awaitable, woken));
    }
    REQUIRE(reader_done);
    CHECK(received.size() == sent.size());
    CHECK(received == sent);
  }());
}

}  // namespace

TEST_CASE("a pending read does not hold up a write, and large transfers stream both ways") {
  echo_through(4 << 20, 100000, 0);
}

TEST_CASE("one large write goes out record by record, and waits when the socket is full") {
  // The server reads slowly through a small receive buffer, so the client's socket fills up: the
  // records made meanwhile wait (up to 256 KiB of them) until it drains, then the rest follow.
  echo_through(16 << 20, 16 << 20, 64 * 1024);
}

TEST_CASE("a write of one record goes out without waiting, and what the socket does not take waits for write_all") {
  auto options = server_with(test_pki().server_cert);
  options.receive_buffer = 64 * 1024;
  TlsTestServer server(options);
  asio::io_context io;
  auto context = TlsContext::create(trusting_test_ca());
  run(io, [&]() -> asio::awaitable<void> {
    NetError error;
    auto stream = co_await connect_tls(server.port(), *context, "localhost", error);
    REQUIRE_MESSAGE(!error, error.message);
    // A request's head and small body, gathered into one record and written at once.
    const std::string head = "GET / HTTP/1.1\r\n\r\n";
    const std::string body = "small body";
    const std::array<asio::const_buffer, 2> request{asio::buffer(head), asio::buffer(body)};
    CHECK(stream->write_now(request) == head.size() + body.size());
    CHECK_FALSE(stream->output_pending());
    std::string echo(head.size() + body.size(), '\0');
    std::error_code ec;
    std::size_t done = 0;
    while (done < echo.size() && !ec) done += co_await stream->read_some(asio::buffer(echo.data() + done, echo.size() - done), ec);
    REQUIRE_FALSE(ec);
    CHECK(echo == head + body);
    // More than one record is left to write_all.
    const std::string large(16 * 1024 + 1, 'x');
    CHECK(stream->write_now(std::array<asio::const_buffer, 1>{asio::buffer(large)}) == 0);

    // Unread echoes stop the server, and the socket fills: a write the socket takes only in part
    // counts whole, its remaining records wait (output_pending), and later writes wait behind them.
    const std::string piece(16 * 1024, 'p');
    const std::array<asio::const_buffer, 1> one{asio::buffer(piece)};
    std::size_t written = 0;
    std::size_t taken = 0;
    while ((taken = stream->write_now(one)) != 0 && written < (256u << 20)) written += taken;
    REQUIRE(taken == 0);
    REQUIRE(stream->output_pending());
    // write_all sends the rest while a reader takes the echoes, and the server echoes the rest too.
    // The writer starts first: a read would otherwise start that write itself and wait for it.
    std::size_t received = 0;
    bool intact = true;
    int running = 2;
    asio::steady_timer both_done(io, asio::steady_timer::time_point::max());
    const auto finished = [&](std::exception_ptr) {
      if (--running == 0) both_done.cancel();
    };
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
      const std::span<const asio::const_buffer> nothing;
      co_await stream->write_all(nothing, ec);
    }, finished);
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
      std::vector<char> buffer(64 * 1024);
      std::error_code read_ec;
      while (received < written && !read_ec) {
        const auto n = co_await stream->read_some(asio::buffer(buffer), read_ec);
        intact = intact && std::all_of(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(n),
                                       [](char c) { return c == 'p'; });
        received += n;
      }
    }, finished);
    if (running > 0) {
      std::error_code woken;
      co_await both_done.async_wait(asio::redirect_error(asio::use_awaitable, woken));
    }
    REQUIRE(running == 0);
    CHECK_FALSE(ec);
    CHECK_FALSE(stream->output_pending());
    CHECK(received == written);
    CHECK(intact);
  }());
}

TEST_CASE("an idle TLS stream with unread data is not reusable") {
  TlsTestServer server(server_with(test_pki().server_cert));
  asio::io_context io;
  auto context = TlsContext::create(trusting_test_ca());
  run(io, [&]() -> asio::awaitable<void> {
    NetError error;
    auto stream = co_await connect_tls(server.port(), *context, "localhost", error);
    REQUIRE_MESSAGE(!error, error.message);
    CHECK(co_await round_trip(*stream, "pong") == "pong");
    CHECK(stream->is_reusable());
    // The echo comes back as one record: reading four bytes leaves one decrypted byte waiting.
    std::error_code ec;
    const std::string text = "pingX";
    const std::array<asio::const_buffer, 1> out{asio::buffer(text)};
    co_await stream->write_all(out, ec);
    std::array<char, 4> in{};
    std::size_t done = 0;
    while (done < in.size() && !ec) done += co_await stream->read_some(asio::buffer(in.data() + done, in.size() - done), ec);
    REQUIRE_FALSE(ec);
    CHECK_FALSE(stream->is_reusable());
  }());
}
