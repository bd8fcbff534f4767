#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>

#include "httpxx/request.hpp"
#include "httpxx/response.hpp"
#include "transport/request_deadlines.hpp"

namespace httpxx::detail {

class PoolLease;

// How a request reaches its connection: the request-target form (origin-form, or absolute-form
// through an HTTP forward proxy, RFC 9112 section 3.2) and extra headers for the proxy.
struct RequestRoute {
  bool absolute_form = false;
  const Headers* proxy_headers = nullptr;
};

// One HTTP connection as the pool sees it: HTTP/1.1 (one request at a time) or HTTP/2 (many
// streams at once).
class Connection {
 public:
  using Clock = std::chrono::steady_clock;
  virtual ~Connection() = default;

  // Sends request and completes when the final response head has arrived, with the response in
  // `response`. The caller's storage, not this coroutine's result: a Response is large, and each
  // coroutine layer it is returned through moves it twice. The response's body stream takes over
  // lease and gives the connection back when the body is done.
  virtual Awaitable<void> send(Request& request, const RequestRoute& route, const RequestDeadlines& deadlines,
                               PoolLease lease, std::optional<Response>& response) = 0;
  virtual bool is_multiplexed() const noexcept = 0;
  // Can take one more request now (HTTP/2: a stream is free under MAX_CONCURRENT_STREAMS).
  virtual bool has_capacity() const noexcept = 0;
  // Still usable after sitting idle: the peer has not closed it, nothing unexpected arrived.
  virtual bool is_reusable() noexcept = 0;
  // When the server said it will drop the connection (Keep-Alive: timeout=); max() if never.
  virtual Clock::time_point server_expiry() const noexcept { return Clock::time_point::max(); }
  virtual void close() noexcept = 0;
  // Closes it once no request is in flight on it: at once if none is. The pool retires a
  // connection this way when it stops handing it out; an HTTP/2 connection the server is
  // shutting down with GOAWAY still completes the streams it accepted (RFC 9113 6.8). By default
  // it closes at once: an HTTP/1.1 connection is retired only between requests.
  virtual void close_when_idle() noexcept { close(); }
  virtual std::string_view http_version() const noexcept = 0;
  // No request is in flight anywhere in its pool: drop what would keep the event loop busy while
  // idle (a pending timer wait), so that the loop's run() can return. Any thread.
  virtual void release_when_idle() noexcept {}
  // True once a request has been completed on it (a fresh connection is not "stale").
  virtual bool was_used() const noexcept = 0;
  // No request in flight on it (for HTTP/2: no stream open).
  virtual bool is_idle() const noexcept = 0;
};

// A request that failed on a connection before any byte of its response arrived, in a way that
// says the connection, not the request, was the problem: a pooled HTTP/1.1 connection the server
// closed while it sat idle, or an HTTP/2 stream the server refused or cut off by GOAWAY. The
// transport retries it once on a new connection when that is safe: always when the server said
// it did not process the request (RFC 9113 8.7), else for idempotent methods (RFC 9110 9.2.2).
class StaleConnection : public std::runtime_error {
 public:
  explicit StaleConnection(const std::string& what, bool unprocessed = false)
      : std::runtime_error(what), unprocessed_(unprocessed) {}
  bool unprocessed() const noexcept { return unprocessed_; }

 private:
  bool unprocessed_;
};

}  // namespace httpxx::detail
