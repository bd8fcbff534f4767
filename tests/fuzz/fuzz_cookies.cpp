// libFuzzer target: Set-Cookie parsing and the jar's selection must never crash or throw on any
// header value (RFC 6265 section 5.2: malformed cookies are ignored).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "httpxx/cookies.hpp"
#include "httpxx/url.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const httpxx::URL url("https://www.example.co.uk/a/b");
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  httpxx::Cookies jar;
  jar.set_cookie_header(input, url);
  (void)jar.cookie_header(url);
  return 0;
}
