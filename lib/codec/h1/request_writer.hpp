#pragma once
// Serialisation of HTTP/1.1 requests (RFC 9112 sections 3, 5 and 7.1) into a caller-owned
// buffer, so that a head and the first body bytes leave in one write. The fields were
// validated when they entered Headers (no CR, LF or NUL can reach the wire).

#include <string>
#include <string_view>

#include "httpxx/headers.hpp"

namespace httpxx::detail::h1 {

// Appends "METHOD target HTTP/1.1\r\n", each field as "Name: value\r\n" in order, then "\r\n".
void write_request_head(std::string& out, std::string_view method, std::string_view target,
                        const Headers& headers);

// Appends one chunk of the chunked transfer coding: "<hex size>\r\n" data "\r\n". An empty
// data appends nothing, because a zero-size chunk would end the body (RFC 9112 section 7.1).
void write_chunk(std::string& out, std::string_view data);

// Appends the last chunk and an empty trailer section: "0\r\n\r\n".
void write_last_chunk(std::string& out);

// Appends the last chunk followed by trailer fields (RFC 9112 section 7.1.2).
void write_last_chunk(std::string& out, const Headers& trailers);

}  // namespace httpxx::detail::h1
