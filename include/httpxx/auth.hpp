#pragma once
// Authentication as httpx models it: an auth flow sees each request before it is sent and may
// answer a response (a 401 challenge) with a new request.

#include <concepts>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace httpxx {

class Request;
class Response;

// The interface of every authentication scheme; subclass it for custom challenge-response
// schemes. One flow object serves every request of a client, possibly from several threads.
class AuthFlow {
 public:
  virtual ~AuthFlow() = default;
  // Edits the request before it is sent (e.g. adds Authorization).
  virtual void on_request(Request& request) = 0;
  // Called with the response to a request this flow edited; returns the next request to send
  // (a challenge answered), or nullopt to hand the response to the caller.
  virtual std::optional<Request> on_response(const Request& request, const Response& response);
  // Whether on_response needs the response body read first.
  virtual bool requires_response_body() const { return false; }
};

struct BasicAuth { std::string username, password; };                 // RFC 7617
struct DigestAuth { std::string username, password; };                // RFC 7616
struct BearerAuth { std::string token; };                             // RFC 6750
struct NetRCAuth { std::string file{}; };        // "" = $NETRC or ~/.netrc
struct FunctionAuth { std::function<void(Request&)> function; };      // edits each request

// A type-erased authentication scheme. Auth{} is "no authentication".
class Auth {
 public:
  Auth() = default;
  Auth(BasicAuth auth);                 // NOLINT: implicit by design, as httpx accepts a tuple
  Auth(DigestAuth auth);                // NOLINT
  Auth(BearerAuth auth);                // NOLINT
  Auth(NetRCAuth auth);                 // NOLINT
  Auth(FunctionAuth auth);              // NOLINT
  Auth(std::shared_ptr<AuthFlow> flow) : flow_(std::move(flow)) {}   // NOLINT
  template <class Flow>
    requires std::derived_from<Flow, AuthFlow>
  Auth(Flow flow) : flow_(std::make_shared<Flow>(std::move(flow))) {}  // NOLINT

  AuthFlow* flow() const noexcept { return flow_.get(); }
  bool empty() const noexcept { return flow_ == nullptr; }
  explicit operator bool() const noexcept { return flow_ != nullptr; }

 private:
  std::shared_ptr<AuthFlow> flow_;
};

}  // namespace httpxx
