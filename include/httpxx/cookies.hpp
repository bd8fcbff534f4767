#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace httpxx {

class Headers;
class URL;

// A cookie jar with the storage model of RFC 6265 section 5.3: domain (host-only or domain
// cookies), path, secure, http-only, expiry (Max-Age over Expires); cookies whose domain is a
// public suffix (libpsl) are refused. Set-Cookie parsing per section 5.2, and the selection of
// cookies for a request per section 5.4. Copies share their cookies until one of them changes,
// so copying a jar for each request costs no allocation.
class Cookies {
 public:
  using Clock = std::chrono::system_clock;

  struct Cookie {
    std::string name, value;
    std::string domain;          // without a leading dot
    std::string path = "/";
    std::optional<Clock::time_point> expires;   // nullopt: a session cookie
    bool secure = false;
    bool http_only = false;
    bool host_only = true;       // sent to exactly domain, not its subdomains
    Clock::time_point creation_time{};
  };
  using const_iterator = std::vector<Cookie>::const_iterator;

  Cookies() = default;

  void set(std::string name, std::string value, std::string domain = "", std::string path = "/");
  // The value of the cookie called name, narrowed by domain and path when given; CookieConflict
  // when more than one cookie matches.
  std::optional<std::string> get(std::string_view name, std::string_view domain = "",
                                 std::string_view path = "") const;
  void remove(std::string_view name, std::string_view domain = "", std::string_view path = "");
  void clear() noexcept;
  std::size_t size() const noexcept { return items().size(); }
  bool empty() const noexcept { return items().empty(); }

  // Stores every Set-Cookie of a response to a request for request_url (section 5.2, 5.3).
  void extract_cookies(const Headers& response_headers, const URL& request_url,
                       Clock::time_point now = Clock::now());
  // Stores one Set-Cookie header value; false when the cookie was refused.
  bool set_cookie_header(std::string_view set_cookie, const URL& request_url,
                         Clock::time_point now = Clock::now());
  // The Cookie header value for a request to url (section 5.4); "" when nothing is to be sent.
  std::string cookie_header(const URL& url, Clock::time_point now = Clock::now()) const;
  // Adds or replaces a cookie as the storage model does (same name, domain and path replace).
  void set_cookie(Cookie cookie);
  // Every cookie of other stored into this jar.
  void update(const Cookies& other);

  const_iterator begin() const noexcept { return items().begin(); }
  const_iterator end() const noexcept { return items().end(); }

 private:
  const std::vector<Cookie>& items() const noexcept { return cookies_ ? *cookies_ : no_cookies(); }
  static const std::vector<Cookie>& no_cookies() noexcept;
  // The cookies, copied first when another jar shares them.
  std::vector<Cookie>& writable();
  // The storage model of section 5.3 steps 11 and 12, for cookie received or set at now.
  void store(Cookie cookie, Clock::time_point now);
  void remove_expired(Clock::time_point now);

  std::shared_ptr<std::vector<Cookie>> cookies_;   // nullptr while empty
};

}  // namespace httpxx
