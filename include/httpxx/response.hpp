#pragma once

#include <cstddef>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "httpxx/cookies.hpp"
#include "httpxx/duration.hpp"
#include "httpxx/headers.hpp"
#include "httpxx/request.hpp"

// Asio 1.22 keeps an awaitable's result by value, which a reference cannot be; Response::aread()
// returns one (the body stays in the response), so a reference result is kept as a pointer.
namespace asio::detail {
template <typename T, typename Executor>
class awaitable_frame<T&, Executor> : public awaitable_frame_base<Executor> {
 public:
  awaitable<T&, Executor> get_return_object() noexcept {
    this->coro_ = coroutine_handle<awaitable_frame>::from_promise(*this);
    return awaitable<T&, Executor>(this);
  }
  void return_value(T& value) noexcept { result_ = &value; }
  T& get() {
    this->caller_ = nullptr;
    this->rethrow_exception();
    return *result_;
  }

 private:
  T* result_ = nullptr;
};
}  // namespace asio::detail

namespace httpxx {

namespace detail {
class ResponseStream;    // the raw body on demand (lib/transport/response_stream.hpp)
class BlockingDriver;    // runs async work to completion for the blocking Client
class BodyReader;        // decoding state of a streamed body (lib/client/body_reader.hpp)
struct ResponseIteration;   // one iter_* / aiter_* in progress (lib/models/response.cpp)
class ResponseReading;     // the body read by coroutines of httpxx's own (lib/models/response.cpp)
}  // namespace detail

// An input range of chunks pulled on demand (Response::iter_bytes and friends). Each step may
// block while the blocking client reads from the network. A chunk is valid until the next step,
// which reuses its storage: a body's chunks take no allocation each.
class ChunkRange {
 public:
  // Puts the next chunk into the string given, whose storage it may reuse; false at the end.
  using Next = std::function<bool(std::string&)>;
  explicit ChunkRange(Next next) : next_(std::move(next)) {}

  class iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = std::string;
    using difference_type = std::ptrdiff_t;
    using pointer = const std::string*;
    using reference = const std::string&;
    iterator() = default;
    explicit iterator(ChunkRange* range) : range_(range) { ++*this; }
    reference operator*() const { return range_->current_; }
    pointer operator->() const { return &range_->current_; }
    iterator& operator++() {
      if (!range_->next_(range_->current_)) range_ = nullptr;
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator& a, const iterator& b) { return a.range_ == b.range_; }

   private:
    ChunkRange* range_ = nullptr;
  };

  iterator begin() { return iterator(this); }
  iterator end() { return iterator(); }

 private:
  Next next_;
  std::string current_;
};

// The same pulled from a coroutine: `while (auto chunk = co_await stream.next()) ...`.
class AsyncChunkStream {
 public:
  using Next = std::function<asio::awaitable<std::optional<std::string>>()>;
  explicit AsyncChunkStream(Next next) : next_(std::move(next)) {}
  asio::awaitable<std::optional<std::string>> next() { return next_(); }

 private:
  Next next_;
};

class Response {
 public:
  // A complete response, as a MockTransport handler returns it.
  Response(int status_code, Headers headers = {}, std::string content = {});
  // An empty response (status 0), so that a Response can be a coroutine's result through
  // asio::use_future or wait in a std::optional-free variable.
  Response() : Response(0) {}
  // A destroyed response leaves its body's storage to the thread's next one
  // (lib/models/spare_storage).
  ~Response();
  Response(const Response&) = default;
  Response(Response&&) = default;
  Response& operator=(const Response&) = default;
  Response& operator=(Response&&) = default;

  int status_code() const noexcept { return status_code_; }
  std::string_view reason_phrase() const noexcept;          // the server's, or the standard one
  std::string_view http_version() const noexcept { return http_version_; }   // "HTTP/1.1", "HTTP/2"
  const Headers& headers() const noexcept { return headers_; }
  const URL& url() const;                                    // the request's URL
  const Request& request() const;                            // std::logic_error when none is set
  bool has_request() const noexcept { return request_ != nullptr; }
  const std::string& content() const;         // decoded body; ResponseNotRead while streaming
  std::string text() const;                   // content as UTF-8
  std::string encoding() const;               // charset of Content-Type, else the default
  nlohmann::json json() const;                // DecodingError on invalid JSON
  const Cookies& cookies() const noexcept { return cookies_; }
  const std::vector<Response>& history() const noexcept { return history_; }
  Duration elapsed() const noexcept { return elapsed_; }
  std::optional<Request> next_request() const {
    return next_request_ ? std::optional<Request>(*next_request_) : std::nullopt;
  }
  std::size_t num_bytes_downloaded() const noexcept { return num_bytes_downloaded_; }

  bool is_informational() const noexcept { return status_code_ >= 100 && status_code_ < 200; }
  bool is_success() const noexcept { return status_code_ >= 200 && status_code_ < 300; }
  bool is_redirect() const noexcept;          // 301, 302, 303, 307, 308 with a Location
  bool is_client_error() const noexcept { return status_code_ >= 400 && status_code_ < 500; }
  bool is_server_error() const noexcept { return status_code_ >= 500 && status_code_ < 600; }
  bool is_error() const noexcept { return status_code_ >= 400 && status_code_ < 600; }
  const Response& raise_for_status() const;   // HTTPStatusError unless 2xx; returns *this

