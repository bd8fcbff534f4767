#include "httpxx/url.hpp"

#include <string>

#include "httpxx/errors.hpp"
#include "models/spare_storage.hpp"
#include "models/url_canonical.hpp"
#include "models/url_parser.hpp"

namespace httpxx {

// Converts between the parser's record and URL's single serialized string (§4.5 "URL
// serializer"), recording where each component lands so the accessors are substrings.
struct UrlBuilder {
  static URL build(const detail::UrlRecord& record) {
    URL url;
    std::string& href = url.href_;
    href = detail::spare_storage::string_with_room(
        record.scheme.size() + record.username.size() + record.password.size() + record.host.size() +
        record.path.size() + record.query.size() + record.fragment.size() + 16);
    const auto here = [&href] { return static_cast<std::uint32_t>(href.size()); };
    href.append(record.scheme);
    url.scheme_end_ = here();
    href.push_back(':');
    if (record.has_host) {
      href.append("//");
      url.username_start_ = here();
      href.append(record.username);
      url.username_end_ = url.password_start_ = url.password_end_ = here();
      if (!record.password.empty()) {
        href.push_back(':');
        url.password_start_ = here();
        href.append(record.password);
        url.password_end_ = here();
      }
      if (!record.username.empty() || !record.password.empty()) href.push_back('@');
      url.host_start_ = here();
      href.append(record.host);
      url.host_end_ = here();
      if (record.port) {
        href.push_back(':');
        href.append(std::to_string(*record.port));
      }
    } else {
      url.username_start_ = url.username_end_ = url.password_start_ = url.password_end_ = here();
      url.host_start_ = url.host_end_ = here();
      // §4.5 step 3: "/." keeps a path that starts with an empty segment from reading as a host.
      if (!record.opaque_path && record.path.starts_with("//")) href.append("/.");
    }
    url.port_ = record.port;
    url.path_start_ = here();
    href.append(record.path);
    if (record.has_query) {
      url.query_start_ = here();
      href.push_back('?');
      href.append(record.query);
    }
    if (record.has_fragment) {
      url.fragment_start_ = here();
      href.push_back('#');
      href.append(record.fragment);
    }
    if (href.size() >= URL::npos) throw InvalidURL("Invalid URL: longer than 4 GiB");
    return url;
  }

  // An input already in canonical form is its own serialization.
  static URL adopt(std::string_view input, const detail::CanonicalLayout& layout) {
    static_assert(detail::CanonicalLayout::npos == URL::npos);
    URL url;
    url.href_ = detail::spare_storage::copy_of(input);
    url.scheme_end_ = layout.scheme_end;
    url.username_start_ = url.username_end_ = url.password_start_ = url.password_end_ = layout.host_start;
    url.host_start_ = layout.host_start;
    url.host_end_ = layout.host_end;
    url.port_ = layout.port;
    url.path_start_ = layout.path_start;
    url.query_start_ = layout.query_start;
    url.fragment_start_ = layout.fragment_start;
    return url;
  }

