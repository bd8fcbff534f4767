#include "models/url_canonical.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace httpxx::detail {
namespace {

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

bool is_digits(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (const char c : s)
    if (!is_digit(c)) return false;
  return true;
}

// Which characters each component may hold to be copied by the parser unchanged. A host: lower-
// case ASCII letters, digits, '-' and '.' (UTS #46 maps them to themselves). A path: those no
// percent-encode set of §1.3 contains and that mean nothing more to the parser there,
// unreserved, sub-delims, ':', '@' and '/' ('%' is left out: "%2e" is a dot). A special URL's
// query: the same without '\'' (the special-query percent-encode set has it), plus '?' and '%'.
// A fragment: the path's, plus '?', '%' and '#'.
enum CharClass : std::uint8_t { host_char = 1, path_char = 2, query_char = 4, fragment_char = 8 };

constexpr std::array<std::uint8_t, 256> char_classes = [] {
  std::array<std::uint8_t, 256> table{};
  const auto add = [&table](std::string_view chars, std::uint8_t classes) {
    for (const char c : chars) table[static_cast<unsigned char>(c)] |= classes;
  };
  constexpr std::uint8_t everywhere = path_char | query_char | fragment_char;
  add("abcdefghijklmnopqrstuvwxyz0123456789-.", host_char);
  add("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", everywhere);
  add("-._~!$&()*+,;=:@/", everywhere);
  add("'", path_char | fragment_char);
  add("?%", query_char | fragment_char);
  add("#", fragment_char);
  return table;
}();

bool is(char c, CharClass char_class) noexcept {
  return (char_classes[static_cast<unsigned char>(c)] & char_class) != 0;
}

// §4.4 "ends in a number": the last label all digits (or "0x" and hex, left to the parser) makes
// the host an IPv4 address, canonical only as four decimal parts of 0 to 255 without leading
// zeros.
bool is_canonical_ipv4(std::string_view host) noexcept {
  int parts = 0;
  while (true) {
    const auto dot = host.find('.');
    const auto part = host.substr(0, dot);
    if (!is_digits(part) || part.size() > 3 || (part.size() > 1 && part[0] == '0')) return false;
    int value = 0;
    for (const char c : part) value = value * 10 + (c - '0');
    if (value > 255) return false;
    ++parts;
    if (dot == std::string_view::npos) break;
    host.remove_prefix(dot + 1);
  }
  return parts == 4;
}

// A host of host characters that §3.5 "host parser" returns unchanged: no empty label and no
// "xn--" label (those are checked as punycode), or else IPv4.
bool is_canonical_host(std::string_view host) noexcept {
  if (host.empty()) return false;
  std::string_view last;
  std::string_view rest = host;
  while (true) {
    const auto dot = rest.find('.');
    last = rest.substr(0, dot);
    if (last.empty() || last.starts_with("xn--")) return false;
    if (dot == std::string_view::npos) break;
    rest.remove_prefix(dot + 1);
  }
  if (is_digits(last)) return is_canonical_ipv4(host);
  return !last.starts_with("0x");
}

bool is_dot_segment(std::string_view segment) noexcept { return segment == "." || segment == ".."; }

}  // namespace

std::optional<CanonicalLayout> match_canonical_url(std::string_view input) noexcept {
  if (input.size() >= CanonicalLayout::npos) return std::nullopt;
  CanonicalLayout layout;
  std::uint16_t default_port = 0;
  std::size_t i = 0;
  if (input.starts_with("http://")) {
    layout.scheme_end = 4;
    default_port = 80;
  } else if (input.starts_with("https://")) {
    layout.scheme_end = 5;
    default_port = 443;
  } else {
    return std::nullopt;
  }
  const std::size_t n = input.size();
  i = layout.scheme_end + 3;
  layout.host_start = static_cast<std::uint32_t>(i);
  while (i < n && is(input[i], host_char)) ++i;
  layout.host_end = static_cast<std::uint32_t>(i);
  if (!is_canonical_host(input.substr(layout.host_start, i - layout.host_start))) return std::nullopt;

  if (i < n && input[i] == ':') {
    // The serializer writes the port in decimal without leading zeros, and never the default.
    const std::size_t start = ++i;
    std::uint32_t port = 0;
    while (i < n && is_digit(input[i]) && i - start < 5) port = port * 10 + static_cast<std::uint32_t>(input[i++] - '0');
    if (i == start || input[start] == '0' || port > 65535 || port == default_port) return std::nullopt;
    layout.port = static_cast<std::uint16_t>(port);
  }
  // A special URL always has a path, serialized from '/'.
  if (i >= n || input[i] != '/') return std::nullopt;
  layout.path_start = static_cast<std::uint32_t>(i);
  std::size_t segment_start = ++i;
  for (; i < n && is(input[i], path_char); ++i) {
    if (input[i] != '/') continue;
    if (is_dot_segment(input.substr(segment_start, i - segment_start))) return std::nullopt;
    segment_start = i + 1;
  }
  if (is_dot_segment(input.substr(segment_start, i - segment_start))) return std::nullopt;
  if (i < n && input[i] != '?' && input[i] != '#') return std::nullopt;

  if (i < n && input[i] == '?') {
    layout.query_start = static_cast<std::uint32_t>(i);
    for (++i; i < n && input[i] != '#'; ++i)
      if (!is(input[i], query_char)) return std::nullopt;
  }
  if (i < n && input[i] == '#') {
    layout.fragment_start = static_cast<std::uint32_t>(i);
    for (++i; i < n; ++i)
      if (!is(input[i], fragment_char)) return std::nullopt;
  }
  return layout;
}

}  // namespace httpxx::detail
