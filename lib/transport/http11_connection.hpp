#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "codec/h1/response_parser.hpp"
#include "net/byte_stream.hpp"
#include "transport/connection.hpp"
#include "transport/io_watchdog.hpp"
#include "transport/read_buffer.hpp"

namespace httpxx::detail {

// One HTTP/1.1 connection (RFC 9112): one request at a time, the request head and a small body
// in one gathered write, the response parsed in place from one reused read buffer, every read
// and write bounded by the connection's single watchdog timer. An idle connection holds no
// read buffer.
class Http11Connection final : public Connection,
                               public std::enable_shared_from_this<Http11Connection> {
 public:
  Http11Connection(std::unique_ptr<ByteStream> stream, std::string peer, h1::ParserLimits limits);

  Awaitable<void> send(Request& request, const RequestRoute& route, const RequestDeadlines& deadlines,
                       PoolLease lease, std::optional<Response>& response) override;
  bool is_multiplexed() const noexcept override { return false; }
  bool has_capacity() const noexcept override { return !busy_; }
  bool is_reusable() noexcept override;
  Clock::time_point server_expiry() const noexcept override { return server_expiry_; }
  void close() noexcept override;
  std::string_view http_version() const noexcept override { return http_version_; }
  bool was_used() const noexcept override { return completed_ > 0; }
  bool is_idle() const noexcept override { return !busy_; }
  void release_when_idle() noexcept override { watchdog_->release_when_idle(); }

  // Appends the next body bytes of the current response to out. Sets finished at the end of the
  // body; then reusable() says whether the connection can carry another request.
  Awaitable<void> read_body(std::string& out, const RequestDeadlines& deadlines, bool& finished);
  // The same for the bytes already received only: never waits, and may append nothing.
  void read_buffered_body(std::string& out, bool& finished);
  bool reusable_after_response() const noexcept { return reusable_; }
  const std::string& peer() const noexcept { return peer_; }

 private:
  // Storage for the first of a body's bytes (arrived of them at hand), from the thread's spare:
  // room for the whole of a body of known length, up to the largest storage kept there (a
  // length the server claims is not trusted with more).
  std::string body_storage(std::size_t arrived) const;
  // Writes what the socket takes at once (no event-loop round trip, no timer) and drops it from
  // the front of buffers; true when nothing is left to send. The rest goes to write(), which
  // also sends what the stream took but still holds (TLS records the socket did not take).
  bool write_now(std::span<asio::const_buffer>& buffers) noexcept;
  // Writes every buffer within the write deadline. may_be_stale: the connection was reused, so
  // a failure is reported as StaleConnection (the transport may retry elsewhere).
  Awaitable<void> write(std::span<const asio::const_buffer> buffers, const RequestDeadlines& deadlines,
                        bool may_be_stale);
  // Writes the request body: one in memory as it is, a streamed one in chunks from its start.
  Awaitable<void> write_body(Request& request, const RequestDeadlines& deadlines, bool chunked);
  // A read in three steps, so that the coroutines reading need no frame of their own for it:
  // begin_fill() makes room, arms the watchdog and says where the bytes go; the caller awaits
  // stream_->read_some() into it; end_fill() takes the outcome (and throws the errors).
  // waited_out: nothing arrived before wait_limit (sooner than the read deadline), which is not
  // an error.
  enum class Fill { data, eof, waited_out };
  asio::mutable_buffer begin_fill(const RequestDeadlines& deadlines, Clock::time_point wait_limit);
  Fill end_fill(std::size_t n, const std::error_code& ec, const RequestDeadlines& deadlines);
  // Parses the response head from the bytes received so far. continued: "100 Continue" arrived
  // while the body is held for it.
  enum class Head { incomplete, continued, final };
  Head parse_buffered_head(bool awaiting_continue);
  // The connection ended before a complete head: StaleConnection, or RemoteProtocolError.
  [[noreturn]] void fail_incomplete_head();
  void finish_message() noexcept;
  [[noreturn]] void fail_protocol(const std::error_code& error, std::string_view during);

  std::shared_ptr<ByteStream> stream_;
  std::shared_ptr<IoWatchdog> watchdog_;
  std::string peer_;                    // "host:port", for messages
  h1::ResponseParser parser_;
  std::string head_buffer_;             // the request head, reused
  std::string chunk_buffer_;            // streamed body chunks, reused
  ReadBuffer read_buffer_;              // held from a request's start to its response's end
  std::size_t read_begin_ = 0, read_end_ = 0;
  std::vector<std::string_view> body_spans_;
  std::string_view http_version_ = "HTTP/1.1";
  Clock::time_point server_expiry_ = Clock::time_point::max();
  std::size_t completed_ = 0;           // responses read to the end
  bool busy_ = false;
  bool response_started_ = false;       // a byte of the current response arrived
  std::uint64_t body_received_ = 0;     // body bytes of the current response so far
  RequestDeadlines::Deadline fill_deadline_;   // of the read in progress
  bool fill_limited_ = false;           // it ends at its wait limit, before fill_deadline_
  bool close_after_ = false;            // the request said Connection: close, or its body was cut
  bool reusable_ = false;
  bool closed_ = false;
};

}  // namespace httpxx::detail
