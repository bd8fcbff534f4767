// application/x-www-form-urlencoded bodies.

#include <string>

#include "content/request_body.hpp"

namespace httpxx::detail {
namespace {

// What httpx sends (Python's urlencode with quote_plus): a space becomes '+', ASCII alphanumerics
// and "-._~" stay, every other byte of the UTF-8 is percent-encoded. The WHATWG URL Standard's
// serializer (section 5.2) differs only in keeping '*' and encoding '~'; servers decode both.
void append_form_encoded(std::string& out, std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out.push_back(ch);
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 0x0f]);
    }
  }
}

}  // namespace

EncodedBody encode_urlencoded_form(const QueryParams& data) {
  std::string body;
  bool first = true;
  for (const auto& [key, value] : data) {
    if (!first) body.push_back('&');
    first = false;
    append_form_encoded(body, key);
    body.push_back('=');
    append_form_encoded(body, value);
  }
  return {make_bytes_body(std::move(body)), "application/x-www-form-urlencoded"};
}

}  // namespace httpxx::detail
