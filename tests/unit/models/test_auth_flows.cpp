#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "httpxx/auth.hpp"
#include "httpxx/errors.hpp"
#include "httpxx/request.hpp"
#include "httpxx/response.hpp"
#include "models/auth_challenge.hpp"
#include "models/digest_auth.hpp"

using httpxx::Auth;
using httpxx::Headers;
using httpxx::Request;
using httpxx::Response;
using httpxx::URL;

namespace {

Request get(const char* url) { return Request("GET", URL(url)); }

std::string authorization(const Request& request) {
  const std::string* value = request.headers().find("Authorization");
  return value ? *value : std::string();
}

// The parameters of a Digest Authorization field, which shares the challenge grammar.
httpxx::detail::AuthChallenge digest_fields(const Request& request) {
  auto parsed = httpxx::detail::parse_auth_challenges(authorization(request));
  REQUIRE(parsed.size() == 1);
  CHECK(parsed[0].scheme == "Digest");
  return parsed[0];
}

std::string field(const httpxx::detail::AuthChallenge& fields, const char* name) {
  const std::string* value = fields.param(name);
  return value ? *value : std::string("<absent>");
}

Response challenge(const char* nonce, bool stale = false) {
  std::string value = R"(Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce=")";
  value += nonce;
  value += R"(", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS")";
  if (stale) value += ", stale=true";
  return Response(401, Headers{{"WWW-Authenticate", value}});
}

class CountingFlow : public httpxx::AuthFlow {
 public:
  void on_request(Request& request) override { request.headers().set("X-Count", std::to_string(++count_)); }
  int count_ = 0;
};

}  // namespace

TEST_CASE("Basic, Bearer and function flows add their header") {
  auto request = get("http://h.test/");
  Auth basic = httpxx::BasicAuth{"Aladdin", "open sesame"};
  REQUIRE(basic.flow() != nullptr);
  basic.flow()->on_request(request);
  CHECK(authorization(request) == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  CHECK_FALSE(basic.flow()->on_response(request, Response(401)).has_value());

  Auth bearer = httpxx::BearerAuth{"tok"};
  bearer.flow()->on_request(request);
  CHECK(authorization(request) == "Bearer tok");
  CHECK(request.headers().get_list("authorization").size() == 1);

  Auth function = httpxx::FunctionAuth{[](Request& r) { r.headers().set("X-Signed", r.method()); }};
  function.flow()->on_request(request);
  CHECK(request.headers().get("X-Signed") == "GET");

  Auth bad_token = httpxx::BearerAuth{"tok\r\nX-Evil: 1"};
  CHECK_THROWS_AS(bad_token.flow()->on_request(request), httpxx::LocalProtocolError);
}

TEST_CASE("Auth holds no flow by default and custom flows convert to it") {
  Auth none;
  CHECK(none.empty());
  CHECK_FALSE(static_cast<bool>(none));
  Auth custom = CountingFlow{};
  REQUIRE(custom);
  auto request = get("http://h.test/");
  custom.flow()->on_request(request);
  custom.flow()->on_request(request);
  CHECK(request.headers().get("X-Count") == "2");
  CHECK_FALSE(custom.flow()->on_response(request, Response(401)).has_value());
  CHECK_FALSE(custom.flow()->requires_response_body());
}

TEST_CASE("NetRCAuth uses the entry of the request's host") {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("httpxx-netrc-" + std::to_string(::getpid()))).string();
  {
    std::ofstream out(path);
    out << "machine api.test login user password pass\nmachine nopass.test login someone\n";
  }
  Auth netrc = httpxx::NetRCAuth{path};
  auto known = get("https://api.test/x");
  netrc.flow()->on_request(known);
  CHECK(authorization(known) == "Basic dXNlcjpwYXNz");
  auto unknown = get("https://other.test/x");
  netrc.flow()->on_request(unknown);
  CHECK_FALSE(unknown.headers().contains("Authorization"));
  auto without_password = get("https://nopass.test/x");
  netrc.flow()->on_request(without_password);
  CHECK_FALSE(without_password.headers().contains("Authorization"));
  std::remove(path.c_str());
  CHECK_THROWS_AS((Auth(httpxx::NetRCAuth{path})), std::runtime_error);
}

