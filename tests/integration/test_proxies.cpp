// Proxies against real ones: tinyproxy (plain, behind TLS, requiring Basic credentials) and
// microsocks (with and without username/password), with both clients.

#include <doctest/doctest.h>

#include <cstdlib>
#include <map>

#include "client_drivers.hpp"
#include "test_env.hpp"

using httpxx_test::AsyncDriver;
using httpxx_test::server;
using httpxx_test::SyncDriver;

namespace {

std::string httpbin() { return server("HTTPXX_TEST_HTTPBIN"); }
std::string nginx_https() { return server("HTTPXX_TEST_NGINX_HTTPS"); }

// The Via field tinyproxy adds, as httpbin echoes it (show_env keeps it in the echo).
template <class Driver>
std::string via(Driver& client, const std::string& origin = httpbin()) {
  auto headers = client.get(origin + "/headers?show_env=1").json()["headers"];
  return headers.contains("Via") ? headers["Via"].template get<std::string>() : "";
}

// A proxy URL without its credentials ("http://user:pw@h:p" -> "http://h:p").
std::string without_userinfo(std::string url) {
  const auto at = url.find('@');
  return at == std::string::npos ? url : url.substr(0, url.find("//") + 2) + url.substr(at + 1);
}

// Port 1 (tcpmux), where nothing listens on a test machine.
std::string closed_port_url(const char* scheme) {
  return std::string(scheme) + "://127.0.0.1:1";
}

httpxx::ClientOptions through(std::string proxy) {
  httpxx::ClientOptions options;
  options.proxy = httpxx::Proxy(proxy);
  options.ca_bundle = server("HTTPXX_TEST_CA");
  return options;
}

// Sets environment variables for one scope, restoring what was there before.
class ScopedEnv {
 public:
  ScopedEnv(std::initializer_list<std::pair<const char*, std::string>> variables) {
    for (const char* name : {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
                             "no_proxy", "NO_PROXY"}) {
      if (const char* value = std::getenv(name)) saved_[name] = value;
      ::unsetenv(name);
    }
    for (const auto& [name, value] : variables) ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    for (const char* name : {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
                             "no_proxy", "NO_PROXY"}) {
      ::unsetenv(name);
    }
    for (const auto& [name, value] : saved_) ::setenv(name.c_str(), value.c_str(), 1);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::map<std::string, std::string> saved_;
};

// Runs call, which must throw ProxyError; returns its message.
template <class Call>
std::string proxy_error(Call call) {
  try {
    call();
  } catch (const httpxx::ProxyError& e) {
    return e.what();
  } catch (const std::exception& e) {
    FAIL("expected ProxyError, got: " << std::string(e.what()));
  }
  FAIL("expected ProxyError, the request succeeded");
  return {};
}

}  // namespace

TEST_CASE_TEMPLATE("an HTTP forward proxy carries http:// requests in absolute-form", Driver, SyncDriver,
                   AsyncDriver) {
  Driver client(through(server("HTTPXX_TEST_TINYPROXY")));
  auto response = client.get(httpbin() + "/get?x=1");
  CHECK(response.status_code() == 200);
  CHECK(response.json()["url"] == httpbin() + "/get?x=1");
  CHECK(via(client).find("tinyproxy") != std::string::npos);
  SUBCASE("bodies and redirects go through it too") {
    // On a new connection: tinyproxy closes each connection after one response without saying
    // so, and a POST is not resent on a connection found closed (RFC 9110 9.2.2).
    Driver fresh(through(server("HTTPXX_TEST_TINYPROXY")));
    auto echo = fresh.request("POST", httpbin() + "/post", {.json = {{"k", "v"}}}).json();
    CHECK(echo["json"]["k"] == "v");
    auto redirected = client.get(httpbin() + "/redirect/2", {.follow_redirects = true});
    CHECK(redirected.status_code() == 200);
    CHECK(redirected.history().size() == 2);
  }
  SUBCASE("the URL's credentials and fragment are not part of the request-target") {
    std::string url = httpbin();
    url.insert(url.find("//") + 2, "user:passwd@");
    auto authenticated = client.get(url + "/basic-auth/user/passwd#frag");
    CHECK(authenticated.status_code() == 200);
  }
}

TEST_CASE_TEMPLATE("https:// through an HTTP proxy tunnels with CONNECT", Driver, SyncDriver, AsyncDriver) {
  Driver client(through(server("HTTPXX_TEST_TINYPROXY")));
  auto response = client.get(nginx_https() + "/1k.bin");
  CHECK(response.status_code() == 200);
  CHECK(response.content().size() == 1024);
  // TLS to the origin inside the tunnel negotiates HTTP/2 with it.
  CHECK(client.get(nginx_https() + "/protocol").text() == "HTTP/2.0\n");
  const std::string echoed = client.get(nginx_https() + "/httpbin/get").json()["url"];
  CHECK(echoed.ends_with("/get"));
  // The tunnel is reused: the origin saw one connection.
  const auto first = client.get(nginx_https() + "/connection").text();
  CHECK(client.get(nginx_https() + "/connection").text() == first);
}

TEST_CASE_TEMPLATE("an https:// proxy is spoken to over TLS", Driver, SyncDriver, AsyncDriver) {
  Driver client(through(server("HTTPXX_TEST_TINYPROXY_TLS")));
  CHECK(via(client).find("tinyproxy") != std::string::npos);
  CHECK(client.get(nginx_https() + "/1k.bin").content().size() == 1024);
  SUBCASE("and its certificate is verified") {
    auto options = through(server("HTTPXX_TEST_TINYPROXY_TLS"));
    options.ca_bundle.clear();
    options.trust_env = false;
    Driver untrusting(std::move(options));
    try {
      untrusting.get(httpbin() + "/get");
      FAIL("expected a certificate error");
    } catch (const httpxx::TransportError& e) {
      CHECK(std::string(e.what()).find("certificate") != std::string::npos);
    }
  }
}

TEST_CASE_TEMPLATE("proxy credentials from the proxy URL", Driver, SyncDriver, AsyncDriver) {
  const std::string proxy = server("HTTPXX_TEST_TINYPROXY_AUTH");
  Driver client(through(proxy));
  CHECK(client.get(httpbin() + "/get").status_code() == 200);
  CHECK(client.get(nginx_https() + "/1k.bin").content().size() == 1024);
  SUBCASE("percent-encoded credentials are decoded") {
    std::string encoded = proxy;
    encoded.replace(encoded.find("httpxx-proxy"), 12, "httpxx%2Dproxy");
    Driver decoded(through(encoded));
    CHECK(decoded.get(httpbin() + "/get").status_code() == 200);
  }
}

TEST_CASE_TEMPLATE("a proxy's refusal is a ProxyError that shows its answer but no credentials", Driver, SyncDriver,
                   AsyncDriver) {
  const std::string proxy = server("HTTPXX_TEST_TINYPROXY_AUTH");
  SUBCASE("407 without credentials, plain http") {
    Driver client(through(without_userinfo(proxy)));
    const auto message = proxy_error([&] { client.get(httpbin() + "/get"); });
    CHECK(message.find("407") != std::string::npos);
    // The client stays usable.
    CHECK(proxy_error([&] { client.get(httpbin() + "/get"); }).find("407") != std::string::npos);
  }
  SUBCASE("wrong credentials, CONNECT") {
    std::string wrong = proxy;
    wrong.replace(wrong.find("httpxx-proxy-password"), 21, "not-the-Password");
    Driver client(through(wrong));
    // tinyproxy answers wrong credentials with 401 (and missing ones with 407).
    const auto message = proxy_error([&] { client.get(nginx_https() + "/1k.bin"); });
    CHECK(message.find("401") != std::string::npos);
    CHECK(message.find("CONNECT") != std::string::npos);
    CHECK(message.find("not-the-Password") == std::string::npos);
    CHECK(message.find("httpxx:") == std::string::npos);
    // Forwarding plain http, a 401 may be the origin's: it is returned as a response.
    CHECK(client.get(httpbin() + "/get").status_code() == 401);
  }
  SUBCASE("CONNECT answered with an error status") {
    Driver client(through(server("HTTPXX_TEST_TINYPROXY")));
    const auto message = proxy_error([&] { client.get("https://127.0.0.1:1/"); });
    CHECK(message.find("500") != std::string::npos);
  }
  SUBCASE("no proxy listening") {
    Driver client(through(closed_port_url("http")));
    const auto message = proxy_error([&] { client.get(httpbin() + "/get"); });
    CHECK(message.find("proxy") != std::string::npos);
  }
}

TEST_CASE_TEMPLATE("SOCKS5: socks5:// resolves locally, socks5h:// lets the proxy resolve", Driver, SyncDriver,
                   AsyncDriver) {
  const std::string socks = server("HTTPXX_TEST_SOCKS5");
  const std::string socks_host = socks.substr(socks.find("//"));
  for (const std::string scheme : {"socks5:", "socks5h:"}) {
    CAPTURE(scheme);
    Driver client(through(scheme + socks_host));
    CHECK(client.get(httpbin() + "/get").json()["url"] == httpbin() + "/get");
    CHECK(client.get(nginx_https() + "/1k.bin").content().size() == 1024);
    CHECK(client.get(nginx_https() + "/protocol").text() == "HTTP/2.0\n");
  }
  SUBCASE("where the name is resolved shows in who fails to resolve it") {
    Driver local(through("socks5:" + socks_host));
    try {
      local.get("http://does-not-exist.invalid/");
      FAIL("expected ConnectError");
    } catch (const httpxx::ProxyError& e) {
      FAIL("resolved by the proxy: " << std::string(e.what()));
    } catch (const httpxx::ConnectError& e) {
      CHECK(std::string(e.what()).find("does-not-exist.invalid") != std::string::npos);
    }
    Driver remote(through("socks5h:" + socks_host));
    const auto message = proxy_error([&] { remote.get("http://does-not-exist.invalid/"); });
    CHECK(message.find("SOCKS5") != std::string::npos);
  }
}

TEST_CASE_TEMPLATE("SOCKS5 with username and password", Driver, SyncDriver, AsyncDriver) {
  const std::string socks = server("HTTPXX_TEST_SOCKS5_AUTH");
  Driver client(through(socks));
  CHECK(client.get(httpbin() + "/get").status_code() == 200);
  CHECK(client.get(nginx_https() + "/1k.bin").content().size() == 1024);
  SUBCASE("wrong credentials") {
    std::string wrong = socks;
    wrong.replace(wrong.find("httpxx-socks-password"), 21, "not-the-Password");
    Driver refused(through(wrong));
    const auto message = proxy_error([&] { refused.get(httpbin() + "/get"); });
    CHECK(message.find("SOCKS5") != std::string::npos);
    CHECK(message.find("not-the-Password") == std::string::npos);
  }
  SUBCASE("no credentials") {
    Driver refused(through(without_userinfo(socks)));
    CHECK(proxy_error([&] { refused.get(httpbin() + "/get"); }).find("SOCKS5") != std::string::npos);
  }
  SUBCASE("the target refuses the proxy's connection") {
    CHECK(proxy_error([&] { client.get("http://127.0.0.1:1/"); }).find("SOCKS5") != std::string::npos);
  }
}

TEST_CASE_TEMPLATE("proxies from the environment", Driver, SyncDriver, AsyncDriver) {
  const std::string tinyproxy = server("HTTPXX_TEST_TINYPROXY");
  const std::string auth_proxy = server("HTTPXX_TEST_TINYPROXY_AUTH");
  const std::string dead = closed_port_url("http");
  SUBCASE("HTTP_PROXY for http:// only") {
    ScopedEnv env{{"HTTP_PROXY", tinyproxy}};
    httpxx::ClientOptions options;
    options.ca_bundle = server("HTTPXX_TEST_CA");
    Driver client(std::move(options));
    CHECK(via(client).find("tinyproxy") != std::string::npos);
    CHECK(client.get(nginx_https() + "/1k.bin").status_code() == 200);
  }
  SUBCASE("lower case wins, as curl reads them") {
    ScopedEnv env{{"http_proxy", tinyproxy}, {"HTTP_PROXY", dead}};
    Driver client;
    CHECK(via(client).find("tinyproxy") != std::string::npos);
  }
  SUBCASE("HTTPS_PROXY for https:// only") {
    ScopedEnv env{{"HTTPS_PROXY", without_userinfo(auth_proxy)}};
    httpxx::ClientOptions options;
    options.ca_bundle = server("HTTPXX_TEST_CA");
    Driver client(std::move(options));
    CHECK(via(client).empty());
    CHECK(proxy_error([&] { client.get(nginx_https() + "/1k.bin"); }).find("407") != std::string::npos);
  }
  SUBCASE("ALL_PROXY, with a scheme-less address meaning http://") {
    ScopedEnv env{{"ALL_PROXY", tinyproxy.substr(tinyproxy.find("//") + 2)}};
    Driver client;
    CHECK(via(client).find("tinyproxy") != std::string::npos);
  }
  SUBCASE("ALL_PROXY with SOCKS5 credentials") {
    ScopedEnv env{{"ALL_PROXY", server("HTTPXX_TEST_SOCKS5_AUTH")}};
    httpxx::ClientOptions options;
    options.ca_bundle = server("HTTPXX_TEST_CA");
    Driver client(std::move(options));
    CHECK(client.get(nginx_https() + "/1k.bin").content().size() == 1024);
  }
  SUBCASE("the scheme's variable wins over ALL_PROXY") {
    ScopedEnv env{{"HTTP_PROXY", tinyproxy}, {"ALL_PROXY", dead}};
    Driver client;
    CHECK(via(client).find("tinyproxy") != std::string::npos);
  }
  SUBCASE("NO_PROXY") {
    const std::string port = httpbin().substr(httpbin().rfind(':') + 1);
    for (const std::string& no_proxy : std::vector<std::string>{"*", "127.0.0.1", "127.0.0.0/8", "127.0.0.1:" + port, "example.com, 127.0.0.1",
                                       "localhost", ".localhost"}) {
      CAPTURE(no_proxy);
      ScopedEnv env{{"HTTP_PROXY", dead}, {"NO_PROXY", no_proxy}};
      Driver client;
      std::string url = httpbin();
      if (no_proxy.find("localhost") != std::string::npos) url.replace(url.find("127.0.0.1"), 9, "localhost");
      CHECK(client.get(url + "/get").status_code() == 200);
    }
    for (const std::string no_proxy : {"example.com", "127.0.0.2", "10.0.0.0/8", "127.0.0.1:1", "0.0.1"}) {
      CAPTURE(no_proxy);
      ScopedEnv env{{"HTTP_PROXY", tinyproxy}, {"NO_PROXY", no_proxy}};
      Driver client;
      CHECK(via(client).find("tinyproxy") != std::string::npos);
    }
  }
  SUBCASE("ignored when trust_env is false") {
    ScopedEnv env{{"HTTP_PROXY", dead}, {"ALL_PROXY", dead}};
    httpxx::ClientOptions options;
    options.trust_env = false;
    Driver client(std::move(options));
    CHECK(client.get(httpbin() + "/get").status_code() == 200);
  }
  SUBCASE("ignored when a proxy is given") {
    ScopedEnv env{{"HTTP_PROXY", dead}};
    Driver client(through(tinyproxy));
    CHECK(via(client).find("tinyproxy") != std::string::npos);
  }
  SUBCASE("ignored when a transport is given") {
    ScopedEnv env{{"HTTP_PROXY", dead}};
    httpxx::ClientOptions options;
    options.transport = std::make_shared<httpxx::HTTPTransport>();
    Driver client(std::move(options));
    CHECK(via(client).empty());
  }
}
