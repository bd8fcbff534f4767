#include <doctest/doctest.h>

#include <string>

#include "httpxx/errors.hpp"
#include "httpxx/url.hpp"

using httpxx::InvalidURL;
using httpxx::QueryParams;
using httpxx::URL;

namespace {

std::string error_of(std::string_view input) {
  try {
    const URL url(input);
    return "no error: " + std::string(url.href());
  } catch (const InvalidURL& error) {
    return error.what();
  }
}

}  // namespace

TEST_CASE("every accessor of a full URL") {
  const URL url("HTTPS://user:pa%20ss@Example.COM:8443/a/./b/../c%7e?q=1&r#frag");
  CHECK(url.href() == "https://user:pa%20ss@example.com:8443/a/c%7e?q=1&r#frag");
  CHECK(url.scheme() == "https");
  CHECK(url.username() == "user");
  CHECK(url.password() == "pa%20ss");
  CHECK(url.host() == "example.com");
  CHECK(url.has_host());
  CHECK(url.port() == 8443);
  CHECK(url.effective_port() == 8443);
  CHECK(url.path() == "/a/c%7e");
  CHECK(url.query() == "q=1&r");
  CHECK(url.fragment() == "frag");
  CHECK(url.has_query());
  CHECK(url.has_fragment());
  CHECK(url.target() == "/a/c%7e?q=1&r");
  CHECK(url.is_special());
  CHECK(url.is_secure());
  CHECK(url.host_for_connect() == "example.com");
  CHECK(url.origin() == "https://example.com:8443");
}

TEST_CASE("a minimal URL gets the root path and no port, query or fragment") {
  const URL url("http://example.org");
  CHECK(url.href() == "http://example.org/");
  CHECK(url.username().empty());
  CHECK(url.password().empty());
  CHECK_FALSE(url.port().has_value());
  CHECK(url.effective_port() == 80);
  CHECK(url.path() == "/");
  CHECK_FALSE(url.has_query());
  CHECK_FALSE(url.has_fragment());
  CHECK(url.query().empty());
  CHECK(url.fragment().empty());
  CHECK(url.target() == "/");
  CHECK_FALSE(url.is_secure());
  CHECK(url.origin() == "http://example.org");
}

TEST_CASE("default ports are dropped, others kept") {
  CHECK(URL("http://a:80/").href() == "http://a/");
  CHECK(URL("https://a:443/").href() == "https://a/");
  CHECK(URL("ws://a:80/").href() == "ws://a/");
  CHECK(URL("wss://a:443/").href() == "wss://a/");
  CHECK(URL("https://a:80/").port() == 80);
  CHECK(URL("http://a:0080/").href() == "http://a/");
  CHECK(URL("http://a:/").href() == "http://a/");
  CHECK(URL("wss://a/").effective_port() == 443);
  CHECK(URL("ws://a/").effective_port() == 80);
  CHECK(URL("sc://a/").effective_port() == 0);
  CHECK(URL("sc://a:80/").port() == 80);
}

TEST_CASE("empty query and fragment are present but empty") {
  const URL url("http://a/p?#");
  CHECK(url.has_query());
  CHECK(url.query().empty());
  CHECK(url.has_fragment());
  CHECK(url.fragment().empty());
  CHECK(url.target() == "/p?");
  CHECK(url.href() == "http://a/p?#");
}

TEST_CASE("IPv6 hosts keep brackets in host() and lose them for connecting") {
  const URL url("http://[0:0:0:0:0:0:0:1]:8080/x");
  CHECK(url.host() == "[::1]");
  CHECK(url.host_for_connect() == "::1");
  CHECK(url.port() == 8080);
  CHECK(url.origin() == "http://[::1]:8080");
}

TEST_CASE("netloc is host and port as serialized, without credentials") {
  CHECK(URL("https://user:pw@example.com:8443/a").netloc() == "example.com:8443");
  CHECK(URL("https://example.com:443/a").netloc() == "example.com");   // the default is dropped
  CHECK(URL("http://127.0.0.1:8/").netloc() == "127.0.0.1:8");
  CHECK(URL("http://127.0.0.1:65535/").netloc() == "127.0.0.1:65535");
  CHECK(URL("http://[0:0:0:0:0:0:0:1]:10000/x").netloc() == "[::1]:10000");
  CHECK(URL("http://EXAMPLE.org").netloc() == "example.org");
  CHECK(URL("sc://h:99?q").netloc() == "h:99");
  CHECK(URL("mailto:someone@example.org").netloc().empty());
  CHECK(URL("file:///tmp/x").netloc().empty());
}

