#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "httpxx/cookies.hpp"
#include "httpxx/errors.hpp"
#include "httpxx/headers.hpp"
#include "httpxx/url.hpp"

using httpxx::Cookies;
using httpxx::URL;
using Clock = std::chrono::system_clock;

namespace {

Clock::time_point at(long long seconds) { return Clock::time_point(std::chrono::seconds(seconds)); }

const auto t0 = at(1'700'000'000);   // 2023-11-14

}  // namespace

TEST_CASE("RFC 6265 section 3.1 examples") {
  Cookies jar;
  const URL origin("https://example.com/");
  SUBCASE("a session cookie comes back") {
    CHECK(jar.set_cookie_header("SID=31d4d96e407aad42", origin, t0));
    CHECK(jar.cookie_header(origin, t0) == "SID=31d4d96e407aad42");
    CHECK(jar.cookie_header(URL("https://www.example.com/"), t0).empty());   // host-only
  }
  SUBCASE("domain cookies reach subdomains") {
    CHECK(jar.set_cookie_header("SID=31d4d96e407aad42; Path=/; Domain=example.com", origin, t0));
    CHECK(jar.set_cookie_header("lang=en-US; Path=/; Domain=example.com", origin, t0));
    CHECK(jar.cookie_header(URL("https://www.example.com/"), t0) == "SID=31d4d96e407aad42; lang=en-US");
  }
  SUBCASE("Secure and HttpOnly") {
    CHECK(jar.set_cookie_header("SID=31d4d96e407aad42; Path=/; Secure; HttpOnly", origin, t0));
    CHECK(jar.set_cookie_header("lang=en-US; Path=/; Domain=example.com", origin, t0));
    CHECK(jar.cookie_header(URL("https://example.com/"), t0) == "SID=31d4d96e407aad42; lang=en-US");
    CHECK(jar.cookie_header(URL("http://example.com/"), t0) == "lang=en-US");
    REQUIRE(jar.size() == 2);
    CHECK(jar.begin()->http_only);
  }
  SUBCASE("an Expires in the past removes the cookie") {
    CHECK(jar.set_cookie_header("lang=en-US; Expires=Wed, 09 Jun 2121 10:18:14 GMT", origin, t0));
    CHECK(jar.cookie_header(origin, t0) == "lang=en-US");
    CHECK(jar.set_cookie_header("lang=; Expires=Sun, 06 Nov 1994 08:49:37 GMT", origin, t0));
    CHECK(jar.empty());
    CHECK(jar.cookie_header(origin, t0).empty());
  }
}

TEST_CASE("public suffixes are refused unless they are the host") {
  Cookies jar;
  CHECK_FALSE(jar.set_cookie_header("a=1; Domain=co.uk", URL("http://www.example.co.uk/"), t0));
  CHECK_FALSE(jar.set_cookie_header("a=1; Domain=uk", URL("http://www.example.co.uk/"), t0));
  CHECK(jar.empty());
  CHECK(jar.set_cookie_header("b=2; Domain=example.co.uk", URL("http://www.example.co.uk/"), t0));
  CHECK(jar.cookie_header(URL("http://other.example.co.uk/"), t0) == "b=2");
  CHECK(jar.cookie_header(URL("http://another.co.uk/"), t0).empty());
}

TEST_CASE("host-only and domain cookies") {
  Cookies jar;
  const URL www("http://www.example.com/");
  CHECK(jar.set_cookie_header("host=1", www, t0));
  CHECK(jar.set_cookie_header("dom=2; Domain=.EXAMPLE.com", www, t0));
  CHECK_FALSE(jar.set_cookie_header("x=3; Domain=evil.com", www, t0));
  CHECK(jar.cookie_header(www, t0) == "host=1; dom=2");
  CHECK(jar.cookie_header(URL("http://example.com/"), t0) == "dom=2");
  CHECK(jar.cookie_header(URL("http://a.www.example.com/"), t0) == "dom=2");
  CHECK(jar.cookie_header(URL("http://notexample.com/"), t0).empty());

  SUBCASE("an IP host keeps its cookies to itself") {
    Cookies ip;
    CHECK(ip.set_cookie_header("a=1; Domain=127.0.0.1", URL("http://127.0.0.1:8080/"), t0));
    REQUIRE(ip.size() == 1);
    CHECK(ip.begin()->host_only);
    CHECK(ip.cookie_header(URL("http://127.0.0.1:9090/x"), t0) == "a=1");
  }
}

TEST_CASE("path matching and the default path") {
  Cookies jar;
  CHECK(jar.set_cookie_header("a=1; Path=/foo", URL("http://h.test/"), t0));
  CHECK(jar.cookie_header(URL("http://h.test/foo"), t0) == "a=1");
  CHECK(jar.cookie_header(URL("http://h.test/foo/bar"), t0) == "a=1");
  CHECK(jar.cookie_header(URL("http://h.test/foobar"), t0).empty());
  CHECK(jar.cookie_header(URL("http://h.test/"), t0).empty());

  CHECK(jar.set_cookie_header("b=2", URL("http://h.test/docs/page.html?q=1"), t0));
  CHECK(jar.get("b", "", "/docs") == "2");
  CHECK(jar.cookie_header(URL("http://h.test/docs/other"), t0) == "b=2");
}

TEST_CASE("longer paths first, then older cookies") {
  Cookies jar;
  const URL url("http://h.test/a/b/c");
  CHECK(jar.set_cookie_header("root=1; Path=/", url, t0));
  CHECK(jar.set_cookie_header("deep=2; Path=/a/b", url, t0 + std::chrono::seconds(1)));
  CHECK(jar.set_cookie_header("old=3; Path=/", url, t0 - std::chrono::seconds(5)));
  CHECK(jar.set_cookie_header("mid=4; Path=/a", url, t0));
  CHECK(jar.cookie_header(url, t0 + std::chrono::seconds(2)) == "deep=2; mid=4; old=3; root=1");

  SUBCASE("a replaced cookie keeps its creation time and place") {
    CHECK(jar.set_cookie_header("old=new; Path=/", url, t0 + std::chrono::seconds(10)));
    CHECK(jar.size() == 4);
    CHECK(jar.cookie_header(url, t0 + std::chrono::seconds(11)) == "deep=2; mid=4; old=new; root=1");
  }
}

TEST_CASE("Secure cookies") {
  Cookies jar;
  CHECK_FALSE(jar.set_cookie_header("s=1; Secure", URL("http://h.test/"), t0));
  CHECK(jar.set_cookie_header("s=1; Secure", URL("https://h.test/"), t0));
  CHECK(jar.cookie_header(URL("wss://h.test/"), t0) == "s=1");
  CHECK(jar.cookie_header(URL("http://h.test/"), t0).empty());
  // RFC 6265bis: an insecure origin cannot overwrite a Secure cookie.
  CHECK_FALSE(jar.set_cookie_header("s=evil", URL("http://h.test/"), t0));
  CHECK(jar.get("s") == "1");
}

TEST_CASE("Max-Age and Expires with an injected clock") {
  Cookies jar;
  const URL url("http://h.test/");
  CHECK(jar.set_cookie_header("a=1; Expires=Wed, 09 Jun 2021 10:18:14 GMT; Max-Age=60", url, t0));
  CHECK(jar.cookie_header(url, t0 + std::chrono::seconds(59)) == "a=1");
  CHECK(jar.cookie_header(url, t0 + std::chrono::seconds(60)).empty());

  Cookies other;
  CHECK(other.set_cookie_header("b=2; Expires=Wed, 09 Jun 2021 10:18:14 GMT", url, at(1623233000)));
  CHECK(other.cookie_header(url, at(1623233893)) == "b=2");
  CHECK(other.cookie_header(url, at(1623233894)).empty());

  CHECK(jar.set_cookie_header("a=gone; Max-Age=0", url, t0));
  CHECK_FALSE(jar.get("a").has_value());
  CHECK(jar.set_cookie_header("c=3; Max-Age=-1", url, t0));
  CHECK_FALSE(jar.get("c").has_value());
}

TEST_CASE("extract_cookies reads every Set-Cookie field") {
  Cookies jar;
  httpxx::Headers headers;
  headers.add("Set-Cookie", "a=1");
  headers.add("Content-Type", "text/plain");
  headers.add("set-cookie", "b=2; Path=/");
  headers.add("Set-Cookie", "malformed");
  headers.add("Set-Cookie", "c=3; Domain=elsewhere.test");
  jar.extract_cookies(headers, URL("http://h.test/"), t0);
  CHECK(jar.size() == 2);
  CHECK(jar.cookie_header(URL("http://h.test/"), t0) == "a=1; b=2");
}

TEST_CASE("set, get, remove and CookieConflict") {
  Cookies jar;
  jar.set("name", "plain");
  CHECK(jar.get("name") == "plain");
  CHECK(jar.cookie_header(URL("http://any.host/any/path")) == "name=plain");

  jar.set("name", "scoped", "example.org", "/api");
  CHECK_THROWS_AS(jar.get("name"), httpxx::CookieConflict);
  CHECK(jar.get("name", "example.org") == "scoped");
  CHECK(jar.get("name", ".example.org", "/api") == "scoped");
  CHECK(jar.get("name", "", "/") == "plain");
  CHECK_FALSE(jar.get("name", "other.org").has_value());
  CHECK(jar.cookie_header(URL("http://www.example.org/api/x")) == "name=scoped; name=plain");

  jar.set("name", "replaced", "example.org", "/api");
  CHECK(jar.size() == 2);
  CHECK(jar.get("name", "example.org") == "replaced");

  jar.remove("name", "example.org");
  CHECK(jar.size() == 1);
  jar.remove("absent");
  CHECK(jar.size() == 1);
  jar.remove("name");
  CHECK(jar.empty());
  jar.set("x", "1");
  jar.clear();
  CHECK(jar.empty());
  CHECK(jar.begin() == jar.end());
}

TEST_CASE("copies are independent and update merges") {
  Cookies a;
  a.set("one", "1", "h.test");
  Cookies b = a;
  b.set("two", "2", "h.test");
  a.set("one", "changed", "h.test");
  CHECK(a.size() == 1);
  CHECK(b.size() == 2);
  CHECK(b.get("one") == "1");
  CHECK(a.get("one") == "changed");

  Cookies merged;
  merged.update(b);
  CHECK(merged.size() == 2);
  merged.update(a);
  CHECK(merged.size() == 2);
  CHECK(merged.get("one") == "changed");
  b.set("three", "3");
  CHECK(merged.size() == 2);

  Cookies::Cookie cookie;
  cookie.name = "manual";
  cookie.value = "v";
  cookie.domain = ".H.test";
  cookie.host_only = false;
  merged.set_cookie(cookie);
  CHECK(merged.get("manual", "h.test") == "v");
  CHECK(merged.cookie_header(URL("http://sub.h.test/")).find("manual=v") != std::string::npos);
}

TEST_CASE("malformed Set-Cookie values never throw") {
  Cookies jar;
  const URL url("http://h.test/");
  for (const char* header : {"", ";", "=", "a", "; a=b", "a=b; Expires=", "a=b; Max-Age=", "a=b; Domain",
                             "a=b; Path=", "a=b;;;;", "\x01=\x02", "a=\"unterminated"}) {
    CHECK_NOTHROW(jar.set_cookie_header(header, url, t0));
  }
  CHECK(jar.get("a") == "\"unterminated");
}
