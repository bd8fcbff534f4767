#include "transport/http11_body_stream.hpp"

#include "transport/http11_connection.hpp"

namespace httpxx::detail {

Http11BodyStream::Http11BodyStream(std::shared_ptr<Http11Connection> connection, PoolLease lease,
                                   RequestDeadlines deadlines)
    : connection_(std::move(connection)), lease_(std::move(lease)), deadlines_(std::move(deadlines)) {}

asio::awaitable<bool> Http11BodyStream::read_some(std::string& out) {
  if (done_) co_return false;
  const auto size_before = out.size();
  bool finished = false;
  try {
    co_await connection_->read_body(out, deadlines_, finished);
  } catch (...) {
    done_ = true;
    lease_.release(false);
    throw;
  }
  if (finished) {
    done_ = true;
    lease_.release(connection_->reusable_after_response());
  }
  co_return out.size() > size_before;
}

void Http11BodyStream::close() noexcept {
  if (done_) return;
  done_ = true;
  lease_.release(false);   // the rest of the body is still on the wire: the framing is lost
}

}  // namespace httpxx::detail
