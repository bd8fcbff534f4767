#include "transport/http11_connection.hpp"

#include <array>
#include <charconv>
#include <cstring>

#include <asio/buffer.hpp>
#include <asio/error.hpp>

#include "codec/h1/request_writer.hpp"
#include "content/request_body.hpp"
#include "httpxx/errors.hpp"
#include "models/spare_storage.hpp"
#include "net/frame_pool.hpp"
#include "transport/connection_pool.hpp"
#include "transport/http11_body_stream.hpp"
#include "transport/http_proxy.hpp"
#include "transport/transport_errors.hpp"

namespace httpxx::detail {

namespace {

// Bodies up to this size go out in the same write as the head, copied behind it; larger ones
// are gathered from their own buffer (no copy) or streamed in chunks of this size.
constexpr std::size_t chunk_size = 64 * 1024;
// How long to wait for "100 Continue" before sending the body anyway (RFC 9110 10.1.1 leaves
// it open; curl waits one second).
constexpr auto expect_continue_wait = std::chrono::seconds(1);

bool has_token(const Headers& headers, std::string_view name, std::string_view token) {
  for (const auto& [field, value] : headers) {
    if (!iequals(field, name)) continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      auto comma = rest.find(',');
      auto item = rest.substr(0, comma);
      while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
      while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
      if (iequals(item, token)) return true;
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return false;
}

// "Keep-Alive: timeout=5, max=100" (RFC 2068 19.7.1.1, still sent by servers): the server will
// close the connection after `timeout` idle seconds; reusing it later would race that close.
std::optional<std::chrono::seconds> keep_alive_timeout(const Headers& headers) {
  const std::string* value = headers.find("keep-alive");
  if (!value) return std::nullopt;
  std::string_view rest = *value;
  for (auto pos = rest.find("timeout="); pos != std::string_view::npos; pos = std::string_view::npos) {
    auto digits = rest.substr(pos + 8);
    long seconds = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), seconds);
    if (ec == std::errc() && end != digits.data() && seconds >= 0) return std::chrono::seconds(seconds);
  }
  return std::nullopt;
}

}  // namespace

Http11Connection::Http11Connection(std::unique_ptr<ByteStream> stream, std::string peer,
                                   h1::ParserLimits limits)
    : stream_(std::move(stream)),
      watchdog_(std::make_shared<IoWatchdog>(stream_->get_executor(), stream_)),
      peer_(std::move(peer)),
      parser_(limits) {}

void Http11Connection::close() noexcept {
  if (closed_) return;
  closed_ = true;
  reusable_ = false;
  stream_->close();
  watchdog_->shut_down();
}

bool Http11Connection::is_reusable() noexcept {
  return !closed_ && !busy_ && read_begin_ == read_end_ && stream_->is_reusable();
}

asio::mutable_buffer Http11Connection::begin_fill(const RequestDeadlines& deadlines,
                                                  Clock::time_point wait_limit) {
  if (read_begin_ == read_end_) read_begin_ = read_end_ = 0;
  if (read_end_ == read_buffer_.size()) {
    std::memmove(read_buffer_.data(), read_buffer_.data() + read_begin_, read_end_ - read_begin_);
    read_end_ -= read_begin_;
    read_begin_ = 0;
  }
  fill_deadline_ = deadlines.for_phase(Phase::read);
  fill_limited_ = wait_limit < fill_deadline_.at;
  watchdog_->arm(fill_limited_ ? wait_limit : fill_deadline_.at);
  return asio::buffer(read_buffer_.data() + read_end_, read_buffer_.size() - read_end_);
}

