#pragma once

#include <memory>
#include <string>

#include "transport/connection_pool.hpp"
#include "transport/request_deadlines.hpp"
#include "transport/response_stream.hpp"

namespace httpxx::detail {

class Http11Connection;

// The body of an HTTP/1.1 response, read from its connection on demand. It holds the pool
// lease: at the end of the body the connection goes back to the pool (when its framing allows
// reuse); closed or destroyed before the end, the connection is closed.
class Http11BodyStream final : public ResponseStream {
 public:
  Http11BodyStream(std::shared_ptr<Http11Connection> connection, PoolLease lease,
                   RequestDeadlines deadlines);
  Awaitable<bool> read_some(std::string& out) override;
  bool read_buffered(std::string& out) override;
  void close() noexcept override;

 private:
  // Gives the connection back (to the pool when reusable, else closed) and lets go of it.
  void end(bool reusable) noexcept;

  std::shared_ptr<Http11Connection> connection_;
  PoolLease lease_;
  RequestDeadlines deadlines_;
  bool done_ = false;
};

}  // namespace httpxx::detail
