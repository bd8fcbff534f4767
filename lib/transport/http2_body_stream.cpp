#include "transport/http2_body_stream.hpp"

namespace httpxx::detail {

Http2BodyStream::Http2BodyStream(std::shared_ptr<Http2Connection> connection,
                                 std::shared_ptr<Http2Connection::StreamState> stream, PoolLease lease,
                                 RequestDeadlines deadlines)
    : connection_(std::move(connection)),
      stream_(std::move(stream)),
      lease_(std::move(lease)),
      deadlines_(std::move(deadlines)) {}

Awaitable<bool> Http2BodyStream::read_some(std::string& out) {
  if (done_) co_return false;
  const auto size_before = out.size();
  bool finished = false;
  try {
    co_await connection_->read_body(*stream_, out, deadlines_, finished);
  } catch (...) {
    connection_->abandon(stream_);
    end();
    throw;
  }
  if (finished) end();
  co_return out.size() > size_before;
}

bool Http2BodyStream::read_buffered(std::string& out) {
  if (done_) return true;
  bool finished = false;
  try {
    connection_->read_buffered_body(*stream_, out, finished);
  } catch (...) {
    connection_->abandon(stream_);
    end();
    throw;
  }
  if (finished) end();
  return finished;
}

void Http2BodyStream::close() noexcept {
  if (done_) return;
  connection_->abandon(stream_);   // RST_STREAM: the rest of the body is not wanted
  end();
}

void Http2BodyStream::end() noexcept {
  done_ = true;
  lease_.release(connection_->is_reusable());
  // A response kept after its body ended keeps neither the stream's state nor the connection:
  // their timers and socket belong to an event loop that may end before the response (the
  // blocking client's ends with the client).
  stream_.reset();
  connection_.reset();
}

}  // namespace httpxx::detail
