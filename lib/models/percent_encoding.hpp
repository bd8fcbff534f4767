#pragma once
// Percent-encoding and -decoding (WHATWG URL Standard §1.3 "Percent-encoded bytes").

#include <cstdint>
#include <string>
#include <string_view>

namespace httpxx::detail {

// The percent-encode sets of the URL Standard, each a superset of the one before it, plus the
// set httpx uses for query parameters (everything outside RFC 3986 "unreserved", §2.3).
enum class EncodeSet : std::uint8_t {
  c0_control,       // C0 controls and every byte above U+007E
  fragment,         // + space " < > `
  query,            // C0 + space " # < >
  special_query,    // query + '
  path,             // query + ? ^ ` { }
  userinfo,         // path + / : ; = @ [ \ ] |
  component,        // userinfo + $ % & + ,
  form_urlencoded,  // component + ! ' ( ) ~
  unreserved,       // all but A-Z a-z 0-9 - . _ ~
};

bool in_encode_set(unsigned char byte, EncodeSet set) noexcept;

// Appends `in` to `out`, each byte of the set written as "%XX" (upper-case hex, §1.3).
void percent_encode_append(std::string& out, std::string_view in, EncodeSet set);

// Decodes "%XX" sequences; a '%' not followed by two hex digits stays as it is (§1.3
// "percent-decode"). With plus_as_space, '+' becomes a space (application/x-www-form-urlencoded).
std::string percent_decode(std::string_view in, bool plus_as_space = false);

constexpr bool is_ascii_hex_digit(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

constexpr bool is_ascii_digit(char c) noexcept { return c >= '0' && c <= '9'; }

constexpr bool is_ascii_alpha(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

constexpr char ascii_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
}

}  // namespace httpxx::detail
