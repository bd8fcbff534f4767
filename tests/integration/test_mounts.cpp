// Mounts: URL patterns choosing the transport, MockTransport under both clients (with redirects,
// cookies and auth), and real transports mounted next to mocks (httpbin, tinyproxy).

#include <doctest/doctest.h>

#include <cstdlib>
#include <mutex>

#include "client_drivers.hpp"
#include "test_env.hpp"

using httpxx_test::AsyncDriver;
using httpxx_test::server;
using httpxx_test::SyncDriver;

namespace {

std::string httpbin() { return server("HTTPXX_TEST_HTTPBIN"); }

// A MockTransport answering every request with its own name, recording the URLs it saw.
struct NamedMock {
  explicit NamedMock(std::string name)
      : transport(std::make_shared<httpxx::MockTransport>([this, name](const httpxx::Request& request) {
          std::lock_guard lock(mutex);
          urls.emplace_back(request.url().href());
          return httpxx::Response(200, {{"Content-Type", "text/plain"}}, name);
        })) {}
  std::shared_ptr<httpxx::Transport> transport;
  std::mutex mutex;
  std::vector<std::string> urls;
};

// The body of a response of a NamedMock: which mock served the URL.
template <class Driver>
std::string served_by(Driver& client, const std::string& url) {
  return client.get(url).text();
}

}  // namespace

TEST_CASE_TEMPLATE("the most specific mount pattern wins, whatever the order given", Driver, SyncDriver,
                   AsyncDriver) {
  NamedMock all("all"), https("https"), host("host"), subdomains("subdomains"), port("port"), wild("wild");
  httpxx::ClientOptions options;
  // Given from the most general to the most specific, and the reverse: the result is the same.
  httpxx::Mounts mounts{{"all://", all.transport},
                        {"https://", https.transport},
                        {"all://example.com", host.transport},
                        {"all://*.example.com", subdomains.transport},
                        {"all://*example.org", wild.transport},
                        {"https://example.net:1234", port.transport}};
  SUBCASE("general first") { options.mounts = mounts; }
  SUBCASE("specific first") { options.mounts.assign(mounts.rbegin(), mounts.rend()); }
  Driver client(std::move(options));
  CHECK(served_by(client, "http://other.test/") == "all");
  CHECK(served_by(client, "https://other.test/") == "https");
  CHECK(served_by(client, "http://example.com/") == "host");
  CHECK(served_by(client, "https://example.com:8443/") == "host");
  CHECK(served_by(client, "http://www.example.com/") == "subdomains");
  CHECK(served_by(client, "https://a.b.example.com/") == "subdomains");
  CHECK(served_by(client, "http://notexample.com/") == "all");
  CHECK(served_by(client, "http://example.org/") == "wild");
  CHECK(served_by(client, "https://www.example.org/") == "wild");
  CHECK(served_by(client, "https://example.net:1234/") == "port");
  CHECK(served_by(client, "https://example.net:1235/") == "https");
  CHECK(served_by(client, "http://example.net:1234/") == "all");   // the port pattern says https
  CHECK(all.urls == std::vector<std::string>{"http://other.test/", "http://notexample.com/",
                                             "http://example.net:1234/"});
}

TEST_CASE_TEMPLATE("a null mount connects directly", Driver, SyncDriver, AsyncDriver) {
  NamedMock mock("mock");
  const std::string origin = httpbin();
  const std::string authority = origin.substr(origin.find("//") + 2);
  httpxx::ClientOptions options;
  options.mounts = {{"all://", mock.transport}, {"http://" + authority, nullptr}};
  Driver client(std::move(options));
  CHECK(client.get(origin + "/get").json()["url"] == origin + "/get");
  CHECK(served_by(client, "http://127.0.0.1:1/") == "mock");   // another port of the host
  CHECK(mock.urls.size() == 1);
}

TEST_CASE_TEMPLATE("a null mount bypasses the client's proxy; other mounts take it", Driver, SyncDriver,
                   AsyncDriver) {
  const std::string origin = httpbin();
  httpxx::ClientOptions options;
  options.proxy = httpxx::Proxy(server("HTTPXX_TEST_TINYPROXY"));
  options.mounts = {{"all://localhost", nullptr}};
  Driver client(std::move(options));
  auto proxied = client.get(origin + "/headers?show_env=1").json()["headers"];
  CHECK(proxied["Via"].template get<std::string>().find("tinyproxy") != std::string::npos);
  std::string direct_url = origin;
  direct_url.replace(direct_url.find("127.0.0.1"), 9, "localhost");
  CHECK(!client.get(direct_url + "/headers?show_env=1").json()["headers"].contains("Via"));
}

