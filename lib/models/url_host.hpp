#pragma once
// The host parser and serializer of the WHATWG URL Standard (§3.5, §3.6): domains (through
// IDNA), IPv4 in every form the standard accepts, IPv6, and the opaque hosts of non-special URLs.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace httpxx::detail {

// Parses `input` (the text between the authority's '@' and ':' or '/') and appends the
// serialized host to `out`. is_opaque is true for non-special schemes. Returns nullptr on success
// and otherwise the reason, e.g. "unclosed IPv6 address", for the InvalidURL message.
const char* parse_host(std::string_view input, bool is_opaque, std::string& out);

// §3.5 "IPv4 parser" on an ASCII domain. nullopt when it is not a valid IPv4 address.
std::optional<std::uint32_t> parse_ipv4(std::string_view input);

// §3.5 "ends in a number": whether the host must be parsed as IPv4.
bool ends_in_a_number(std::string_view input);

}  // namespace httpxx::detail
