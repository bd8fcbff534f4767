#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "models/cookie_date.hpp"
#include "models/cookie_parser.hpp"
#include "models/cookie_rules.hpp"
#include "models/public_suffix.hpp"

using namespace httpxx::detail;
using Clock = std::chrono::system_clock;

namespace {

Clock::time_point at(long long seconds) { return Clock::time_point(std::chrono::seconds(seconds)); }

std::optional<long long> date(std::string_view s) {
  auto parsed = parse_cookie_date(s);
  if (!parsed) return std::nullopt;
  return std::chrono::duration_cast<std::chrono::seconds>(parsed->time_since_epoch()).count();
}

std::optional<httpxx::Cookies::Cookie> receive(std::string_view header, std::string_view host,
                                               std::string_view path = "/", bool secure = false,
                                               Clock::time_point now = at(1'000'000'000)) {
  auto parsed = parse_set_cookie(header);
  if (!parsed) return std::nullopt;
  return cookie_from_set_cookie(std::move(*parsed), CookieOrigin{host, path, secure}, now);
}

}  // namespace

TEST_CASE("cookie dates in the formats of RFC 6265 section 5.1.1") {
  CHECK(date("Sun, 06 Nov 1994 08:49:37 GMT") == 784111777);        // RFC 1123
  CHECK(date("Sunday, 06-Nov-94 08:49:37 GMT") == 784111777);       // RFC 850
  CHECK(date("Sun Nov  6 08:49:37 1994") == 784111777);             // asctime
  CHECK(date("Wed, 09 Jun 2021 10:18:14 GMT") == 1623233894);
  CHECK(date("09 JUNE 2021 10:18:14") == 1623233894);               // month by its first 3 letters
  CHECK(date("Thu, 01 Jan 1970 00:00:00 GMT") == 0);
  CHECK(date("1 jan 69 00:00:00") == 3124224000);                   // 2-digit years 0-69 are 20xx
  CHECK(date("Wed, 09 Jun 2021 10:18:14 GMT; trailing") == 1623233894);
}

TEST_CASE("invalid cookie dates fail to parse") {
  CHECK_FALSE(date(""));
  CHECK_FALSE(date("Wed, 09 Jun 2021"));                 // no time
  CHECK_FALSE(date("09 Jun 10:18:14"));                  // no year
  CHECK_FALSE(date("Wed, 31 Feb 2021 10:18:14 GMT"));    // no such date
  CHECK_FALSE(date("Wed, 32 Jun 2021 10:18:14 GMT"));
  CHECK_FALSE(date("Wed, 09 Jun 1600 10:18:14 GMT"));    // before 1601
  CHECK_FALSE(date("Wed, 09 Jun 2021 24:00:00 GMT"));
  CHECK_FALSE(date("Wed, 09 Jun 2021 10:60:00 GMT"));
  CHECK_FALSE(date("Wed, 09 Foo 2021 10:18:14 GMT"));
  CHECK_FALSE(date("not a date at all"));
}

TEST_CASE("far-future dates saturate instead of overflowing") {
  const auto far = parse_cookie_date("Fri, 31 Dec 9999 23:59:59 GMT");
  REQUIRE(far);
  CHECK(*far == Clock::time_point::max());
  CHECK(add_seconds_saturating(at(0), 9'000'000'000'000'000'000LL) == Clock::time_point::max());
  CHECK(add_seconds_saturating(at(10), 5) == at(15));
}

TEST_CASE("Set-Cookie parsing per RFC 6265 section 5.2") {
  auto c = parse_set_cookie(" SID = 31d4 ; path=/docs; DOMAIN=.Example.COM; secure; HttpOnly; "
                            "Max-Age=60; expires=Wed, 09 Jun 2021 10:18:14 GMT; SameSite=Lax");
  REQUIRE(c);
  CHECK(c->name == "SID");
  CHECK(c->value == "31d4");
  CHECK(c->path == "/docs");
  CHECK(c->domain == "example.com");
  CHECK(c->secure);
  CHECK(c->http_only);
  CHECK(c->max_age == 60);
  REQUIRE(c->expires);
  CHECK(*c->expires == at(1623233894));

  SUBCASE("the last of repeated attributes counts") {
    auto d = parse_set_cookie("a=b; Path=/one; Path=/two; Domain=x.com; Domain=y.com");
    REQUIRE(d);
    CHECK(d->path == "/two");
    CHECK(d->domain == "y.com");
    auto e = parse_set_cookie("a=b; Path=/one; Path=relative");
    REQUIRE(e);
    CHECK_FALSE(e->path);
  }
  SUBCASE("unusable attributes are skipped, not fatal") {
    auto d = parse_set_cookie("a=b; Max-Age=12x; Expires=garbage; Domain=; Path; ;;=x; Unknown");
    REQUIRE(d);
    CHECK_FALSE(d->max_age);
    CHECK_FALSE(d->expires);
    CHECK_FALSE(d->domain);
    CHECK_FALSE(d->path);
    CHECK(parse_set_cookie("a=b; Max-Age=-5")->max_age == -5);
    CHECK(parse_set_cookie("a=b; Max-Age=99999999999999999999999")->max_age > 0);
  }
  SUBCASE("values may be empty and may contain '='") {
    auto d = parse_set_cookie("lang=");
    REQUIRE(d);
    CHECK(d->value.empty());
    CHECK(parse_set_cookie("token=a=b==")->value == "a=b==");
    CHECK(parse_set_cookie("q=\"quoted\"")->value == "\"quoted\"");
  }
  SUBCASE("malformed cookies are ignored entirely") {
    CHECK_FALSE(parse_set_cookie(""));
    CHECK_FALSE(parse_set_cookie("no-equals-sign"));
    CHECK_FALSE(parse_set_cookie("=value"));
    CHECK_FALSE(parse_set_cookie("  =value; Path=/"));
    CHECK_FALSE(parse_set_cookie("a=b\r\nInjected: 1"));
    CHECK_FALSE(parse_set_cookie(std::string("a=b\0c", 5)));
    CHECK_FALSE(parse_set_cookie("a=" + std::string(5000, 'x')));
  }
}

TEST_CASE("domain-match per section 5.1.3") {
  CHECK(domain_match("example.com", "example.com"));
  CHECK(domain_match("www.example.com", "example.com"));
  CHECK(domain_match("WWW.Example.com", "example.COM"));
  CHECK_FALSE(domain_match("badexample.com", "example.com"));
  CHECK_FALSE(domain_match("example.com", "www.example.com"));
  CHECK_FALSE(domain_match("1.2.3.4", "2.3.4"));
  CHECK(domain_match("1.2.3.4", "1.2.3.4"));
  CHECK(is_ip_address("127.0.0.1"));
  CHECK(is_ip_address("[::1]"));
  CHECK_FALSE(is_ip_address("example.com"));
}

TEST_CASE("default-path and path-match per section 5.1.4") {
  CHECK(default_path("") == "/");
  CHECK(default_path("/") == "/");
  CHECK(default_path("/foo") == "/");
  CHECK(default_path("/foo/bar") == "/foo");
  CHECK(default_path("/foo/bar/") == "/foo/bar");
  CHECK(path_match("/foo", "/foo"));
  CHECK(path_match("/foo/bar", "/foo"));
  CHECK(path_match("/foo/bar", "/foo/"));
  CHECK(path_match("/anything", "/"));
  CHECK_FALSE(path_match("/foobar", "/foo"));
  CHECK_FALSE(path_match("/fo", "/foo"));
  CHECK_FALSE(path_match("/bar", "/foo"));
}

TEST_CASE("the storage model of section 5.3") {
  SUBCASE("without Domain a cookie is host-only for the request host") {
    auto c = receive("a=1", "www.example.com", "/docs/index.html");
    REQUIRE(c);
    CHECK(c->host_only);
    CHECK(c->domain == "www.example.com");
    CHECK(c->path == "/docs");
    CHECK_FALSE(c->expires);
  }
  SUBCASE("a matching Domain makes a domain cookie") {
    auto c = receive("a=1; Domain=.example.com; Path=/", "www.example.com");
    REQUIRE(c);
    CHECK_FALSE(c->host_only);
    CHECK(c->domain == "example.com");
  }
  SUBCASE("a Domain the host does not domain-match is refused") {
    CHECK_FALSE(receive("a=1; Domain=other.com", "www.example.com"));
    CHECK_FALSE(receive("a=1; Domain=www.example.com", "example.com"));
  }
  SUBCASE("an IP host gets a host-only cookie") {
    auto c = receive("a=1; Domain=127.0.0.1", "127.0.0.1");
    REQUIRE(c);
    CHECK(c->host_only);
    CHECK(c->domain == "127.0.0.1");
    CHECK_FALSE(receive("a=1; Domain=0.0.1", "127.0.0.1"));
  }
  SUBCASE("a public suffix is refused unless it is the host itself") {
    CHECK(is_public_suffix("co.uk"));
    CHECK(is_public_suffix("com"));
    CHECK_FALSE(is_public_suffix("example.co.uk"));
    CHECK_FALSE(receive("a=1; Domain=co.uk", "www.example.co.uk"));
    CHECK_FALSE(receive("a=1; Domain=.com", "example.com"));
    auto ok = receive("a=1; Domain=example.co.uk", "www.example.co.uk");
    REQUIRE(ok);
    CHECK_FALSE(ok->host_only);
    auto own = receive("a=1; Domain=co.uk", "co.uk");
    REQUIRE(own);
    CHECK(own->host_only);
    CHECK(own->domain == "co.uk");
  }
  SUBCASE("Secure needs a secure origin") {
    CHECK_FALSE(receive("a=1; Secure", "example.com", "/", false));
    auto c = receive("a=1; Secure", "example.com", "/", true);
    REQUIRE(c);
    CHECK(c->secure);
  }
  SUBCASE("Max-Age wins over Expires in either order") {
    const auto now = at(1'000'000'000);
    auto a = receive("a=1; Max-Age=100; Expires=Sun, 06 Nov 1994 08:49:37 GMT", "h.example", "/", false, now);
    auto b = receive("a=1; Expires=Sun, 06 Nov 1994 08:49:37 GMT; Max-Age=100", "h.example", "/", false, now);
    REQUIRE(a);
    REQUIRE(b);
    CHECK(a->expires == now + std::chrono::seconds(100));
    CHECK(b->expires == now + std::chrono::seconds(100));
    auto zero = receive("a=1; Max-Age=0", "h.example", "/", false, now);
    REQUIRE(zero);
    CHECK(is_expired(*zero, now));
    auto expires = receive("a=1; Expires=Sun, 06 Nov 1994 08:49:37 GMT", "h.example", "/", false, now);
    REQUIRE(expires);
    CHECK(expires->expires == at(784111777));
    CHECK(is_expired(*expires, now));
  }
}

TEST_CASE("selection per section 5.4") {
  const auto now = at(1'000'000'000);
  const CookieOrigin https_docs{"www.example.com", "/docs/a", true};
  const CookieOrigin http_root{"www.example.com", "/", false};
  auto host_only = receive("a=1; Path=/docs", "www.example.com", "/", false, now);
  REQUIRE(host_only);
  CHECK(cookie_matches(*host_only, https_docs, now));
  CHECK_FALSE(cookie_matches(*host_only, http_root, now));                          // path
  CHECK_FALSE(cookie_matches(*host_only, CookieOrigin{"sub.www.example.com", "/docs", false}, now));

  auto domain = receive("b=2; Domain=example.com; Path=/", "www.example.com", "/", false, now);
  REQUIRE(domain);
  CHECK(cookie_matches(*domain, CookieOrigin{"deep.sub.example.com", "/", false}, now));
  CHECK(cookie_matches(*domain, CookieOrigin{"example.com", "/x", false}, now));
  CHECK_FALSE(cookie_matches(*domain, CookieOrigin{"notexample.com", "/", false}, now));

  auto secure = receive("c=3; Secure; Max-Age=10", "www.example.com", "/", true, now);
  REQUIRE(secure);
  CHECK(cookie_matches(*secure, https_docs, now));
  CHECK_FALSE(cookie_matches(*secure, http_root, now));
  CHECK(cookie_matches(*secure, https_docs, now + std::chrono::seconds(9)));
  CHECK_FALSE(cookie_matches(*secure, https_docs, now + std::chrono::seconds(10)));
}
