#pragma once
// What a field value may never hold (RFC 9110 section 5.5): CR, LF or NUL, which would split or
// truncate the field on the wire. Checked for every field of every request, by Headers and again
// by the HTTP/2 codec (RFC 9113 section 8.2.1).

#include <string_view>

namespace httpxx::detail {

// One pass: find_first_of would call memchr over the three for every character.
inline bool has_forbidden_field_byte(std::string_view value) noexcept {
  for (char c : value) {
    if (c == '\r' || c == '\n' || c == '\0') return true;
  }
  return false;
}

}  // namespace httpxx::detail
