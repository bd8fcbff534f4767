#pragma once

#include <string_view>

namespace httpxx::detail {

// The reason phrase of a status code as the IANA HTTP Status Code Registry (and httpx's
// codes) name it, e.g. 404 "Not Found", 418 "I'm a teapot"; "" for a code it does not list.
std::string_view reason_phrase(int status_code) noexcept;

}  // namespace httpxx::detail
