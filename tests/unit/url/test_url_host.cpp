#include <doctest/doctest.h>

#include <string>

#include "httpxx/errors.hpp"
#include "httpxx/url.hpp"
#include "models/url_host.hpp"

using httpxx::InvalidURL;
using httpxx::URL;

namespace {

std::string host_of(const std::string& host) { return std::string(URL("http://" + host + "/").host()); }

}  // namespace

TEST_CASE("IPv4 in all its forms") {
  CHECK(host_of("127.0.0.1") == "127.0.0.1");
  CHECK(host_of("0x7f.1") == "127.0.0.1");
  CHECK(host_of("0177.0.0.1") == "127.0.0.1");
  CHECK(host_of("2130706433") == "127.0.0.1");
  CHECK(host_of("0x7F000001") == "127.0.0.1");
  CHECK(host_of("127.1") == "127.0.0.1");
  CHECK(host_of("127.0.1") == "127.0.0.1");
  CHECK(host_of("1.2.3.4.") == "1.2.3.4");
  CHECK(host_of("0x") == "0.0.0.0");
  CHECK(host_of("4294967295") == "255.255.255.255");
  CHECK_THROWS_AS(URL("http://4294967296/"), InvalidURL);
  CHECK_THROWS_AS(URL("http://1.2.3.4.5/"), InvalidURL);
  CHECK_THROWS_AS(URL("http://256.0.0.1/"), InvalidURL);
  CHECK_THROWS_AS(URL("http://09.1/"), InvalidURL);
  CHECK_THROWS_AS(URL("http://foo.09/"), InvalidURL);
  CHECK_THROWS_AS(URL("http://foo.0x/"), InvalidURL);  // ends in a number, so IPv4 parsing decides
}

TEST_CASE("ends in a number") {
  using httpxx::detail::ends_in_a_number;
  CHECK(ends_in_a_number("1.2.3.4"));
  CHECK(ends_in_a_number("a.1."));
  CHECK(ends_in_a_number("a.0x1f"));
  CHECK_FALSE(ends_in_a_number("a.1.."));
  CHECK_FALSE(ends_in_a_number("a.b"));
  CHECK_FALSE(ends_in_a_number("1.a"));
  CHECK_FALSE(ends_in_a_number("."));
  CHECK_FALSE(ends_in_a_number(""));
}

TEST_CASE("parse_ipv4 numbers and radixes") {
  using httpxx::detail::parse_ipv4;
  CHECK(parse_ipv4("1.2.3.4") == 0x01020304u);
  CHECK(parse_ipv4("0x1.0x2.0x3.0x4") == 0x01020304u);
  CHECK(parse_ipv4("010.1") == 0x08000001u);
  CHECK(parse_ipv4("1.65536") == 0x01010000u);
  CHECK(parse_ipv4("1.16777216") == std::nullopt);
  CHECK(parse_ipv4("1.2.65536") == std::nullopt);
  CHECK(parse_ipv4("1..2") == std::nullopt);
  CHECK(parse_ipv4("99999999999999999999") == std::nullopt);
}

TEST_CASE("IPv6 parsing and compressed serialization") {
  CHECK(host_of("[::]") == "[::]");
  CHECK(host_of("[1:0:0:2::3:0]") == "[1::2:0:0:3:0]");
  CHECK(host_of("[1:0:0:0:2:0:0:3]") == "[1::2:0:0:3]");
  CHECK(host_of("[0:0:1:0:0:0:0:1]") == "[0:0:1::1]");
  CHECK(host_of("[1:2:3:4:5:6:7:8]") == "[1:2:3:4:5:6:7:8]");
  CHECK(host_of("[::ffff:192.168.0.1]") == "[::ffff:c0a8:1]");
  CHECK(host_of("[ABCD::]") == "[abcd::]");
  CHECK(host_of("[1:0::]") == "[1::]");
  CHECK_THROWS_AS(URL("http://[1:2:3:4:5:6:7:8:9]/"), InvalidURL);
  CHECK_THROWS_AS(URL("http://[::1.2.3]/"), InvalidURL);
  CHECK_THROWS_AS(URL("http://[::01.2.3.4]/"), InvalidURL);
  CHECK_THROWS_AS(URL("http://[:1]/"), InvalidURL);
  CHECK_THROWS_AS(URL("http://[1:]/"), InvalidURL);
  CHECK_THROWS_AS(URL("http://[12345::]/"), InvalidURL);
}

TEST_CASE("domains: lower-cased, IDNA to punycode, percent-decoded first") {
  CHECK(host_of("EXAMPLE.org") == "example.org");
  CHECK(host_of("B\xc3\xbc" "cher.de") == "xn--bcher-kva.de");
  CHECK(host_of("fa\xc3\x9f.de") == "xn--fa-hia.de");                 // nontransitional: ß stays
  CHECK(host_of("%62%C3%BC" "cher.de") == "xn--bcher-kva.de");
  CHECK(host_of("\xe2\x99\xa5.net") == "xn--g6h.net");                // UTS #46 keeps ♥ valid
  CHECK(host_of("a\xe3\x80\x82" "b") == "a.b");                       // U+3002 ideographic full stop
  CHECK(host_of("-x.\xc3\x9f") == "-x.xn--zca");                      // CheckHyphens=false
  CHECK(host_of("a\xe2\x80\xa0--") == "xn--a---kp0a");
  CHECK(host_of("xn--a") == "xn--a");                                  // ASCII is never checked
  CHECK_THROWS_AS(URL("http://xn--a.\xc3\x9f/"), InvalidURL);          // but a bad xn-- label is
  CHECK_THROWS_AS(URL("http://\xd9\x8a" "a/"), InvalidURL);            // CheckBidi=true
  CHECK_THROWS_AS(URL("http://\xef\xbf\xbd.com/"), InvalidURL);        // U+FFFD
  CHECK_THROWS_AS(URL("http://%ff/"), InvalidURL);                     // not UTF-8
  CHECK_THROWS_AS(URL("http://\xc2\xad/"), InvalidURL);                // maps to the empty string
  CHECK_THROWS_AS(URL("http://a%25b/"), InvalidURL);                   // '%' is forbidden in domains
}

TEST_CASE("opaque hosts of non-special URLs") {
  CHECK(URL("sc://EXAMPLE.org/").host() == "EXAMPLE.org");
  CHECK(URL("sc://\xc3\xbc/").host() == "%C3%BC");
  CHECK(URL("sc://%41/").host() == "%41");
  CHECK(URL("sc:///x").host().empty());
  CHECK(URL("sc:///x").has_host());
  CHECK_THROWS_AS(URL("sc://a<b/"), InvalidURL);
}
