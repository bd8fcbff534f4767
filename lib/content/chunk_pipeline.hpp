#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "content/chunkers.hpp"
#include "content/line_decoder.hpp"
#include "models/charset.hpp"

namespace httpxx::detail {

// What one Response::iter_* (or aiter_*) call yields, computed from the body's bytes as they
// arrive: bytes re-chunked, text converted to UTF-8 and re-chunked, or lines. No I/O: the
// response pushes bytes in and pops items out.
class ChunkPipeline {
 public:
  static ChunkPipeline bytes(std::size_t chunk_size);
  // charset must be known (is_known_charset).
  static ChunkPipeline text(std::string_view charset, std::size_t chunk_size);
  static ChunkPipeline lines(std::string_view charset);

  // Items are copied out of data, so the caller can reuse its buffer.
  void push(std::string_view data);
  // The same, taking data over: a chunk that passes through whole is moved, not copied.
  void push_owned(std::string&& data);
  void finish();                   // the body has ended
  bool pop(std::string& item);     // the next item, if one is ready

 private:
  enum class Kind { bytes, text, lines };
  ChunkPipeline(Kind kind, std::size_t chunk_size, std::optional<TextDecoder> decoder);
  void push_text(std::string text);

  Kind kind_;
  ByteChunker bytes_;
  TextChunker text_;
  std::optional<TextDecoder> decoder_;
  LineDecoder lines_;
  std::vector<std::string> ready_;
  std::size_t next_ = 0;           // the first item of ready_ not yet popped
};

}  // namespace httpxx::detail
