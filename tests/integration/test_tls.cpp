// TLS against nginx with a test PKI made at start: trust, verification failures with OpenSSL's
// reason in the message, verify=false, client certificates.

#include <doctest/doctest.h>

#include <cstdlib>
#include <string>

#include "client_drivers.hpp"
#include "test_env.hpp"

using httpxx_test::AsyncDriver;
using httpxx_test::server;
using httpxx_test::SyncDriver;

namespace {

httpxx::ClientOptions trusting_test_ca() {
  httpxx::ClientOptions options;
  options.ca_bundle = server("HTTPXX_TEST_CA");
  return options;
}

template <class Driver>
std::string connect_error(Driver& client, const std::string& url) {
  try {
    client.get(url);
  } catch (const httpxx::ConnectError& e) {
    return e.what();
  }
  FAIL("expected ConnectError for " << url);
  return {};
}

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

// Sets an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace

TEST_CASE_TEMPLATE("HTTPS trusted through ca_bundle", Driver, SyncDriver, AsyncDriver) {
  Driver client(trusting_test_ca());
  auto response = client.get(server("HTTPXX_TEST_NGINX_HTTPS_H1") + "/1k.bin");
  CHECK(response.status_code() == 200);
  CHECK(response.content().size() == 1024);
  // Keep-alive over TLS too.
  const auto a = client.get(server("HTTPXX_TEST_NGINX_HTTPS_H1") + "/connection").text();
  const auto b = client.get(server("HTTPXX_TEST_NGINX_HTTPS_H1") + "/connection").text();
  CHECK(a == b);
}

TEST_CASE_TEMPLATE("a 4 MiB upload over TLS arrives intact, over HTTP/1.1 and HTTP/2", Driver, SyncDriver,
                   AsyncDriver) {
  // Larger than the socket takes at once: records go out as they are encrypted, the rest after
  // waiting for the socket, and all of it in order.
  std::string payload(4 * 1024 * 1024, '\0');
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>('a' + (i * 2654435761u >> 24) % 26);
  for (const char* variable : {"HTTPXX_TEST_NGINX_HTTPS_H1", "HTTPXX_TEST_NGINX_HTTPS"}) {
    INFO(variable);
    Driver client(trusting_test_ca());
    httpxx::RequestOptions options;
    options.content = payload;
    auto response = client.request("POST", server(variable) + "/httpbin/anything", std::move(options));
    REQUIRE(response.status_code() == 200);
    CHECK(response.json()["data"].template get<std::string>() == payload);
  }
}

TEST_CASE_TEMPLATE("HTTPS trusted through SSL_CERT_FILE when trust_env", Driver, SyncDriver, AsyncDriver) {
  ScopedEnv env("SSL_CERT_FILE", server("HTTPXX_TEST_CA"));
  {
    Driver client;
    CHECK(client.get(server("HTTPXX_TEST_NGINX_HTTPS_H1") + "/1k.bin").status_code() == 200);
  }
  httpxx::ClientOptions options;
  options.trust_env = false;
  Driver distrusting(std::move(options));
  CHECK(contains(connect_error(distrusting, server("HTTPXX_TEST_NGINX_HTTPS_H1") + "/"), "certificate"));
}

TEST_CASE_TEMPLATE("certificate verification failures say why", Driver, SyncDriver, AsyncDriver) {
  SUBCASE("a CA the client does not trust") {
    Driver client;
    const auto message = connect_error(client, server("HTTPXX_TEST_NGINX_HTTPS_H1") + "/");
    CHECK(contains(message, "unable to get local issuer certificate"));
  }
  SUBCASE("self-signed") {
    Driver client(trusting_test_ca());
    const auto message = connect_error(client, server("HTTPXX_TEST_NGINX_SELF_SIGNED") + "/");
    CHECK(contains(message, "self-signed certificate"));
  }
  SUBCASE("expired") {
    Driver client(trusting_test_ca());
    const auto message = connect_error(client, server("HTTPXX_TEST_NGINX_EXPIRED") + "/");
    CHECK(contains(message, "certificate has expired"));
  }
  SUBCASE("issued for another host") {
    Driver client(trusting_test_ca());
    const auto by_ip = server("HTTPXX_TEST_NGINX_WRONG_HOST");
    const auto message = connect_error(client, by_ip + "/");
    CHECK_MESSAGE(contains(message, "IP address mismatch"), message);
    // By name ("localhost" resolves to ::1 and 127.0.0.1; nginx listens on the latter).
    const auto by_name = "https://localhost" + by_ip.substr(by_ip.rfind(':')) + "/";
    const auto name_message = connect_error(client, by_name);
    CHECK_MESSAGE(contains(name_message, "hostname mismatch"), name_message);
  }
}

TEST_CASE_TEMPLATE("verify = false accepts any certificate", Driver, SyncDriver, AsyncDriver) {
  httpxx::ClientOptions options;
  options.verify = false;
  Driver client(std::move(options));
  CHECK(client.get(server("HTTPXX_TEST_NGINX_SELF_SIGNED") + "/1k.bin").status_code() == 200);
  CHECK(client.get(server("HTTPXX_TEST_NGINX_EXPIRED") + "/1k.bin").status_code() == 200);
}

TEST_CASE_TEMPLATE("client certificates", Driver, SyncDriver, AsyncDriver) {
  const auto url = server("HTTPXX_TEST_NGINX_CLIENT_CERT") + "/client-subject";
  SUBCASE("presented") {
    auto options = trusting_test_ca();
    options.cert = httpxx::ClientCert{server("HTTPXX_TEST_CLIENT_CERT"), server("HTTPXX_TEST_CLIENT_KEY"), ""};
    Driver client(std::move(options));
    auto response = client.get(url);
    CHECK(response.status_code() == 200);
    CHECK(contains(response.text(), "CN="));
  }
  SUBCASE("with an encrypted key and its password") {
    auto options = trusting_test_ca();
    options.cert = httpxx::ClientCert{server("HTTPXX_TEST_CLIENT_CERT"), server("HTTPXX_TEST_CLIENT_KEY_ENCRYPTED"),
                                      server("HTTPXX_TEST_CLIENT_KEY_PASSWORD")};
    Driver client(std::move(options));
    CHECK(client.get(url).status_code() == 200);
  }
  SUBCASE("missing: the server refuses") {
    Driver client(trusting_test_ca());
    // nginx answers 400 "No required SSL certificate was sent".
    CHECK(client.get(url).status_code() == 400);
  }
  SUBCASE("a wrong password for the key is a clear error") {
    auto options = trusting_test_ca();
    options.cert = httpxx::ClientCert{server("HTTPXX_TEST_CLIENT_CERT"), server("HTTPXX_TEST_CLIENT_KEY_ENCRYPTED"),
                                      "not-the-password"};
    Driver client(std::move(options));
    CHECK(contains(connect_error(client, url), "key"));
  }
}
