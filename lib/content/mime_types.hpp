#pragma once

#include <string_view>

namespace httpxx::detail {

// The media type of a file by its name's extension (case-insensitive), from a table of common
// types; "application/octet-stream" when the extension is unknown or absent.
std::string_view guess_content_type(std::string_view filename) noexcept;

}  // namespace httpxx::detail