Http11Connection::Fill Http11Connection::end_fill(std::size_t n, const std::error_code& ec,
                                                  const RequestDeadlines& deadlines) {
  watchdog_->disarm();
  if (ec == asio::error::eof) return Fill::eof;
  if (ec) {
    const bool timed_out = watchdog_->expired();
    if (timed_out && fill_limited_) return Fill::waited_out;
    close();
    if (!timed_out && !response_started_ && completed_ > 0 && ec != asio::error::operation_aborted) {
      // RFC 9112 9.3.1: a reused connection can be closed by the server at any time while idle.
      throw StaleConnection("connection to " + peer_ + " was closed by the server: " + ec.message());
    }
    raise_io_error(Phase::read, ec, timed_out, deadlines, fill_deadline_.is_total, peer_);
  }
  read_end_ += n;
  response_started_ = true;
  return Fill::data;
}

void Http11Connection::fail_protocol(const std::error_code& error, std::string_view during) {
  close();
  std::string message = std::string(during) + " from " + peer_ + ": " + error.message();
  if (const auto reason = parser_.error_reason(); !reason.empty()) message += " (" + std::string(reason) + ")";
  throw RemoteProtocolError(message);
}

bool Http11Connection::write_now(std::span<asio::const_buffer>& buffers) noexcept {
  if (buffers.empty()) return true;
  auto written = stream_->write_now(buffers);
  while (!buffers.empty() && written >= buffers.front().size()) {
    written -= buffers.front().size();
    buffers = buffers.subspan(1);
  }
  if (!buffers.empty()) buffers.front() += written;
  // Over TLS, the records of what was written may be partly waiting: a write of nothing sends them.
  return buffers.empty() && !stream_->output_pending();
}

Awaitable<void> Http11Connection::write(std::span<const asio::const_buffer> buffers,
                                        const RequestDeadlines& deadlines, bool may_be_stale) {
  const auto deadline = deadlines.for_phase(Phase::write);
  watchdog_->arm(deadline.at);
  std::error_code ec;
  co_await stream_->write_all(buffers, ec);
  watchdog_->disarm();
  if (!ec) co_return;
  close();
  const bool timed_out = watchdog_->expired();
  if (may_be_stale && !timed_out && ec != asio::error::operation_aborted) {
    // RFC 9112 9.3.1: a reused connection can be closed by the server at any time while idle.
    throw StaleConnection("connection to " + peer_ + " was closed by the server: " + ec.message());
  }
  raise_io_error(Phase::write, ec, timed_out, deadlines, deadline.is_total, peer_);
}

Http11Connection::Head Http11Connection::parse_buffered_head(bool awaiting_continue) {
  while (read_begin_ < read_end_) {
    auto result = parser_.feed({read_buffer_.data() + read_begin_, read_end_ - read_begin_}, body_spans_);
    read_begin_ += result.consumed;
    if (result.error) fail_protocol(result.error, "invalid response");
    if (!result.head_complete) continue;
    if (parser_.is_interim()) {
      // RFC 9110 15.2: 1xx responses precede the final one; 100 releases a waiting body, 103
      // Early Hints and others are skipped.
      if (parser_.head().status_code == 100 && awaiting_continue) return Head::continued;
      continue;
    }
    if (result.message_complete) finish_message();
    return Head::final;
  }
  return Head::incomplete;
}

void Http11Connection::fail_incomplete_head() {
  auto result = parser_.feed_eof();
  close();
  if (result.error == h1::Errc::no_response && completed_ > 0) {
    throw StaleConnection("connection to " + peer_ + " was closed by the server before it answered");
  }
  if (result.error == h1::Errc::no_response) {
    throw RemoteProtocolError("server " + peer_ + " disconnected without sending a response");
  }
  fail_protocol(result.error ? result.error : make_error_code(h1::Errc::incomplete_head),
                "incomplete response head");
}

