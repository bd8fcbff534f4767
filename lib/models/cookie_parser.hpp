#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace httpxx::detail {

// A Set-Cookie header value parsed by RFC 6265 section 5.2: the name and value and the
// attributes that the storage model (section 5.3) uses. When an attribute appears more than
// once, the last one counts, as section 5.3 prescribes.
struct SetCookie {
  std::string name, value;
  std::optional<std::chrono::system_clock::time_point> expires;   // the Expires attribute
  std::optional<long long> max_age;   // delta-seconds of Max-Age; <= 0 means expire now
  std::optional<std::string> domain;  // lower case, leading '.' removed; never empty
  std::optional<std::string> path;    // nullopt: the default-path of section 5.1.4
  bool secure = false;
  bool http_only = false;
};

// nullopt when the whole cookie is to be ignored (no '=', an empty name, control characters, or
// more than 4096 bytes of name and value as RFC 6265bis section 5.7 bounds them). Never throws
// on malformed input: unusable attributes are skipped, as section 5.2 says.
std::optional<SetCookie> parse_set_cookie(std::string_view header);

}  // namespace httpxx::detail
