#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace httpxx::detail {

// The Expires attribute's date by the algorithm of RFC 6265 section 5.1.1, which accepts the
// many date formats servers really send; nullopt when it fails to parse. Dates beyond what
// system_clock can represent saturate to its minimum or maximum.
std::optional<std::chrono::system_clock::time_point> parse_cookie_date(std::string_view input);

// now + seconds, saturating at system_clock's range instead of overflowing (Max-Age may be huge).
std::chrono::system_clock::time_point add_seconds_saturating(std::chrono::system_clock::time_point now,
                                                             long long seconds) noexcept;

}  // namespace httpxx::detail
