// libFuzzer target: the field values a server controls and httpxx interprets. As
// WWW-Authenticate, the input's challenges are parsed and the strongest Digest one answered: the
// Authorization value built from the server's realm, nonce and opaque must be one that Headers
// accepts (no CR, LF or NUL: a server must not be able to inject a field). As Content-Type, its
// charset (when glibc knows it) converts the input itself, and the result must be valid UTF-8.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "httpxx/errors.hpp"
#include "httpxx/headers.hpp"
#include "models/auth_challenge.hpp"
#include "models/charset.hpp"
#include "models/digest_auth.hpp"

namespace {

// Well-formed UTF-8 (Unicode section 3.9, table 3-7), written apart from the library's own.
bool is_valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xbf;
    if (byte < 0x80) {
      length = 1;
    } else if (byte >= 0xc2 && byte <= 0xdf) {
      length = 2;
    } else if (byte >= 0xe0 && byte <= 0xef) {
      length = 3;
      if (byte == 0xe0) low = 0xa0;
      if (byte == 0xed) high = 0x9f;
    } else if (byte >= 0xf0 && byte <= 0xf4) {
      length = 4;
      if (byte == 0xf0) low = 0x90;
      if (byte == 0xf4) high = 0x8f;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if (next < (k == 1 ? low : 0x80) || next > (k == 1 ? high : 0xbf)) return false;
    }
    i += length;
  }
  return true;
}

void answer_digest(std::string_view value) {
  httpxx::Headers response;
  try {
    response.add("WWW-Authenticate", std::string(value));
  } catch (const httpxx::LocalProtocolError&) {
    return;   // neither llhttp nor nghttp2 lets such a value through from a server
  }
  (void)httpxx::detail::parse_auth_challenges(value);
  const auto challenge = httpxx::detail::find_digest_challenge(response);
  if (!challenge) return;
  const auto authorization = httpxx::detail::digest_authorization(
      *challenge, {"user", "pass", "GET", "/a?b=c", 1, "0a4f113b"});
  httpxx::Headers request;
  try {
    request.set("Authorization", authorization);
  } catch (const httpxx::LocalProtocolError&) {
    __builtin_trap();
  }
}

void convert_text(std::string_view value) {
  const std::string charset = httpxx::detail::charset_of(value);
  if (charset.empty() || !httpxx::detail::is_known_charset(charset)) return;
  if (!is_valid_utf8(httpxx::detail::to_utf8(value, charset))) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  answer_digest(input);
  convert_text(input);
  return 0;
}
