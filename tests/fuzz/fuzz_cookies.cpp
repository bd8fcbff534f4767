// libFuzzer target: Set-Cookie parsing and the jar's selection must never crash or throw on any
// header value (RFC 6265 section 5.2: malformed cookies are ignored), and whatever a site sets
// stays with that site: no cookie from www.example.co.uk is sent to another registrable domain
// (co.uk is a public suffix, section 5.3 step 5), and the Cookie value sent back is one that
// Headers accepts when the Set-Cookie value was one a server could send.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "httpxx/cookies.hpp"
#include "httpxx/errors.hpp"
#include "httpxx/headers.hpp"
#include "httpxx/url.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const httpxx::URL url("https://www.example.co.uk/a/b");
  static const httpxx::URL other_site("https://evil.co.uk/a/b");
  static const httpxx::URL lookalike("https://www.example.co.uk.evil.com/a/b");
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  httpxx::Cookies jar;
  jar.set_cookie_header(input, url);
  const auto sent = jar.cookie_header(url);
  if (!jar.cookie_header(other_site).empty() || !jar.cookie_header(lookalike).empty()) __builtin_trap();
  if (input.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos && !sent.empty()) {
    httpxx::Headers request;
    try {
      request.set("Cookie", sent);
    } catch (const httpxx::LocalProtocolError&) {
      __builtin_trap();
    }
  }
  return 0;
}
