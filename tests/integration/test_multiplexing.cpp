// HTTP/2 specifics: multiplexing over one connection, integrity of large transfers in both
// directions, and the failures a scripted server produces (GOAWAY, RST_STREAM, stalled windows,
// malformed frames, oversized header lists).

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include <asio/detached.hpp>

#include "client_drivers.hpp"
#include "sha256.hpp"
#include "test_env.hpp"

using httpxx_test::AsyncDriver;
using httpxx_test::server;
using httpxx_test::SyncDriver;
using namespace std::chrono_literals;

namespace {

httpxx::ClientOptions tls_h2() {
  httpxx::ClientOptions options;
  options.ca_bundle = server("HTTPXX_TEST_CA");
  return options;
}

// The scripted server speaks h2c with prior knowledge.
httpxx::ClientOptions h2c() {
  httpxx::ClientOptions options;
  options.http1 = false;
  return options;
}

std::string faults() { return server("HTTPXX_TEST_H2FAULTS"); }

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

template <class Driver>
void check_pool_clean(Driver& client) {
  CHECK(contains(client.describe(), "Requests: 0 active, 0 queued"));
}

// Streams url count times at once and returns how many bodies matched docroot's 50m.bin.
int verified_downloads(AsyncDriver& driver, const std::string& url, int count) {
  const auto expected = read_file(server("HTTPXX_TEST_DOCROOT") + "/50m.bin.sha256").substr(0, 64);
  int verified = 0, finished = 0;
  for (int i = 0; i < count; ++i) {
    asio::co_spawn(driver.context(), [&]() -> asio::awaitable<void> {
      try {
        auto response = co_await driver.client().stream("GET", url);
        httpxx_test::Sha256 sha;
        auto chunks = response.aiter_bytes();
        for (;;) {
          auto chunk = co_await chunks.next();
          if (!chunk) break;
          sha.update(*chunk);
        }
        if (sha.hex() == expected) ++verified;
      } catch (const std::exception& e) {
        MESSAGE(std::string(e.what()));
      }
      ++finished;
    }, asio::detached);
  }
  while (finished < count) driver.context().run_one();
  return verified;
}

}  // namespace

TEST_CASE("500 concurrent requests share one HTTP/2 connection") {
  AsyncDriver driver(tls_h2());
  auto& client = driver.client();
  const auto url = server("HTTPXX_TEST_NGINX_HTTPS") + "/connection";
  std::vector<std::string> connections;
  int versions_ok = 0;
  for (int i = 0; i < 500; ++i) {
    asio::co_spawn(driver.context(), [&]() -> asio::awaitable<void> {
      auto response = co_await client.get(url);
      if (response.http_version() == "HTTP/2") ++versions_ok;
      connections.push_back(response.text());
    }, asio::detached);
  }
  while (connections.size() < 500) driver.context().run_one();
  CHECK(versions_ok == 500);
  CHECK(std::count(connections.begin(), connections.end(), connections.front()) == 500);
  CHECK(client.describe() == "<HTTPTransport <ConnectionPool [Requests: 0 active, 0 queued | Connections: 0 active, 1 idle]>>");
}

TEST_CASE("three 50 MiB downloads at once on one connection keep their integrity") {
  AsyncDriver driver(tls_h2());
  CHECK(verified_downloads(driver, server("HTTPXX_TEST_NGINX_HTTPS") + "/50m.bin", 3) == 3);
  CHECK(contains(driver.describe(), "Connections: 0 active, 1 idle"));
}

TEST_CASE("GOAWAY at the server's request limit: the streams it accepted complete") {
  // This nginx sends GOAWAY with its second request on a connection (keepalive_requests 2,
  // as stock nginx does with its 1000th): the two streams it accepted are answered in full
  // (RFC 9113 6.8), though the first to end releases a connection that takes no new streams;
  // the third is refused and retried on a new connection.
  AsyncDriver driver(tls_h2());
  CHECK(verified_downloads(driver, server("HTTPXX_TEST_NGINX_HTTPS_GOAWAY") + "/50m.bin", 3) == 3);
  check_pool_clean(driver);
}

TEST_CASE_TEMPLATE("an 8 MiB upload arrives intact, from memory and streamed from disk", Driver, SyncDriver,
                   AsyncDriver) {
  Driver client(h2c());
  std::string payload(8 * 1024 * 1024, '\0');
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>((i * 2654435761u) >> 24);
  httpxx_test::Sha256 sha;
  sha.update(payload);
  const auto digest = sha.hex();

  httpxx::RequestOptions from_memory;
  from_memory.content = payload;
  auto echo = client.request("POST", faults() + "/echo", std::move(from_memory)).json();
  CHECK(echo["body_length"] == payload.size());
  CHECK(echo["body_sha256"] == digest);

  const auto path = std::filesystem::temp_directory_path() / "httpxx-h2-upload.bin";
  {
    std::ofstream out(path, std::ios::binary);
    out << payload;
  }
  httpxx::RequestOptions from_disk;
  from_disk.files = {{"upload", httpxx::File::from_path(path.string())}};
  auto multipart = client.request("POST", faults() + "/echo", std::move(from_disk)).json();
  CHECK(multipart["body_length"] > payload.size());   // the payload inside multipart framing
  std::filesystem::remove(path);
  check_pool_clean(client);
}

