// HTTP semantics with both clients, run three times by meson (HTTPXX_TEST_PROTOCOL): over
// HTTP/1.1 (nginx, httpbin), over HTTP/2 negotiated by ALPN (nginx over TLS, httpbin behind its
// /httpbin/ location), and over HTTP/2 with prior knowledge (nghttpd, h2c: static files only,
// so the suites "httpbin" and "nginx" are excluded there on the command line).

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "client_drivers.hpp"
#include "sha256.hpp"
#include "test_env.hpp"

using httpxx_test::AsyncDriver;
using httpxx_test::server;
using httpxx_test::SyncDriver;
using namespace std::chrono_literals;

namespace {

enum class Protocol { http1, http2, h2c };

Protocol protocol() {
  const std::string name = server("HTTPXX_TEST_PROTOCOL");
  if (name == "http2") return Protocol::http2;
  if (name == "h2c") return Protocol::h2c;
  REQUIRE(name == "http1");
  return Protocol::http1;
}

// The static files: nginx (plain or TLS) or nghttpd.
std::string nginx() {
  switch (protocol()) {
    case Protocol::http1: return server("HTTPXX_TEST_NGINX_HTTP");
    case Protocol::http2: return server("HTTPXX_TEST_NGINX_HTTPS");
    case Protocol::h2c: return server("HTTPXX_TEST_NGHTTPD");
  }
  return {};
}

std::string httpbin() {
  return protocol() == Protocol::http2 ? server("HTTPXX_TEST_NGINX_HTTPS") + "/httpbin" : server("HTTPXX_TEST_HTTPBIN");
}

std::string_view expected_version() { return protocol() == Protocol::http1 ? "HTTP/1.1" : "HTTP/2"; }

httpxx::ClientOptions options() {
  httpxx::ClientOptions options;
  if (protocol() == Protocol::http2) options.ca_bundle = server("HTTPXX_TEST_CA");
  if (protocol() == Protocol::h2c) options.http1 = false;
  return options;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE_TEMPLATE("a GET reads status, headers and the whole body", Driver, SyncDriver, AsyncDriver) {
  Driver client(options());
  auto response = client.get(nginx() + "/1k.bin");
  CHECK(response.status_code() == 200);
  CHECK(response.reason_phrase() == "OK");
  CHECK(response.http_version() == expected_version());
  CHECK(response.headers().get("content-length") == "1024");
  CHECK(response.content().size() == 1024);
  CHECK(response.content() == read_file(server("HTTPXX_TEST_DOCROOT") + "/1k.bin"));
  CHECK(response.url().href() == nginx() + "/1k.bin");
  CHECK(response.num_bytes_downloaded() == 1024);
  CHECK(response.is_success());
  CHECK(response.request().method() == "GET");
}

TEST_CASE_TEMPLATE("keep-alive: consecutive requests reuse one connection" * doctest::test_suite("nginx"), Driver, SyncDriver, AsyncDriver) {
  Driver client(options());
  const auto first = client.get(nginx() + "/connection").text();
  const auto second = client.get(nginx() + "/connection").text();
  const auto third = client.get(nginx() + "/connection-requests").text();
  CHECK(first == second);
  CHECK(third == "3\n");
  CHECK(client.describe() == "<HTTPTransport <ConnectionPool [Requests: 0 active, 0 queued | Connections: 0 active, 1 idle]>>");
}

TEST_CASE_TEMPLATE("default request headers" * doctest::test_suite("httpbin"), Driver, SyncDriver, AsyncDriver) {
  Driver client(options());
  auto json = client.get(httpbin() + "/headers").json()["headers"];
  CHECK(json["User-Agent"] == std::string("httpxx/") + httpxx::version);
  CHECK(json["Accept"] == "*/*");
  CHECK(json["Accept-Encoding"] == "gzip, deflate, br, zstd");
  const std::string host = json["Host"];
  CHECK(host.starts_with("127.0.0.1:"));
}

TEST_CASE_TEMPLATE("HEAD has no body even with a Content-Length", Driver, SyncDriver, AsyncDriver) {
  Driver client(options());
  auto response = client.request("HEAD", nginx() + "/1k.bin");
  CHECK(response.status_code() == 200);
  CHECK(response.headers().get("content-length") == "1024");
  CHECK(response.content().empty());
  // The connection is still in sync: the next request on it works.
  CHECK(client.get(nginx() + "/1k.bin").content().size() == 1024);
}

TEST_CASE_TEMPLATE("request bodies: JSON, form, raw bytes, multipart with a file on disk" * doctest::test_suite("httpbin"), Driver, SyncDriver,
                   AsyncDriver) {
  Driver client(options());
  SUBCASE("json") {
    httpxx::RequestOptions options;
    options.json = {{"name", "httpxx"}, {"n", 3}};
    auto echo = client.request("POST", httpbin() + "/post", std::move(options)).json();
    CHECK(echo["json"]["name"] == "httpxx");
    CHECK(echo["json"]["n"] == 3);
    CHECK(echo["headers"]["Content-Type"] == "application/json");
  }
  SUBCASE("form") {
    httpxx::RequestOptions options;
    options.data = {{"a", "1"}, {"b", "two words"}};
    auto echo = client.request("POST", httpbin() + "/post", std::move(options)).json();
    CHECK(echo["form"]["a"] == "1");
    CHECK(echo["form"]["b"] == "two words");
  }
  SUBCASE("raw bytes with a NUL") {
    httpxx::RequestOptions options;
    options.content = std::string("a\0b", 3);
    options.headers = {{"Content-Type", "application/octet-stream"}};
    auto response = client.request("PUT", httpbin() + "/anything", std::move(options));
    auto echo = response.json();
    CHECK(echo["method"] == "PUT");
    CHECK(echo["headers"]["Content-Length"] == "3");
  }
  SUBCASE("multipart with a streamed file") {
    const auto path = std::filesystem::temp_directory_path() / "httpxx-upload-test.txt";
    {
      std::ofstream out(path, std::ios::binary);
      for (int i = 0; i < 20000; ++i) out << "line " << i << "\n";
    }
    httpxx::RequestOptions options;
    options.data = {{"field", "value"}};
    options.files = {{"upload", httpxx::File::from_path(path.string())}};
    auto echo = client.request("POST", httpbin() + "/post", std::move(options)).json();
    CHECK(echo["form"]["field"] == "value");
    CHECK(echo["files"]["upload"] == read_file(path.string()));
    std::filesystem::remove(path);
  }
}

TEST_CASE_TEMPLATE("content decoding: gzip, deflate, brotli" * doctest::test_suite("httpbin"), Driver, SyncDriver, AsyncDriver) {
  Driver client(options());
  CHECK(client.get(httpbin() + "/gzip").json()["gzipped"] == true);
  CHECK(client.get(httpbin() + "/deflate").json()["deflated"] == true);
  CHECK(client.get(httpbin() + "/brotli").json()["brotli"] == true);
  auto text = client.get(nginx() + "/text.txt");
  CHECK(text.headers().get("content-encoding") == "gzip");
  CHECK(text.content() == read_file(server("HTTPXX_TEST_DOCROOT") + "/text.txt"));
}

TEST_CASE_TEMPLATE("chunked responses" * doctest::test_suite("httpbin"), Driver, SyncDriver, AsyncDriver) {
  Driver client(options());
  auto response = client.get(nginx() + "/chunked");
  if (protocol() == Protocol::http1) CHECK(response.headers().get("transfer-encoding") == "chunked");
  CHECK(!response.content().empty());
  auto lines = client.stream("GET", httpbin() + "/stream/20");
  int count = 0;
  client.each_line(lines, [&](const std::string& line) {
    if (!line.empty()) CHECK(nlohmann::json::parse(line)["id"] == count++);
  });
  CHECK(count == 20);
}

TEST_CASE_TEMPLATE("status codes and raise_for_status" * doctest::test_suite("httpbin"), Driver, SyncDriver, AsyncDriver) {
  Driver client(options());
  auto not_found = client.get(httpbin() + "/status/404");
  CHECK(not_found.status_code() == 404);
  CHECK(not_found.is_client_error());
  CHECK_THROWS_AS(not_found.raise_for_status(), httpxx::HTTPStatusError);
  try {
    not_found.raise_for_status();
  } catch (const httpxx::HTTPStatusError& e) {
    CHECK(std::string(e.what()).find("404") != std::string::npos);
    CHECK(e.response().status_code() == 404);
    CHECK(e.request().url() == not_found.url());
  }
  CHECK(client.get(httpbin() + "/status/204").content().empty());
  CHECK(client.get(httpbin() + "/status/503").is_server_error());
}

TEST_CASE_TEMPLATE("a 50 MiB download streamed in chunks keeps its integrity", Driver, SyncDriver, AsyncDriver) {
  Driver client(options());
  auto response = client.stream("GET", nginx() + "/50m.bin");
  CHECK(response.status_code() == 200);
  httpxx_test::Sha256 sha;
  std::size_t total = 0, largest = 0;
  client.each_chunk(response, 0, [&](const std::string& chunk) {
    sha.update(chunk);
    total += chunk.size();
    largest = std::max(largest, chunk.size());
    return true;
  });
  CHECK(total == 50u * 1024 * 1024);
  CHECK(largest <= 256 * 1024);   // streamed in bounded pieces, not buffered whole
  auto expected = read_file(server("HTTPXX_TEST_DOCROOT") + "/50m.bin.sha256");
  CHECK(sha.hex() == expected.substr(0, 64));
  CHECK(client.describe().find("0 active, 0 queued | Connections: 0 active, 1 idle") != std::string::npos);
}

TEST_CASE_TEMPLATE("a body abandoned half-way: HTTP/1.1 closes its connection, HTTP/2 resets its stream" * doctest::test_suite("nginx"), Driver, SyncDriver,
                   AsyncDriver) {
  Driver client(options());
  const auto before = client.get(nginx() + "/connection").text();
  {
    auto response = client.stream("GET", nginx() + "/50m.bin");
    std::size_t seen = 0;
    client.each_chunk(response, 64 * 1024, [&](const std::string& chunk) {
      seen += chunk.size();
      return seen < 1024 * 1024;
    });
    client.close(response);
    CHECK(response.is_closed());
  }
  const auto after = client.get(nginx() + "/connection").text();
  if (protocol() == Protocol::http1) {
    CHECK(after != before);   // RFC 9112 9.6: the rest of the body was never read
  } else {
    CHECK(after == before);   // RFC 9113 8.1: RST_STREAM(CANCEL); the connection carries on
  }
}

TEST_CASE_TEMPLATE("a streamed response destroyed unread returns its slot", Driver, SyncDriver, AsyncDriver) {
  auto limited = options();
  limited.limits.max_connections = 1;
  limited.timeout.pool = 2s;
  Driver client(std::move(limited));
  for (int i = 0; i < 3; ++i) {
    auto response = client.stream("GET", nginx() + "/50m.bin");
    CHECK(response.status_code() == 200);
  }
  CHECK(client.get(nginx() + "/1k.bin").status_code() == 200);
  CHECK(client.describe().find("Requests: 0 active, 0 queued") != std::string::npos);
}

TEST_CASE_TEMPLATE("base_url, params and the URL overloads" * doctest::test_suite("httpbin"), Driver, SyncDriver, AsyncDriver) {
  auto with_base = options();
  with_base.base_url = httpbin() + "/anything/";
  with_base.params = {{"client", "1"}};
  Driver client(std::move(with_base));
  httpxx::RequestOptions request;
  request.params = {{"q", "a b"}};
  auto echo = client.get("items", std::move(request)).json();
  const std::string url = echo["url"];
  CHECK(url.ends_with("/anything/items?client=1&q=a%20b"));
  CHECK(echo["args"]["q"] == "a b");
}

TEST_CASE_TEMPLATE("send a request built beforehand" * doctest::test_suite("httpbin"), Driver, SyncDriver, AsyncDriver) {
  Driver client(options());
  auto request = client.build_request("DELETE", httpbin() + "/delete");
  request.headers().set("X-Custom", "yes");
  auto echo = client.send(std::move(request)).json();
  CHECK(echo["headers"]["X-Custom"] == "yes");
}

TEST_CASE("top-level functions") {
  auto response = httpxx::get(nginx() + "/1k.bin", {}, options());
  CHECK(response.content().size() == 1024);
  auto streamed = httpxx::stream("GET", nginx() + "/1k.bin", {}, options());
  CHECK(streamed.read().size() == 1024);
}

// A blocking client's event loop ends with the client, so what a response keeps must not be
// bound to it: these fail under AddressSanitizer (scripts/dev test) if it is.
TEST_CASE("a response outlives the blocking Client that made it") {
  const std::string expected = read_file(server("HTTPXX_TEST_DOCROOT") + "/1k.bin");
  std::vector<httpxx::Response> kept;
  {
    httpxx::Client client(options());
    kept.push_back(client.get(nginx() + "/1k.bin"));
    kept.push_back(client.get(nginx() + "/1k.bin"));
  }
  for (const auto& response : kept) {
    CHECK(response.status_code() == 200);
    CHECK(response.http_version() == expected_version());
    CHECK(response.content() == expected);
    CHECK(response.is_closed());
  }
  kept.clear();
}

TEST_CASE("a streamed response outlives the blocking Client that made it") {
  const std::string expected = read_file(server("HTTPXX_TEST_DOCROOT") + "/1k.bin");
  std::optional<httpxx::Response> read_first;
  std::optional<httpxx::Response> unread;
  {
    httpxx::Client client(options());
    read_first = client.stream("GET", nginx() + "/1k.bin");
    CHECK(read_first->read() == expected);
    unread = client.stream("GET", nginx() + "/50m.bin");   // more than can have arrived
  }
  // Read to its end before the client closed: the body stays.
  CHECK(read_first->content() == expected);
  if (protocol() == Protocol::http1) {
    // An HTTP/1.1 body is read from its connection on demand, and closing the client leaves a
    // connection in use to its response: the body reads on to its end.
    const std::string& body = unread->read();
    CHECK(body.size() == 50u * 1024 * 1024);
    httpxx_test::Sha256 sha;
    sha.update(body);
    CHECK(sha.hex() == read_file(server("HTTPXX_TEST_DOCROOT") + "/50m.bin.sha256").substr(0, 64));
  } else {
    // An HTTP/2 connection always has a read pending; closing the client closes it, so that its
    // event loop can end (integration-multiplexing), and the unread stream fails saying why.
    std::string message;
    try {
      unread->read();
    } catch (const httpxx::ReadError& e) {
      message = e.what();
    }
    CHECK(message.find("before the response ended: the client was closed") != std::string::npos);
  }
  CHECK(unread->is_closed());
  read_first.reset();
  unread.reset();
}

namespace {

// A transport of the caller's own around the default one, as a user writes one to log or
// rewrite requests: the clients reach it through Transport's default in-place call.
class CountingTransport final : public httpxx::Transport {
 public:
  explicit CountingTransport(std::shared_ptr<httpxx::Transport> inner) : inner_(std::move(inner)) {}
  asio::awaitable<httpxx::Response> handle_async_request(httpxx::Request& request) override {
    ++calls;
    return inner_->handle_async_request(request);
  }
  asio::awaitable<void> aclose() override { return inner_->aclose(); }
  int calls = 0;

 private:
  std::shared_ptr<httpxx::Transport> inner_;
};

httpxx::TransportOptions transport_options() {
  const auto client = options();
  httpxx::TransportOptions transport;
  transport.ca_bundle = client.ca_bundle;
  transport.http1 = client.http1;
  return transport;
}

}  // namespace

TEST_CASE("an HTTPTransport answers a request directly, and inside a transport that wraps it") {
  const std::string expected = read_file(server("HTTPXX_TEST_DOCROOT") + "/1k.bin");
  // Declared first: the transport's sockets and timers must go before their event loop.
  asio::io_context io;
  const auto transport = std::make_shared<httpxx::HTTPTransport>(transport_options());
  std::exception_ptr failure;
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    httpxx::Request request("GET", httpxx::URL(nginx() + "/1k.bin"));
    auto response = co_await transport->handle_async_request(request);
    CHECK(response.status_code() == 200);
    CHECK(response.http_version() == expected_version());
    // The transport answers at the head; the body is read from the connection on demand.
    CHECK_FALSE(response.is_closed());
    const std::string& body = co_await response.aread();
    CHECK(body == expected);
    co_await transport->aclose();
  }, [&](std::exception_ptr e) { failure = e; });
  io.run();
  if (failure) std::rethrow_exception(failure);

  // The client holds the only reference to its transport, so that the transport goes with the
  // client, before the client's event loop.
  auto with_wrapper = options();
  with_wrapper.transport =
      std::make_shared<CountingTransport>(std::make_shared<httpxx::HTTPTransport>(transport_options()));
  const auto& wrapper = static_cast<const CountingTransport&>(*with_wrapper.transport);
  AsyncDriver client(std::move(with_wrapper));
  const auto response = client.get(nginx() + "/1k.bin");
  CHECK(response.content() == expected);
  CHECK(response.request().url().href() == nginx() + "/1k.bin");
  CHECK(wrapper.calls == 1);
}