  // Reading a streamed response, blocking (Client::stream). Once the body has been read, the
  // iter_bytes/iter_text/iter_lines ranges serve it from memory; iterating a stream that was
  // already iterated throws StreamConsumed, and after close() StreamClosed. The ranges (and the
  // aiter_* streams) refer to this Response, which must outlive them and stay in place.
  const std::string& read();
  ChunkRange iter_bytes(std::size_t chunk_size = 0);   // decoded; chunk_size 0 = as received
  ChunkRange iter_text(std::size_t chunk_size = 0);    // decoded and as UTF-8
  ChunkRange iter_lines();                             // lines without their terminators
                                                       // (\n, \r\n or \r)
  ChunkRange iter_raw(std::size_t chunk_size = 0);     // as received, still content-encoded
  void close();                               // abandons an unread body (and its connection)
  bool is_closed() const noexcept;            // closed, or read to the end
  bool is_stream_consumed() const noexcept;

  // The same from a coroutine (AsyncClient::stream).
  asio::awaitable<const std::string&> aread();
  AsyncChunkStream aiter_bytes(std::size_t chunk_size = 0);
  AsyncChunkStream aiter_text(std::size_t chunk_size = 0);
  AsyncChunkStream aiter_lines();
  AsyncChunkStream aiter_raw(std::size_t chunk_size = 0);
  asio::awaitable<void> aclose();

  // Set by transports and clients while the response is being produced.
  void set_request(std::shared_ptr<const Request> request) { request_ = std::move(request); }
  void set_http_version(std::string version) { http_version_ = std::move(version); }
  void set_reason_phrase(std::string reason) { reason_phrase_ = std::move(reason); }
  void set_stream(std::shared_ptr<detail::ResponseStream> stream);   // the body is read on demand
  void set_blocking_driver(std::shared_ptr<detail::BlockingDriver> driver) { driver_ = std::move(driver); }
  void set_history(std::vector<Response> history) { history_ = std::move(history); }
  void set_elapsed(Duration elapsed) noexcept { elapsed_ = elapsed; }
  void set_next_request(std::optional<Request> next) {
    next_request_ = next ? std::make_shared<const Request>(std::move(*next)) : nullptr;
  }
  void set_default_encoding(std::string encoding) { default_encoding_ = std::move(encoding); }
  void set_max_decoded_size(std::optional<std::size_t> limit) noexcept { max_decoded_size_ = limit; }
  Cookies& mutable_cookies() noexcept { return cookies_; }
  bool has_stream() const noexcept { return stream_ != nullptr; }
  // Reads into the content what of the body has arrived, without waiting, as aread() begins;
  // true when the body is complete. A client that calls it first spares aread()'s coroutine
  // when the body came with the head; aread() goes on from where this stopped.
  bool read_arrived();

 private:
  friend class detail::ResponseReading;
  detail::BodyReader& body_reader();
  // The decoded bytes that have already arrived, appended to out without waiting; true at the
  // end of the body.
  bool read_buffered(std::string& out);
  // Called in a catch block: closes the response and rethrows, naming the request.
  [[noreturn]] void fail_reading();
  void check_stream_unused() const;
  void require_driver() const;
  std::shared_ptr<detail::ResponseIteration> start_iteration(detail::ResponseIteration iteration);
  ChunkRange blocking_range(std::shared_ptr<detail::ResponseIteration> iteration);
  AsyncChunkStream async_stream(std::shared_ptr<detail::ResponseIteration> iteration);
  asio::awaitable<void> advance(detail::ResponseIteration& iteration);
  static asio::awaitable<std::optional<std::string>> next_item(
      Response* self, std::shared_ptr<detail::ResponseIteration> iteration);

  int status_code_;
  Headers headers_;
  std::string content_;
  bool content_read_ = true;       // false while a stream has not been read to the end
  bool closed_ = true;             // a complete response is closed; set_stream opens it
  bool stream_consumed_ = true;    // its stream was read or iterated (or there is none)
  bool reading_content_ = false;   // read_arrived() began reading the body into content_
  std::string http_version_ = "HTTP/1.1";
  std::string reason_phrase_;
  // Declared before the stream and the reader: a blocking client's loop outlives the connection
  // they hold, whose timer and socket belong to that loop.
  std::shared_ptr<detail::BlockingDriver> driver_;
  std::shared_ptr<const Request> request_;
  std::shared_ptr<detail::ResponseStream> stream_;
  std::shared_ptr<detail::BodyReader> reader_;
  Cookies cookies_;
  std::vector<Response> history_;
  Duration elapsed_{0};
  // Shared, not held in place: a response is moved several times on its way to the caller, and
  // a Request is half its size; the redirect not followed is rare.
  std::shared_ptr<const Request> next_request_;
  std::string default_encoding_ = "utf-8";
  std::optional<std::size_t> max_decoded_size_;
  std::size_t num_bytes_downloaded_ = 0;
};

}  // namespace httpxx