TEST_CASE_TEMPLATE("a body that fills the flow-control window exactly ends with its last DATA frame", Driver,
                   SyncDriver, AsyncDriver) {
  // The server never opens its windows again (no WINDOW_UPDATE): the request completes only if
  // END_STREAM rides on the last DATA frame rather than on an empty one after it, which the
  // closed window would hold back (RFC 9113 section 6.9.1: only DATA payload is flow-controlled).
  auto options = h2c();
  options.timeout = httpxx::Timeout::all(5s);
  Driver client(std::move(options));
  constexpr std::size_t initial_window = 65535;   // RFC 9113 section 6.9.2
  const std::string body(initial_window, 'w');
  httpxx_test::Sha256 sha;
  sha.update(body);
  httpxx::RequestOptions request;
  request.content = body;
  const auto echo = client.request("POST", faults() + "/echo-unacknowledged", std::move(request)).json();
  CHECK(echo["body_length"] == initial_window);
  CHECK(echo["body_sha256"] == sha.hex());
  check_pool_clean(client);
}

TEST_CASE_TEMPLATE("GOAWAY: streams the server did not process are retried on a new connection", Driver,
                   SyncDriver, AsyncDriver) {
  Driver client(h2c());
  CHECK(client.get(faults() + "/goaway-after?n=1").text() == "ok\n");
  // The connection is going away: the next request goes to a new one.
  CHECK(client.get(faults() + "/ok").text() == "ok\n");
  check_pool_clean(client);
}

TEST_CASE("GOAWAY mid-flight: every concurrent request still succeeds") {
  AsyncDriver driver(h2c());
  auto& client = driver.client();
  int ok = 0, finished = 0;
  // The first request makes the server answer it and send GOAWAY; the streams opened after it
  // are left unprocessed and must be retried on a new connection.
  for (int i = 0; i < 5; ++i) {
    const auto url = faults() + (i == 0 ? "/goaway-after?n=1" : "/ok");
    asio::co_spawn(driver.context(), [&, url]() -> asio::awaitable<void> {
      try {
        auto response = co_await client.get(url);
        if (response.text() == "ok\n") ++ok;
      } catch (const std::exception& e) {
        MESSAGE(std::string(e.what()));
      }
      ++finished;
    }, asio::detached);
  }
  while (finished < 5) driver.context().run_one();
  CHECK(ok == 5);
  check_pool_clean(driver);
}

TEST_CASE_TEMPLATE("RST_STREAM: REFUSED_STREAM is retried, other codes are named", Driver, SyncDriver,
                   AsyncDriver) {
  Driver client(h2c());
  // A stream held open shows whether the resets below left its connection in the pool.
  auto held = client.stream("GET", faults() + "/stall-window");
  try {
    client.get(faults() + "/rst?code=7");   // refused again on the retry
    FAIL("no exception");
  } catch (const httpxx::RemoteProtocolError& e) {
    CHECK(contains(e.what(), "REFUSED_STREAM"));
  }
  try {
    client.get(faults() + "/rst?code=2");
    FAIL("no exception");
  } catch (const httpxx::RemoteProtocolError& e) {
    CHECK(contains(e.what(), "INTERNAL_ERROR"));
  }
  // The connection is fine: the request after the resets takes it, beside the held stream.
  CHECK(client.get(faults() + "/ok").status_code() == 200);
  CHECK(contains(client.describe(), "Connections: 1 active, 0 idle"));
  client.close(held);
  check_pool_clean(client);
}

TEST_CASE("a stream stalled in its head or its body times out alone; its siblings carry on") {
  auto options = h2c();
  options.timeout.read = 0.5s;
  AsyncDriver driver(std::move(options));
  CHECK_THROWS_AS(driver.get(faults() + "/stall-head"), httpxx::ReadTimeout);
  auto stalled = driver.stream("GET", faults() + "/stall-window");
  CHECK(stalled.status_code() == 200);
  CHECK_THROWS_AS(driver.each_chunk(stalled, 0, [](const std::string&) { return true; }), httpxx::ReadTimeout);
  CHECK(driver.get(faults() + "/ok").text() == "ok\n");
  CHECK(contains(driver.describe(), "Connections: 0 active, 1 idle"));
}

