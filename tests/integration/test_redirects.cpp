// Redirects against httpbin (and nginx's /httpbin/ location as a second origin), with both clients.

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "client_drivers.hpp"
#include "test_env.hpp"

using httpxx_test::AsyncDriver;
using httpxx_test::server;
using httpxx_test::SyncDriver;

namespace {

std::string httpbin() { return server("HTTPXX_TEST_HTTPBIN"); }

// The same httpbin under another origin: "localhost" instead of "127.0.0.1" (cookies and
// credentials are per host, whatever the port).
std::string httpbin_localhost() {
  std::string url = httpbin();
  return url.replace(url.find("127.0.0.1"), 9, "localhost");
}

// httpbin's /redirect-to answering with status to url (percent-encoded as a query value).
std::string redirect_to(const std::string& url, int status = 302) {
  return httpbin() + "/redirect-to?" + httpxx::QueryParams{{"url", url}, {"status_code", std::to_string(status)}}.to_string();
}

httpxx::ClientOptions following() {
  httpxx::ClientOptions options;
  options.follow_redirects = true;
  return options;
}

}  // namespace

TEST_CASE_TEMPLATE("redirects are not followed by default: next_request says where to", Driver, SyncDriver,
                   AsyncDriver) {
  Driver client;
  auto response = client.get(httpbin() + "/redirect/3");
  CHECK(response.status_code() == 302);
  CHECK(response.is_redirect());
  CHECK(response.history().empty());
  auto next = response.next_request();
  REQUIRE(next);
  CHECK(next->method() == "GET");
  CHECK(next->url().href() == httpbin() + "/relative-redirect/2");
  // The request it describes can be sent as it is.
  auto followed = client.send(std::move(*next));
  CHECK(followed.status_code() == 302);
  CHECK(followed.headers().get("Location") == "/relative-redirect/1");
}

TEST_CASE_TEMPLATE("follow_redirects on the client: history oldest first", Driver, SyncDriver, AsyncDriver) {
  Driver client(following());
  auto response = client.get(httpbin() + "/redirect/3");
  CHECK(response.status_code() == 200);
  CHECK(response.url().href() == httpbin() + "/get");
  CHECK(!response.next_request());
  REQUIRE(response.history().size() == 3);
  CHECK(response.history()[0].url().href() == httpbin() + "/redirect/3");
  CHECK(response.history()[1].url().href() == httpbin() + "/relative-redirect/2");
  CHECK(response.history()[2].url().href() == httpbin() + "/relative-redirect/1");
  for (const auto& hop : response.history()) CHECK(hop.status_code() == 302);
  CHECK(response.json()["url"] == httpbin() + "/get");
  // Each hop's connection went back to the pool: one connection served them all.
  CHECK(client.describe().find("Connections: 0 active, 1 idle") != std::string::npos);
}

TEST_CASE_TEMPLATE("follow_redirects per request overrides the client's", Driver, SyncDriver, AsyncDriver) {
  SUBCASE("on for one request") {
    Driver client;
    auto response = client.get(httpbin() + "/redirect/2", {.follow_redirects = true});
    CHECK(response.status_code() == 200);
    CHECK(response.history().size() == 2);
    CHECK(client.get(httpbin() + "/redirect/2").status_code() == 302);
  }
  SUBCASE("off for one request") {
    Driver client(following());
    CHECK(client.get(httpbin() + "/redirect/2", {.follow_redirects = false}).status_code() == 302);
    CHECK(client.get(httpbin() + "/redirect/2").status_code() == 200);
  }
  SUBCASE("through send") {
    Driver client;
    auto request = client.build_request("GET", httpbin() + "/redirect/1");
    auto response = client.send(std::move(request), {.follow_redirects = true});
    CHECK(response.status_code() == 200);
    CHECK(response.history().size() == 1);
  }
}

TEST_CASE_TEMPLATE("max_redirects, then TooManyRedirects", Driver, SyncDriver, AsyncDriver) {
  auto options = following();
  options.max_redirects = 3;
  Driver client(std::move(options));
  CHECK(client.get(httpbin() + "/redirect/3").history().size() == 3);
  try {
    client.get(httpbin() + "/redirect/4");
    FAIL("expected TooManyRedirects");
  } catch (const httpxx::TooManyRedirects& e) {
    CHECK(std::string(e.what()).find("3") != std::string::npos);
    // The request that would have gone beyond the limit.
    CHECK(e.request().url().href() == httpbin() + "/get");
  }
  // The client is still usable, and its connections were not leaked by the aborted chain.
  CHECK(client.get(httpbin() + "/get").status_code() == 200);
  CHECK(client.describe().find("Requests: 0 active, 0 queued | Connections: 0 active") != std::string::npos);
}

