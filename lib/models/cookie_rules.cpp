#include "models/cookie_rules.hpp"

#include "httpxx/headers.hpp"
#include "models/cookie_date.hpp"
#include "models/cookie_parser.hpp"
#include "models/public_suffix.hpp"

namespace httpxx::detail {

namespace {

bool ends_with_ignoring_case(std::string_view s, std::string_view suffix) noexcept {
  return s.size() >= suffix.size() && iequals(s.substr(s.size() - suffix.size()), suffix);
}

}  // namespace

bool is_ip_address(std::string_view host) noexcept {
  if (host.empty()) return false;
  if (host.front() == '[') return true;
  // A URL host whose last label is numeric is always an IPv4 address (WHATWG URL "ends in a
  // number"), serialized as four dotted decimals.
  for (char c : host) {
    if ((c < '0' || c > '9') && c != '.') return false;
  }
  return true;
}

bool domain_match(std::string_view host, std::string_view domain) noexcept {
  if (iequals(host, domain)) return true;
  return !domain.empty() && host.size() > domain.size() && ends_with_ignoring_case(host, domain) &&
         host[host.size() - domain.size() - 1] == '.' && !is_ip_address(host);
}

std::string_view default_path(std::string_view request_path) noexcept {
  if (request_path.empty() || request_path.front() != '/') return "/";
  const std::size_t last_slash = request_path.rfind('/');
  if (last_slash == 0) return "/";
  return request_path.substr(0, last_slash);
}

bool path_match(std::string_view request_path, std::string_view cookie_path) noexcept {
  if (request_path == cookie_path) return true;
  if (!request_path.starts_with(cookie_path)) return false;
  return cookie_path.ends_with('/') || request_path[cookie_path.size()] == '/';
}

bool is_expired(const Cookies::Cookie& cookie, Cookies::Clock::time_point now) noexcept {
  return cookie.expires && *cookie.expires <= now;
}

std::optional<Cookies::Cookie> cookie_from_set_cookie(SetCookie parsed, const CookieOrigin& origin,
                                                      Cookies::Clock::time_point now) {
  if (origin.host.empty()) return std::nullopt;
  // RFC 6265bis section 5.7 step 8: only a secure origin may set a Secure cookie.
  if (parsed.secure && !origin.secure) return std::nullopt;

  Cookies::Cookie cookie;
  cookie.name = std::move(parsed.name);
  cookie.value = std::move(parsed.value);
  cookie.creation_time = now;
  cookie.secure = parsed.secure;
  cookie.http_only = parsed.http_only;

  // Step 3: Max-Age wins over Expires; a Max-Age of zero or less expires the cookie at once.
  if (parsed.max_age) {
    cookie.expires = *parsed.max_age <= 0 ? Cookies::Clock::time_point::min()
                                          : add_seconds_saturating(now, *parsed.max_age);
  } else if (parsed.expires) {
    cookie.expires = parsed.expires;
  }

  std::string domain = parsed.domain.value_or(std::string());
  // Step 5: a public suffix is acceptable only as the host itself, and then host-only.
  if (!domain.empty() && is_public_suffix(domain)) {
    if (!iequals(domain, origin.host)) return std::nullopt;
    domain.clear();
  }
  // Step 6; an IP address is never a domain to share, so a Domain naming it is host-only.
  if (!domain.empty() && !is_ip_address(origin.host)) {
    if (!domain_match(origin.host, domain)) return std::nullopt;
    cookie.host_only = false;
    cookie.domain = std::move(domain);
  } else {
    if (!domain.empty() && !iequals(domain, origin.host)) return std::nullopt;
    cookie.host_only = true;
    cookie.domain = std::string(origin.host);
  }

  // Step 7: the Path attribute, else the default-path of the request.
  cookie.path = parsed.path ? std::move(*parsed.path) : std::string(default_path(origin.path));
  return cookie;
}

bool cookie_matches(const Cookies::Cookie& cookie, const CookieOrigin& origin,
                    Cookies::Clock::time_point now) noexcept {
  if (is_expired(cookie, now)) return false;
  if (cookie.secure && !origin.secure) return false;
  // A cookie stored without a domain (Cookies::set with none) goes to every host, as in httpx.
  if (!cookie.domain.empty()) {
    if (cookie.host_only ? !iequals(origin.host, cookie.domain)
                         : !domain_match(origin.host, cookie.domain)) {
      return false;
    }
  }
  return path_match(origin.path.empty() ? "/" : origin.path, cookie.path);
}

}  // namespace httpxx::detail
