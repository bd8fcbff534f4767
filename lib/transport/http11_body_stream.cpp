#include "transport/http11_body_stream.hpp"

#include "transport/http11_connection.hpp"

namespace httpxx::detail {

Http11BodyStream::Http11BodyStream(std::shared_ptr<Http11Connection> connection, PoolLease lease,
                                   RequestDeadlines deadlines)
    : connection_(std::move(connection)), lease_(std::move(lease)), deadlines_(std::move(deadlines)) {}

Awaitable<bool> Http11BodyStream::read_some(std::string& out) {
  if (done_) co_return false;
  const auto size_before = out.size();
  bool finished = false;
  try {
    co_await connection_->read_body(out, deadlines_, finished);
  } catch (...) {
    end(false);
    throw;
  }
  if (finished) end(connection_->reusable_after_response());
  co_return out.size() > size_before;
}

bool Http11BodyStream::read_buffered(std::string& out) {
  if (done_) return true;
  bool finished = false;
  try {
    connection_->read_buffered_body(out, finished);
  } catch (...) {
    end(false);
    throw;
  }
  if (finished) end(connection_->reusable_after_response());
  return finished;
}

void Http11BodyStream::close() noexcept {
  if (done_) return;
  end(false);   // the rest of the body is still on the wire: the framing is lost
}

void Http11BodyStream::end(bool reusable) noexcept {
  done_ = true;
  lease_.release(reusable);
  // A response kept after its body ended does not keep its connection (nor the connection's
  // socket and timer, which belong to an event loop that may end before the response).
  connection_.reset();
}

}  // namespace httpxx::detail
