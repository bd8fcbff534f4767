#pragma once
// The field list of an HTTP/2 request or trailer section, as nghttp2 takes it, built from
// httpxx::Headers under RFC 9113 section 8.2: names lower-cased and checked to be tokens,
// values free of CR, LF and NUL and of surrounding whitespace, connection-specific fields
// dropped, and the pseudo-header fields first (section 8.3).

#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <nghttp2/nghttp2.h>

#include "httpxx/headers.hpp"

namespace httpxx::detail::h2 {

struct RequestTarget {
  std::string_view method;
  std::string_view scheme;
  std::string_view authority;  // empty: taken from a Host field, as RFC 9113 8.3.1 asks
  std::string_view path;
};

class RequestFields {
 public:
  // Builds the request's list. The entries point into this object, into target and into
  // headers: nghttp2 copies them when the request is submitted, except the pseudo-header
  // names, which are literals (NGHTTP2_NV_FLAG_NO_COPY_NAME).
  std::error_code build_request(const RequestTarget& target, const Headers& headers);
  // Builds a trailer section: no pseudo-header fields (RFC 9113 section 8.1).
  std::error_code build_trailers(const Headers& trailers);

  const std::vector<nghttp2_nv>& entries() const noexcept { return nva_; }

 private:
  std::error_code add_fields(const Headers& headers, std::string_view* host);

  std::string names_;  // lower-cased names; sized up front so that pointers stay valid
  std::vector<nghttp2_nv> nva_;
};

}  // namespace httpxx::detail::h2
