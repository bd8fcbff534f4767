#include <doctest/doctest.h>

#include <string>

#include "httpxx/headers.hpp"
#include "models/auth_challenge.hpp"
#include "models/auth_flows.hpp"
#include "models/digest_auth.hpp"
#include "models/netrc.hpp"

using namespace httpxx::detail;

TEST_CASE("Basic credentials per RFC 7617") {
  CHECK(base64_encode("") == "");
  CHECK(base64_encode("f") == "Zg==");
  CHECK(base64_encode("fo") == "Zm8=");
  CHECK(base64_encode("foo") == "Zm9v");
  CHECK(base64_encode("foob") == "Zm9vYg==");
  CHECK(base64_encode("\xff\xfe\xfd") == "//79");
  CHECK(basic_auth_header("Aladdin", "open sesame") == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");   // section 2
  CHECK(basic_auth_header("test", "123\xc2\xa3") == "Basic dGVzdDoxMjPCow==");                 // section 2.1, UTF-8
}

TEST_CASE("WWW-Authenticate challenges per RFC 9110 section 11.6.1") {
  SUBCASE("several schemes in one field, commas inside quotes") {
    auto c = parse_auth_challenges(
        R"(Basic realm="a, b", Digest realm="http-auth@example.org", qop="auth, auth-int", )"
        R"(algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPE", opaque="FQhe")");
    REQUIRE(c.size() == 2);
    CHECK(c[0].scheme == "Basic");
    REQUIRE(c[0].param("REALM") != nullptr);
    CHECK(*c[0].param("realm") == "a, b");
    CHECK(c[1].scheme == "Digest");
    CHECK(*c[1].param("qop") == "auth, auth-int");
    CHECK(*c[1].param("algorithm") == "SHA-256");
    CHECK(*c[1].param("nonce") == "7ypf/xlj9XXwfDPE");
    CHECK(*c[1].param("opaque") == "FQhe");
    CHECK(c[1].param("stale") == nullptr);
  }
  SUBCASE("quoted-pairs and bad whitespace") {
    auto c = parse_auth_challenges(R"(Digest realm = "say \"hi\" \\ ok" ,, nonce=abc)");
    REQUIRE(c.size() == 1);
    CHECK(*c[0].param("realm") == R"(say "hi" \ ok)");
    CHECK(*c[0].param("nonce") == "abc");
  }
  SUBCASE("token68 and bare schemes") {
    auto c = parse_auth_challenges("Negotiate abc/def+==, NTLM, Bearer realm=\"api\"");
    REQUIRE(c.size() == 3);
    CHECK(c[0].token68 == "abc/def+==");
    CHECK(c[1].scheme == "NTLM");
    CHECK(c[1].params.empty());
    CHECK(c[2].scheme == "Bearer");
    CHECK(*c[2].param("realm") == "api");
  }
  SUBCASE("malformed input is skipped") {
    CHECK(parse_auth_challenges("").empty());
    CHECK(parse_auth_challenges(" , ,").empty());
    auto c = parse_auth_challenges(R"(Digest realm="unterminated)");
    REQUIRE(c.size() == 1);
    CHECK(*c[0].param("realm") == "unterminated");
    auto d = parse_auth_challenges(R"(Digest "junk", nonce="n", = , realm=r)");
    REQUIRE(d.size() == 1);
    CHECK(*d[0].param("nonce") == "n");
    CHECK(*d[0].param("realm") == "r");
  }
}

namespace {

// RFC 7616 section 3.9.1.
DigestChallenge rfc7616_challenge(const char* algorithm) {
  DigestChallenge challenge;
  challenge.realm = "http-auth@example.org";
  challenge.nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
  challenge.opaque = "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS";
  challenge.algorithm = algorithm;
  challenge.qop_auth = true;
  return challenge;
}

const DigestParameters rfc7616_parameters{"Mufasa", "Circle of Life", "GET", "/dir/index.html", 1,
                                          "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"};

}  // namespace

TEST_CASE("Digest responses match the RFC test vectors") {
  CHECK(digest_response(rfc7616_challenge("MD5"), rfc7616_parameters) == "8ca523f5e9506fed4657c9700eebdbec");
  CHECK(digest_response(rfc7616_challenge("SHA-256"), rfc7616_parameters) ==
        "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
  // The same inputs under the other algorithms, checked against Python's hashlib.
  CHECK(digest_response(rfc7616_challenge("SHA-512-256"), rfc7616_parameters) ==
        "430d05014cecc49cab6fbe03176d41a1da86cbfe24a16580e22aaad928d960d0");
  DigestParameters second = rfc7616_parameters;
  second.nonce_count = 2;
  CHECK(digest_response(rfc7616_challenge("SHA-256-sess"), second) ==
        "6bb0010aa4bdf46422a798c509ea32e256f27bd37de5cc3bdf8ed51e1d77d650");

  // RFC 2617 section 3.5, qop=auth, and the same without qop (RFC 2069).
  DigestChallenge rfc2617;
  rfc2617.realm = "testrealm@host.com";
  rfc2617.nonce = "dcd98b7102dd2f0e8b11d0f600bfb0c093";
  rfc2617.qop_auth = true;
  const DigestParameters p{"Mufasa", "Circle Of Life", "GET", "/dir/index.html", 1, "0a4f113b"};
  CHECK(digest_response(rfc2617, p) == "6629fae49393a05397450978507c4ef1");
  rfc2617.qop_auth = false;
  CHECK(digest_response(rfc2617, p) == "670fd8c2df070c60b045671b8b24ff02");

  CHECK(digest_hex("MD5", "") == "d41d8cd98f00b204e9800998ecf8427e");
  CHECK_FALSE(digest_hex("SHA-1", "x"));
}

TEST_CASE("the Digest Authorization field of RFC 7616 section 3.9.1") {
  CHECK(digest_authorization(rfc7616_challenge("SHA-256"), rfc7616_parameters) ==
        "Digest username=\"Mufasa\", realm=\"http-auth@example.org\", "
        "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", uri=\"/dir/index.html\", "
        "algorithm=SHA-256, response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\", "
        "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\", qop=auth, nc=00000001, "
        "cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\"");
  DigestChallenge legacy;
  legacy.realm = "r";
  legacy.nonce = "n";
  const std::string field = digest_authorization(legacy, {"a\"b", "p", "GET", "/", 1, "c"});
  CHECK(field.find("username=\"a\\\"b\"") != std::string::npos);
  CHECK(field.find("qop") == std::string::npos);
  CHECK(field.find("nc=") == std::string::npos);
  CHECK(field.find("opaque") == std::string::npos);
}

TEST_CASE("choosing the Digest challenge to answer") {
  httpxx::Headers headers;
  headers.add("WWW-Authenticate", R"(Basic realm="x")");
  headers.add("WWW-Authenticate", R"(Digest realm="r", nonce="md5", qop="auth")");
  headers.add("WWW-Authenticate", R"(Digest realm="r", nonce="sha", algorithm=SHA-256, qop="auth,auth-int", stale=TRUE)");
  headers.add("WWW-Authenticate", R"(Digest realm="r", nonce="unknown", algorithm=SHA-3)");
  auto best = find_digest_challenge(headers);
  REQUIRE(best);
  CHECK(best->nonce == "sha");
  CHECK(best->algorithm == "SHA-256");
  CHECK(best->qop_auth);
  CHECK(best->stale);

  httpxx::Headers legacy{{"WWW-Authenticate", R"(Digest realm="r", nonce="n", opaque="o")"}};
  auto old = find_digest_challenge(legacy);
  REQUIRE(old);
  CHECK(old->algorithm == "MD5");
  CHECK_FALSE(old->qop_auth);
  CHECK(old->opaque == "o");

  CHECK_FALSE(find_digest_challenge(httpxx::Headers{{"WWW-Authenticate", R"(Digest realm="r", nonce="n", qop="auth-int")"}}));
  CHECK_FALSE(find_digest_challenge(httpxx::Headers{{"WWW-Authenticate", R"(Digest realm="r")"}}));
  CHECK_FALSE(find_digest_challenge(httpxx::Headers{{"WWW-Authenticate", R"(Basic realm="r")"}}));
  CHECK_FALSE(find_digest_challenge(httpxx::Headers{}));
}

TEST_CASE("netrc files as Python's netrc reads them") {
  const auto netrc = Netrc::parse(R"(# a comment line
machine api.example.com login alice password "s3cret pass" account acct
machine other.test
  user bob
  password b\"ob # trailing comment
macdef init
  cd /pub
  put file

machine after.macro login carol password c
machine api.example.com login alice2 password second
default login anonymous password guest
)");
  const NetrcEntry* api = netrc.find("api.example.com");
  REQUIRE(api != nullptr);
  CHECK(api->login == "alice2");          // the last entry of a machine wins
  CHECK(api->password == "second");
  const NetrcEntry* other = netrc.find("other.test");
  REQUIRE(other != nullptr);
  CHECK(other->login == "bob");
  CHECK(other->password == "b\"ob");
  const NetrcEntry* after = netrc.find("after.macro");
  REQUIRE(after != nullptr);
  CHECK(after->login == "carol");
  const NetrcEntry* fallback = netrc.find("unknown.test");
  REQUIRE(fallback != nullptr);
  CHECK(fallback->login == "anonymous");

  const auto quoted = Netrc::parse("machine h login u password \"with space\" account a");
  REQUIRE(quoted.find("h") != nullptr);
  CHECK(quoted.find("h")->password == "with space");
  CHECK(quoted.find("h")->account == "a");
  CHECK(quoted.find("nohost") == nullptr);

  CHECK_THROWS_AS(Netrc::parse("machine h login u bogus secret"), std::runtime_error);
  CHECK_THROWS_AS(Netrc::parse("nonsense"), std::runtime_error);
  CHECK_THROWS_AS(Netrc::parse("machine h password"), std::runtime_error);
  try {
    Netrc::parse("machine h password topsecret\nlogin u unknown x", "f");
    FAIL("no exception");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()).find("topsecret") == std::string::npos);
    CHECK(std::string(e.what()).find("f:2") == 0);
  }
  CHECK_THROWS_AS(Netrc::load("/nonexistent/netrc"), std::runtime_error);
}