TEST_CASE("a stream's nearer read deadline is kept while another stream waits with a later one") {
  // A later default than either: the deadline the connection waited with for the first
  // response is no excuse for missing the short one.
  auto options = h2c();
  options.timeout.read = 60s;
  AsyncDriver driver(std::move(options));
  auto& client = driver.client();
  // The connection is made first: both requests then take it, rather than a connection each.
  REQUIRE(driver.get(faults() + "/ok").text() == "ok\n");
  // Both wait on the same connection for a response that never starts. The first waits with a
  // long limit; the second, started after it, with a short one, and must fail first: its
  // deadline is the nearer, though the first's was set before it.
  std::vector<std::string> finished;
  auto wait_for_head = [&](std::string name, httpxx::Duration read_limit) -> asio::awaitable<void> {
    httpxx::RequestOptions options;
    httpxx::Timeout timeout;
    timeout.read = read_limit;
    options.timeout = timeout;
    // Named rather than a temporary inside the co_await: see "GCC 12 and coroutines" in README.md.
    const std::string url = faults() + "/stall-head";
    try {
      co_await client.get(url, std::move(options));
      finished.push_back(name + ": answered");
    } catch (const httpxx::ReadTimeout&) {
      finished.push_back(name + ": ReadTimeout");
    } catch (const std::exception& e) {
      finished.push_back(name + ": " + e.what());
    }
  };
  const auto start = std::chrono::steady_clock::now();
  asio::co_spawn(driver.context(), wait_for_head("long", 30s), asio::detached);
  asio::co_spawn(driver.context(), wait_for_head("short", 0.3s), asio::detached);
  while (finished.empty()) driver.context().run_one();
  CHECK(finished == std::vector<std::string>{"short: ReadTimeout"});
  // Well before either later deadline, which a timer left at the earlier waits' would wait for.
  CHECK(std::chrono::steady_clock::now() - start < 20s);
  // The timeout reset only the short one's stream: the connection, still carrying the long one,
  // stays in the pool and serves the next request.
  CHECK(driver.get(faults() + "/ok").text() == "ok\n");
  CHECK(contains(driver.describe(), "Connections: 1 active, 0 idle"));
  // Closing the client ends the long wait.
  driver.close();
  while (finished.size() < 2) driver.context().run_one();
  CHECK(finished[1].rfind("long: ", 0) == 0);
  CHECK(finished[1] != "long: answered");
}

TEST_CASE("a closed HTTP/2 connection leaves no read deadline on the loop, though a response holds it") {
  auto options = h2c();
  options.timeout.read = 60s;
  AsyncDriver driver(std::move(options));
  // The head's wait set the connection's deadline timer, 60 s ahead; the unread body keeps the
  // connection alive after the client closes it.
  auto held = driver.stream("GET", faults() + "/stall-window");
  REQUIRE(held.status_code() == 200);
  driver.close();
  driver.context().run_for(10s);
  CHECK(driver.context().stopped());
}

TEST_CASE_TEMPLATE("malformed frames fail the connection with a clear error, the pool recovers", Driver,
                   SyncDriver, AsyncDriver) {
  Driver client(h2c());
  for (const char* kind : {"hpack", "frame-size", "stream0"}) {
    CAPTURE(kind);
    CHECK_THROWS_AS(client.get(faults() + "/malformed?kind=" + kind), httpxx::RemoteProtocolError);
    CHECK(client.get(faults() + "/ok").status_code() == 200);
  }
  check_pool_clean(client);
}

TEST_CASE_TEMPLATE("an oversized header list is refused", Driver, SyncDriver, AsyncDriver) {
  Driver client(h2c());
  CHECK_THROWS_AS(client.get(faults() + "/huge-headers?kib=1024"), httpxx::RemoteProtocolError);
  CHECK(client.get(faults() + "/huge-headers?kib=8").status_code() == 200);
  check_pool_clean(client);
}

TEST_CASE_TEMPLATE("a pooled connection whose peer went silent is found out by PING before reuse", Driver,
                   SyncDriver, AsyncDriver) {
  auto options = h2c();
  options.timeout.read = 3s;
  Driver client(std::move(options));
  CHECK(client.get(faults() + "/go-silent").text() == "ok\n");
  // The connection must sit idle past the threshold (1 s) after which it is pinged before
  // reuse: this wait ages it, it does not synchronise with anything.
  std::this_thread::sleep_for(1200ms);
  // Unanswered PING: the request goes to a new connection instead of waiting for a read timeout.
  CHECK(client.get(faults() + "/ok").text() == "ok\n");
  check_pool_clean(client);
}