Awaitable<void> Http11Connection::write_body(Request& request, const RequestDeadlines& deadlines,
                                             bool chunked) {
  auto& body = *request.body();
  if (const std::string* bytes = body.bytes()) {
    std::array<asio::const_buffer, 1> buffers{asio::buffer(*bytes)};
    std::span<asio::const_buffer> unsent(buffers);
    if (!write_now(unsent)) co_await write(unsent, deadlines, false);
    co_return;
  }
  // The same request may be sent again (a retry, a redirect, the caller's own resend): a
  // streamed body always starts from its beginning.
  if (!body.rewind()) {
    close();
    throw StreamConsumed("the request body was streamed once already and cannot be sent again");
  }
  for (;;) {
    bool more = false;
    try {
      more = body.read(chunk_buffer_, chunk_size);
    } catch (const std::system_error& e) {
      close_after_ = true;
      close();
      throw LocalProtocolError(std::string("could not read the request body: ") + e.what());
    }
    std::string framed_head;
    std::array<asio::const_buffer, 3> buffers;
    std::size_t count = 0;
    if (chunked) {
      // RFC 9112 7.1: each chunk is "<hex size>\r\n<data>\r\n", the last one "0\r\n\r\n".
      head_buffer_.clear();
      if (more) {
        h1::write_chunk(head_buffer_, chunk_buffer_);
      } else {
        h1::write_last_chunk(head_buffer_);
      }
      buffers[count++] = asio::buffer(head_buffer_);
    } else if (more) {
      buffers[count++] = asio::buffer(chunk_buffer_);
    }
    std::span<asio::const_buffer> unsent(buffers.data(), count);
    if (!write_now(unsent)) co_await write(unsent, deadlines, false);
    if (!more) co_return;
  }
}

Awaitable<void> Http11Connection::send(Request& request, const RequestRoute& route,
                                       const RequestDeadlines& deadlines, PoolLease lease,
                                       std::optional<Response>& response) {
  busy_ = true;
  read_buffer_.acquire();
  body_received_ = 0;
  response_started_ = false;
  reusable_ = false;
  close_after_ = has_token(request.headers(), "connection", "close");

  const auto& body = request.body();
  const std::string* bytes = body ? body->bytes() : nullptr;
  const bool streamed = body && !bytes;
  const bool chunked = body && !body->length();
  const bool expect_continue = body && has_token(request.headers(), "expect", "100-continue");

  head_buffer_.clear();
  std::string absolute_target;
  std::string_view target = request.url().target_view();
  if (route.absolute_form) target = absolute_target = absolute_form_target(request.url());
  if (route.proxy_headers && !route.proxy_headers->empty()) {
    Headers headers = request.headers();
    for (const auto& [name, value] : *route.proxy_headers) headers.add_unchecked(name, value);
    h1::write_request_head(head_buffer_, request.method(), target, headers);
  } else {
    h1::write_request_head(head_buffer_, request.method(), target, request.headers());
  }

  // The head and an in-memory body leave in one gathered write (one syscall for small requests).
  std::array<asio::const_buffer, 2> buffers{asio::buffer(head_buffer_), asio::const_buffer()};
  std::size_t count = 1;
  if (bytes && !bytes->empty() && !expect_continue) buffers[count++] = asio::buffer(*bytes);
  std::span<asio::const_buffer> unsent(buffers.data(), count);
  if (!write_now(unsent)) co_await write(unsent, deadlines, completed_ > 0);

  parser_.start(request.method() == "HEAD");
  if (streamed && !expect_continue) co_await write_body(request, deadlines, chunked);
  // RFC 9110 10.1.1: with "Expect: 100-continue" the body waits for "100 Continue", or for a
  // short while when the server ignores Expect; a final response first means it is not sent.
  // The reads are awaited here, not in a coroutine of their own: no frame per response head.
  bool body_held = expect_continue;
  const auto continue_wait_limit = expect_continue ? Clock::now() + expect_continue_wait : Clock::time_point::max();
  for (;;) {
    const auto parsed = parse_buffered_head(body_held);
    if (parsed == Head::final) break;
    bool release_body = parsed == Head::continued;
    if (parsed == Head::incomplete) {
      std::error_code ec;
      const auto space = begin_fill(deadlines, body_held ? continue_wait_limit : Clock::time_point::max());
      const auto n = co_await stream_->read_some(space, ec);
      const auto filled = end_fill(n, ec, deadlines);
      if (filled == Fill::eof) fail_incomplete_head();
      release_body = filled == Fill::waited_out;
    }
    if (release_body) {
      body_held = false;
      co_await write_body(request, deadlines, chunked);
    }
  }
  // A final answer came before the body was sent, and the server may still be expecting it.
  if (body_held) close_after_ = true;

  auto head = parser_.take_head();
  http_version_ = head.version_minor == 0 ? "HTTP/1.0" : "HTTP/1.1";
  if (auto timeout = keep_alive_timeout(head.headers)) server_expiry_ = Clock::now() + *timeout;
  response.emplace(head.status_code, std::move(head.headers));
  response->set_http_version(std::string(http_version_));
  response->set_reason_phrase(std::move(head.reason));
  response->set_stream(frame_pool::make_shared<Http11BodyStream>(shared_from_this(), std::move(lease), deadlines));
}

