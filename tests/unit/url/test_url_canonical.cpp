// The canonical-form shortcut of URL parsing: what it takes, what it leaves to the parser, and
// that whatever it takes the full parser would have given back unchanged.

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "httpxx/url.hpp"
#include "models/url_canonical.hpp"
#include "models/url_parser.hpp"

using httpxx::detail::CanonicalLayout;
using httpxx::detail::match_canonical_url;

namespace {

std::string_view slice(std::string_view s, std::uint32_t begin, std::uint32_t end) {
  return s.substr(begin, end - begin);
}

// The components the layout names, as the full parser's record holds them.
void check_against_parser(std::string_view input, const CanonicalLayout& layout) {
  INFO("input: ", std::string(input));
  httpxx::detail::UrlRecord record;
  REQUIRE(httpxx::detail::parse_url(input, nullptr, record) == nullptr);
  CHECK(record.scheme == input.substr(0, layout.scheme_end));
  CHECK(record.username.empty());
  CHECK(record.password.empty());
  CHECK(record.has_host);
  CHECK(record.host == slice(input, layout.host_start, layout.host_end));
  CHECK(record.port == layout.port);
  const auto path_end = layout.query_start != CanonicalLayout::npos      ? layout.query_start
                        : layout.fragment_start != CanonicalLayout::npos ? layout.fragment_start
                                                                         : static_cast<std::uint32_t>(input.size());
  CHECK(record.path == slice(input, layout.path_start, path_end));
  CHECK(record.has_query == (layout.query_start != CanonicalLayout::npos));
  if (record.has_query) {
    const auto query_end = layout.fragment_start != CanonicalLayout::npos ? layout.fragment_start
                                                                          : static_cast<std::uint32_t>(input.size());
    CHECK(record.query == slice(input, layout.query_start + 1, query_end));
  }
  CHECK(record.has_fragment == (layout.fragment_start != CanonicalLayout::npos));
  if (record.has_fragment) CHECK(record.fragment == input.substr(layout.fragment_start + 1));
  // And the whole serialization is the input itself.
  CHECK(httpxx::URL(std::string(input)).href() == input);
}

}  // namespace

TEST_CASE("canonical http and https URLs are taken as they are") {
  const auto layout = match_canonical_url("https://api.example.com:8443/v1/items?id=7&x=%41#top");
  REQUIRE(layout);
  CHECK(layout->scheme_end == 5);
  CHECK(layout->host_start == 8);
  CHECK(layout->host_end == 23);
  CHECK(layout->port == 8443);
  CHECK(layout->path_start == 28);
  CHECK(layout->query_start == 37);
  CHECK(layout->fragment_start == 48);

  for (const char* input : {"http://127.0.0.1:34537/1k.bin", "http://localhost/", "https://a-b.c1.org/x//y/",
                            "http://10.0.0.255/a;b=c/@d:e", "http://example.com/a?b?c/d%zz", "http://h/#a#b?'",
                            "http://h/?", "http://h/#", "http://h/.../..a/a../.a"}) {
    const auto match = match_canonical_url(input);
    REQUIRE_MESSAGE(match, input);
    check_against_parser(input, *match);
  }
}

TEST_CASE("every form the parser would rewrite is left to it") {
  for (const char* input : {
           "HTTP://example.com/",          // scheme case
           "http://Example.com/",          // host case
           "http://example.com",           // no path: serialized with "/"
           "http://example.com:80/",       // the default port is dropped
           "https://example.com:443/",
           "http://example.com:/",         // an empty port too
           "http://example.com:08080/",    // leading zeros
           "http://example.com:65536/",    // out of range: a failure
           "http://example.com:123456/",
           "http://user:pw@example.com/",  // credentials
           "http://example.com./",         // empty labels
           "http://a..b/",
           "http://.a/",
           "http://xn--nxasmq6b.com/",     // checked as punycode
           "http://a.xn--b/",
           "http://1.2.3/",                // IPv4 in a short form
           "http://1.2.3.04/",             // leading zero (octal)
           "http://1.2.3.256/",            // a failure
           "http://a.1/",                  // ends in a number that is not an address: a failure
           "http://a.0x1f/",               // a hexadecimal number
           "http://127.1/",
           "http://h/a/./b",               // dot segments
           "http://h/a/../b",
           "http://h/..",
           "http://h/.",
           "http://h/%2e/",                // percent-encoded dots
           "http://h/a\\b",                // backslash is a slash in special URLs
           "http://h/a b",                 // encoded characters
           "http://h/a|b",
           "http://h/a^b",
           "http://h/é",
           "http://h/?a'b",                // encoded in a special query
           "http://h/?a b",
           "http://h/#a b",
           " http://h/",                   // trimmed
           "http://h/\t",                  // tabs and newlines removed
           "ws://h/",                      // other schemes
           "file:///etc/passwd",
           "http:/h/",
           "http:h/",
           "http://[::1]/",
       }) {
    CHECK_MESSAGE(!match_canonical_url(input), input);
  }
}

TEST_CASE("whatever the shortcut takes, the parser gives back unchanged") {
  // Combinations of components, canonical and not: each one taken must parse to itself.
  const std::vector<std::string> schemes = {"http", "https", "HTTP", "wss"};
  const std::vector<std::string> hosts = {"h", "example.com", "a-.b", "-", "0", "1.2.3.4", "255.255.255.255",
                                          "1.2.3.4.5", "01.2.3.4", "a.b.9", "a.0x", "0xa", "x.0x1", "a_b", "ab.",
                                          "xn--a", "a.xn-b", "1e5", "1.e5"};
  const std::vector<std::string> ports = {"", ":1", ":80", ":443", ":8080", ":0", ":65535", ":99999", ":"};
  const std::vector<std::string> paths = {"", "/", "/a/b", "/a//b", "/./a", "/a/..", "/.a", "/a.", "/..b", "/:@!$&'()*+,;=~_-",
                                          "/%2e", "/a?b"};
  const std::vector<std::string> queries = {"", "?", "?a=b&c", "?'", "?%41", "?/?:@"};
  const std::vector<std::string> fragments = {"", "#", "#x", "#a#b", "#'%?"};
  int taken = 0;
  for (const auto& scheme : schemes)
    for (const auto& host : hosts)
      for (const auto& port : ports)
        for (const auto& path : paths)
          for (const auto& query : queries)
            for (const auto& fragment : fragments) {
              const std::string input = scheme + "://" + host + port + path + query + fragment;
              if (const auto layout = match_canonical_url(input)) {
                ++taken;
                check_against_parser(input, *layout);
              }
            }
  CHECK(taken > 1000);
}
