#pragma once
// Errors of the HTTP/1.1 codec. Each one means the connection can no longer be trusted to
// frame the next message (RFC 9112 section 9.6 asks the client to close it); the transport
// turns them into RemoteProtocolError.

#include <system_error>

namespace httpxx::detail::h1 {

enum class Errc {
  invalid_status_line = 1,     // not "HTTP/1.x NNN reason" (RFC 9112 section 4)
  invalid_header,              // a field line that is not "token: value" (RFC 9112 section 5)
  header_too_large,            // status line + fields (or trailers) above ParserLimits
  too_many_headers,            // more fields (or trailer fields) than ParserLimits allows
  invalid_chunk,               // a malformed chunk size, extension or terminator (RFC 9112 7.1)
  conflicting_framing,         // Content-Length with Transfer-Encoding, or differing lengths
  invalid_content_length,      // Content-Length is not 1*DIGIT (RFC 9110 section 8.6)
  invalid_transfer_encoding,   // chunked is not the final coding (RFC 9112 section 6.3)
  body_truncated,              // EOF before the end of a Content-Length or chunked body
  unexpected_data,             // bytes when no response is awaited, or after "close"
  incomplete_head,             // EOF inside the status line or the fields
  no_response,                 // EOF before the first byte of the response
  protocol_error,              // any other violation the parser reports
};

const std::error_category& error_category() noexcept;
std::error_code make_error_code(Errc e) noexcept;

}  // namespace httpxx::detail::h1

template <>
struct std::is_error_code_enum<httpxx::detail::h1::Errc> : std::true_type {};
