#pragma once
// Errors of the HTTP/2 codec. Two categories: the codec's own rules (Errc), and nghttp2's
// library error codes (negative NGHTTP2_ERR_* values, described by nghttp2_strerror), which
// feed() and drain_output() return as they are. HTTP/2 error codes carried by RST_STREAM and
// GOAWAY (RFC 9113 section 7) are plain numbers in events; error_code_name() names them.

#include <cstdint>
#include <string_view>
#include <system_error>

namespace httpxx::detail::h2 {

enum class Errc {
  invalid_header_name = 1,  // not a token, or a pseudo-header among the fields (RFC 9113 8.2)
  invalid_header_value,     // CR, LF or NUL in a value (RFC 9113 section 8.2.1)
  missing_pseudo_header,    // an empty :method, :scheme, :authority or :path (RFC 9113 8.3.1)
  going_away,               // GOAWAY was sent or received: no new stream (RFC 9113 6.8)
  no_such_stream,           // the stream is not one of this session's open requests
  body_already_ended,       // request data after the end of the body, or a request without one
  header_list_too_large,    // a received field section above max_header_list_size
};

const std::error_category& error_category() noexcept;
std::error_code make_error_code(Errc e) noexcept;

// nghttp2's library errors: value is the (negative) NGHTTP2_ERR_* code.
const std::error_category& nghttp2_category() noexcept;
std::error_code make_nghttp2_error(int lib_error) noexcept;

// "NO_ERROR", "REFUSED_STREAM", ... for an HTTP/2 error code (RFC 9113 section 7).
std::string_view error_code_name(std::uint32_t code) noexcept;

}  // namespace httpxx::detail::h2

template <>
struct std::is_error_code_enum<httpxx::detail::h2::Errc> : std::true_type {};
