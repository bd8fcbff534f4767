#include "net/tls_stream.hpp"

#include "net/buffer_cache.hpp"
#include "net/deadline.hpp"
#include "net/pooled_awaitable.hpp"

#include <asio/ip/address.hpp>
#include <asio/redirect_error.hpp>
#include <asio/ssl/error.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <new>

namespace httpxx::detail {
namespace {

// Several maximal TLS records (RFC 8446 section 5.2: 2^14 + 256 bytes of payload, TLS 1.2
// allows 2^14 + 2048, plus the 5-byte header) fit, so a large read never waits on a buffer
// shuffle.
constexpr std::size_t in_capacity = buffer_cache::standard_size;
// Writes smaller than one record are gathered so a request's head and a small body travel in
// one record and one packet.
constexpr std::size_t max_staging = 16 * 1024;
// RFC 8446 section 5.1: a record carries at most 2^14 bytes of plaintext. Larger writes are
// encrypted that much at a time, each record handed to the socket as soon as it is made.
constexpr std::size_t max_record_payload = 16 * 1024;
// Ciphertext waiting for a socket that takes no more: past this, encryption waits for the
// socket, so that a large body never sits in memory twice.
constexpr std::size_t max_pending = 256 * 1024;

// SSL_get_error(3) reads the thread's error queue, which must hold nothing from before the
// call it explains. ERR_clear_error resets all sixteen of the queue's slots, used or not (about
// 900 instructions per HTTP/2 request over TLS); the queue is almost always empty already,
// which ERR_peek_error sees without touching it.
void forget_earlier_errors() noexcept {
  if (ERR_peek_error() != 0) ERR_clear_error();
}

}  // namespace

const ::bio_method_st* TlsStream::bio_method() {
  // One method for every stream, made once; it lives as long as the process.
  static BIO_METHOD* const method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "httpxx byte stream");
    BIO_meth_set_write_ex(m, &TlsStream::bio_write);
    BIO_meth_set_read_ex(m, &TlsStream::bio_read);
    BIO_meth_set_ctrl(m, &TlsStream::bio_ctrl);
    BIO_meth_set_create(m, &TlsStream::bio_create);
    return m;
  }();
  return method;
}