TEST_CASE("tabs and newlines vanish, C0 controls and spaces around are trimmed") {
  CHECK(URL("  \t http://ex\tample.org/a\nb\r \x01").href() == "http://example.org/ab");
}

TEST_CASE("special URLs skip any number of slashes before the host") {
  CHECK(URL("http:///x").href() == "http://x/");
  CHECK(URL("https:x/y").href() == "https://x/y");
}

TEST_CASE("backslashes are slashes in special URLs only") {
  CHECK(URL("http:\\\\a\\b\\c").href() == "http://a/b/c");
  CHECK(URL("sc://a/b\\c").path() == "/b\\c");
}

TEST_CASE("percent-encoding by component") {
  const URL url("http://a/ \"<>`{}^?'\" <>#`\" <>");
  CHECK(url.path() == "/%20%22%3C%3E%60%7B%7D%5E");
  CHECK(url.query() == "%27%22%20%3C%3E");
  CHECK(url.fragment() == "%60%22%20%3C%3E");
  CHECK(URL("sc://a/?'").query() == "'");
  CHECK(URL("http://a/\xc3\xa9").path() == "/%C3%A9");
  CHECK(URL("http://us er:p@ss@a/").username() == "us%20er");
  CHECK(URL("http://us er:p@ss@a/").password() == "p%40ss");
}

TEST_CASE("dot segments") {
  CHECK(URL("http://a/b/c/./../../g").path() == "/g");
  CHECK(URL("http://a/b/%2e%2E/c").path() == "/c");
  CHECK(URL("http://a/b/..").path() == "/");
  CHECK(URL("http://a/../../x").path() == "/x");
}

TEST_CASE("non-special and opaque paths") {
  const URL mail("mailto:someone@example.org?subject=hi");
  CHECK(mail.scheme() == "mailto");
  CHECK(mail.path() == "someone@example.org");
  CHECK(mail.query() == "subject=hi");
  CHECK_FALSE(mail.has_host());
  CHECK(mail.host().empty());
  CHECK_FALSE(mail.is_special());
  CHECK(URL("sc:/a//b").href() == "sc:/a//b");
  CHECK(URL("sc:/.//b").path() == "//b");
  CHECK(URL("sc:/.//b").href() == "sc:/.//b");
}

TEST_CASE("file URLs") {
  CHECK(URL("file:///C|/x").href() == "file:///C:/x");
  CHECK(URL("file://localhost/etc").href() == "file:///etc");
  CHECK(URL("file:///etc").has_host());
  CHECK(URL("file:///etc").host().empty());
}

TEST_CASE("join resolves against this URL as base") {
  const URL base("http://a/b/c/d;p?q");
  CHECK(base.join("g").href() == "http://a/b/c/g");
  CHECK(base.join("./g").href() == "http://a/b/c/g");
  CHECK(base.join("g/").href() == "http://a/b/c/g/");
  CHECK(base.join("/g").href() == "http://a/g");
  CHECK(base.join("//g").href() == "http://g/");
  CHECK(base.join("?y").href() == "http://a/b/c/d;p?y");
  CHECK(base.join("#s").href() == "http://a/b/c/d;p?q#s");
  CHECK(base.join("").href() == "http://a/b/c/d;p?q");
  CHECK(base.join("..").href() == "http://a/b/");
  CHECK(base.join("../../../g").href() == "http://a/g");
  CHECK(base.join("https://other/x").href() == "https://other/x");
  CHECK(base.join("http:g").href() == "http://a/b/c/g");
  CHECK(URL("http://u:p@a:81/x").join("y").href() == "http://u:p@a:81/y");
  CHECK_THROWS_AS(URL("mailto:x").join("y"), InvalidURL);
  CHECK(URL("mailto:x").join("#f").href() == "mailto:x#f");
}

TEST_CASE("URL() requires an absolute URL") {
  CHECK(error_of("/relative/path") == "Invalid URL '/relative/path': relative URL without a base");
  CHECK(error_of("") == "Invalid URL '': relative URL without a base");
}

