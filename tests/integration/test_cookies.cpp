// The client's cookie jar against httpbin (plain, and over TLS behind nginx), with both clients.

#include <doctest/doctest.h>

#include "client_drivers.hpp"
#include "test_env.hpp"

using httpxx_test::AsyncDriver;
using httpxx_test::server;
using httpxx_test::SyncDriver;

namespace {

std::string httpbin() { return server("HTTPXX_TEST_HTTPBIN"); }

std::string localhost(std::string url) { return url.replace(url.find("127.0.0.1"), 9, "localhost"); }

// httpbin's /response-headers, answering with each of set_cookies as a Set-Cookie field.
std::string set_cookies(std::string origin, std::initializer_list<std::string> set_cookies) {
  httpxx::QueryParams params;
  for (const auto& value : set_cookies) params.add("Set-Cookie", value);
  return origin + "/response-headers?" + params.to_string();
}

// The cookies httpbin received, as it echoes them from /cookies.
template <class Driver>
nlohmann::json sent_cookies(Driver& client, const std::string& origin) {
  return client.get(origin + "/cookies").json()["cookies"];
}

}  // namespace

TEST_CASE_TEMPLATE("Set-Cookie is stored and sent back; Response::cookies() is that response's", Driver,
                   SyncDriver, AsyncDriver) {
  Driver client;
  auto response = client.get(httpbin() + "/cookies/set?a=1&b=2");
  CHECK(response.status_code() == 302);
  CHECK(response.cookies().get("a") == "1");
  CHECK(response.cookies().get("b") == "2");
  CHECK(response.cookies().size() == 2);
  CHECK(client.client().cookies().get("a") == "1");
  CHECK(client.client().cookies().size() == 2);

  auto echo = client.get(httpbin() + "/cookies");
  CHECK(echo.json()["cookies"] == nlohmann::json{{"a", "1"}, {"b", "2"}});
  CHECK(echo.cookies().size() == 0);   // it set none
  CHECK(echo.request().headers().get("Cookie") == "a=1; b=2");
}

TEST_CASE_TEMPLATE("cookies set along a redirect chain are kept", Driver, SyncDriver, AsyncDriver) {
  httpxx::ClientOptions options;
  options.follow_redirects = true;
  Driver client(std::move(options));
  auto response = client.get(httpbin() + "/cookies/set?a=1");
  CHECK(response.status_code() == 200);
  CHECK(response.json()["cookies"]["a"] == "1");
  REQUIRE(response.history().size() == 1);
  CHECK(response.history()[0].cookies().get("a") == "1");
  CHECK(response.cookies().size() == 0);
  CHECK(client.client().cookies().get("a") == "1");
}

TEST_CASE_TEMPLATE("a deleted cookie leaves the jar", Driver, SyncDriver, AsyncDriver) {
  Driver client;
  client.get(httpbin() + "/cookies/set?a=1&b=2");
  auto response = client.get(httpbin() + "/cookies/delete?a");
  CHECK(response.headers().get("Set-Cookie")->find("Max-Age=0") != std::string::npos);
  CHECK(!client.client().cookies().get("a"));
  CHECK(client.client().cookies().get("b") == "2");
  CHECK(sent_cookies(client, httpbin()) == nlohmann::json{{"b", "2"}});
  SUBCASE("and so does an expired one") {
    client.get(set_cookies(httpbin(), {"b=gone; Expires=Thu, 01 Jan 1970 00:00:00 GMT"}));
    CHECK(client.client().cookies().size() == 0);
    CHECK(sent_cookies(client, httpbin()).empty());
  }
}

TEST_CASE_TEMPLATE("the jar is readable and settable", Driver, SyncDriver, AsyncDriver) {
  httpxx::ClientOptions options;
  options.cookies.set("preset", "1");   // no domain: sent to every host, as in httpx
  Driver client(std::move(options));
  CHECK(sent_cookies(client, httpbin()) == nlohmann::json{{"preset", "1"}});
  CHECK(sent_cookies(client, localhost(httpbin())) == nlohmann::json{{"preset", "1"}});

  client.client().cookies().set("only_here", "2", "localhost");
  CHECK(sent_cookies(client, localhost(httpbin())) == nlohmann::json{{"only_here", "2"}, {"preset", "1"}});
  CHECK(sent_cookies(client, httpbin()) == nlohmann::json{{"preset", "1"}});

  client.client().cookies().remove("preset");
  CHECK(sent_cookies(client, httpbin()).empty());

  httpxx::Cookies replacement;
  replacement.set("replaced", "3", "127.0.0.1");
  client.client().cookies() = replacement;
  CHECK(sent_cookies(client, httpbin()) == nlohmann::json{{"replaced", "3"}});
  CHECK(sent_cookies(client, localhost(httpbin())).empty());

  client.client().cookies().clear();
  CHECK(sent_cookies(client, httpbin()).empty());
}

