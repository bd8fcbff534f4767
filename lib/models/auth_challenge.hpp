#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace httpxx::detail {

// One challenge of a WWW-Authenticate or Proxy-Authenticate field (RFC 9110 section 11.6.1):
// an auth-scheme followed by a token68 or by auth-params.
struct AuthChallenge {
  std::string scheme;
  std::string token68;
  std::vector<std::pair<std::string, std::string>> params;   // names as sent, values unquoted

  // The value of the parameter called name (case-insensitive), or nullptr.
  const std::string* param(std::string_view name) const noexcept;
};

// Every challenge of one field value, in order: a field may carry several schemes
// ("Basic realm=\"a\", Digest realm=\"b\", nonce=\"n\""). Quoted strings may contain commas and
// quoted-pairs. Malformed input never throws: what cannot be parsed is skipped.
std::vector<AuthChallenge> parse_auth_challenges(std::string_view field_value);

}  // namespace httpxx::detail
