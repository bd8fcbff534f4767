#pragma once
// Tokens (RFC 9110 section 5.6.2): what field names and methods are made of, and how to show one
// that is not in an error message.

#include <string>
#include <string_view>

namespace httpxx::detail {

// A tchar: a letter, a digit or one of !#$%&'*+-.^_`|~
bool is_tchar(char c) noexcept;
// A non-empty run of tchars.
bool is_token(std::string_view text) noexcept;
// text for an error message: printable ASCII as it is, anything else as \xNN, so that a message
// can never carry a line break into a log.
std::string printable(std::string_view text);

}  // namespace httpxx::detail
