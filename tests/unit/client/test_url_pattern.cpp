// Mount patterns as httpx's URLPattern: every form, and which pattern wins.
#include <doctest/doctest.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "client/url_pattern.hpp"

using httpxx::URL;
using httpxx::detail::UrlPattern;

namespace {

bool matches(const char* pattern, const char* url) { return UrlPattern(pattern).matches(URL(url)); }

// The patterns in the order a client consults them.
std::vector<std::string> by_priority(std::vector<std::string> patterns) {
  std::vector<UrlPattern> sorted(patterns.begin(), patterns.end());
  std::stable_sort(sorted.begin(), sorted.end());
  std::vector<std::string> out;
  for (const auto& p : sorted) out.push_back(p.pattern());
  return out;
}

}  // namespace

TEST_CASE("all:// matches every URL") {
  CHECK(matches("all://", "http://example.com/"));
  CHECK(matches("all://", "https://example.com:8443/x"));
}

TEST_CASE("a scheme pattern matches that scheme only") {
  CHECK(matches("https://", "https://example.com/"));
  CHECK_FALSE(matches("https://", "http://example.com/"));
  CHECK(matches("http://", "http://example.com/"));
  CHECK_FALSE(matches("http://", "https://example.com/"));
}

TEST_CASE("a host pattern matches that host exactly") {
  CHECK(matches("all://example.com", "http://example.com/"));
  CHECK(matches("all://example.com", "https://example.com/a"));
  CHECK(matches("all://EXAMPLE.com", "https://example.com/"));
  CHECK_FALSE(matches("all://example.com", "https://www.example.com/"));
  CHECK_FALSE(matches("all://example.com", "https://example.org/"));
  CHECK(matches("https://example.com", "https://example.com/"));
  CHECK_FALSE(matches("https://example.com", "http://example.com/"));
}

TEST_CASE("*.example.com matches the subdomains only") {
  CHECK(matches("all://*.example.com", "https://www.example.com/"));
  CHECK(matches("all://*.example.com", "https://a.b.example.com/"));
  CHECK_FALSE(matches("all://*.example.com", "https://example.com/"));
  CHECK_FALSE(matches("all://*.example.com", "https://wwwexample.com/"));
}

TEST_CASE("*example.com matches the domain and its subdomains") {
  CHECK(matches("all://*example.com", "https://example.com/"));
  CHECK(matches("all://*example.com", "https://www.example.com/"));
  CHECK_FALSE(matches("all://*example.com", "https://wwwexample.com/"));
  CHECK_FALSE(matches("all://*example.com", "https://example.com.evil.test/"));
}

TEST_CASE("a port pattern matches that port only") {
  CHECK(matches("https://host.test:1234", "https://host.test:1234/"));
  CHECK_FALSE(matches("https://host.test:1234", "https://host.test/"));
  CHECK_FALSE(matches("https://host.test:1234", "https://host.test:1235/"));
  CHECK_FALSE(matches("https://host.test:1234", "http://host.test:1234/"));
  CHECK(matches("all://*:8080", "http://anything.test:8080/"));
  CHECK_FALSE(matches("all://*:8080", "http://anything.test/"));
  CHECK(matches("all://[::1]:8080", "http://[::1]:8080/"));
  CHECK_FALSE(matches("all://[::1]:8080", "http://[::2]:8080/"));
  CHECK(matches("all://[::1]", "http://[::1]:9/"));
}

TEST_CASE("malformed patterns are rejected") {
  CHECK_THROWS_AS(UrlPattern("example.com"), std::invalid_argument);
  CHECK_THROWS_AS(UrlPattern("all://host:port"), std::invalid_argument);
  CHECK_THROWS_AS(UrlPattern("all://host:99999"), std::invalid_argument);
}

TEST_CASE("more specific patterns come first: port, then longer host, then scheme") {
  const std::vector<std::string> expected = {
      "all://example.com:1234", "all://*.example.com", "all://*example.com", "https://example.com",
      "all://example.com",      "https://",            "all://",
  };
  CHECK(by_priority({"all://", "https://", "all://example.com", "https://example.com",
                     "all://*example.com", "all://*.example.com", "all://example.com:1234"}) == expected);
  CHECK(by_priority({"all://example.com:1234", "all://", "all://*example.com", "all://*.example.com",
                     "https://", "all://example.com", "https://example.com"}) == expected);
  // Equal priority keeps the caller's order.
  CHECK(by_priority({"all://b.test", "all://a.test"}) == std::vector<std::string>{"all://b.test", "all://a.test"});
}
