#pragma once
// The exception tree of httpx (httpx/_exceptions.py), with the same names and nesting.
// what() says what failed and why; messages never carry credentials.

#include <memory>
#include <stdexcept>
#include <string>

namespace httpxx {

class Request;
class Response;

class HTTPError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A failure while sending a request or receiving its response. request() is the request
// being sent; it is attached by the client before the exception reaches the caller.
class RequestError : public HTTPError {
 public:
  explicit RequestError(const std::string& message, std::shared_ptr<const Request> request = {});
  const Request& request() const;   // throws std::logic_error when none is attached
  bool has_request() const noexcept { return request_ != nullptr; }
  void set_request(std::shared_ptr<const Request> request) { request_ = std::move(request); }

 private:
  std::shared_ptr<const Request> request_;
};

#define HTTPXX_DECLARE_ERROR(Name, Base)  \
  class Name : public Base {              \
   public:                                \
    using Base::Base;                     \
  };

HTTPXX_DECLARE_ERROR(TransportError, RequestError)
HTTPXX_DECLARE_ERROR(TimeoutException, TransportError)
HTTPXX_DECLARE_ERROR(ConnectTimeout, TimeoutException)
HTTPXX_DECLARE_ERROR(ReadTimeout, TimeoutException)
HTTPXX_DECLARE_ERROR(WriteTimeout, TimeoutException)
HTTPXX_DECLARE_ERROR(PoolTimeout, TimeoutException)
HTTPXX_DECLARE_ERROR(NetworkError, TransportError)
HTTPXX_DECLARE_ERROR(ConnectError, NetworkError)
HTTPXX_DECLARE_ERROR(ReadError, NetworkError)
HTTPXX_DECLARE_ERROR(WriteError, NetworkError)
HTTPXX_DECLARE_ERROR(CloseError, NetworkError)
HTTPXX_DECLARE_ERROR(ProtocolError, TransportError)
HTTPXX_DECLARE_ERROR(LocalProtocolError, ProtocolError)
HTTPXX_DECLARE_ERROR(RemoteProtocolError, ProtocolError)
HTTPXX_DECLARE_ERROR(ProxyError, TransportError)
HTTPXX_DECLARE_ERROR(UnsupportedProtocol, TransportError)
HTTPXX_DECLARE_ERROR(DecodingError, RequestError)
HTTPXX_DECLARE_ERROR(TooManyRedirects, RequestError)

// raise_for_status(): a response outside 2xx. Carries both the request and the response.
class HTTPStatusError : public HTTPError {
 public:
  HTTPStatusError(const std::string& message, std::shared_ptr<const Request> request,
                  std::shared_ptr<const Response> response);
  const Request& request() const;
  const Response& response() const;

 private:
  std::shared_ptr<const Request> request_;
  std::shared_ptr<const Response> response_;
};

class InvalidURL : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

class CookieConflict : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Misuse of a streamed body: read twice, read after close, or read without streaming.
class StreamError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

HTTPXX_DECLARE_ERROR(StreamConsumed, StreamError)
HTTPXX_DECLARE_ERROR(StreamClosed, StreamError)
HTTPXX_DECLARE_ERROR(ResponseNotRead, StreamError)
HTTPXX_DECLARE_ERROR(RequestNotRead, StreamError)

#undef HTTPXX_DECLARE_ERROR

}  // namespace httpxx
