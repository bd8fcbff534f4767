#include "transport/http2_connection.hpp"

#include <algorithm>
#include <array>

#include <asio/buffer.hpp>
#include <asio/post.hpp>
#include <asio/redirect_error.hpp>

#include "codec/h2/error.hpp"
#include "content/request_body.hpp"
#include "httpxx/errors.hpp"
#include "models/spare_storage.hpp"
#include "net/frame_pool.hpp"
#include "net/pooled_awaitable.hpp"
#include "net/pooled_spawn.hpp"
#include "transport/connection_pool.hpp"
#include "transport/http2_body_stream.hpp"
#include "transport/transport_errors.hpp"

namespace httpxx::detail {

namespace {

constexpr std::size_t read_buffer_size = 64 * 1024;
constexpr std::size_t upload_chunk = 64 * 1024;
// An HTTP/2 connection idle for this long is pinged before reuse (RFC 9113 6.7): a peer that
// vanished without a FIN would otherwise swallow the next request until its read timeout.
constexpr auto idle_before_ping = std::chrono::seconds(1);
constexpr auto ping_wait = std::chrono::seconds(1);

constexpr std::uint32_t refused_stream = 0x7;   // RFC 9113 section 7
constexpr std::uint32_t cancel = 0x8;

}  // namespace

struct Http2Connection::StreamState {
  explicit StreamState(const asio::any_io_executor& executor) : signal(executor, Clock::time_point::max()) {}
  std::int32_t id = 0;
  // Cancelled to wake the coroutine waiting on this stream. It never expires, and Asio keeps
  // such a timer out of its deadline heap: a wait costs no timerfd_settime() (see wait()).
  asio::steady_timer signal;
  Clock::time_point wait_until = Clock::time_point::max();   // the deadline of the wait in progress
  bool notified = false;
  bool head_received = false;
  int status = 0;
  Headers headers;
  std::string body;                   // received, not yet read: at most one stream window
  bool ended = false;                 // the response is complete (END_STREAM)
  bool closed = false;                // the stream is gone (maybe before its end)
  std::uint32_t reset_code = 0;       // RST_STREAM code when reset
  bool unprocessed = false;           // refused, or above a GOAWAY's last stream id
  std::string failure;                // the connection failed under it
  bool closed_here = false;           // ... because this side closed it
  std::shared_ptr<detail::RequestBody> upload;
  std::uint64_t upload_read = 0;      // bytes of a streamed body read so far
  bool upload_done = true;
};

Http2Connection::Http2Connection(std::shared_ptr<ByteStream> stream, std::string peer,
                                 h2::SessionSettings settings, std::optional<Duration> write_timeout)
    : stream_(std::move(stream)),
      peer_(std::move(peer)),
      session_(settings),
      write_timeout_(write_timeout),
      deadline_timer_(stream_->get_executor(), Clock::time_point::max()),
      read_buffer_(new char[read_buffer_size]) {}

void Http2Connection::start() {
  flush();   // the preface, SETTINGS and the connection WINDOW_UPDATE
  spawn_detached(stream_->get_executor(), read_loop(shared_from_this()));
}

bool Http2Connection::has_capacity() const noexcept {
  return !closed_ && !session_.going_away() && session_.open_streams() < session_.remote_max_concurrent_streams();
}

void Http2Connection::close() noexcept {
  asio::post(stream_->get_executor(), pooled([self = shared_from_this()] {
    // Streams still open fail with what happened, not with the error that the read pending on
    // the closed socket would report.
    self->fail_all("the HTTP/2 connection to " + self->peer_ +
                       " was closed before the response ended: the client was closed",
                   false, true);
  }));
}

void Http2Connection::close_when_idle() noexcept {
  asio::post(stream_->get_executor(), pooled([self = shared_from_this()] {
    self->close_when_idle_ = true;
    if (self->streams_.empty()) self->close_now();
  }));
}

void Http2Connection::close_now() noexcept {
  if (closed_) return;
  closed_ = true;
  stream_->close();
  // A pending deadline would keep the loop's work alive after the connection is gone.
  deadline_timer_.expires_at(Clock::time_point::max());   // cancels the wait
}

void Http2Connection::flush() {
  // Most reads queue nothing to send (a WINDOW_UPDATE only after half a window): no writer then.
  if (writing_ || closed_ || !session_.wants_write()) return;
  writing_ = true;
  spawn_detached(stream_->get_executor(), write_loop(shared_from_this()));
}

Awaitable<void> Http2Connection::write_loop(std::shared_ptr<Http2Connection> /*holder*/) {
  // Every frame pending goes out in one write; frames queued meanwhile go in the next.
  for (;;) {
    write_buffer_.clear();
    if (auto ec = session_.drain_output(write_buffer_)) {
      fail_all("HTTP/2 error while framing: " + ec.message(), false);
      break;
    }
    // Draining may ask for more request body (body_wanted): provide it now, so an upload
    // keeps flowing even while nothing arrives from the peer.
    if (!session_.events().empty()) {
      handle_events();
      if (write_buffer_.empty() && session_.wants_write()) continue;
    }
    if (write_buffer_.empty() || closed_) break;
    std::array<asio::const_buffer, 1> buffers{asio::buffer(write_buffer_)};
    std::error_code ec;
    co_await stream_->write_all(std::span(buffers), ec);
    if (ec) {
      fail_all("error writing to " + peer_ + ": " + ec.message(), false);
      break;
    }
  }
  writing_ = false;
}

Awaitable<void> Http2Connection::read_loop(std::shared_ptr<Http2Connection> /*holder*/) {
  for (;;) {
    std::error_code ec;
    const auto n = co_await stream_->read_some(asio::buffer(read_buffer_.get(), read_buffer_size), ec);
    if (ec) {
      fail_all(ec == asio::error::eof ? "server " + peer_ + " closed the HTTP/2 connection"
                                      : "error reading from " + peer_ + ": " + ec.message(),
               false);
      co_return;
    }
    last_activity_ = Clock::now();
    const auto error = session_.feed({read_buffer_.get(), n});
    handle_events();
    flush();
    if (error) {
      fail_all("HTTP/2 connection error from " + peer_ + ": " + error.message(), false);
      co_return;
    }
  }
}

void Http2Connection::notify(StreamState& stream) {
  stream.notified = true;
  stream.signal.cancel();
}

void Http2Connection::wake_capacity_waiters() {
  while (!capacity_waiters_.empty() && (has_capacity() || closed_ || session_.going_away())) {
    capacity_waiters_.front()->cancel();
    capacity_waiters_.pop_front();
  }
}

void Http2Connection::handle_events() {
  for (auto& event : session_.events()) {
    using Kind = h2::Event::Kind;
    if (event.kind == Kind::goaway) {
      // RFC 9113 6.8: streams above last_stream_id were not processed and may be retried.
      for (auto& [id, stream] : streams_) {
        if (id > event.last_stream_id && !stream->closed) {
          stream->closed = true;
          stream->unprocessed = true;
          stream->failure = "server " + peer_ + " sent GOAWAY (" + std::string(h2::error_code_name(event.error_code)) +
                            ") before processing the request";
          notify(*stream);
        }
      }
      wake_capacity_waiters();
      continue;
    }
    if (event.kind == Kind::settings) {
      wake_capacity_waiters();
      continue;
    }
    if (event.kind == Kind::ping_ack) {
      ping_acked_ = true;
      if (ping_waiter_) ping_waiter_->cancel();
      continue;
    }
    auto it = streams_.find(event.stream_id);
    if (it == streams_.end()) continue;
    auto& stream = *it->second;
    switch (event.kind) {
      case Kind::headers:
        if (event.interim) break;   // RFC 9110 15.2: the final response follows
        stream.head_received = true;
        stream.status = event.status;
        stream.headers = std::move(event.headers);
        stream.ended = event.end_stream;
        notify(stream);
        break;
      case Kind::data:
        // The response takes the stream's buffer over whole (read_buffered_body).
        if (spare_storage::lacks_storage(stream.body)) stream.body = spare_storage::string_with_room(event.data.size());
        stream.body.append(event.data);
        if (event.end_stream) stream.ended = true;
        notify(stream);
        break;
      case Kind::trailers:
        stream.ended = true;
        notify(stream);
        break;
      case Kind::body_wanted:
        feed_upload(stream);
        break;
      case Kind::stream_closed:
        stream.closed = true;
        if (event.error_code != 0 && !stream.ended) {
          stream.reset_code = event.error_code;
          stream.unprocessed = event.error_code == refused_stream && !stream.head_received;
        } else if (event.local_error && !stream.ended) {
          stream.failure = "HTTP/2 stream error: " + event.local_error.message();
        }
        notify(stream);
        streams_.erase(it);
        wake_capacity_waiters();
        break;
      default:
        break;
    }
  }
  session_.events().clear();
  if (close_when_idle_ && streams_.empty()) close_now();
}

void Http2Connection::feed_upload(StreamState& stream) {
  if (stream.upload_done || !stream.upload) return;
  if (const std::string* bytes = stream.upload->bytes()) {
    // A body in memory goes to the codec whole, uncopied: its DATA frames are written from it.
    stream.upload_done = true;
    session_.provide_data(stream.id, *bytes, stream.upload, true);
    return;
  }
  // Keep a bounded amount queued: the codec asks for more (body_wanted) as it drains.
  std::string chunk;
  bool more = false;
  try {
    more = stream.upload->read(chunk, upload_chunk);
  } catch (const std::system_error& e) {
    stream.upload_done = true;
    stream.failure = std::string("could not read the request body: ") + e.what();
    session_.submit_rst_stream(stream.id, cancel);
    notify(stream);
    return;
  }
  stream.upload_read += chunk.size();
  // A body of known length ends with its last bytes, not with an empty read after them: a
  // body that fills the stream's flow-control window exactly can then end with its last DATA
  // frame. Ended by an empty DATA frame instead, it would wait a round trip for a
  // WINDOW_UPDATE (nghttp2 asks for data only while the window is open).
  const auto length = stream.upload->length();
  if (!more || (length && stream.upload_read >= *length)) stream.upload_done = true;
  session_.provide_data(stream.id, chunk, stream.upload_done);
}

void Http2Connection::fail_all(const std::string& reason, bool unprocessed, bool closed_here) {
  if (failure_.empty()) failure_ = reason;
  for (auto& [id, stream] : streams_) {
    if (stream->closed) continue;
    stream->closed = true;
    stream->unprocessed = unprocessed;
    stream->failure = reason;
    stream->closed_here = closed_here;
    notify(*stream);
  }
  streams_.clear();
  close_now();
  wake_capacity_waiters();
  if (ping_waiter_) ping_waiter_->cancel();
}

Awaitable<bool> Http2Connection::wait(StreamState& stream, Clock::time_point deadline) {
  if (stream.notified) {
    stream.notified = false;
    co_return true;
  }
  stream.wait_until = deadline;
  watch_deadline(deadline);
  std::error_code ec;
  co_await stream.signal.async_wait(asio::redirect_error(use_pooled, ec));
  stream.wait_until = Clock::time_point::max();
  const bool woken = stream.notified;
  stream.notified = false;
  co_return woken;
}

// A reader waits once per burst of DATA, thousands of times per second on a fast download. Given
// its own deadline, each wait would make its timer the earliest of the loop's and cost a
// timerfd_settime() system call to arm. One timer per connection, set only when a nearer deadline
// comes, serves every stream instead: when it fires it ends the waits that are past their
// deadline and is set again for the nearest of the others.
void Http2Connection::watch_deadline(Clock::time_point at) {
  if (at >= deadline_timer_.expiry() || closed_) return;
  deadline_timer_.expires_at(at);   // cancels the wait for a later deadline
  deadline_timer_.async_wait(pooled([weak = weak_from_this()](const std::error_code& ec) {
    if (ec == asio::error::operation_aborted) return;   // superseded by a nearer deadline
    if (auto self = weak.lock()) self->expire_waits();
  }));
}

void Http2Connection::expire_waits() {
  deadline_timer_.expires_at(Clock::time_point::max());   // fired: no deadline is watched now
  const auto now = Clock::now();
  auto next = Clock::time_point::max();
  for (auto& [id, stream] : streams_) {
    if (stream->wait_until <= now) {
      stream->wait_until = Clock::time_point::max();
      stream->signal.cancel();   // woken without a notification: wait() reports the timeout
    } else {
      next = std::min(next, stream->wait_until);
    }
  }
  watch_deadline(next);
}

bool Http2Connection::must_wait_for_capacity() const noexcept {
  // RFC 9113 5.1.2: beyond the peer's limit, requests wait for a stream to close.
  return !has_capacity() && !closed_ && !session_.going_away();
}

Awaitable<void> Http2Connection::wait_for_capacity(Clock::time_point deadline, const RequestDeadlines& deadlines,
                                                   bool is_total) {
  while (must_wait_for_capacity()) {
    auto waiter = std::make_shared<asio::steady_timer>(stream_->get_executor(), deadline);
    capacity_waiters_.push_back(waiter);
    std::error_code ec;
    co_await waiter->async_wait(asio::redirect_error(use_pooled, ec));
    if (!ec) {
      std::erase(capacity_waiters_, waiter);
      throw PoolTimeout("timed out waiting for a free HTTP/2 stream on " + peer_ + " (" +
                        deadlines.describe(Phase::pool, is_total) + ")");
    }
  }
}

bool Http2Connection::must_check_alive() const noexcept {
  return streams_.empty() && Clock::now() - last_activity_ >= idle_before_ping;
}

Awaitable<void> Http2Connection::check_alive(const RequestDeadlines& deadlines) {
  ping_acked_ = false;
  session_.submit_ping();
  flush();
  ping_waiter_ = std::make_shared<asio::steady_timer>(
      stream_->get_executor(), std::min(Clock::now() + ping_wait, deadlines.for_phase(Phase::read).at));
  auto waiter = ping_waiter_;
  std::error_code ec;
  co_await waiter->async_wait(asio::redirect_error(use_pooled, ec));
  ping_waiter_.reset();
  if (!ping_acked_) {
    fail_all("HTTP/2 connection to " + peer_ + " did not answer a PING", true);
    throw StaleConnection("HTTP/2 connection to " + peer_ + " did not answer a PING", true);
  }
}

void Http2Connection::raise_stream_error(StreamState& stream) {
  if (stream.unprocessed) throw StaleConnection(stream.failure.empty()
      ? "server " + peer_ + " refused the stream (REFUSED_STREAM)" : stream.failure, true);
  if (stream.reset_code != 0) {
    throw RemoteProtocolError("server " + peer_ + " reset the HTTP/2 stream (" +
                              std::string(h2::error_code_name(stream.reset_code)) + ")");
  }
  if (stream.closed_here) throw ReadError(stream.failure);
  if (!stream.failure.empty()) throw RemoteProtocolError(stream.failure);
  throw RemoteProtocolError("HTTP/2 stream to " + peer_ + " closed before the response was complete");
}

Awaitable<void> Http2Connection::send(Request& request, const RequestRoute&, const RequestDeadlines& deadlines,
                                      PoolLease lease, std::optional<Response>& response) {
  auto self = shared_from_this();
  const auto pool_deadline = deadlines.for_phase(Phase::pool);
  if (must_wait_for_capacity()) co_await wait_for_capacity(pool_deadline.at, deadlines, pool_deadline.is_total);
  if (closed_ || session_.going_away()) {
    throw StaleConnection(failure_.empty() ? "HTTP/2 connection to " + peer_ + " is going away" : failure_, true);
  }
  if (must_check_alive()) co_await check_alive(deadlines);

  const auto& url = request.url();
  const auto& body = request.body();
  const auto submitted = session_.submit_request(request.method(), url.scheme(), url.netloc(),
                                                 url.target_view(), request.headers(), body != nullptr);
  if (submitted.error) {
    throw LocalProtocolError("cannot send the request over HTTP/2: " + submitted.error.message());
  }
  ++streams_opened_;
  auto state = frame_pool::make_shared<StreamState>(stream_->get_executor());
  state->id = submitted.stream_id;
  streams_.insert(state->id, state);
  if (body) {
    if (!body->bytes()) body->rewind();
    state->upload = body;
    state->upload_done = false;
    feed_upload(*state);
  }
  flush();

  while (!state->head_received && !state->closed) {
    const auto deadline = deadlines.for_phase(Phase::read);
    // (GCC 12 miscompiles co_await inside a condition: the result is stored first.)
    const bool woken = co_await wait(*state, deadline.at);
    if (!woken) {
      // A per-stream timeout: only this stream is reset, its siblings carry on, and the
      // connection stays in the pool for new ones.
      if (!state->closed) session_.submit_rst_stream(state->id, cancel);
      flush();
      lease.release(is_reusable());
      raise_io_error(Phase::read, {}, true, deadlines, deadline.is_total, peer_);
    }
  }
  if (!state->head_received) {
    lease.release(is_reusable());   // a reset stream leaves the connection as it was
    raise_stream_error(*state);
  }

  response.emplace(state->status, std::move(state->headers));
  response->set_http_version("HTTP/2");
  response->set_stream(frame_pool::make_shared<Http2BodyStream>(self, state, std::move(lease), deadlines));
}

void Http2Connection::read_buffered_body(StreamState& stream, std::string& out, bool& finished) {
  finished = false;
  if (!stream.body.empty()) {
    const auto n = stream.body.size();
    if (out.empty()) {
      // The reader's first read of a body, or its next chunk (a chunk's storage is emptied for
      // the next): it takes the stream's buffer whole, without a copy, and the stream keeps the
      // reader's emptied one for what arrives next.
      out.swap(stream.body);
    } else {
      out.append(stream.body);
    }
    stream.body.clear();
    // RFC 9113 6.9: the window re-opens as the reader consumes, not as bytes arrive.
    if (!stream.closed) session_.consume(stream.id, n);
    flush();
    finished = stream.ended;
    return;
  }
  if (stream.ended) {
    finished = true;
    return;
  }
  if (stream.closed) raise_stream_error(stream);
}

Awaitable<void> Http2Connection::read_body(StreamState& stream, std::string& out,
                                           const RequestDeadlines& deadlines, bool& finished) {
  for (;;) {
    const auto size_before = out.size();
    read_buffered_body(stream, out, finished);
    if (finished || out.size() > size_before) co_return;
    const auto deadline = deadlines.for_phase(Phase::read);
    const bool woken = co_await wait(stream, deadline.at);
    if (!woken) {
      if (!stream.closed) session_.submit_rst_stream(stream.id, cancel);
      flush();
      raise_io_error(Phase::read, {}, true, deadlines, deadline.is_total, peer_);
    }
  }
}

void Http2Connection::abandon(std::shared_ptr<StreamState> stream) noexcept {
  asio::post(stream_->get_executor(), pooled([self = shared_from_this(), stream = std::move(stream)] {
    if (stream->closed || stream->ended || self->closed_) return;
    self->session_.submit_rst_stream(stream->id, cancel);
    self->flush();
  }));
}

}  // namespace httpxx::detail
