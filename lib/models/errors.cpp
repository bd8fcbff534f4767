#include "httpxx/errors.hpp"

namespace httpxx {

RequestError::RequestError(const std::string& message, std::shared_ptr<const Request> request)
    : HTTPError(message), request_(std::move(request)) {}

const Request& RequestError::request() const {
  if (!request_) throw std::logic_error("the request of this error has not been set");
  return *request_;
}

HTTPStatusError::HTTPStatusError(const std::string& message, std::shared_ptr<const Request> request,
                                 std::shared_ptr<const Response> response)
    : HTTPError(message), request_(std::move(request)), response_(std::move(response)) {}

const Request& HTTPStatusError::request() const {
  if (!request_) throw std::logic_error("the request of this error has not been set");
  return *request_;
}

const Response& HTTPStatusError::response() const {
  if (!response_) throw std::logic_error("the response of this error has not been set");
  return *response_;
}

}  // namespace httpxx
