#include "codec/h1/error.hpp"

#include <string>

namespace httpxx::detail::h1 {
namespace {

class Category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "httpxx.h1"; }

  std::string message(int value) const override {
    switch (static_cast<Errc>(value)) {
      case Errc::invalid_status_line: return "invalid HTTP/1.1 status line";
      case Errc::invalid_header: return "invalid header field in the response";
      case Errc::header_too_large: return "response head exceeds the size limit";
      case Errc::too_many_headers: return "response has more header fields than allowed";
      case Errc::invalid_chunk: return "invalid chunk in a chunked response body";
      case Errc::conflicting_framing:
        return "conflicting message framing (Content-Length with Transfer-Encoding, or "
               "differing Content-Length values)";
      case Errc::invalid_content_length: return "invalid Content-Length value";
      case Errc::invalid_transfer_encoding:
        return "invalid Transfer-Encoding (chunked must be the final coding)";
      case Errc::body_truncated:
        return "connection closed before the end of the response body";
      case Errc::unexpected_data: return "unexpected data received on the connection";
      case Errc::incomplete_head:
        return "connection closed in the middle of the response head";
      case Errc::no_response: return "server disconnected without sending a response";
      case Errc::protocol_error: return "HTTP/1.1 protocol error in the response";
    }
    return "unknown HTTP/1.1 codec error";
  }
};

}  // namespace

const std::error_category& error_category() noexcept {
  static const Category category;
  return category;
}

std::error_code make_error_code(Errc e) noexcept {
  return {static_cast<int>(e), error_category()};
}

}  // namespace httpxx::detail::h1