TEST_CASE_TEMPLATE("a Cookie header given by the caller is sent instead of the jar's", Driver, SyncDriver,
                   AsyncDriver) {
  Driver client;
  client.get(httpbin() + "/cookies/set?a=1");
  auto echo = client.get(httpbin() + "/cookies", {.headers = {{"Cookie", "mine=yes"}}}).json();
  CHECK(echo["cookies"] == nlohmann::json{{"mine", "yes"}});
}

TEST_CASE_TEMPLATE("RFC 6265 5.4: host-only cookies, paths, ports and order", Driver, SyncDriver, AsyncDriver) {
  Driver client;
  SUBCASE("a host-only cookie goes to its host only, on any port (section 8.5)") {
    client.get(httpbin() + "/cookies/set?a=1");
    CHECK(sent_cookies(client, localhost(httpbin())).empty());
    const std::string nginx_httpbin = server("HTTPXX_TEST_NGINX_HTTP") + "/httpbin";
    CHECK(sent_cookies(client, nginx_httpbin) == nlohmann::json{{"a", "1"}});
  }
  SUBCASE("the path limits where a cookie goes") {
    client.get(set_cookies(httpbin(), {"p=1; Path=/cookies", "q=2; Path=/anything"}));
    CHECK(sent_cookies(client, httpbin()) == nlohmann::json{{"p", "1"}});
    auto echo = client.get(httpbin() + "/anything/x").json();
    CHECK(echo["headers"]["Cookie"] == "q=2");
  }
  SUBCASE("longer paths first, then older first (section 5.4 step 2)") {
    client.get(set_cookies(httpbin(), {"x=root; Path=/", "x=deep; Path=/anything/deep"}));
    client.get(set_cookies(httpbin(), {"y=later; Path=/"}));
    auto echo = client.get(httpbin() + "/anything/deep/x").json();
    CHECK(echo["headers"]["Cookie"] == "x=deep; x=root; y=later");
    CHECK_THROWS_AS(client.client().cookies().get("x"), httpxx::CookieConflict);
    CHECK(client.client().cookies().get("x", "127.0.0.1", "/anything/deep") == "deep");
  }
  SUBCASE("a Domain attribute naming another host is refused (section 5.3 step 6)") {
    client.get(set_cookies(httpbin(), {"foreign=1; Domain=example.com"}));
    CHECK(client.client().cookies().size() == 0);
  }
  SUBCASE("Max-Age replaces a cookie's expiry and 0 removes it (section 5.2.2)") {
    client.get(set_cookies(httpbin(), {"m=1; Max-Age=3600"}));
    CHECK(sent_cookies(client, httpbin()) == nlohmann::json{{"m", "1"}});
    client.get(set_cookies(httpbin(), {"m=1; Max-Age=0"}));
    CHECK(sent_cookies(client, httpbin()).empty());
  }
}

TEST_CASE_TEMPLATE("Secure cookies travel over https only", Driver, SyncDriver, AsyncDriver) {
  httpxx::ClientOptions options;
  options.ca_bundle = server("HTTPXX_TEST_CA");
  Driver client(std::move(options));
  const std::string https_httpbin = server("HTTPXX_TEST_NGINX_HTTPS") + "/httpbin";
  auto response = client.get(set_cookies(https_httpbin, {"s=1; Secure; Path=/", "plain=2; Path=/"}));
  CHECK(response.cookies().size() == 2);
  CHECK(sent_cookies(client, https_httpbin) == nlohmann::json{{"plain", "2"}, {"s", "1"}});
  CHECK(sent_cookies(client, httpbin()) == nlohmann::json{{"plain", "2"}});
  // RFC 6265bis 5.7: a plain-http origin may not set a Secure cookie.
  client.get(set_cookies(httpbin(), {"t=1; Secure"}));
  CHECK(!client.client().cookies().get("t"));
}

TEST_CASE_TEMPLATE("each client has its own jar", Driver, SyncDriver, AsyncDriver) {
  Driver first, second;
  first.get(httpbin() + "/cookies/set?a=1");
  CHECK(sent_cookies(second, httpbin()).empty());
  CHECK(sent_cookies(first, httpbin()) == nlohmann::json{{"a", "1"}});
}
