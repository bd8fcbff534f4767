// The seam between the network layer and the connections above it: an ordered byte stream and
// the error every connect step reports.
#pragma once

#include <asio/any_io_executor.hpp>
#include <asio/buffer.hpp>

#include <chrono>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

#include "net/pooled_awaitable.hpp"

namespace httpxx::detail {

// A connected, ordered byte stream: TCP, Unix socket, TLS over another ByteStream, a proxy tunnel.
// One reader and one writer may be active at once (HTTP/2 reads and writes concurrently), both
// on the stream's executor, which must not run two of its handlers at the same time (an
// io_context run by one thread, or a strand).
class ByteStream {
 public:
  ByteStream() = default;
  ByteStream(const ByteStream&) = delete;
  ByteStream& operator=(const ByteStream&) = delete;
  virtual ~ByteStream() = default;

  // Reads at least one byte into buffer; 0 with ec == asio::error::eof at the end.
  virtual Awaitable<std::size_t> read_some(asio::mutable_buffer buffer, std::error_code& ec) = 0;
  // Writes every byte of every buffer (gathered: one writev for TCP where possible).
  virtual Awaitable<void> write_all(std::span<const asio::const_buffer> buffers, std::error_code& ec) = 0;
  // Writes what the stream takes at once, without waiting and without an asynchronous
  // operation, and returns the number of bytes written: 0 when it would have to wait, when it
  // failed (write_all then reports the error), or when the stream cannot write synchronously. A
  // small request fits the socket's send buffer, so on a socket this usually writes it all, and
  // the event loop is not entered for the write at all. Not while a write_all is pending.
  virtual std::size_t write_now(std::span<const asio::const_buffer> buffers) noexcept {
    (void)buffers;
    return 0;
  }
  // Whether bytes that write_now counted as written still wait to go out (TLS encrypts them
  // whole, and the socket may take only part of the records): a write_all, of nothing if need
  // be, sends them.
  virtual bool output_pending() const noexcept { return false; }
  // Cancels pending read_some/write_all (they complete with asio::error::operation_aborted);
  // the stream stays usable. Used for timeouts.
  virtual void cancel() noexcept = 0;
  // Closes at once: TLS sends its close_notify only if the socket takes it at once, and does
  // not wait for the peer's. Pending operations complete with errors.
  virtual void close() noexcept = 0;
  // Whether an idle pooled connection is still usable: no EOF, no unexpected readable data
  // (non-blocking check, e.g. recv(MSG_PEEK|MSG_DONTWAIT) on the underlying socket).
  virtual bool is_reusable() noexcept = 0;
  // Gives back what the stream holds only to read and write (buffers), when it goes idle: no
  // read pending and none expected until the next request. Kept if still in use; the next
  // operation takes it again.
  virtual void release_idle_buffers() noexcept {}
  // The protocol ALPN selected ("h2", "http/1.1"), "" without TLS or ALPN.
  virtual std::string_view alpn() const noexcept { return {}; }
  virtual asio::any_io_executor get_executor() = 0;
};

// What went wrong while connecting, for the transport's exception message.
struct NetError {
  std::error_code code;
  std::string message;     // human readable: what failed and why, e.g.
                           // "connect to 127.0.0.1:1 failed: Connection refused"
  bool timed_out = false;  // the deadline passed (the transport raises ConnectTimeout)
  explicit operator bool() const noexcept { return static_cast<bool>(code) || timed_out; }
};

using Deadline = std::chrono::steady_clock::time_point;  // time_point::max() = none

}  // namespace httpxx::detail
