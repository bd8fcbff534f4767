#pragma once
// Tokens (RFC 9110 section 5.6.2): what field names and methods are made of, and how to show one
// that is not in an error message.

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace httpxx::detail {

namespace token_table {
constexpr std::array<bool, 256> make() {
  std::array<bool, 256> table{};
  for (int c = '0'; c <= '9'; ++c) table[static_cast<std::size_t>(c)] = true;
  for (int c = 'a'; c <= 'z'; ++c) table[static_cast<std::size_t>(c)] = true;
  for (int c = 'A'; c <= 'Z'; ++c) table[static_cast<std::size_t>(c)] = true;
  for (char c : std::string_view("!#$%&'*+-.^_`|~")) table[static_cast<unsigned char>(c)] = true;
  return table;
}
inline constexpr std::array<bool, 256> tchar = make();
}  // namespace token_table

// A tchar: a letter, a digit or one of !#$%&'*+-.^_`|~. Inline: field names are checked a
// character at a time on every request.
inline bool is_tchar(char c) noexcept { return token_table::tchar[static_cast<unsigned char>(c)]; }
// A non-empty run of tchars.
bool is_token(std::string_view text) noexcept;
// text for an error message: printable ASCII as it is, anything else as \xNN, so that a message
// can never carry a line break into a log.
std::string printable(std::string_view text);

}  // namespace httpxx::detail
