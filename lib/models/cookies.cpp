#include "httpxx/cookies.hpp"

#include <algorithm>

#include "httpxx/errors.hpp"
#include "httpxx/headers.hpp"
#include "httpxx/url.hpp"
#include "models/cookie_parser.hpp"
#include "models/cookie_rules.hpp"

namespace httpxx {

namespace {

using detail::CookieOrigin;

std::string_view without_leading_dot(std::string_view domain) noexcept {
  if (!domain.empty() && domain.front() == '.') domain.remove_prefix(1);
  return domain;
}

std::string lower_domain(std::string_view domain) {
  std::string out(without_leading_dot(domain));
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c | 0x20);
  }
  return out;
}

CookieOrigin origin_of(const URL& url) noexcept { return {url.host(), url.path(), url.is_secure()}; }

bool same_slot(const Cookies::Cookie& a, const Cookies::Cookie& b) noexcept {
  return a.name == b.name && iequals(a.domain, b.domain) && a.path == b.path;
}

bool selected(const Cookies::Cookie& cookie, std::string_view name, std::string_view domain,
              std::string_view path) noexcept {
  return cookie.name == name && (domain.empty() || iequals(cookie.domain, without_leading_dot(domain))) &&
         (path.empty() || cookie.path == path);
}

}  // namespace

const std::vector<Cookies::Cookie>& Cookies::no_cookies() noexcept {
  static const std::vector<Cookie> none;
  return none;
}

std::vector<Cookies::Cookie>& Cookies::writable() {
  if (!cookies_) {
    cookies_ = std::make_shared<std::vector<Cookie>>();
  } else if (cookies_.use_count() > 1) {
    cookies_ = std::make_shared<std::vector<Cookie>>(*cookies_);
  }
  return *cookies_;
}

void Cookies::store(Cookie cookie, Clock::time_point now) {
  const auto& current = items();
  const auto existing = std::find_if(current.begin(), current.end(),
                                     [&](const Cookie& c) { return same_slot(c, cookie); });
  const bool expired = detail::is_expired(cookie, now);
  if (existing == current.end()) {
    if (!expired) writable().push_back(std::move(cookie));
    return;
  }
  const auto index = static_cast<std::size_t>(existing - current.begin());
  auto& cookies = writable();
  if (expired) {
    // Section 5.3 step 12: an expired cookie removes the stored one and is not kept itself.
    cookies.erase(cookies.begin() + static_cast<std::ptrdiff_t>(index));
    return;
  }
  // Section 5.3 step 11.3: the replacement keeps the creation time of the cookie it replaces,
  // which keeps its place in the order cookies are sent.
  cookie.creation_time = cookies[index].creation_time;
  cookies[index] = std::move(cookie);
}

void Cookies::remove_expired(Clock::time_point now) {
  const auto& current = items();
  const bool any = std::any_of(current.begin(), current.end(),
                               [now](const Cookie& c) { return detail::is_expired(c, now); });
  if (any) std::erase_if(writable(), [now](const Cookie& c) { return detail::is_expired(c, now); });
}

void Cookies::set(std::string name, std::string value, std::string domain, std::string path) {
  // As httpx: a cookie set by hand with a domain goes to that domain and its subdomains, and one
  // without a domain goes to every host.
  Cookie cookie;
  cookie.name = std::move(name);
  cookie.value = std::move(value);
  cookie.domain = lower_domain(domain);
  cookie.path = std::move(path);
  cookie.host_only = false;
  const auto now = Clock::now();
  cookie.creation_time = now;
  store(std::move(cookie), now);
}

std::optional<std::string> Cookies::get(std::string_view name, std::string_view domain,
                                        std::string_view path) const {
  const Cookie* found = nullptr;
  for (const auto& cookie : items()) {
    if (!selected(cookie, name, domain, path)) continue;
    if (found != nullptr) {
      throw CookieConflict("more than one cookie is named '" + std::string(name) +
                           "'; narrow the lookup by domain and path");
    }
    found = &cookie;
  }
  if (found == nullptr) return std::nullopt;
  return found->value;
}

void Cookies::remove(std::string_view name, std::string_view domain, std::string_view path) {
  const auto& current = items();
  const auto matches = [&](const Cookie& c) { return selected(c, name, domain, path); };
  if (std::any_of(current.begin(), current.end(), matches)) std::erase_if(writable(), matches);
}

void Cookies::clear() noexcept { cookies_.reset(); }

void Cookies::extract_cookies(const Headers& response_headers, const URL& request_url,
                              Clock::time_point now) {
  for (const auto& [name, value] : response_headers) {
    if (iequals(name, "Set-Cookie")) set_cookie_header(value, request_url, now);
  }
}

bool Cookies::set_cookie_header(std::string_view set_cookie, const URL& request_url,
                                Clock::time_point now) {
  auto parsed = detail::parse_set_cookie(set_cookie);
  if (!parsed) return false;
  const CookieOrigin origin = origin_of(request_url);
  auto cookie = detail::cookie_from_set_cookie(std::move(*parsed), origin, now);
  if (!cookie) return false;
  // RFC 6265bis section 5.7 step 16 ("leave secure cookies alone"): a non-secure origin may not
  // overwrite or shadow a Secure cookie of the same name on an overlapping domain and path.
  if (!origin.secure) {
    for (const auto& stored : items()) {
      if (stored.secure && stored.name == cookie->name &&
          (detail::domain_match(stored.domain, cookie->domain) ||
           detail::domain_match(cookie->domain, stored.domain)) &&
          detail::path_match(cookie->path, stored.path)) {
        return false;
      }
    }
  }
  // Section 5.3: expired cookies are evicted whenever the store changes.
  remove_expired(now);
  store(std::move(*cookie), now);
  return true;
}

std::string Cookies::cookie_header(const URL& url, Clock::time_point now) const {
  const CookieOrigin origin = origin_of(url);
  std::vector<const Cookie*> chosen;
  for (const auto& cookie : items()) {
    if (detail::cookie_matches(cookie, origin, now)) chosen.push_back(&cookie);
  }
  // Section 5.4 step 2: longer paths first, then earlier creation times.
  std::stable_sort(chosen.begin(), chosen.end(), [](const Cookie* a, const Cookie* b) {
    if (a->path.size() != b->path.size()) return a->path.size() > b->path.size();
    return a->creation_time < b->creation_time;
  });
  std::string header;
  for (const Cookie* cookie : chosen) {
    if (!header.empty()) header += "; ";
    header.append(cookie->name).append("=").append(cookie->value);
  }
  return header;
}

void Cookies::set_cookie(Cookie cookie) {
  cookie.domain = lower_domain(cookie.domain);
  const auto now = Clock::now();
  if (cookie.creation_time == Clock::time_point{}) cookie.creation_time = now;
  store(std::move(cookie), now);
}

void Cookies::update(const Cookies& other) {
  if (&other == this) return;
  if (empty()) {
    cookies_ = other.cookies_;   // share until either side changes
    return;
  }
  // Cookies are merged as they are; expiry is judged when they are selected or next stored, so
  // a jar filled with an injected clock is not judged by the wall clock here.
  for (const auto& cookie : other) store(cookie, Clock::time_point::min());
}

}  // namespace httpxx
