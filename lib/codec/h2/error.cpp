#include "codec/h2/error.hpp"

#include <string>

#include <nghttp2/nghttp2.h>

namespace httpxx::detail::h2 {
namespace {

class Category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "httpxx.h2"; }

  std::string message(int value) const override {
    switch (static_cast<Errc>(value)) {
      case Errc::invalid_header_name: return "invalid HTTP/2 header field name";
      case Errc::invalid_header_value: return "invalid character (CR, LF or NUL) in a header value";
      case Errc::missing_pseudo_header: return "request lacks a required pseudo-header value";
      case Errc::going_away: return "HTTP/2 connection is going away: no new streams";
      case Errc::no_such_stream: return "no such HTTP/2 stream in this session";
      case Errc::body_already_ended: return "request body already ended";
      case Errc::header_list_too_large: return "received header list exceeds the size limit";
    }
    return "unknown HTTP/2 codec error";
  }
};

class Nghttp2Category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "nghttp2"; }
  std::string message(int value) const override { return nghttp2_strerror(value); }
};

}  // namespace

const std::error_category& error_category() noexcept {
  static const Category category;
  return category;
}

std::error_code make_error_code(Errc e) noexcept { return {static_cast<int>(e), error_category()}; }

const std::error_category& nghttp2_category() noexcept {
  static const Nghttp2Category category;
  return category;
}

std::error_code make_nghttp2_error(int lib_error) noexcept { return {lib_error, nghttp2_category()}; }

std::string_view error_code_name(std::uint32_t code) noexcept {
  switch (code) {
    case NGHTTP2_NO_ERROR: return "NO_ERROR";
    case NGHTTP2_PROTOCOL_ERROR: return "PROTOCOL_ERROR";
    case NGHTTP2_INTERNAL_ERROR: return "INTERNAL_ERROR";
    case NGHTTP2_FLOW_CONTROL_ERROR: return "FLOW_CONTROL_ERROR";
    case NGHTTP2_SETTINGS_TIMEOUT: return "SETTINGS_TIMEOUT";
    case NGHTTP2_STREAM_CLOSED: return "STREAM_CLOSED";
    case NGHTTP2_FRAME_SIZE_ERROR: return "FRAME_SIZE_ERROR";
    case NGHTTP2_REFUSED_STREAM: return "REFUSED_STREAM";
    case NGHTTP2_CANCEL: return "CANCEL";
    case NGHTTP2_COMPRESSION_ERROR: return "COMPRESSION_ERROR";
    case NGHTTP2_CONNECT_ERROR: return "CONNECT_ERROR";
    case NGHTTP2_ENHANCE_YOUR_CALM: return "ENHANCE_YOUR_CALM";
    case NGHTTP2_INADEQUATE_SECURITY: return "INADEQUATE_SECURITY";
    case NGHTTP2_HTTP_1_1_REQUIRED: return "HTTP_1_1_REQUIRED";
    default: return "UNKNOWN_ERROR";
  }
}

}  // namespace httpxx::detail::h2
