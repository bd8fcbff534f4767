#include "models/cookie_parser.hpp"

#include <limits>

#include "httpxx/headers.hpp"
#include "models/cookie_date.hpp"

namespace httpxx::detail {

namespace {

// RFC 6265bis section 5.7: a cookie whose name and value exceed 4096 bytes is ignored, and so is
// an attribute value over 1024 bytes.
constexpr std::size_t max_name_value_size = 4096;
constexpr std::size_t max_attribute_value_size = 1024;

// WSP of RFC 5234: the whitespace section 5.2 strips around names, values and attributes.
std::string_view trim_wsp(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// RFC 6265bis section 5.7 step 3: CTLs other than HTAB make the whole cookie ignored, so a
// stored cookie can never carry a line break into a Cookie header.
bool has_control(std::string_view s) noexcept {
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t') || c == 0x7f) return true;
  }
  return false;
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c | 0x20);
  }
  return out;
}

// Max-Age by section 5.2.2: an optional '-' then digits only, else the attribute is ignored.
// Values beyond the range of long long saturate: they mean "forever" or "now" all the same.
std::optional<long long> parse_max_age(std::string_view value) noexcept {
  if (value.empty()) return std::nullopt;
  const bool negative = value.front() == '-';
  if (negative) value.remove_prefix(1);
  if (value.empty()) return std::nullopt;
  long long delta = 0;
  constexpr long long limit = std::numeric_limits<long long>::max() / 10 - 9;
  for (char c : value) {
    if (c < '0' || c > '9') return std::nullopt;
    if (delta < limit) delta = delta * 10 + (c - '0');
  }
  return negative ? -delta : delta;
}

void apply_attribute(SetCookie& cookie, std::string_view name, std::string_view value) {
  if (value.size() > max_attribute_value_size) return;
  if (iequals(name, "Expires")) {
    // Section 5.2.1: a date that fails to parse leaves the attribute out.
    if (auto date = parse_cookie_date(value)) cookie.expires = *date;
  } else if (iequals(name, "Max-Age")) {
    if (auto delta = parse_max_age(value)) cookie.max_age = *delta;
  } else if (iequals(name, "Domain")) {
    // Section 5.2.3; an empty value is ignored as RFC 6265bis section 5.6.3 recommends.
    if (value.empty()) return;
    if (value.front() == '.') value.remove_prefix(1);
    if (value.empty()) return;
    cookie.domain = to_lower(value);
  } else if (iequals(name, "Path")) {
    // Section 5.2.4: a value that does not start with '/' means the default-path.
    if (value.empty() || value.front() != '/') {
      cookie.path.reset();
    } else {
      cookie.path = std::string(value);
    }
  } else if (iequals(name, "Secure")) {
    cookie.secure = true;
  } else if (iequals(name, "HttpOnly")) {
    cookie.http_only = true;
  }
  // Any other attribute (SameSite, Partitioned, extensions) does not change how this client
  // stores or sends the cookie.
}

}  // namespace

std::optional<SetCookie> parse_set_cookie(std::string_view header) {
  const std::size_t semicolon = header.find(';');
  const std::string_view pair = header.substr(0, semicolon);
  const std::size_t equals = pair.find('=');
  if (equals == std::string_view::npos) return std::nullopt;
  const std::string_view name = trim_wsp(pair.substr(0, equals));
  const std::string_view value = trim_wsp(pair.substr(equals + 1));
  if (name.empty() || has_control(name) || has_control(value)) return std::nullopt;
  if (name.size() + value.size() > max_name_value_size) return std::nullopt;

  SetCookie cookie;
  cookie.name = std::string(name);
  cookie.value = std::string(value);

  std::string_view rest = semicolon == std::string_view::npos ? std::string_view{}
                                                              : header.substr(semicolon + 1);
  while (!rest.empty()) {
    const std::size_t end = rest.find(';');
    const std::string_view av = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    const std::size_t eq = av.find('=');
    const std::string_view av_name = trim_wsp(av.substr(0, eq));
    const std::string_view av_value =
        eq == std::string_view::npos ? std::string_view{} : trim_wsp(av.substr(eq + 1));
    apply_attribute(cookie, av_name, av_value);
  }
  return cookie;
}

}  // namespace httpxx::detail