TEST_CASE("error messages name the input and the reason") {
  CHECK(error_of("http://[::1") == "Invalid URL 'http://[::1': unclosed IPv6 address");
  CHECK(error_of("http://[::1::2]/") == "Invalid URL 'http://[::1::2]/': invalid IPv6 address");
  CHECK(error_of("http://1.2.3.256/") == "Invalid URL 'http://1.2.3.256/': invalid IPv4 address");
  CHECK(error_of("http://a:65536/") == "Invalid URL 'http://a:65536/': port out of range");
  CHECK(error_of("http://a:8x/") == "Invalid URL 'http://a:8x/': invalid port");
  CHECK(error_of("http://") == "Invalid URL 'http://': empty host");
  CHECK(error_of("http://:80/") == "Invalid URL 'http://:80/': empty host");
  CHECK(error_of("http://a b/") == "Invalid URL 'http://a b/': forbidden host code point");
  CHECK(error_of("http://user@/") == "Invalid URL 'http://user@/': credentials without a host");
  CHECK(error_of("http://\xe2\x80\x8d.example/") ==
        "Invalid URL 'http://\xe2\x80\x8d.example/': invalid international domain name");
}

TEST_CASE("error messages never show a password") {
  const std::string message = error_of("http://user:secret@[::1/");
  CHECK(message == "Invalid URL 'http://user:[secure]@[::1/': unclosed IPv6 address");
}

TEST_CASE("InvalidURL is an std::invalid_argument") {
  CHECK_THROWS_AS(URL("http://[/"), std::invalid_argument);
}

TEST_CASE("params() reads the query") {
  const URL url("http://a/?x=1&y=a+b&x=2");
  const QueryParams params = url.params();
  CHECK(params.get_list("x") == std::vector<std::string>{"1", "2"});
  CHECK(params.get("y") == "a b");
}

TEST_CASE("copy helpers return new URLs and leave this one alone") {
  const URL url("https://u:p@a/p?x=1&y=2#f");
  CHECK(url.copy_with_params(QueryParams{{"k", "a b"}}).href() == "https://u:p@a/p?k=a%20b#f");
  CHECK(url.copy_with_params(QueryParams{}).href() == "https://u:p@a/p#f");
  CHECK(url.copy_set_param("x", "9").href() == "https://u:p@a/p?x=9&y=2#f");
  CHECK(url.copy_set_param("z", "3").href() == "https://u:p@a/p?x=1&y=2&z=3#f");
  CHECK(url.copy_add_param("x", "3").href() == "https://u:p@a/p?x=1&y=2&x=3#f");
  CHECK(url.copy_remove_param("x").href() == "https://u:p@a/p?y=2#f");
  CHECK(url.copy_without_fragment().href() == "https://u:p@a/p?x=1&y=2");
  CHECK_FALSE(url.copy_without_fragment().has_fragment());
  CHECK(url.copy_without_userinfo().href() == "https://a/p?x=1&y=2#f");
  CHECK(url.copy_without_userinfo().username().empty());
  CHECK(url.href() == "https://u:p@a/p?x=1&y=2#f");
  const URL added = URL("http://a/").copy_add_param("q", "1");
  CHECK(added.query() == "q=1");
  CHECK(added.target() == "/?q=1");
  CHECK(added.path() == "/");
}

TEST_CASE("accessors stay right after a copy helper") {
  const URL url = URL("http://u:p@a:81/p?x=1#f").copy_set_param("x", "2").copy_without_userinfo();
  CHECK(url.host() == "a");
  CHECK(url.port() == 81);
  CHECK(url.path() == "/p");
  CHECK(url.query() == "x=2");
  CHECK(url.fragment() == "f");
}

TEST_CASE("equality compares the serialization") {
  CHECK(URL("HTTP://A/") == URL("http://a"));
  CHECK_FALSE(URL("http://a/") == URL("http://a/#"));
  CHECK(URL("http://a/x") != URL("http://a/y"));
}

TEST_CASE("the origin and the request target as views agree with their string forms") {
  for (const char* input : {"http://example.org", "https://example.com:8443/a/b?x=1#frag",
                            "http://user:pw@example.org:81/p?q", "http://user@[::1]/",
                            "https://example.com/?", "http://example.org/path#only-fragment"}) {
    CAPTURE(input);
    const httpxx::URL url(input);
    std::string storage;
    CHECK(url.origin(storage) == url.origin());
    CHECK(url.target_view() == url.target());
  }
}

TEST_CASE("the origin is a view into the serialization unless the URL carries user info") {
  const httpxx::URL plain("https://example.com:8443/a");
  std::string storage;
  const auto view = plain.origin(storage);
  CHECK(storage.empty());
  CHECK(view.data() == plain.href().data());

  const httpxx::URL with_user("https://user:pw@example.com/a");
  CHECK(with_user.origin(storage) == "https://example.com");
  CHECK(storage == "https://example.com");
}