TEST_CASE("DigestAuth answers a challenge, then authenticates preemptively") {
  Auth digest = httpxx::DigestAuth{"Mufasa", "Circle of Life"};
  httpxx::AuthFlow& flow = *digest.flow();

  auto first = get("http://h.test/dir/index.html?x=1");
  flow.on_request(first);
  CHECK_FALSE(first.headers().contains("Authorization"));   // no challenge seen yet
  CHECK_FALSE(flow.on_response(first, Response(200)).has_value());
  CHECK_FALSE(flow.on_response(first, Response(401, Headers{{"WWW-Authenticate", "Basic realm=\"x\""}})).has_value());

  auto answer = flow.on_response(first, challenge("nonce-1"));
  REQUIRE(answer.has_value());
  CHECK(answer->url() == first.url());
  auto fields = digest_fields(*answer);
  CHECK(field(fields, "username") == "Mufasa");
  CHECK(field(fields, "realm") == "http-auth@example.org");
  CHECK(field(fields, "nonce") == "nonce-1");
  CHECK(field(fields, "uri") == "/dir/index.html?x=1");
  CHECK(field(fields, "algorithm") == "SHA-256");
  CHECK(field(fields, "qop") == "auth");
  CHECK(field(fields, "nc") == "00000001");
  CHECK(field(fields, "opaque") == "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS");
  const std::string cnonce = field(fields, "cnonce");
  CHECK(cnonce.size() == 32);

  // The response value is what the RFC 7616 computation gives for these inputs.
  httpxx::detail::DigestChallenge expected;
  expected.realm = "http-auth@example.org";
  expected.nonce = "nonce-1";
  expected.algorithm = "SHA-256";
  expected.qop_auth = true;
  CHECK(field(fields, "response") ==
        httpxx::detail::digest_response(expected, {"Mufasa", "Circle of Life", "GET", "/dir/index.html?x=1", 1, cnonce}));

  SUBCASE("a refused answer goes back to the caller") {
    CHECK_FALSE(flow.on_response(*answer, challenge("nonce-2")).has_value());
  }
  SUBCASE("a stale nonce is answered once more") {
    auto retry = flow.on_response(*answer, challenge("nonce-2", true));
    REQUIRE(retry.has_value());
    auto retry_fields = digest_fields(*retry);
    CHECK(field(retry_fields, "nonce") == "nonce-2");
    CHECK(field(retry_fields, "nc") == "00000001");
    CHECK(field(retry_fields, "cnonce") != cnonce);
    CHECK_FALSE(flow.on_response(*retry, challenge("nonce-3", true)).has_value());
  }
  SUBCASE("later requests reuse the challenge with a growing nonce count") {
    auto second = get("http://h.test/other");
    flow.on_request(second);
    auto second_fields = digest_fields(second);
    CHECK(field(second_fields, "nonce") == "nonce-1");
    CHECK(field(second_fields, "nc") == "00000002");
    CHECK(field(second_fields, "uri") == "/other");
    auto third = get("http://h.test/other");
    flow.on_request(third);
    CHECK(field(digest_fields(third), "nc") == "00000003");
    // A preemptive request whose nonce the server no longer takes is answered once.
    auto renewed = flow.on_response(third, challenge("nonce-9"));
    REQUIRE(renewed.has_value());
    CHECK(field(digest_fields(*renewed), "nonce") == "nonce-9");
    CHECK(field(digest_fields(*renewed), "nc") == "00000001");
    CHECK_FALSE(flow.on_response(*renewed, challenge("nonce-10")).has_value());
  }
}

TEST_CASE("Digest nonce counts stay unique across threads") {
  Auth digest = httpxx::DigestAuth{"user", "pass"};
  auto first = get("http://h.test/");
  REQUIRE(digest.flow()->on_response(first, challenge("shared")).has_value());

  constexpr int threads = 4, per_thread = 50;
  std::vector<std::vector<std::string>> counts(threads);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        auto request = get("http://h.test/");
        digest.flow()->on_request(request);
        const std::string value = authorization(request);
        const auto at = value.find("nc=");
        counts[static_cast<std::size_t>(t)].push_back(at == std::string::npos ? "" : value.substr(at + 3, 8));
      }
    });
  }
  for (auto& worker : workers) worker.join();
  std::set<std::string> unique;
  for (const auto& list : counts) unique.insert(list.begin(), list.end());
  CHECK(unique.size() == threads * per_thread);
  CHECK(unique.count("00000001") == 0);   // 1 went to the answer of the challenge
  CHECK(unique.count("000000c9") == 1);   // 201
}
