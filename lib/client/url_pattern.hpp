#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "httpxx/url.hpp"

namespace httpxx::detail {

// A mount pattern as httpx's URLPattern: "all://" or "<scheme>://", then optionally a host
// ("example.com"; "*.example.com" = its subdomains only; "*example.com" = it and its
// subdomains) and a port. The most specific pattern wins: a port, then a longer host, then a
// scheme (httpx sorts mounts the same way).
class UrlPattern {
 public:
  explicit UrlPattern(std::string_view pattern);   // std::invalid_argument when malformed
  bool matches(const URL& url) const;
  // Orders more specific patterns first.
  friend bool operator<(const UrlPattern& a, const UrlPattern& b) noexcept;
  const std::string& pattern() const noexcept { return pattern_; }

 private:
  std::string pattern_;
  std::string scheme_;            // "" = all
  std::string host_;              // without the wildcard; "" = any
  bool subdomains_only_ = false;  // "*.example.com"
  bool with_subdomains_ = false;  // "*example.com"
  std::optional<std::uint16_t> port_;
};

}  // namespace httpxx::detail