  static detail::UrlRecord record(const URL& url) {
    detail::UrlRecord record;
    record.scheme = url.scheme();
    record.username = url.username();
    record.password = url.password();
    record.has_host = url.has_host();
    record.host = url.host();
    record.port = url.port_;
    record.path = url.path();
    record.opaque_path = !record.has_host && !record.path.starts_with('/');
    record.has_query = url.has_query();
    record.query = url.query();
    record.has_fragment = url.has_fragment();
    record.fragment = url.fragment();
    return record;
  }
};

namespace {

// Credentials never appear in error messages: the password part of an input that looks like
// "scheme://user:password@host" is masked as httpx masks it in URL reprs.
std::string describe(std::string_view input) {
  std::string shown(input);
  const auto authority_start = shown.find("://");
  if (authority_start == std::string::npos) return shown;
  const auto start = authority_start + 3;
  const auto end = shown.find_first_of("/?#\\", start);
  const auto at = shown.rfind('@', end == std::string::npos ? std::string::npos : end);
  if (at == std::string::npos || at < start) return shown;
  const auto colon = shown.find(':', start);
  if (colon == std::string::npos || colon > at) return shown;
  shown.replace(colon + 1, at - colon - 1, "[secure]");
  return shown;
}

URL parse_or_throw(std::string_view input, const detail::UrlRecord* base) {
  // An absolute URL needs no base, so the canonical form holds with one too.
  if (const auto layout = detail::match_canonical_url(input)) return UrlBuilder::adopt(input, *layout);
  detail::UrlRecord record;
  if (const char* reason = detail::parse_url(input, base, record))
    throw InvalidURL("Invalid URL '" + describe(input) + "': " + reason);
  return UrlBuilder::build(record);
}

}  // namespace

URL::URL(std::string_view input) : URL(parse_or_throw(input, nullptr)) {}

URL::~URL() { detail::spare_storage::give_back(href_); }

URL URL::join(std::string_view input) const {
  const detail::UrlRecord base = UrlBuilder::record(*this);
  return parse_or_throw(input, &base);
}

std::string_view URL::scheme() const noexcept { return std::string_view(href_).substr(0, scheme_end_); }

std::string_view URL::username() const noexcept {
  return std::string_view(href_).substr(username_start_, username_end_ - username_start_);
}

std::string_view URL::password() const noexcept {
  return std::string_view(href_).substr(password_start_, password_end_ - password_start_);
}

std::string_view URL::host() const noexcept {
  return std::string_view(href_).substr(host_start_, host_end_ - host_start_);
}

bool URL::has_host() const noexcept { return std::string_view(href_).substr(scheme_end_ + 1, 2) == "//"; }

std::optional<std::uint16_t> URL::port() const noexcept { return port_; }

std::string_view URL::netloc() const noexcept {
  // The serializer writes ":" and the port's decimal digits right after the host.
  std::size_t end = host_end_;
  if (port_) {
    end += 2;   // ':' and the first digit
    for (unsigned rest = *port_ / 10; rest != 0; rest /= 10) ++end;
  }
  return std::string_view(href_).substr(host_start_, end - host_start_);
}

std::uint16_t URL::effective_port() const noexcept {
  return port_ ? *port_ : detail::default_port(scheme());
}

std::string_view URL::path() const noexcept {
  const std::uint32_t end = query_start_ != npos      ? query_start_
                            : fragment_start_ != npos ? fragment_start_
                                                      : static_cast<std::uint32_t>(href_.size());
  return std::string_view(href_).substr(path_start_, end - path_start_);
}

std::string_view URL::query() const noexcept {
  if (query_start_ == npos) return {};
  const std::uint32_t end = fragment_start_ != npos ? fragment_start_ : static_cast<std::uint32_t>(href_.size());
  return std::string_view(href_).substr(query_start_ + 1, end - query_start_ - 1);
}

std::string_view URL::fragment() const noexcept {
  if (fragment_start_ == npos) return {};
  return std::string_view(href_).substr(fragment_start_ + 1);
}

std::string URL::target() const {
  const std::string_view p = path();
  const std::string_view q = query();
  std::string out;
  out.reserve(p.size() + q.size() + 2);
  // RFC 9112 §3.2.1: an origin-form target with an empty path is "/".
  if (p.empty()) out.push_back('/');
  else out.append(p);
  if (has_query()) {
    out.push_back('?');
    out.append(q);
  }
  return out;
}

bool URL::is_special() const noexcept { return detail::is_special_scheme(scheme()); }

bool URL::is_secure() const noexcept {
  const std::string_view s = scheme();
  return s == "https" || s == "wss";
}

std::string_view URL::host_for_connect() const noexcept {
  const std::string_view h = host();
  if (h.size() >= 2 && h.front() == '[') return h.substr(1, h.size() - 2);
  return h;
}

std::string_view URL::target_view() const noexcept {
  const std::size_t end = has_fragment() ? fragment_start_ : href_.size();
  if (end == path_start_) return "/";   // RFC 9112 3.2.1, as in target()
  return std::string_view(href_).substr(path_start_, end - path_start_);
}

std::string_view URL::origin(std::string& storage) const {
  // The serialization is scheme "://" [userinfo "@"] host [":" port] path...: without user info
  // its prefix up to the path is exactly the origin.
  if (username_start_ == username_end_ && password_start_ == password_end_ && host_start_ == scheme_end_ + 3) {
    return std::string_view(href_).substr(0, path_start_);
  }
  storage = origin();
  return storage;
}

std::string URL::origin() const {
  std::string out;
  out.reserve(scheme_end_ + 3 + (host_end_ - host_start_) + 6);
  out.append(scheme());
  out.append("://");
  out.append(host());
  if (port_) {
    out.push_back(':');
    out.append(std::to_string(*port_));
  }
  return out;
}

QueryParams URL::params() const { return QueryParams(query()); }

URL URL::copy_with_params(const QueryParams& params) const {
  detail::UrlRecord record = UrlBuilder::record(*this);
  // httpx drops the '?' altogether for no parameters. to_string() only writes unreserved
  // characters, '%XX', '=' and '&', none of which the query percent-encode set touches.
  record.has_query = !params.empty();
  record.query = params.to_string();
  return UrlBuilder::build(record);
}

URL URL::copy_set_param(std::string_view key, std::string_view value) const {
  QueryParams p = params();
  p.set(std::string(key), std::string(value));
  return copy_with_params(p);
}

URL URL::copy_add_param(std::string_view key, std::string_view value) const {
  QueryParams p = params();
  p.add(std::string(key), std::string(value));
  return copy_with_params(p);
}

URL URL::copy_remove_param(std::string_view key) const {
  QueryParams p = params();
  p.remove(key);
  return copy_with_params(p);
}

URL URL::copy_without_fragment() const {
  URL url = *this;
  if (fragment_start_ != npos) {
    url.href_.resize(fragment_start_);
    url.fragment_start_ = npos;
  }
  return url;
}

URL URL::copy_without_userinfo() const {
  detail::UrlRecord record = UrlBuilder::record(*this);
  record.username.clear();
  record.password.clear();
  return UrlBuilder::build(record);
}

}  // namespace httpxx
