#include "client/url_pattern.hpp"

#include <charconv>
#include <stdexcept>
#include <tuple>

namespace httpxx::detail {

UrlPattern::UrlPattern(std::string_view pattern) : pattern_(pattern) {
  const auto separator = pattern.find("://");
  if (separator == std::string_view::npos) {
    throw std::invalid_argument("invalid mount pattern '" + pattern_ + "': expected 'scheme://[host[:port]]'");
  }
  scheme_ = pattern.substr(0, separator);
  if (scheme_ == "all") scheme_.clear();
  std::string_view rest = pattern.substr(separator + 3);
  // The port is after the last ':' outside brackets ("[::1]:8080").
  if (auto colon = rest.rfind(':'); colon != std::string_view::npos && rest.find(']', colon) == std::string_view::npos) {
    auto digits = rest.substr(colon + 1);
    std::uint16_t port = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (ec != std::errc() || end != digits.data() + digits.size()) {
      throw std::invalid_argument("invalid port in mount pattern '" + pattern_ + "'");
    }
    port_ = port;
    rest = rest.substr(0, colon);
  }
  if (rest.starts_with("*.")) {
    subdomains_only_ = true;
    rest.remove_prefix(2);
  } else if (rest.starts_with('*')) {
    with_subdomains_ = true;
    rest.remove_prefix(1);
  }
  host_ = rest;
  for (auto& c : host_) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
}

bool UrlPattern::matches(const URL& url) const {
  if (!scheme_.empty() && url.scheme() != scheme_) return false;
  if (port_ && url.effective_port() != *port_) return false;
  if (host_.empty()) return true;
  const auto host = url.host();
  const bool subdomain = host.size() > host_.size() + 1 && host.ends_with(host_) &&
                         host[host.size() - host_.size() - 1] == '.';
  if (subdomains_only_) return subdomain;
  if (with_subdomains_) return subdomain || host == host_;
  return host == host_;
}

bool operator<(const UrlPattern& a, const UrlPattern& b) noexcept {
  // httpx: (port unspecified, -len(host), -len(scheme)) ascending, where httpx's host keeps its
  // wildcard: "all://*example.com" comes before "https://example.com", which it also matches.
  const auto key = [](const UrlPattern& p) {
    const std::size_t wildcard = p.subdomains_only_ ? 2 : p.with_subdomains_ ? 1 : 0;
    return std::make_tuple(!p.port_, -static_cast<long>(p.host_.size() + wildcard),
                           -static_cast<long>(p.scheme_.size()));
  };
  return key(a) < key(b);
}

}  // namespace httpxx::detail
