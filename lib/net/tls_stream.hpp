// TLS as a ByteStream over another ByteStream, through OpenSSL with an in-memory BIO.
#pragma once

#include "net/byte_stream.hpp"
#include "net/tls.hpp"

#include <asio/steady_timer.hpp>

#include <memory>
#include <string>
#include <vector>

struct bio_st;
struct bio_method_st;

namespace httpxx::detail {

// The SSL object reads ciphertext from in_ and appends ciphertext to out_pending_ through a
// BIO whose callbacks never block; this class moves bytes between those buffers and the inner
// stream. Reads and writes only touch the inner stream's read and write sides respectively, so
// one read_some and one write_all can be pending at once. A read that makes OpenSSL produce
// output (a TLS 1.3 KeyUpdate answer) leaves it to a write in progress, or sends it itself.
class TlsStream final : public ByteStream {
 public:
  // Takes ownership of ssl, already configured for the client side.
  TlsStream(std::unique_ptr<ByteStream> inner, ssl_st* ssl, std::shared_ptr<TlsContext> context,
            std::string origin);
  ~TlsStream() override;

  Awaitable<std::size_t> read_some(asio::mutable_buffer buffer, std::error_code& ec) override;
  Awaitable<void> write_all(std::span<const asio::const_buffer> buffers, std::error_code& ec) override;
  // A write of at most one record's plaintext is encrypted at once and counts as written whole;
  // its ciphertext goes to the socket now, and what the socket does not take waits for a
  // write_all (output_pending). Larger writes, and any while earlier ciphertext waits, are left
  // to write_all (0).
  std::size_t write_now(std::span<const asio::const_buffer> buffers) noexcept override;
  bool output_pending() const noexcept override { return !out_pending_.empty(); }
  void cancel() noexcept override;
  void close() noexcept override;
  bool is_reusable() noexcept override;
  void release_idle_buffers() noexcept override;
  std::string_view alpn() const noexcept override { return alpn_; }
  asio::any_io_executor get_executor() override { return inner_->get_executor(); }

  // Runs the handshake; ec carries OpenSSL's error (asio's ssl category) or the inner stream's.
  Awaitable<void> handshake(std::error_code& ec);
  ssl_st* native_handle() const noexcept { return ssl_; }
  const std::string& origin() const noexcept { return origin_; }
  bool session_reused() const noexcept;

 private:
  static int bio_write(bio_st* bio, const char* data, std::size_t size, std::size_t* written);
  static int bio_read(bio_st* bio, char* data, std::size_t size, std::size_t* read);
  static long bio_ctrl(bio_st* bio, int command, long number, void* pointer);
  static int bio_create(bio_st* bio);
  static const ::bio_method_st* bio_method();

  // Reads more ciphertext from the inner stream into in_; the inner stream's EOF is kept for
  // OpenSSL to see rather than reported.
  Awaitable<void> fill(std::error_code& ec);
  // Sends out_pending_ unless a write is already doing so (then it will).
  Awaitable<void> flush(std::error_code& ec, bool wait_for_writer);
  // Hands out_pending_ to the inner stream's write_now: what the socket takes at once leaves
  // without an asynchronous write. False when some is left (a failure is left for flush() to
  // report).
  bool send_now() noexcept;
  // Gathers small plaintext pieces into staging_, to be encrypted as one record.
  void stage(std::span<const asio::const_buffer> buffers);
  std::error_code ssl_error(int result);
  // Ends the TLS session with close_notify, once, unless it failed or never began.
  void send_close_notify() noexcept;

  std::unique_ptr<ByteStream> inner_;
  ssl_st* ssl_;
  std::shared_ptr<TlsContext> context_;  // the new-session callback files tickets there
  std::string origin_;                   // referenced by the SSL's ex_data
  std::string alpn_;

  // Ciphertext received and not yet consumed by OpenSSL: in_[in_begin_, in_end_). Held from a
  // read until the stream is idle with nothing in it (release_idle_buffers).
  std::unique_ptr<char[]> in_;
  std::size_t in_begin_ = 0;
  std::size_t in_end_ = 0;
  bool in_eof_ = false;
  bool filling_ = false;   // the inner stream is reading into in_

  std::vector<unsigned char> out_pending_;  // ciphertext produced, not yet handed to inner_
  std::vector<unsigned char> out_sending_;  // ciphertext being written by inner_
  std::vector<unsigned char> staging_;      // small plaintext pieces gathered into one record
  bool writing_ = false;
  asio::steady_timer writer_done_;          // cancelled when writing_ turns false
};

}  // namespace httpxx::detail