TEST_CASE_TEMPLATE("a real transport through a proxy, mounted for one origin", Driver, SyncDriver, AsyncDriver) {
  const std::string origin = httpbin();
  const std::string authority = origin.substr(origin.find("//") + 2);
  httpxx::TransportOptions proxied;
  proxied.proxy = httpxx::Proxy(server("HTTPXX_TEST_TINYPROXY"));
  httpxx::ClientOptions options;
  options.mounts = {{"http://" + authority, std::make_shared<httpxx::HTTPTransport>(proxied)}};
  Driver client(std::move(options));
  auto via = client.get(origin + "/headers?show_env=1").json()["headers"];
  CHECK(via["Via"].template get<std::string>().find("tinyproxy") != std::string::npos);
  // nginx's /httpbin/ reaches the same httpbin from another origin, directly.
  auto direct = client.get(server("HTTPXX_TEST_NGINX_HTTP") + "/httpbin/headers?show_env=1").json()["headers"];
  CHECK(!direct.contains("Via"));
}

TEST_CASE_TEMPLATE("a mount wins over the environment's proxies", Driver, SyncDriver, AsyncDriver) {
  const char* saved = std::getenv("HTTP_PROXY");
  const std::string previous = saved ? saved : "";
  ::setenv("HTTP_PROXY", "http://127.0.0.1:1", 1);   // nothing listens there
  NamedMock mock("mock");
  httpxx::ClientOptions options;
  options.mounts = {{"all://mocked.test", mock.transport}, {"all://127.0.0.1", nullptr}};
  Driver client(std::move(options));
  if (saved) {
    ::setenv("HTTP_PROXY", previous.c_str(), 1);
  } else {
    ::unsetenv("HTTP_PROXY");
  }
  CHECK(served_by(client, "http://mocked.test/") == "mock");
  CHECK(client.get(httpbin() + "/get").status_code() == 200);
  CHECK_THROWS_AS(client.get("http://localhost:1/"), httpxx::ProxyError);   // the environment's
}

TEST_CASE_TEMPLATE("MockTransport: redirects, cookies and auth run in the client over it", Driver, SyncDriver,
                   AsyncDriver) {
  std::mutex mutex;
  std::vector<httpxx::Request> seen;
  auto mock = std::make_shared<httpxx::MockTransport>([&](const httpxx::Request& request) {
    {
      std::lock_guard lock(mutex);
      seen.push_back(request);
    }
    const auto path = request.url().path();
    if (path == "/login") {
      return httpxx::Response(303, {{"Location", "/home"}, {"Set-Cookie", "session=abc; Path=/; HttpOnly"}});
    }
    if (path == "/home") {
      const bool authorized = request.headers().get("Authorization") == "Basic dXNlcjpwYXNzd2Q=";
      const bool has_session = request.headers().get("Cookie") == "session=abc";
      if (!authorized) return httpxx::Response(401, {{"WWW-Authenticate", "Basic realm=\"mock\""}});
      return httpxx::Response(200, {{"Content-Type", "application/json"}},
                              has_session ? R"({"session":true})" : R"({"session":false})");
    }
    return httpxx::Response(404);
  });
  httpxx::ClientOptions options;
  options.transport = mock;
  options.base_url = "https://app.test";
  options.follow_redirects = true;
  options.auth = httpxx::BasicAuth{"user", "passwd"};
  Driver client(std::move(options));
  auto response = client.request("POST", "/login", {.data = {{"name", "user"}}});
  CHECK(response.status_code() == 200);
  CHECK(response.url().href() == "https://app.test/home");
  CHECK(response.json()["session"] == true);
  REQUIRE(response.history().size() == 1);
  CHECK(response.history()[0].cookies().get("session") == "abc");
  CHECK(client.client().cookies().get("session") == "abc");
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].method() == "POST");
  CHECK(seen[1].method() == "GET");
  CHECK(seen[1].content().empty());
  CHECK(client.get("/home", {.auth = httpxx::Auth{}}).status_code() == 401);

  SUBCASE("digest over the mock: the challenge is answered") {
    auto digest = std::make_shared<httpxx::MockTransport>([](const httpxx::Request& request) {
      if (!request.headers().contains("Authorization")) {
        return httpxx::Response(
            401, {{"WWW-Authenticate", R"(Digest realm="mock", nonce="n0nce", qop="auth", algorithm=SHA-256)"}});
      }
      return httpxx::Response(200, {}, *request.headers().get("Authorization"));
    });
    httpxx::ClientOptions digest_options;
    digest_options.transport = digest;
    Driver digest_client(std::move(digest_options));
    auto answered = digest_client.get("https://app.test/x", {.auth = httpxx::DigestAuth{"user", "passwd"}});
    CHECK(answered.status_code() == 200);
    CHECK(answered.text().find("nonce=\"n0nce\"") != std::string::npos);
    CHECK(answered.text().find("algorithm=SHA-256") != std::string::npos);
    CHECK(answered.history().size() == 1);
  }
}