TEST_CASE_TEMPLATE("relative, absolute and scheme-relative Locations", Driver, SyncDriver, AsyncDriver) {
  Driver client(following());
  SUBCASE("relative") {
    auto response = client.get(httpbin() + "/relative-redirect/2");
    CHECK(response.status_code() == 200);
    CHECK(response.history().size() == 2);
    CHECK(response.url().href() == httpbin() + "/get");
  }
  SUBCASE("absolute") {
    auto response = client.get(httpbin() + "/absolute-redirect/2");
    CHECK(response.history().size() == 2);
    CHECK(response.history()[1].headers().get("Location") == httpbin() + "/get");
    CHECK(response.url().href() == httpbin() + "/get");
  }
  SUBCASE("scheme-relative, to another host") {
    const std::string other = httpbin_localhost();
    const std::string scheme_relative = other.substr(other.find("//")) + "/get?hop=1";
    auto response = client.get(redirect_to(scheme_relative));
    CHECK(response.status_code() == 200);
    CHECK(response.url().href() == other + "/get?hop=1");
    CHECK(response.json()["headers"]["Host"] == other.substr(other.find("//") + 2));
  }
  SUBCASE("relative with dot segments and a query") {
    auto response = client.get(redirect_to("../anything/a/./b/../c?x=1"));
    CHECK(response.url().href() == httpbin() + "/anything/a/c?x=1");
    CHECK(response.json()["args"]["x"] == "1");
  }
}

TEST_CASE_TEMPLATE("the request's fragment is carried over to the new URL", Driver, SyncDriver, AsyncDriver) {
  Driver client(following());
  auto response = client.get(httpbin() + "/redirect/2#section");
  CHECK(response.url().href() == httpbin() + "/get#section");
  // The fragment stays on the client side: httpbin saw no '#'.
  CHECK(response.json()["url"] == httpbin() + "/get");
  SUBCASE("unless the Location has its own") {
    auto own = client.get(redirect_to("/get#theirs") + "#mine");
    CHECK(own.url().href() == httpbin() + "/get#theirs");
  }
}

TEST_CASE_TEMPLATE("301, 302 and 303 turn a POST into a GET without its body", Driver, SyncDriver, AsyncDriver) {
  Driver client(following());
  for (int status : {301, 302, 303}) {
    CAPTURE(status);
    auto response = client.request("POST", redirect_to("/anything", status),
                                   {.json = {{"secret", "body"}}});
    CHECK(response.history().size() == 1);
    CHECK(response.history()[0].status_code() == status);
    CHECK(response.request().method() == "GET");
    auto echo = response.json();
    CHECK(echo["method"] == "GET");
    CHECK(echo["data"] == "");
    CHECK(!echo["headers"].contains("Content-Type"));
    CHECK(!echo["headers"].contains("Content-Length"));
  }
}

TEST_CASE_TEMPLATE("HEAD stays HEAD through a 302", Driver, SyncDriver, AsyncDriver) {
  Driver client(following());
  auto response = client.request("HEAD", redirect_to("/anything", 302));
  CHECK(response.status_code() == 200);
  CHECK(response.request().method() == "HEAD");
  CHECK(response.content().empty());
  CHECK(response.history().size() == 1);
}

TEST_CASE_TEMPLATE("307 and 308 keep the method and the body", Driver, SyncDriver, AsyncDriver) {
  Driver client(following());
  SUBCASE("bytes") {
    for (int status : {307, 308}) {
      CAPTURE(status);
      auto echo = client.request("PUT", redirect_to("/anything", status),
                                 {.headers = {{"Content-Type", "text/plain"}}, .content = "the body"})
                      .json();
      CHECK(echo["method"] == "PUT");
      CHECK(echo["data"] == "the body");
      CHECK(echo["headers"]["Content-Type"] == "text/plain");
    }
  }
  SUBCASE("a multipart body streamed from a file is sent again") {
    const auto path = std::filesystem::temp_directory_path() / "httpxx-redirect-upload.txt";
    std::string contents;
    for (int i = 0; i < 5000; ++i) contents += "line " + std::to_string(i) + "\n";
    std::ofstream(path, std::ios::binary) << contents;
    for (int status : {307, 308}) {
      CAPTURE(status);
      auto echo = client.request("POST", redirect_to("/post", status),
                                 {.data = {{"field", "value"}},
                                  .files = {{"upload", httpxx::File::from_path(path.string())}}})
                      .json();
      CHECK(echo["form"]["field"] == "value");
      CHECK(echo["files"]["upload"] == contents);
    }
    std::filesystem::remove(path);
  }
}

