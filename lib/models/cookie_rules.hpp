#pragma once
// The matching rules and storage steps of RFC 6265 that do not depend on the rest of the jar.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "httpxx/cookies.hpp"

namespace httpxx::detail {

struct SetCookie;

// What the rules need of a request URL: its canonical host (lower case ASCII, an IPv6 address
// in brackets), its path and whether its scheme is secure (https, wss).
struct CookieOrigin {
  std::string_view host;
  std::string_view path;
  bool secure = false;
};

// An IPv4 address in dotted form or a bracketed IPv6 address, as URL hosts are serialized.
bool is_ip_address(std::string_view host) noexcept;
// Section 5.1.3: host equals domain, or ends with "." + domain and is not an IP address.
bool domain_match(std::string_view host, std::string_view domain) noexcept;
// Section 5.1.4: the default-path of a request path ("/a/b" -> "/a", "/a" -> "/").
std::string_view default_path(std::string_view request_path) noexcept;
// Section 5.1.4: "/foo" matches "/foo" and "/foo/bar" but not "/foobar".
bool path_match(std::string_view request_path, std::string_view cookie_path) noexcept;

// Section 5.3 steps 1 to 10 for one parsed Set-Cookie received from origin: the cookie to store,
// or nullopt when it is refused (Domain not matching the host or a public suffix other than the
// host itself, or Secure from a non-secure origin per RFC 6265bis section 5.7 step 8). An
// already expired result is still returned: storing it deletes the cookie it replaces.
std::optional<Cookies::Cookie> cookie_from_set_cookie(SetCookie parsed, const CookieOrigin& origin,
                                                      Cookies::Clock::time_point now);

// Section 5.4 step 1: whether cookie is to be sent in a request to origin at time now.
bool cookie_matches(const Cookies::Cookie& cookie, const CookieOrigin& origin,
                    Cookies::Clock::time_point now) noexcept;

bool is_expired(const Cookies::Cookie& cookie, Cookies::Clock::time_point now) noexcept;

}  // namespace httpxx::detail
