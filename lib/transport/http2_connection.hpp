#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include <asio/steady_timer.hpp>

#include "codec/h2/client_session.hpp"
#include "net/byte_stream.hpp"
#include "transport/connection.hpp"

namespace httpxx::detail {

// One HTTP/2 connection (RFC 9113) carrying many requests at once: one reader coroutine feeds
// the codec and routes its events to the streams; one writer drains every pending frame into a
// single write. Requests beyond the peer's SETTINGS_MAX_CONCURRENT_STREAMS wait for a stream.
// Each stream's body is read on demand and its WINDOW_UPDATE follows what the reader consumed,
// so a slow reader holds the sender back instead of buffering without bound. All of it runs on
// the connection's executor (one thread or a strand).
class Http2Connection final : public Connection, public std::enable_shared_from_this<Http2Connection> {
 public:
  struct StreamState;

  Http2Connection(std::shared_ptr<ByteStream> stream, std::string peer, h2::SessionSettings settings,
                  std::optional<Duration> write_timeout);
  // Sends the connection preface and starts the reader; once, right after construction.
  void start();

  Awaitable<void> send(Request& request, const RequestRoute& route, const RequestDeadlines& deadlines,
                       PoolLease lease, std::optional<Response>& response) override;
  bool is_multiplexed() const noexcept override { return true; }
  bool has_capacity() const noexcept override;
  bool is_reusable() noexcept override { return !closed_ && !session_.going_away(); }
  // Safe from any thread: the reader always has a read pending, so the close is posted to the
  // connection's executor.
  void close() noexcept override;
  // Also posted: the last open stream may end on the loop meanwhile.
  void close_when_idle() noexcept override;
  std::string_view http_version() const noexcept override { return "HTTP/2"; }
  bool was_used() const noexcept override { return streams_opened_ > 0; }
  bool is_idle() const noexcept override { return streams_.empty(); }

  // Appends the next body bytes of stream to out (and re-opens its window); finished at the end.
  Awaitable<void> read_body(StreamState& stream, std::string& out, const RequestDeadlines& deadlines,
                            bool& finished);
  // The same without waiting: appends what has arrived (possibly nothing); finished at the end.
  void read_buffered_body(StreamState& stream, std::string& out, bool& finished);
  // The response was dropped before its end: RST_STREAM(CANCEL) (RFC 9113 8.1). Safe from any
  // thread: the work is posted to the connection's executor.
  void abandon(std::shared_ptr<StreamState> stream) noexcept;
  const std::string& peer() const noexcept { return peer_; }

 private:
  // The connection's reader and writer. The pointer given holds the connection while they run
  // (a coroutine keeps its parameters).
  Awaitable<void> read_loop(std::shared_ptr<Http2Connection> holder);
  Awaitable<void> write_loop(std::shared_ptr<Http2Connection> holder);
  void flush();
  void close_now() noexcept;
  void handle_events();
  void feed_upload(StreamState& stream);
  // closed_here: this side closed the connection, not the peer or the network.
  void fail_all(const std::string& reason, bool unprocessed, bool closed_here = false);
  // Waits until stream is notified or deadline passes (false then).
  Awaitable<bool> wait(StreamState& stream, Clock::time_point deadline);
  // Makes sure the deadline timer fires by at.
  void watch_deadline(Clock::time_point at);
  // Ends the waits whose deadline has passed.
  void expire_waits();
  // Whether a new stream must wait for one to close (RFC 9113 5.1.2), and the wait. The test is
  // apart so that the usual case enters no coroutine (a frame per request).
  bool must_wait_for_capacity() const noexcept;
  Awaitable<void> wait_for_capacity(Clock::time_point deadline, const RequestDeadlines& deadlines,
                                    bool is_total);
  // Whether the connection has been idle long enough to be pinged before reuse, and the ping.
  bool must_check_alive() const noexcept;
  Awaitable<void> check_alive(const RequestDeadlines& deadlines);
  void notify(StreamState& stream);
  void wake_capacity_waiters();
  [[noreturn]] void raise_stream_error(StreamState& stream);

  std::shared_ptr<ByteStream> stream_;
  std::string peer_;
  h2::ClientSession session_;
  std::optional<Duration> write_timeout_;
  h2::StreamTable<std::shared_ptr<StreamState>> streams_;
  std::deque<std::shared_ptr<asio::steady_timer>> capacity_waiters_;
  std::shared_ptr<asio::steady_timer> ping_waiter_;
  // Expires at the nearest deadline of the streams' waits (or later); max when none is watched.
  asio::steady_timer deadline_timer_;
  std::string write_buffer_;
  std::unique_ptr<char[]> read_buffer_;
  Clock::time_point last_activity_ = Clock::now();
  std::string failure_;              // why the connection died, for streams still waiting
  std::size_t streams_opened_ = 0;
  bool writing_ = false;
  bool closed_ = false;
  bool close_when_idle_ = false;     // close once the open streams have ended
  bool ping_acked_ = false;
};

}  // namespace httpxx::detail