std::string Http11Connection::body_storage(std::size_t arrived) const {
  std::uint64_t room = arrived;
  if (const auto length = parser_.content_length(); length && *length > body_received_) {
    room = std::max<std::uint64_t>(room, std::min<std::uint64_t>(*length - body_received_, spare_storage::max_kept_room));
  }
  return spare_storage::string_with_room(static_cast<std::size_t>(room));
}

void Http11Connection::read_buffered_body(std::string& out, bool& finished) {
  finished = !busy_;                     // the message may have ended together with its head
  while (!finished && read_begin_ < read_end_) {
    auto result = parser_.feed({read_buffer_.data() + read_begin_, read_end_ - read_begin_}, body_spans_);
    read_begin_ += result.consumed;
    for (auto span : body_spans_) {
      if (spare_storage::lacks_storage(out)) out = body_storage(span.size());
      out.append(span);
      body_received_ += span.size();
    }
    body_spans_.clear();
    if (result.error) fail_protocol(result.error, "invalid response body");
    if (result.message_complete) {
      finish_message();
      finished = true;
    }
    if (result.consumed == 0) break;
  }
}

Awaitable<void> Http11Connection::read_body(std::string& out, const RequestDeadlines& deadlines,
                                            bool& finished) {
  const auto size_before = out.size();
  for (;;) {
    read_buffered_body(out, finished);
    if (finished || out.size() > size_before) co_return;
    // A body past the standard buffer is a large transfer: it continues in large reads.
    if (body_received_ >= ReadBuffer::standard_size && !read_buffer_.is_large()) {
      read_buffer_.enlarge(read_begin_, read_end_);
      read_end_ -= read_begin_;
      read_begin_ = 0;
    }
    std::error_code ec;
    const auto space = begin_fill(deadlines, Clock::time_point::max());
    const auto n = co_await stream_->read_some(space, ec);
    if (end_fill(n, ec, deadlines) == Fill::eof) {
      auto result = parser_.feed_eof();
      if (result.error) fail_protocol(result.error, "incomplete response body");
      finish_message();
      finished = true;
      co_return;
    }
  }
}

void Http11Connection::finish_message() noexcept {
  busy_ = false;
  // The timer's wait stays for the next request; the pool drops it when it has none in flight.
  watchdog_->disarm();
  ++completed_;
  // Bytes after the end of the response were never asked for (RFC 9112 9.3.2: no pipelining
  // here), so the connection's framing can no longer be trusted.
  reusable_ = !closed_ && !close_after_ && parser_.keep_alive() && read_begin_ == read_end_;
  if (read_begin_ == read_end_) {
    read_begin_ = read_end_ = 0;
    read_buffer_.release();
    // An idle pooled connection holds no buffers at any layer (over TLS, neither the TLS layer's
    // nor OpenSSL's).
    stream_->release_idle_buffers();
  }
}

}  // namespace httpxx::detail
