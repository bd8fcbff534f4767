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

class TransportError : public RequestError {
 public:
  using RequestError::RequestError;
};
class TimeoutException : public TransportError {
 public:
  using TransportError::TransportError;
};
class ConnectTimeout : public TimeoutException {
 public:
  using TimeoutException::TimeoutException;
};
class ReadTimeout : public TimeoutException {
 public:
  using TimeoutException::TimeoutException;
};
class WriteTimeout : public TimeoutException {
 public:
  using TimeoutException::TimeoutException;
};
class PoolTimeout : public TimeoutException {
 public:
  using TimeoutException::TimeoutException;
};
class NetworkError : public TransportError {
 public:
  using TransportError::TransportError;
};
class ConnectError : public NetworkError {
 public:
  using NetworkError::NetworkError;
};
class ReadError : public NetworkError {
 public:
  using NetworkError::NetworkError;
};
class WriteError : public NetworkError {
 public:
  using NetworkError::NetworkError;
};
class CloseError : public NetworkError {
 public:
  using NetworkError::NetworkError;
};
class ProtocolError : public TransportError {
 public:
  using TransportError::TransportError;
};
class LocalProtocolError : public ProtocolError {
 public:
  using ProtocolError::ProtocolError;
};
class RemoteProtocolError : public ProtocolError {
 public:
  using ProtocolError::ProtocolError;
};
class ProxyError : public TransportError {
 public:
  using TransportError::TransportError;
};
class UnsupportedProtocol : public TransportError {
 public:
  using TransportError::TransportError;
};
class DecodingError : public RequestError {
 public:
  using RequestError::RequestError;
};
class TooManyRedirects : public RequestError {
 public:
  using RequestError::RequestError;
};

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

class StreamConsumed : public StreamError {
 public:
  using StreamError::StreamError;
};
class StreamClosed : public StreamError {
 public:
  using StreamError::StreamError;
};
class ResponseNotRead : public StreamError {
 public:
  using StreamError::StreamError;
};
class RequestNotRead : public StreamError {
 public:
  using StreamError::StreamError;
};

}  // namespace httpxx
