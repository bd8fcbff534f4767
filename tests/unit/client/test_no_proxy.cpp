// NO_PROXY as curl reads it: which hosts bypass the environment's proxies.
#include <doctest/doctest.h>

#include "client/no_proxy.hpp"

using httpxx::URL;
using httpxx::detail::NoProxy;

namespace {
bool bypass(const char* list, const char* url) { return NoProxy(list).matches(URL(url)); }
}  // namespace

TEST_CASE("an empty list bypasses nothing") {
  CHECK(NoProxy().empty());
  CHECK(NoProxy("").empty());
  CHECK(NoProxy(" , ,").empty());
  CHECK_FALSE(bypass("", "http://example.com/"));
}

TEST_CASE("* bypasses every host") {
  CHECK_FALSE(NoProxy("*").empty());
  CHECK(bypass("*", "http://example.com/"));
  CHECK(bypass("*", "https://10.0.0.1:8443/"));
  CHECK(bypass("other.test, *", "http://[::1]/"));
}

TEST_CASE("a domain matches itself and its subdomains") {
  CHECK(bypass("example.com", "http://example.com/"));
  CHECK(bypass("example.com", "https://www.example.com/"));
  CHECK(bypass("example.com", "https://a.b.example.com:8443/"));
  CHECK_FALSE(bypass("example.com", "http://badexample.com/"));
  CHECK_FALSE(bypass("example.com", "http://example.org/"));
  CHECK(bypass("EXAMPLE.COM", "http://example.com/"));
}

TEST_CASE("a leading dot is ignored, as curl does") {
  CHECK(bypass(".example.com", "http://www.example.com/"));
  CHECK(bypass(".example.com", "http://example.com/"));
  CHECK_FALSE(bypass(".example.com", "http://notexample.com/"));
}

TEST_CASE("entries are separated by commas and spaces") {
  const NoProxy list("localhost, internal.test  example.com,10.0.0.1");
  CHECK(list.matches(URL("http://localhost:8080/")));
  CHECK(list.matches(URL("http://internal.test/")));
  CHECK(list.matches(URL("http://example.com/")));
  CHECK(list.matches(URL("http://10.0.0.1/")));
  CHECK_FALSE(list.matches(URL("http://10.0.0.2/")));
  CHECK_FALSE(list.matches(URL("http://public.test/")));
}

TEST_CASE("IPv4 and IPv6 addresses") {
  CHECK(bypass("127.0.0.1", "http://127.0.0.1:8000/"));
  CHECK_FALSE(bypass("127.0.0.1", "http://127.0.0.2/"));
  CHECK(bypass("::1", "http://[::1]/"));
  CHECK(bypass("[::1]", "http://[::1]:8080/"));
  CHECK(bypass("2001:db8::1", "http://[2001:db8:0::1]/"));
  CHECK_FALSE(bypass("::1", "http://[::2]/"));
  CHECK_FALSE(bypass("::1", "http://127.0.0.1/"));
  CHECK_FALSE(bypass("127.0.0.1", "http://[::1]/"));
  // An address is not a domain: a suffix of its text does not match it.
  CHECK_FALSE(bypass("0.0.1", "http://127.0.0.1/"));
  CHECK_FALSE(bypass(".0.1", "http://127.0.0.1/"));
}

TEST_CASE("CIDR ranges") {
  CHECK(bypass("10.0.0.0/8", "http://10.200.3.4/"));
  CHECK_FALSE(bypass("10.0.0.0/8", "http://11.0.0.1/"));
  CHECK(bypass("192.168.1.0/24", "http://192.168.1.77/"));
  CHECK_FALSE(bypass("192.168.1.0/24", "http://192.168.2.1/"));
  CHECK(bypass("172.16.0.0/12", "http://172.31.255.255/"));
  CHECK_FALSE(bypass("172.16.0.0/12", "http://172.32.0.0/"));
  CHECK(bypass("0.0.0.0/0", "http://8.8.8.8/"));
  CHECK(bypass("fd00::/8", "http://[fd12:3456::1]/"));
  CHECK_FALSE(bypass("fd00::/8", "http://[fe80::1]/"));
  CHECK(bypass("2001:db8::/32", "http://[2001:db8:ffff::1]/"));
  CHECK_FALSE(bypass("2001:db8::/32", "http://[2001:db9::1]/"));
  // A range never matches a host name.
  CHECK_FALSE(bypass("10.0.0.0/8", "http://example.com/"));
}

TEST_CASE("host:port bypasses that port only") {
  CHECK(bypass("example.com:8080", "http://example.com:8080/"));
  CHECK_FALSE(bypass("example.com:8080", "http://example.com/"));
  CHECK(bypass("example.com:443", "https://example.com/"));
  CHECK(bypass("10.0.0.1:8443", "https://10.0.0.1:8443/"));
  CHECK_FALSE(bypass("10.0.0.1:8443", "https://10.0.0.1/"));
  CHECK(bypass("[::1]:8080", "http://[::1]:8080/"));
  CHECK_FALSE(bypass("[::1]:8080", "http://[::1]:8081/"));
  // A malformed port does not widen the entry to every port.
  CHECK_FALSE(bypass("example.com:http", "http://example.com/"));
  CHECK_FALSE(bypass("[::1]:x", "http://[::1]/"));
}
