#include "httpxx/response.hpp"

#include <stdexcept>
#include <utility>

#include "client/blocking_driver.hpp"
#include "client/body_reader.hpp"
#include "content/chunk_pipeline.hpp"
#include "content/decoder.hpp"
#include "httpxx/errors.hpp"
#include "models/charset.hpp"
#include "models/spare_storage.hpp"
#include "models/status_codes.hpp"
#include "net/frame_pool.hpp"
#include "net/pooled_awaitable.hpp"
#include "transport/response_stream.hpp"

namespace httpxx {

namespace detail {

// One iter_* / aiter_* call in progress: what it yields, from which bytes, and how far it got.
struct ResponseIteration {
  ChunkPipeline pipeline;
  bool raw = false;        // the bytes as received, still content-encoded
  bool ended = false;      // every byte has gone into the pipeline
  std::string chunk{};     // the bytes being read: one buffer reused for every chunk
};

}  // namespace detail

namespace {

std::string_view content_encoding(const Headers& headers) {
  const std::string* value = headers.find("Content-Encoding");
  return value != nullptr ? std::string_view(*value) : std::string_view{};
}

// application/json and the +json types (RFC 6839 section 3.1) are UTF-8 unless they say
// otherwise (RFC 8259 section 8.1).
bool is_json_media_type(std::string_view content_type) {
  std::string_view type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
  return iequals(type, "application/json") ||
         (type.size() > 5 && iequals(type.substr(type.size() - 5), "+json"));
}

}  // namespace

namespace detail {

// The body's reads as coroutines whose frames come from the thread's frame pool: aread() and
// the steps of every read and iteration are these, and so is the blocking read(). As Asio's
// own coroutines, each read that waits for the network took a frame per layer from Asio's
// two-slot cache, which the blocking client's runs of the loop start empty.
class ResponseReading {
 public:
  // The next raw or decoded bytes of the body, appended to out; false at its end.
  static Awaitable<bool> read_chunk(Response& response, bool raw, std::string& out);
  // The rest of the body into the response's content (aread()).
  static Awaitable<const std::string&> read_all(Response& response);
  // The same for the blocking read(), which its driver runs as a coroutine without a result.
  static Awaitable<void> read_to_end(Response& response) { co_await read_all(response); }
};

}  // namespace detail

Response::Response(int status_code, Headers headers, std::string content)
    : status_code_(status_code), headers_(std::move(headers)), num_bytes_downloaded_(content.size()) {
  // As httpx's Response(content=...): the length it would have had on the wire.
  if (!content.empty() && !headers_.contains("Content-Length") && !headers_.contains("Transfer-Encoding")) {
    headers_.add("Content-Length", std::to_string(content.size()));
  }
  // An empty content decodes to nothing; a transport's response (its body still to come) is one.
  auto decoder = content.empty() ? nullptr : detail::make_decoder(content_encoding(headers_), std::nullopt);
  if (decoder) {
    decoder->decode(content, content_);
    decoder->finish(content_);
  } else {
    content_ = std::move(content);
  }
}

Response::~Response() { detail::spare_storage::give_back(content_); }

std::string_view Response::reason_phrase() const noexcept {
  if (!reason_phrase_.empty()) return reason_phrase_;
  return detail::reason_phrase(status_code_);
}

const Request& Response::request() const {
  if (!request_) {
    throw std::logic_error("this response has no request: it was not produced by a client or transport");
  }
  return *request_;
}

const URL& Response::url() const { return request().url(); }

const std::string& Response::content() const {
  if (!content_read_) {
    throw ResponseNotRead("the streamed response body has not been read: call read() or aread() first");
  }
  return content_;
}

std::string Response::encoding() const {
  if (const std::string* content_type = headers_.find("Content-Type")) {
    std::string charset = detail::charset_of(*content_type);
    if (!charset.empty() && detail::is_known_charset(charset)) return charset;
    if (is_json_media_type(*content_type)) return "utf-8";
  }
  return detail::is_known_charset(default_encoding_) ? default_encoding_ : "utf-8";
}

std::string Response::text() const { return detail::to_utf8(content(), encoding()); }

nlohmann::json Response::json() const {
  const std::string& body = content();
  const std::string charset = encoding();
  try {
    if (detail::is_utf8_charset(charset)) return nlohmann::json::parse(body);
    return nlohmann::json::parse(detail::to_utf8(body, charset));
  } catch (const nlohmann::json::exception& e) {
    throw DecodingError(std::string("the response body is invalid JSON: ") + e.what(), request_);
  }
}

bool Response::is_redirect() const noexcept {
  switch (status_code_) {
    case 301: case 302: case 303: case 307: case 308:
      return headers_.contains("Location");
    default:
      return false;
  }
}

const Response& Response::raise_for_status() const {
  if (is_success()) return *this;
  const int status_class = status_code_ / 100;
  const char* error_type = status_class == 1   ? "Informational response"
                           : status_class == 3 ? "Redirect response"
                           : status_class == 4 ? "Client error"
                           : status_class == 5 ? "Server error"
                                               : "Invalid status code";
  // httpx's message, with the URL's credentials left out (error messages never carry them).
  const std::string url = request_ ? std::string(request_->url().copy_without_userinfo().href()) : std::string();
  const std::string status = std::to_string(status_code_);
  std::string message = std::string(error_type) + " '" + status + " " + std::string(reason_phrase()) +
                        "' for url '" + url + "'\n";
  if (is_redirect()) message += "Redirect location: '" + *headers_.find("Location") + "'\n";
  message += "For more information check: https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/" + status;
  throw HTTPStatusError(message, request_, std::make_shared<const Response>(*this));
}

// --- streamed bodies -------------------------------------------------------------------------

void Response::set_stream(std::shared_ptr<detail::ResponseStream> stream) {
  stream_ = std::move(stream);
  reader_.reset();
  content_.clear();
  num_bytes_downloaded_ = 0;
  const bool streaming = stream_ != nullptr;
  content_read_ = !streaming;
  closed_ = !streaming;
  stream_consumed_ = !streaming;
}

detail::BodyReader& Response::body_reader() {
  if (!reader_) {
    reader_ = detail::frame_pool::make_shared<detail::BodyReader>(
        stream_, detail::make_decoder(content_encoding(headers_), max_decoded_size_), num_bytes_downloaded_);
  }
  return *reader_;
}

void Response::check_stream_unused() const {
  if (stream_consumed_) {
    throw StreamConsumed("the response body stream has already been read or iterated");
  }
  if (closed_) throw StreamClosed("the response was closed before its body was read");
}

void Response::require_driver() const {
  if (!driver_) {
    throw std::logic_error("this response was streamed by an AsyncClient: use aread() and the aiter_* methods");
  }
}

void Response::fail_reading() {
  // The connection's framing position is lost: give it up, and say which request failed.
  reading_content_ = false;
  close();
  try {
    throw;
  } catch (RequestError& e) {
    if (!e.has_request() && request_) e.set_request(request_);
    throw;
  }
}

namespace detail {

Awaitable<bool> ResponseReading::read_chunk(Response& response, bool raw, std::string& out) {
  BodyReader& reader = response.body_reader();
  // Each co_await is a statement of its own: GCC 12.2 miscompiles one inside a condition.
  bool more = false;
  try {
    if (raw) {
      more = co_await reader.read_raw(out);
    } else {
      more = co_await reader.read_decoded(out);
    }
  } catch (...) {
    response.fail_reading();
  }
  response.num_bytes_downloaded_ = reader.raw_bytes();
  if (!more) response.close();   // at the end: a no-op for the stream, which released its connection
  co_return more;
}

Awaitable<const std::string&> ResponseReading::read_all(Response& response) {
  bool ended = response.read_arrived();
  while (!ended) {
    const bool more = co_await read_chunk(response, false, response.content_);
    ended = !more;
  }
  response.content_read_ = true;
  co_return response.content_;
}

}  // namespace detail

bool Response::read_buffered(std::string& out) {
  bool ended = false;
  try {
    if (!reader_) {
      // A body in no coding we undo has no decoding state to keep: what has arrived goes
      // straight from the stream, and a reader is made only if the rest must be awaited.
      auto decoder = detail::make_decoder(content_encoding(headers_), max_decoded_size_);
      if (decoder) {
        reader_ =
            detail::frame_pool::make_shared<detail::BodyReader>(stream_, std::move(decoder), num_bytes_downloaded_);
      }
    }
    if (reader_) {
      ended = reader_->read_buffered(out);
      num_bytes_downloaded_ = reader_->raw_bytes();
    } else {
      const std::size_t before = out.size();
      ended = stream_->read_buffered(out);
      num_bytes_downloaded_ += out.size() - before;
    }
  } catch (...) {
    fail_reading();
  }
  if (ended) close();
  return ended;
}

bool Response::read_arrived() {
  if (content_read_) return true;
  if (!reading_content_) {
    check_stream_unused();
    stream_consumed_ = true;
    content_.clear();
    reading_content_ = true;
  }
  // A small body has usually arrived with the head: then it is read here, synchronously.
  content_read_ = read_buffered(content_);
  return content_read_;
}

asio::awaitable<const std::string&> Response::aread() { return detail::ResponseReading::read_all(*this); }

const std::string& Response::read() {
  if (content_read_) return content_;
  check_stream_unused();
  require_driver();
  driver_->run(detail::ResponseReading::read_to_end(*this));
  return content_;
}

std::shared_ptr<detail::ResponseIteration> Response::start_iteration(detail::ResponseIteration iteration) {
  auto state = std::make_shared<detail::ResponseIteration>(std::move(iteration));
  if (content_read_ && !state->raw) {
    // The body is in memory already: iterate over it (httpx does the same).
    state->pipeline.push(content_);
    state->pipeline.finish();
    state->ended = true;
    return state;
  }
  check_stream_unused();
  stream_consumed_ = true;
  return state;
}

asio::awaitable<void> Response::advance(detail::ResponseIteration& iteration) {
  if (closed_) throw StreamClosed("the response was closed while its body was being iterated");
  iteration.chunk.clear();
  const bool more = co_await detail::ResponseReading::read_chunk(*this, iteration.raw, iteration.chunk);
  if (more) {
    // Handed over, not copied. For aiter_* chunk starts empty each time, so an item the caller
    // keeps is no larger than the bytes it holds (or, decoded, than twice that); iter_* hand
    // back the storage of the item before (blocking_range).
    iteration.pipeline.push_owned(std::move(iteration.chunk));
    iteration.chunk.clear();   // moved from: valid but unspecified until cleared
  } else {
    iteration.pipeline.finish();
    iteration.ended = true;
  }
}

ChunkRange Response::blocking_range(std::shared_ptr<detail::ResponseIteration> iteration) {
  if (!iteration->ended) require_driver();
  return ChunkRange([this, iteration](std::string& item) {
    // The caller is done with the last chunk: its storage is read into again. A fresh buffer for
    // each chunk would cost an allocation, and past malloc's mmap threshold fresh pages, each time.
    if (item.capacity() > iteration->chunk.capacity()) iteration->chunk.swap(item);
    while (!iteration->pipeline.pop(item)) {
      if (iteration->ended) return false;
      driver_->run(advance(*iteration));
    }
    return true;
  });
}

asio::awaitable<std::optional<std::string>> Response::next_item(
    Response* self, std::shared_ptr<detail::ResponseIteration> iteration) {
  std::string item;
  while (!iteration->pipeline.pop(item)) {
    if (iteration->ended) co_return std::nullopt;
    co_await self->advance(*iteration);
  }
  co_return item;
}

AsyncChunkStream Response::async_stream(std::shared_ptr<detail::ResponseIteration> iteration) {
  return AsyncChunkStream([this, iteration] { return next_item(this, iteration); });
}

ChunkRange Response::iter_bytes(std::size_t chunk_size) {
  return blocking_range(start_iteration({detail::ChunkPipeline::bytes(chunk_size)}));
}

ChunkRange Response::iter_text(std::size_t chunk_size) {
  return blocking_range(start_iteration({detail::ChunkPipeline::text(encoding(), chunk_size)}));
}

ChunkRange Response::iter_lines() {
  return blocking_range(start_iteration({detail::ChunkPipeline::lines(encoding())}));
}

ChunkRange Response::iter_raw(std::size_t chunk_size) {
  return blocking_range(start_iteration({detail::ChunkPipeline::bytes(chunk_size), true}));
}

AsyncChunkStream Response::aiter_bytes(std::size_t chunk_size) {
  return async_stream(start_iteration({detail::ChunkPipeline::bytes(chunk_size)}));
}

AsyncChunkStream Response::aiter_text(std::size_t chunk_size) {
  return async_stream(start_iteration({detail::ChunkPipeline::text(encoding(), chunk_size)}));
}

AsyncChunkStream Response::aiter_lines() {
  return async_stream(start_iteration({detail::ChunkPipeline::lines(encoding())}));
}

AsyncChunkStream Response::aiter_raw(std::size_t chunk_size) {
  return async_stream(start_iteration({detail::ChunkPipeline::bytes(chunk_size), true}));
}

void Response::close() {
  if (closed_) return;
  closed_ = true;
  if (stream_) stream_->close();
}

asio::awaitable<void> Response::aclose() {
  close();
  co_return;
}

bool Response::is_closed() const noexcept { return closed_; }
bool Response::is_stream_consumed() const noexcept { return stream_consumed_; }

}  // namespace httpxx