TEST_CASE_TEMPLATE("Authorization is kept within the origin and dropped when it changes", Driver, SyncDriver,
                   AsyncDriver) {
  auto options = following();
  options.auth = httpxx::BasicAuth{"user", "passwd"};
  Driver client(std::move(options));
  SUBCASE("same origin") {
    auto echo = client.get(redirect_to("/headers")).json();
    CHECK(echo["headers"]["Authorization"] == "Basic dXNlcjpwYXNzd2Q=");
  }
  SUBCASE("another host") {
    auto response = client.get(redirect_to(httpbin_localhost() + "/headers"));
    CHECK(response.history()[0].request().headers().get("Authorization") == "Basic dXNlcjpwYXNzd2Q=");
    CHECK(!response.json()["headers"].contains("Authorization"));
  }
  SUBCASE("another port of the same host") {
    const std::string nginx_httpbin = server("HTTPXX_TEST_NGINX_HTTP") + "/httpbin/headers";
    auto echo = client.get(redirect_to(nginx_httpbin)).json();
    CHECK(!echo["headers"].contains("Authorization"));
  }
  SUBCASE("a header set by the caller is dropped too") {
    auto response = client.get(redirect_to(httpbin_localhost() + "/headers"),
                               {.headers = {{"Authorization", "Bearer token"}}, .auth = httpxx::Auth{}});
    CHECK(!response.json()["headers"].contains("Authorization"));
  }
}

TEST_CASE_TEMPLATE("cookies are chosen again for each URL of the chain", Driver, SyncDriver, AsyncDriver) {
  Driver client(following());
  // /cookies/set stores a=1 for 127.0.0.1 and redirects to /cookies, which must see it.
  auto echo = client.get(httpbin() + "/cookies/set?a=1").json();
  CHECK(echo["cookies"]["a"] == "1");
  // Leaving for localhost: the 127.0.0.1 cookie stays behind.
  auto elsewhere = client.get(redirect_to(httpbin_localhost() + "/cookies"));
  CHECK(elsewhere.history()[0].request().headers().get("Cookie") == "a=1");
  CHECK(elsewhere.json()["cookies"].empty());
}

TEST_CASE_TEMPLATE("an invalid Location is a RemoteProtocolError", Driver, SyncDriver, AsyncDriver) {
  Driver client(following());
  for (const char* location : {"http://[::1", "http://exa mple.com/"}) {
    CAPTURE(location);
    try {
      client.get(redirect_to(location));
      FAIL("expected RemoteProtocolError");
    } catch (const httpxx::RemoteProtocolError& e) {
      CHECK(std::string(e.what()).find("Location") != std::string::npos);
    }
  }
  // Not following, the redirect is returned as it is, with no request to follow.
  Driver plain;
  auto response = plain.get(redirect_to("http://[::1"));
  CHECK(response.status_code() == 302);
  CHECK(!response.next_request());
}

TEST_CASE_TEMPLATE("event hooks run for every hop", Driver, SyncDriver, AsyncDriver) {
  std::vector<std::string> requested, answered;
  auto options = following();
  options.event_hooks.request.push_back([&](httpxx::Request& r) { requested.emplace_back(r.url().path()); });
  options.event_hooks.response.push_back(
      [&](httpxx::Response& r) { answered.push_back(std::to_string(r.status_code())); });
  Driver client(std::move(options));
  CHECK(client.get(httpbin() + "/redirect/2").status_code() == 200);
  CHECK(requested == std::vector<std::string>{"/redirect/2", "/relative-redirect/1", "/get"});
  CHECK(answered == std::vector<std::string>{"302", "302", "200"});
}

TEST_CASE_TEMPLATE("a streamed response after redirects", Driver, SyncDriver, AsyncDriver) {
  Driver client(following());
  auto response = client.stream("GET", httpbin() + "/redirect/2");
  CHECK(response.status_code() == 200);
  CHECK(response.history().size() == 2);
  CHECK(nlohmann::json::parse(client.read(response))["url"] == httpbin() + "/get");
}
