// The request policy shared by both clients: URL merging, request building, auth choice and
// redirects. Plain functions: no loop, no transport.
#include <doctest/doctest.h>

#include <memory>
#include <optional>
#include <string>

#include "client/client_policy.hpp"
#include "content/request_body.hpp"
#include "httpxx/errors.hpp"
#include "httpxx/version.hpp"

using httpxx::Auth;
using httpxx::BasicAuth;
using httpxx::Headers;
using httpxx::Request;
using httpxx::RequestOptions;
using httpxx::Response;
using httpxx::URL;
using namespace httpxx::detail;

namespace {

std::string href(const URL& url) { return std::string(url.href()); }

Response redirect(int status, std::string location) {
  return Response(status, Headers{{"Location", std::move(location)}});
}

Request post_with_body(std::string url) {
  return Request("POST", URL(url),
                 RequestOptions{.headers = Headers{{"Content-Type", "text/plain"}, {"Authorization", "Bearer t"},
                                                   {"Cookie", "a=1"}, {"X-Custom", "kept"}},
                                .content = "payload"});
}

}  // namespace

TEST_CASE("merge_url appends relative URLs to the base URL's path") {
  const auto base = normalize_base_url("https://h.test/api");
  REQUIRE(base);
  CHECK(href(*base) == "https://h.test/api/");
  CHECK(href(merge_url(base, "users")) == "https://h.test/api/users");
  CHECK(href(merge_url(base, "/users")) == "https://h.test/api/users");
  CHECK(href(merge_url(base, "users?x=1")) == "https://h.test/api/users?x=1");
  CHECK(href(merge_url(base, "a/b/")) == "https://h.test/api/a/b/");
  CHECK(href(merge_url(base, "")) == "https://h.test/api/");
  SUBCASE("an absolute URL is used as it is") {
    CHECK(href(merge_url(base, "http://other.test/x?y=2")) == "http://other.test/x?y=2");
    CHECK(href(merge_url(std::nullopt, "https://other.test/")) == "https://other.test/");
  }
  SUBCASE("a relative URL without a base_url is invalid") {
    CHECK_THROWS_AS(merge_url(std::nullopt, "/users"), httpxx::InvalidURL);
    CHECK_THROWS_AS(merge_url(std::nullopt, "users"), httpxx::InvalidURL);
  }
}

TEST_CASE("normalize_base_url") {
  CHECK_FALSE(normalize_base_url(""));
  CHECK(href(*normalize_base_url("https://h.test")) == "https://h.test/");
  CHECK(href(*normalize_base_url("https://h.test/api/")) == "https://h.test/api/");
  CHECK(href(*normalize_base_url("https://h.test/api/v1")) == "https://h.test/api/v1/");
  CHECK(href(*normalize_base_url("http://h.test:8080/a")) == "http://h.test:8080/a/");
  CHECK_THROWS_AS(normalize_base_url("not a url"), httpxx::InvalidURL);
}

TEST_CASE("default_headers are the contract's, in order") {
  const Headers headers = default_headers();
  REQUIRE(headers.size() == 4);
  auto it = headers.begin();
  CHECK(it->first == "User-Agent");
  CHECK(it->second == std::string("httpxx/") + httpxx::version);
  CHECK(it->second == "httpxx/" HTTPXX_VERSION_STRING);
  ++it;
  CHECK(it->first == "Accept");
  CHECK(it->second == "*/*");
  ++it;
  CHECK(it->first == "Accept-Encoding");
  CHECK(it->second == "gzip, deflate, br, zstd");
  ++it;
  CHECK(it->first == "Connection");
  CHECK(it->second == "keep-alive");
}

TEST_CASE("build_client_request merges the client's options under the request's") {
  httpxx::ClientOptions client;
  client.headers = Headers{{"X-Client", "c"}, {"X-Both", "client"}};
  client.params = httpxx::QueryParams{{"a", "1"}, {"b", "2"}};
  client.timeout = httpxx::Timeout::all(httpxx::Duration(7));

  RequestOptions options;
  options.headers = Headers{{"X-Both", "request"}};
  options.params = httpxx::QueryParams{{"b", "3"}, {"c", "4"}};
  const Request request = build_client_request(client, "get", URL("https://h.test/p"), RequestOptions(options));

  CHECK(request.method() == "GET");
  CHECK(request.headers().get("X-Client") == "c");
  CHECK(request.headers().get("X-Both") == "request");
  CHECK(request.headers().get_list("X-Both").size() == 1);
  CHECK(request.headers().get("Host") == "h.test");
  CHECK(request.url().query() == "a=1&b=3&c=4");
  REQUIRE(request.timeout());
  CHECK(*request.timeout() == client.timeout);

  SUBCASE("the request's own timeout wins") {
    RequestOptions with_timeout;
    with_timeout.timeout = httpxx::Timeout::all(httpxx::Duration(1));
    const Request r = build_client_request(client, "GET", URL("https://h.test/"), std::move(with_timeout));
    REQUIRE(r.timeout());
    CHECK(*r.timeout() == httpxx::Timeout::all(httpxx::Duration(1)));
  }
  SUBCASE("params already in the URL come first") {
    const Request r = build_client_request(client, "GET", URL("https://h.test/p?x=0"), RequestOptions(options));
    CHECK(r.url().query() == "x=0&a=1&b=3&c=4");
  }
  SUBCASE("without client params the request's are used as they are") {
    httpxx::ClientOptions bare;
    const Request r = build_client_request(bare, "GET", URL("https://h.test/p"), RequestOptions(options));
    CHECK(r.url().query() == "b=3&c=4");
    CHECK(r.headers().get("X-Both") == "request");
    CHECK_FALSE(r.headers().contains("X-Client"));
  }
}

