#pragma once
// Recognizes an http or https URL written exactly as the URL serializer writes it (§4.5), the
// form almost every request URL is in. Parsing such an input gives back the input itself, so its
// components are found by one scan instead of the parser's state machine, host parser and IDNA.
// Anything else, including every form the parser would rewrite, is left to the parser.

#include <cstdint>
#include <optional>
#include <string_view>

namespace httpxx::detail {

// Where each component of a canonical URL sits in it (as in URL's own layout); npos for a query
// or fragment that is absent. There are no credentials.
struct CanonicalLayout {
  static constexpr std::uint32_t npos = 0xffffffffu;
  std::uint32_t scheme_end = 0;    // index of ':'
  std::uint32_t host_start = 0, host_end = 0;
  std::optional<std::uint16_t> port;   // absent, or not the scheme's default
  std::uint32_t path_start = 0;
  std::uint32_t query_start = npos;    // index of '?'
  std::uint32_t fragment_start = npos; // index of '#'
};

// The layout of input when it is a canonical http(s) URL: a lower-case scheme, no credentials,
// a lower-case ASCII domain (no "xn--" label, no number as its last label) or a dotted-decimal
// IPv4 address, a port without leading zeros that is not the default, a path without dot
// segments, and path, query and fragment in characters the parser copies unchanged.
std::optional<CanonicalLayout> match_canonical_url(std::string_view input) noexcept;

}  // namespace httpxx::detail