int TlsStream::bio_create(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

int TlsStream::bio_write(BIO* bio, const char* data, std::size_t size, std::size_t* written) {
  auto* self = static_cast<TlsStream*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  self->out_pending_.insert(self->out_pending_.end(), data, data + size);
  *written = size;
  return 1;
}

int TlsStream::bio_read(BIO* bio, char* data, std::size_t size, std::size_t* read) {
  auto* self = static_cast<TlsStream*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  const std::size_t available = self->in_end_ - self->in_begin_;
  if (available == 0) {
    *read = 0;
    // Without the retry flag OpenSSL takes the 0 as the end of the stream.
    if (!self->in_eof_) BIO_set_retry_read(bio);
    return 0;
  }
  const std::size_t n = std::min(size, available);
  std::memcpy(data, self->in_.get() + self->in_begin_, n);
  self->in_begin_ += n;
  *read = n;
  return 1;
}

long TlsStream::bio_ctrl(BIO* bio, int command, long /*number*/, void* /*pointer*/) {
  auto* self = static_cast<TlsStream*>(BIO_get_data(bio));
  switch (command) {
    case BIO_CTRL_FLUSH:
      return 1;  // flushing is this class's job, after OpenSSL returns
    case BIO_CTRL_PENDING:
      return static_cast<long>(self->in_end_ - self->in_begin_);
    case BIO_CTRL_WPENDING:
      return static_cast<long>(self->out_pending_.size());
    case BIO_CTRL_EOF:
      return self->in_eof_ && self->in_begin_ == self->in_end_;
    default:
      return 0;
  }
}

TlsStream::TlsStream(std::unique_ptr<ByteStream> inner, ssl_st* ssl, std::shared_ptr<TlsContext> context,
                     std::string origin)
    : inner_(std::move(inner)),
      ssl_(ssl),
      context_(std::move(context)),
      origin_(std::move(origin)),
      writer_done_(inner_->get_executor()) {
  BIO* bio = BIO_new(bio_method());
  BIO_set_data(bio, this);
  SSL_set_bio(ssl_, bio, bio);  // one BIO for both directions: SSL_set_bio takes one reference
  context_->attach(ssl_, origin_);
}

TlsStream::~TlsStream() {
  send_close_notify();
  SSL_free(ssl_);
}

std::error_code TlsStream::ssl_error(int result) {
  const int reason = SSL_get_error(ssl_, result);
  if (reason == SSL_ERROR_ZERO_RETURN) return asio::error::eof;
  const unsigned long code = ERR_peek_last_error();
  if (code != 0) return {static_cast<int>(code), asio::error::get_ssl_category()};
  // SSL_ERROR_SYSCALL with an empty error queue: the transport ended mid-record.
  return in_eof_ ? std::error_code(asio::error::eof) : std::error_code(asio::error::connection_reset);
}

Awaitable<void> TlsStream::fill(std::error_code& ec) {
  if (!in_) in_ = buffer_cache::take(in_capacity);
  if (in_begin_ == in_end_) {
    in_begin_ = in_end_ = 0;
  } else if (in_begin_ > 0) {
    std::memmove(in_.get(), in_.get() + in_begin_, in_end_ - in_begin_);
    in_end_ -= in_begin_;
    in_begin_ = 0;
  }
  filling_ = true;
  const auto n = co_await inner_->read_some(asio::buffer(in_.get() + in_end_, in_capacity - in_end_), ec);
  filling_ = false;
  in_end_ += n;
  if (ec == asio::error::eof) {
    in_eof_ = true;
    ec.clear();
  }
}

Awaitable<void> TlsStream::flush(std::error_code& ec, bool wait_for_writer) {
  while (writing_) {
    // A read leaves its output to the write in progress rather than stall behind it: HTTP/2
    // may need the read to finish before the peer lets the write through.
    if (!wait_for_writer) co_return;
    std::error_code ignored;
    writer_done_.expires_at(asio::steady_timer::time_point::max());
    co_await writer_done_.async_wait(asio::redirect_error(use_pooled, ignored));
  }
  writing_ = true;
  while (!out_pending_.empty() && !ec) {
    // Swapping keeps both vectors' capacity: no allocation per write once warmed up.
    std::swap(out_pending_, out_sending_);
    const std::array<asio::const_buffer, 1> buffers{asio::buffer(out_sending_)};
    co_await inner_->write_all(buffers, ec);
    out_sending_.clear();
  }
  writing_ = false;
  writer_done_.cancel();
}

Awaitable<void> TlsStream::handshake(std::error_code& ec) {
  ec.clear();
  for (;;) {
    forget_earlier_errors();
    const int result = SSL_do_handshake(ssl_);
    if (result == 1) break;
    if (SSL_get_error(ssl_, result) != SSL_ERROR_WANT_READ) {
      ec = ssl_error(result);
      std::error_code alert_ec;  // the alert that tells the server why, when there is one
      co_await flush(alert_ec, true);
      co_return;
    }
    co_await flush(ec, true);
    if (ec) co_return;
    co_await fill(ec);
    if (ec) co_return;
  }
  co_await flush(ec, true);
  const unsigned char* protocol = nullptr;
  unsigned length = 0;
  SSL_get0_alpn_selected(ssl_, &protocol, &length);
  if (protocol) alpn_.assign(reinterpret_cast<const char*>(protocol), length);
}

Awaitable<std::size_t> TlsStream::read_some(asio::mutable_buffer buffer, std::error_code& ec) {
  ec.clear();
  if (buffer.size() == 0) co_return 0;
  auto* data = static_cast<unsigned char*>(buffer.data());
  for (;;) {
    // Decrypt every record already received, up to the buffer's size, before reading again.
    std::size_t total = 0;
    int result = 1;
    while (total < buffer.size()) {
      forget_earlier_errors();
      std::size_t n = 0;
      result = SSL_read_ex(ssl_, data + total, buffer.size() - total, &n);
      if (result != 1) break;
      total += n;
    }
    const bool want_read = result == 1 || SSL_get_error(ssl_, result) == SSL_ERROR_WANT_READ;
    if (!out_pending_.empty()) {
      std::error_code write_ec;
      co_await flush(write_ec, false);
    }
    if (total > 0) co_return total;
    if (!want_read) {
      ec = ssl_error(result);
      co_return 0;
    }
    co_await fill(ec);
    if (ec) co_return 0;
  }
}

Awaitable<void> TlsStream::write_all(std::span<const asio::const_buffer> buffers, std::error_code& ec) {
  ec.clear();
  std::size_t total = 0;
  for (const auto& b : buffers) total += b.size();
  const auto encrypt = [this, &ec](const void* data, std::size_t size) {
    if (size == 0 || ec) return;
    forget_earlier_errors();
    std::size_t written = 0;
    // The BIO accepts everything, so SSL_write_ex encrypts all of it or fails.
    const int result = SSL_write_ex(ssl_, data, size, &written);
    if (result != 1) ec = ssl_error(result);
  };
  if (buffers.size() > 1 && total <= max_staging) {
    stage(buffers);
    encrypt(staging_.data(), staging_.size());
  } else {
    // The peer decrypts the first records of a large body while the next are encrypted, instead
    // of waiting for all of it: each record made is handed to the socket before the next is
    // encrypted. The last goes with flush() below, as a small write's only record does: its
    // asynchronous completion lets HTTP/2 gather the frames queued meanwhile into the next write.
    bool socket_takes = true;
    for (const auto& b : buffers) {
      const auto* bytes = static_cast<const unsigned char*>(b.data());
      for (std::size_t done = 0; done < b.size() && !ec; done += max_record_payload) {
        if (socket_takes) socket_takes = send_now();
        if (out_pending_.size() >= max_pending) {
          co_await flush(ec, true);
          if (ec) co_return;
          socket_takes = true;
        }
        encrypt(bytes + done, std::min(max_record_payload, b.size() - done));
      }
    }
  }
  if (ec) co_return;
  co_await flush(ec, true);
}

void TlsStream::stage(std::span<const asio::const_buffer> buffers) {
  staging_.clear();
  for (const auto& b : buffers) {
    const auto* bytes = static_cast<const unsigned char*>(b.data());
    staging_.insert(staging_.end(), bytes, bytes + b.size());
  }
}

std::size_t TlsStream::write_now(std::span<const asio::const_buffer> buffers) noexcept {
  if (writing_ || !out_pending_.empty()) return 0;   // bytes leave in order
  std::size_t total = 0;
  for (const auto& b : buffers) total += b.size();
  if (total == 0 || total > max_staging) return 0;
  const void* plaintext = buffers.front().data();
  if (buffers.size() > 1) {
    try {
      stage(buffers);
    } catch (const std::bad_alloc&) {
      return 0;
    }
    plaintext = staging_.data();
  }
  forget_earlier_errors();
  std::size_t written = 0;
  if (SSL_write_ex(ssl_, plaintext, total, &written) != 1) {
    ERR_clear_error();
    return 0;   // write_all meets the failure again and reports it
  }
  send_now();
  return total;
}

bool TlsStream::send_now() noexcept {
  // Bytes leave in order: not while a write of earlier ones is in flight.
  if (writing_) return false;
  if (out_pending_.empty()) return true;
  const std::array<asio::const_buffer, 1> buffers{asio::buffer(out_pending_)};
  const auto sent = inner_->write_now(buffers);
  out_pending_.erase(out_pending_.begin(), out_pending_.begin() + static_cast<std::ptrdiff_t>(sent));
  return out_pending_.empty();
}

void TlsStream::cancel() noexcept {
  inner_->cancel();
  writer_done_.cancel();
}

void TlsStream::close() noexcept {
  send_close_notify();
  inner_->close();
  writer_done_.cancel();
}

// RFC 8446 section 6.1: each side sends close_notify before it closes its write side. It also
// keeps the session resumable: OpenSSL marks the session of a connection freed without one as
// not resumable (which TLS has not required since 1.1, RFC 5246 section 7.2.1). In TLS 1.3 that
// is the session of the last ticket the connection received: without close_notify, against a
// server that sends one ticket per resumption, every other new connection would need a full
// handshake.
// Sent without waiting: the alert goes to the socket if it takes it at once, and the peer's
// close_notify is not awaited (section 6.1 allows closing the read side without it).
void TlsStream::send_close_notify() noexcept {
  // Once, and neither before the handshake has finished nor after a fatal error, which puts
  // OpenSSL back in its handshake state (SSL_shutdown(3) refuses both).
  if (!SSL_is_init_finished(ssl_) || (SSL_get_shutdown(ssl_) & SSL_SENT_SHUTDOWN) != 0) return;
  ERR_clear_error();
  SSL_shutdown(ssl_);   // the alert goes into out_pending_ through the BIO, which never blocks
  ERR_clear_error();
  send_now();
}

bool TlsStream::is_reusable() noexcept {
  if (SSL_pending(ssl_) > 0) return false;
  if (in_begin_ != in_end_) {
    // Records received while idle are fine if they carry no data: TLS 1.3 session tickets
    // (RFC 8446 section 4.6.1) arrive whenever the server likes. Peeking consumes them.
    forget_earlier_errors();
    unsigned char byte = 0;
    std::size_t n = 0;
    const int result = SSL_peek_ex(ssl_, &byte, 1, &n);
    if (result == 1 || SSL_get_error(ssl_, result) != SSL_ERROR_WANT_READ) return false;
  }
  return !in_eof_ && inner_->is_reusable();
}

void TlsStream::release_idle_buffers() noexcept {
  if (in_ && !filling_ && in_begin_ == in_end_) {
    in_begin_ = in_end_ = 0;
    buffer_cache::give_back(std::move(in_), in_capacity);
  }
  // OpenSSL's own record buffers, about 34 KB (SSL_free_buffers(3)); it refuses while a record
  // is partly read or written, and allocates them again for the next record.
  static_cast<void>(SSL_free_buffers(ssl_));
  if (!writing_) {
    // Capacity kept for the next request's ciphertext, but not what a large upload grew.
    if (out_pending_.empty() && out_pending_.capacity() > max_staging) out_pending_ = {};
    if (out_sending_.capacity() > max_staging) out_sending_ = {};
  }
  inner_->release_idle_buffers();   // TLS inside TLS: through an HTTPS proxy's tunnel
}

bool TlsStream::session_reused() const noexcept { return SSL_session_reused(ssl_) == 1; }

namespace {

std::string describe_target(std::string_view host, std::uint16_t port) {
  const bool v6 = host.find(':') != std::string_view::npos;
  return (v6 ? "[" + std::string(host) + "]" : std::string(host)) + ":" + std::to_string(port);
}

// Why a handshake failed, in OpenSSL's words: its reason, and the certificate verification
// result when that is what failed ("certificate verify failed: certificate has expired").
std::string handshake_failure_reason(SSL* ssl, const std::error_code& ec) {
  std::string reason;
  if (ec.category() == asio::error::get_ssl_category()) {
    const char* text = ERR_reason_error_string(static_cast<unsigned long>(static_cast<unsigned>(ec.value())));
    reason = text ? text : ec.message();
  } else if (ec == asio::error::eof) {
    reason = "connection closed by the server";
  } else {
    reason = ec.message();
  }
  const long verify = SSL_get_verify_result(ssl);
  if (verify != X509_V_OK) reason += std::string(": ") + X509_verify_cert_error_string(verify);
  return reason;
}

}  // namespace

Awaitable<std::unique_ptr<ByteStream>> tls_handshake(std::unique_ptr<ByteStream> inner,
    TlsContext& context, std::string_view host, std::uint16_t port, Deadline deadline, NetError& error) {
  error = NetError{};
  std::string_view bare = host;
  if (bare.size() >= 2 && bare.front() == '[' && bare.back() == ']') bare = bare.substr(1, bare.size() - 2);
  const std::string name(bare);
  const auto target = describe_target(bare, port);

  ERR_clear_error();
  SSL* ssl = SSL_new(context.native_handle());
  if (!ssl) {
    error.code = asio::error::no_memory;
    error.message = "TLS handshake with " + target + " failed: could not create the connection";
    co_return nullptr;
  }
  auto stream = std::make_unique<TlsStream>(std::move(inner), ssl, context.shared_from_this(), target);

  std::error_code address_ec;
  asio::ip::make_address(name, address_ec);
  const bool ip_literal = !address_ec;
  // RFC 6066 section 3: SNI carries host names only, never address literals.
  if (!ip_literal) SSL_set_tlsext_host_name(ssl, name.c_str());
  if (context.config().verify) {
    // RFC 9110 section 4.3.4 / RFC 6125: the certificate must name the host (DNS SAN) or the
    // address (IP SAN); partial wildcards such as "f*.example.org" are not honoured.
    if (ip_literal) {
      X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name.c_str());
    } else {
      SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      SSL_set1_host(ssl, name.c_str());
    }
  }
  SSL_set_connect_state(ssl);

  std::error_code ec;
  {
    DeadlineGuard guard(stream->get_executor(), deadline, [&stream] { stream->cancel(); });
    co_await stream->handshake(ec);
    if (ec && guard.expired()) {
      error.timed_out = true;
      error.code = asio::error::timed_out;
      error.message = "TLS handshake with " + target + " timed out";
      co_return nullptr;
    }
  }
  if (ec) {
    error.code = ec;
    error.message = "TLS handshake with " + target + " failed: " + handshake_failure_reason(ssl, ec);
    co_return nullptr;
  }
  co_return stream;
}

bool tls_session_reused(const ByteStream& stream) noexcept {
  const auto* tls = dynamic_cast<const TlsStream*>(&stream);
  return tls && tls->session_reused();
}

}  // namespace httpxx::detail
