#pragma once
// The authentication schemes that only add a header to each request.

#include <functional>
#include <string>
#include <string_view>

#include "httpxx/auth.hpp"

namespace httpxx::detail {

// "Basic " + base64(username ":" password), the credentials of RFC 7617 section 2 with the
// UTF-8 charset (section 2.1) that httpx uses. Also what a proxy URL's userinfo becomes.
std::string basic_auth_header(std::string_view username, std::string_view password);

// RFC 4648 section 4 base64 with padding.
std::string base64_encode(std::string_view bytes);

class BasicAuthFlow final : public AuthFlow {
 public:
  BasicAuthFlow(std::string_view username, std::string_view password)
      : header_(basic_auth_header(username, password)) {}
  void on_request(Request& request) override;

 private:
  std::string header_;   // computed once: every request sends the same value
};

// RFC 6750 section 2.1: "Authorization: Bearer <token>".
class BearerAuthFlow final : public AuthFlow {
 public:
  explicit BearerAuthFlow(std::string_view token) : header_("Bearer " + std::string(token)) {}
  void on_request(Request& request) override;

 private:
  std::string header_;
};

class FunctionAuthFlow final : public AuthFlow {
 public:
  explicit FunctionAuthFlow(std::function<void(Request&)> function) : function_(std::move(function)) {}
  void on_request(Request& request) override;

 private:
  std::function<void(Request&)> function_;
};

}  // namespace httpxx::detail
