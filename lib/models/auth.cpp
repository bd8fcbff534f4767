#include "httpxx/auth.hpp"

#include "httpxx/request.hpp"
#include "httpxx/response.hpp"
#include "models/auth_flows.hpp"
#include "models/digest_auth.hpp"
#include "models/netrc.hpp"

namespace httpxx {

std::optional<Request> AuthFlow::on_response(const Request&, const Response&) { return std::nullopt; }

Auth::Auth(BasicAuth auth)
    : flow_(std::make_shared<detail::BasicAuthFlow>(auth.username, auth.password)) {}
Auth::Auth(DigestAuth auth)
    : flow_(std::make_shared<detail::DigestAuthFlow>(std::move(auth.username), std::move(auth.password))) {}
Auth::Auth(BearerAuth auth) : flow_(std::make_shared<detail::BearerAuthFlow>(auth.token)) {}
Auth::Auth(NetRCAuth auth) : flow_(std::make_shared<detail::NetRCAuthFlow>(auth.file)) {}
Auth::Auth(FunctionAuth auth)
    : flow_(std::make_shared<detail::FunctionAuthFlow>(std::move(auth.function))) {}

namespace detail {

std::string base64_encode(std::string_view bytes) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const unsigned n = static_cast<unsigned char>(bytes[i]) << 16 |
                       static_cast<unsigned char>(bytes[i + 1]) << 8 |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    out += alphabet[n & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    unsigned n = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += rest == 2 ? alphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string basic_auth_header(std::string_view username, std::string_view password) {
  std::string credentials;
  credentials.reserve(username.size() + 1 + password.size());
  credentials.append(username).append(":").append(password);
  return "Basic " + base64_encode(credentials);
}

void BasicAuthFlow::on_request(Request& request) { request.headers().set("Authorization", header_); }

void BearerAuthFlow::on_request(Request& request) { request.headers().set("Authorization", header_); }

void FunctionAuthFlow::on_request(Request& request) {
  if (function_) function_(request);
}

}  // namespace detail

}  // namespace httpxx
