#pragma once

#include <string>

#include "net/pooled_awaitable.hpp"

namespace httpxx::detail {

// The body of a response, read on demand from its connection. The stream owns the connection's
// pool lease: reading to the end returns the connection to the pool; close() (or destruction)
// before the end closes the connection instead, since its framing position is lost.
class ResponseStream {
 public:
  virtual ~ResponseStream() = default;
  // Appends the next raw (still content-encoded) bytes of the body to out. Returns false once
  // the body has ended (nothing appended then). Throws the public exception of the failure
  // (ReadTimeout, RemoteProtocolError, ReadError...).
  virtual Awaitable<bool> read_some(std::string& out) = 0;
  // Appends the body bytes that have already arrived, without waiting (possibly none), and
  // returns whether the body has ended. A small body usually arrives with its head: it is read
  // here without a coroutine for each layer. Throws as read_some does.
  virtual bool read_buffered(std::string& out) {
    (void)out;
    return false;
  }
  // Abandons the rest of the body. Idempotent; a no-op once the body has ended.
  virtual void close() noexcept = 0;
};

}  // namespace httpxx::detail