TEST_CASE("choose_auth: request, then client, then the URL's userinfo") {
  const URL plain("https://h.test/");
  const Auth client_auth = BasicAuth{"client", "secret"};
  const Auth request_auth = BasicAuth{"request", "secret"};

  CHECK(choose_auth(std::nullopt, std::nullopt, plain).empty());
  CHECK(choose_auth(std::nullopt, client_auth, plain).flow() == client_auth.flow());
  CHECK(choose_auth(request_auth, client_auth, plain).flow() == request_auth.flow());
  // Auth{} on the request means "none", even with a client default.
  CHECK(choose_auth(Auth{}, client_auth, plain).empty());
  CHECK(choose_auth(Auth{}, std::nullopt, URL("https://user:pw@h.test/")).empty());

  SUBCASE("credentials in the URL become Basic auth") {
    const Auth from_url = choose_auth(std::nullopt, std::nullopt, URL("https://us%65r:p%40ss@h.test/"));
    REQUIRE(from_url.flow());
    Request request("GET", URL("https://h.test/"));
    from_url.flow()->on_request(request);
    // base64("user:p@ss")
    CHECK(request.headers().get("Authorization") == "Basic dXNlcjpwQHNz");
  }
  SUBCASE("the client's auth beats the URL's credentials") {
    CHECK(choose_auth(std::nullopt, client_auth, URL("https://u:p@h.test/")).flow() == client_auth.flow());
  }
}

TEST_CASE("keeps_authorization") {
  CHECK(keeps_authorization(URL("https://h.test/a"), URL("https://h.test/b?c")));
  CHECK(keeps_authorization(URL("https://h.test/"), URL("https://h.test:443/")));
  CHECK(keeps_authorization(URL("http://h.test/"), URL("https://h.test/")));   // upgrade
  CHECK_FALSE(keeps_authorization(URL("https://h.test/"), URL("http://h.test/")));
  CHECK_FALSE(keeps_authorization(URL("https://h.test/"), URL("https://other.test/")));
  CHECK_FALSE(keeps_authorization(URL("https://h.test/"), URL("https://h.test:8443/")));
  CHECK_FALSE(keeps_authorization(URL("http://h.test:8080/"), URL("https://h.test:8443/")));
  CHECK_FALSE(keeps_authorization(URL("https://h.test/"), URL("https://sub.h.test/")));
}

TEST_CASE("301, 302 and 303 turn a request into a body-less GET") {
  for (int status : {301, 302, 303}) {
    CAPTURE(status);
    const Request request = post_with_body("https://h.test/form");
    const auto next = build_redirect_request(request, redirect(status, "/done"));
    REQUIRE(next);
    CHECK(next->method() == "GET");
    CHECK(href(next->url()) == "https://h.test/done");
    CHECK(next->body() == nullptr);
    CHECK(next->content().empty());
    CHECK_FALSE(next->headers().contains("Content-Type"));
    CHECK_FALSE(next->headers().contains("Content-Length"));
    CHECK_FALSE(next->headers().contains("Transfer-Encoding"));
    CHECK(next->headers().get("X-Custom") == "kept");
    CHECK(next->headers().get("Authorization") == "Bearer t");   // same origin
    CHECK_FALSE(next->headers().contains("Cookie"));             // chosen again from the jar
    // The original request is untouched.
    CHECK(request.method() == "POST");
    CHECK(request.content() == "payload");
  }
}

TEST_CASE("HEAD stays HEAD on 301, 302 and 303") {
  for (int status : {301, 302, 303}) {
    CAPTURE(status);
    const Request head("HEAD", URL("https://h.test/a"));
    const auto next = build_redirect_request(head, redirect(status, "/b"));
    REQUIRE(next);
    CHECK(next->method() == "HEAD");
  }
}

