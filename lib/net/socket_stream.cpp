#include "net/socket_stream.hpp"

#include <asio/redirect_error.hpp>
#include <asio/write.hpp>

#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <utility>

#include "net/pooled_awaitable.hpp"

namespace httpxx::detail {
namespace {

// Buffers gathered into one sendmsg by write_now; the HTTP/1.1 connection writes at most three.
constexpr std::size_t max_gathered = 8;

template <typename Socket>
class SocketStream final : public ByteStream {
 public:
  explicit SocketStream(Socket socket) : socket_(std::move(socket)) {}

  // The operation's own awaitable: no coroutine frame of this class around it.
  Awaitable<std::size_t> read_some(asio::mutable_buffer buffer, std::error_code& ec) override {
    ec.clear();
    return socket_.async_read_some(buffer, asio::redirect_error(use_pooled, ec));
  }

  Awaitable<void> write_all(std::span<const asio::const_buffer> buffers, std::error_code& ec) override {
    ec.clear();
    // async_write with the whole sequence: the reactor issues one sendmsg (writev) per batch.
    co_await asio::async_write(socket_, buffers, asio::redirect_error(use_pooled, ec));
  }

  std::size_t write_now(std::span<const asio::const_buffer> buffers) noexcept override {
    // MSG_DONTWAIT: never block the event loop's thread; MSG_NOSIGNAL: a peer that closed
    // gives EPIPE, not SIGPIPE (as Asio's own sends do).
    constexpr int flags = MSG_DONTWAIT | MSG_NOSIGNAL;
    if (buffers.size() == 1) {
      // One buffer (a request without a body, or a body alone): send(2), which spares the
      // kernel the copy of a msghdr and an iovec that sendmsg(2) takes, some 100 ns.
      const auto sent = ::send(socket_.native_handle(), buffers[0].data(), buffers[0].size(), flags);
      return sent > 0 ? static_cast<std::size_t>(sent) : 0;
    }
    std::array<iovec, max_gathered> iov{};
    const auto count = std::min(buffers.size(), iov.size());
    for (std::size_t i = 0; i < count; ++i) {
      iov[i].iov_base = const_cast<void*>(buffers[i].data());   // sendmsg(2) only reads them
      iov[i].iov_len = buffers[i].size();
    }
    msghdr message{};
    message.msg_iov = iov.data();
    message.msg_iovlen = count;
    const auto sent = ::sendmsg(socket_.native_handle(), &message, flags);
    return sent > 0 ? static_cast<std::size_t>(sent) : 0;
  }

  void cancel() noexcept override {
    std::error_code ignored;
    socket_.cancel(ignored);
  }

  void close() noexcept override {
    std::error_code ignored;
    socket_.close(ignored);
  }

  bool is_reusable() noexcept override {
    if (!socket_.is_open()) return false;
    // An idle HTTP connection has nothing to say: readable bytes are either EOF (the peer
    // closed it) or data nobody asked for (RFC 9112 section 9.3.2), and both retire it.
    char byte = 0;
    const auto n = ::recv(socket_.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }

  asio::any_io_executor get_executor() override { return socket_.get_executor(); }

 private:
  Socket socket_;
};

}  // namespace

std::unique_ptr<ByteStream> make_tcp_stream(asio::ip::tcp::socket socket) {
  return std::make_unique<SocketStream<asio::ip::tcp::socket>>(std::move(socket));
}

std::unique_ptr<ByteStream> make_unix_stream(asio::local::stream_protocol::socket socket) {
  return std::make_unique<SocketStream<asio::local::stream_protocol::socket>>(std::move(socket));
}

}  // namespace httpxx::detail
