#include "models/url_canonical.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace httpxx::detail {
namespace {

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

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

// The end of the host starting at i, when §3.5 "host parser" returns it unchanged: labels of host
// characters, none empty and none "xn--" (those are checked as punycode). By §4.4 "ends in a
// number", a last label of digits (or "0x" and hex, left to the parser) makes the host an IPv4
// address, canonical only as four decimal parts of 0 to 255 without leading zeros. One pass, as
// every request with a URL string comes this way. npos when not canonical.
std::size_t canonical_host_end(std::string_view input, std::size_t i) noexcept {
  constexpr std::size_t not_canonical = std::string_view::npos;
  const std::size_t n = input.size();
  int labels = 0;
  bool ipv4_parts = true;   // every label so far a canonical IPv4 part
  for (;;) {
    const std::size_t label_start = i;
    bool digits = true;
    std::uint32_t value = 0;
    for (; i < n && input[i] != '.' && is(input[i], host_char); ++i) {
      if (is_digit(input[i])) {
        value = value * 10 + static_cast<std::uint32_t>(input[i] - '0');
      } else {
        digits = false;
      }
    }
    const std::string_view label = input.substr(label_start, i - label_start);
    if (label.empty() || label.starts_with("xn--")) return not_canonical;
    ++labels;
    if (!digits || label.size() > 3 || (label.size() > 1 && label[0] == '0') || value > 255) ipv4_parts = false;
    if (i < n && input[i] == '.') {
      ++i;
      continue;
    }
    if (digits) return ipv4_parts && labels == 4 ? i : not_canonical;
    return label.starts_with("0x") ? not_canonical : i;
  }
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
  i = canonical_host_end(input, i);
  if (i == std::string_view::npos) return std::nullopt;
  layout.host_end = static_cast<std::uint32_t>(i);

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