TEST_CASE("307 and 308 keep the method and the body") {
  for (int status : {307, 308}) {
    CAPTURE(status);
    const Request request = post_with_body("https://h.test/form");
    const auto next = build_redirect_request(request, redirect(status, "/elsewhere"));
    REQUIRE(next);
    CHECK(next->method() == "POST");
    CHECK(next->content() == "payload");
    CHECK(next->headers().get("Content-Type") == "text/plain");
    CHECK(next->headers().get("Content-Length") == "7");
    CHECK(href(next->url()) == "https://h.test/elsewhere");
  }
}

TEST_CASE("the Location is resolved against the request URL") {
  const Request request("GET", URL("https://h.test/a/b?q=1"));
  SUBCASE("relative path") {
    CHECK(href(build_redirect_request(request, redirect(302, "c"))->url()) == "https://h.test/a/c");
    CHECK(href(build_redirect_request(request, redirect(302, "../c"))->url()) == "https://h.test/c");
    CHECK(href(build_redirect_request(request, redirect(302, "?r=2"))->url()) == "https://h.test/a/b?r=2");
  }
  SUBCASE("scheme-relative") {
    const auto next = build_redirect_request(request, redirect(301, "//other.test/x"));
    REQUIRE(next);
    CHECK(href(next->url()) == "https://other.test/x");
    CHECK(next->headers().get("Host") == "other.test");
  }
  SUBCASE("absolute, with the Host header following it") {
    const auto next = build_redirect_request(request, redirect(302, "http://other.test:8080/y"));
    REQUIRE(next);
    CHECK(href(next->url()) == "http://other.test:8080/y");
    CHECK(next->headers().get("Host") == "other.test:8080");
  }
}

TEST_CASE("the request's fragment is carried over unless the Location has its own") {
  const Request request("GET", URL("https://h.test/a#section"));
  CHECK(href(build_redirect_request(request, redirect(302, "/b"))->url()) == "https://h.test/b#section");
  CHECK(href(build_redirect_request(request, redirect(302, "/b#other"))->url()) == "https://h.test/b#other");
  const Request without("GET", URL("https://h.test/a"));
  CHECK(href(build_redirect_request(without, redirect(302, "/b"))->url()) == "https://h.test/b");
}

TEST_CASE("Authorization is dropped when the redirect leaves the origin") {
  RequestOptions options;
  options.headers = Headers{{"Authorization", "Basic abc"}, {"Cookie", "s=1"}};
  SUBCASE("another host") {
    const Request request("GET", URL("https://h.test/"), options);
    const auto next = build_redirect_request(request, redirect(302, "https://other.test/"));
    REQUIRE(next);
    CHECK_FALSE(next->headers().contains("Authorization"));
    CHECK_FALSE(next->headers().contains("Cookie"));
  }
  SUBCASE("https to http") {
    const Request request("GET", URL("https://h.test/"), options);
    const auto next = build_redirect_request(request, redirect(302, "http://h.test/"));
    CHECK_FALSE(next->headers().contains("Authorization"));
  }
  SUBCASE("http to https on the same host keeps it") {
    const Request request("GET", URL("http://h.test/"), options);
    const auto next = build_redirect_request(request, redirect(301, "https://h.test/secure"));
    REQUIRE(next);
    CHECK(next->headers().get("Authorization") == "Basic abc");
    CHECK_FALSE(next->headers().contains("Cookie"));
  }
}

TEST_CASE("an invalid Location is a RemoteProtocolError") {
  const Request request("GET", URL("https://h.test/"));
  CHECK_THROWS_AS(build_redirect_request(request, redirect(302, "https://[bad/")), httpxx::RemoteProtocolError);
  CHECK_THROWS_AS(build_redirect_request(request, redirect(302, "http://exa mple.test/")),
                  httpxx::RemoteProtocolError);
}

TEST_CASE("responses that are not redirects give no next request") {
  const Request request("GET", URL("https://h.test/"));
  CHECK_FALSE(build_redirect_request(request, Response(200)));
  CHECK_FALSE(build_redirect_request(request, Response(304, Headers{{"Location", "/x"}})));
  CHECK_FALSE(build_redirect_request(request, Response(302)));   // no Location
  CHECK_FALSE(build_redirect_request(request, Response(404, Headers{{"Location", "/x"}})));
}

TEST_CASE("a streamed body that cannot be replayed stops a 307") {
  // A body read in chunks that refuses to rewind, as a stream already sent would.
  class OneShotBody final : public RequestBody {
   public:
    std::optional<std::uint64_t> length() const override { return std::nullopt; }
    bool read(std::string& out, std::size_t) override {
      out.clear();
      return false;
    }
    bool rewind() override { return false; }
  };
  Request request("PUT", URL("https://h.test/upload"));
  request.set_body(std::make_shared<OneShotBody>());
  CHECK_THROWS_AS(build_redirect_request(request, redirect(307, "/again")), httpxx::StreamConsumed);
  // A 303 drops the body, so nothing needs replaying.
  const auto next = build_redirect_request(request, redirect(303, "/result"));
  REQUIRE(next);
  CHECK(next->method() == "GET");
}
