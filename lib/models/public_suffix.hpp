#pragma once

#include <string_view>

namespace httpxx::detail {

// Whether domain (lower case, ASCII) is a public suffix such as "com", "co.uk" or "github.io"
// by the Public Suffix List, through libpsl: the newest list installed on the system, else the
// one built into libpsl. RFC 6265 section 5.3 step 5 refuses cookies for such domains.
bool is_public_suffix(std::string_view domain);

}  // namespace httpxx::detail
