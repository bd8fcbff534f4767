#pragma once

#include <memory>
#include <string>

#include "transport/connection_pool.hpp"
#include "transport/http2_connection.hpp"
#include "transport/request_deadlines.hpp"
#include "transport/response_stream.hpp"

namespace httpxx::detail {

// The body of one HTTP/2 response. Dropping it before its end resets only its stream; the
// connection stays in the pool for the other streams.
class Http2BodyStream final : public ResponseStream {
 public:
  Http2BodyStream(std::shared_ptr<Http2Connection> connection,
                  std::shared_ptr<Http2Connection::StreamState> stream, PoolLease lease,
                  RequestDeadlines deadlines);
  ~Http2BodyStream() override { close(); }
  Awaitable<bool> read_some(std::string& out) override;
  bool read_buffered(std::string& out) override;
  void close() noexcept override;

 private:
  // Gives the connection back (to the pool while it takes new streams) and lets go of it.
  void end() noexcept;

  std::shared_ptr<Http2Connection> connection_;
  std::shared_ptr<Http2Connection::StreamState> stream_;
  PoolLease lease_;
  RequestDeadlines deadlines_;
  bool done_ = false;
};

}  // namespace httpxx::detail
