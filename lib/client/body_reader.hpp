#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "content/decoder.hpp"
#include "net/pooled_awaitable.hpp"
#include "transport/response_stream.hpp"

namespace httpxx::detail {

// The decoding state of a streamed response body: its stream, its content decoder, and the
// count of raw bytes received. One raw buffer is reused for every chunk.
class BodyReader {
 public:
  // decoder may be null: the body is not content-encoded (or not in a coding we undo).
  // raw_bytes counts what was read from the stream before the reader was made.
  BodyReader(std::shared_ptr<ResponseStream> stream, std::unique_ptr<ContentDecoder> decoder,
             std::size_t raw_bytes = 0);

  // Appends the next raw (still content-encoded) bytes to out; false once the body has ended.
  Awaitable<bool> read_raw(std::string& out);
  // Appends the decoded bytes of the next raw chunk to out (possibly none, when the decoder
  // needs more input); false once the body has ended and the decoder is flushed. Throws
  // DecodingError on a corrupt or truncated body, and whatever the stream throws.
  Awaitable<bool> read_decoded(std::string& out);

  // Appends the decoded bytes of what has already arrived, without waiting (possibly none);
  // returns whether the body has ended and the decoder is flushed (read_decoded then returns
  // false at once). Throws as read_decoded does.
  bool read_buffered(std::string& out);

  std::size_t raw_bytes() const noexcept { return raw_bytes_; }
  bool at_end() const noexcept { return ended_; }

 private:
  std::shared_ptr<ResponseStream> stream_;
  std::unique_ptr<ContentDecoder> decoder_;
  std::string raw_;
  std::size_t raw_bytes_ = 0;
  bool ended_ = false;      // the stream has no more raw bytes
  bool flushed_ = false;    // and the decoder gave its last ones
};

}  // namespace httpxx::detail
