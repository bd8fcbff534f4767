#include "codec/h2/request_fields.hpp"

#include <array>

#include "codec/h2/error.hpp"
#include "models/field_value.hpp"
#include "models/token.hpp"

namespace httpxx::detail::h2 {
namespace {

std::string_view trim(std::string_view v) noexcept {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

// RFC 9113 section 8.2.2: fields that only make sense for one HTTP/1.1 connection. A request
// carrying them is malformed, so they are dropped rather than sent.
bool is_connection_specific(std::string_view lower_name) noexcept {
  constexpr std::array<std::string_view, 5> names = {"connection", "keep-alive",
                                                     "proxy-connection", "transfer-encoding",
                                                     "upgrade"};
  for (std::string_view n : names) {
    if (lower_name == n) return true;
  }
  return false;
}

nghttp2_nv make_nv(std::string_view name, std::string_view value, std::uint8_t flags) noexcept {
  // nghttp2 never writes through these pointers; its struct is not const-qualified.
  return nghttp2_nv{reinterpret_cast<std::uint8_t*>(const_cast<char*>(name.data())),
                    reinterpret_cast<std::uint8_t*>(const_cast<char*>(value.data())),
                    name.size(), value.size(), flags};
}

}  // namespace

std::error_code RequestFields::build_request(const RequestTarget& target, const Headers& headers) {
  nva_.clear();
  nva_.reserve(headers.size() + 4);
  std::string_view host;
  const bool connect = target.method == "CONNECT";
  // Pseudo-header fields precede the regular ones (RFC 9113 section 8.3); their values are
  // added once the Host field is known.
  nva_.push_back(make_nv(":method", target.method, NGHTTP2_NV_FLAG_NO_COPY_NAME));
  if (!connect) {
    nva_.push_back(make_nv(":scheme", target.scheme, NGHTTP2_NV_FLAG_NO_COPY_NAME));
  }
  nva_.push_back(make_nv(":authority", target.authority, NGHTTP2_NV_FLAG_NO_COPY_NAME));
  if (!connect) nva_.push_back(make_nv(":path", target.path, NGHTTP2_NV_FLAG_NO_COPY_NAME));
  const std::size_t authority_index = connect ? 1 : 2;

  if (auto ec = add_fields(headers, &host)) return ec;
  if (target.authority.empty()) {
    nva_[authority_index] = make_nv(":authority", host, NGHTTP2_NV_FLAG_NO_COPY_NAME);
  }
  // RFC 9113 section 8.5: CONNECT has only :method and :authority.
  for (std::size_t i = 0; i < (connect ? 2u : 4u); ++i) {
    const std::string_view value(reinterpret_cast<const char*>(nva_[i].value), nva_[i].valuelen);
    if (value.empty()) return Errc::missing_pseudo_header;
    if (has_forbidden_field_byte(value)) return Errc::invalid_header_value;
  }
  return {};
}

std::error_code RequestFields::build_trailers(const Headers& trailers) {
  nva_.clear();
  nva_.reserve(trailers.size());
  return add_fields(trailers, nullptr);
}

std::error_code RequestFields::add_fields(const Headers& headers, std::string_view* host) {
  std::size_t total = 0;
  for (const auto& field : headers) total += field.first.size();
  names_.resize(total);   // sized once: entries point into names_
  char* next = names_.data();

  for (const auto& [name, raw_value] : headers) {
    if (name.empty()) return Errc::invalid_header_name;
    const std::string_view lower(next, name.size());
    for (char c : name) {
      // A ':' is not a tchar, so pseudo-header fields cannot be smuggled in as fields.
      if (!is_tchar(c)) return Errc::invalid_header_name;
      *next++ = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    }
    // RFC 9113 section 8.2.1: a value may not contain CR, LF or NUL, nor start or end with
    // whitespace (which HTTP/1.1 parsing would have stripped as OWS).
    if (has_forbidden_field_byte(raw_value)) return Errc::invalid_header_value;
    const std::string_view value = trim(raw_value);
    if (is_connection_specific(lower)) continue;
    if (lower == "host") {
      // Carried by :authority (RFC 9113 section 8.3.1); a second copy could disagree.
      if (host != nullptr && host->empty()) *host = value;
      continue;
    }
    // RFC 9113 section 8.2.2: TE is allowed with the value "trailers" only.
    if (lower == "te" && !iequals(value, "trailers")) continue;
    nva_.push_back(make_nv(lower, value, NGHTTP2_NV_FLAG_NONE));
  }
  return {};
}

}  // namespace httpxx::detail::h2
