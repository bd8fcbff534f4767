#pragma once
// Re-chunking of a streamed body for Response::iter_bytes / iter_text (httpx's ByteChunker and
// TextChunker).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace httpxx::detail {

// Bytes in pieces of exactly size bytes (the last piece may be shorter); size 0 passes every
// non-empty piece through as it came.
class ByteChunker {
 public:
  explicit ByteChunker(std::size_t size) noexcept : size_(size) {}
  // Adds data; every complete chunk is appended to ready.
  void push(std::string_view data, std::vector<std::string>& ready);
  // The same, moving data into ready when it passes through whole (no copy of a large chunk).
  void push_owned(std::string&& data, std::vector<std::string>& ready);
  // End of the stream: what is left becomes the last chunk.
  void flush(std::vector<std::string>& ready);

 private:
  std::size_t size_;
  std::string buffer_;
};

// UTF-8 text in pieces of exactly size characters (code points, as httpx counts a str's
// characters); the last piece may be shorter. size 0 passes every non-empty piece through.
// The input holds whole characters only (a TextDecoder's output).
class TextChunker {
 public:
  explicit TextChunker(std::size_t size) noexcept : size_(size) {}
  void push(std::string text, std::vector<std::string>& ready);
  void flush(std::vector<std::string>& ready);

 private:
  std::size_t size_;
  std::string buffer_;
  std::size_t scanned_ = 0;      // bytes of buffer_ already counted...
  std::size_t characters_ = 0;   // ...and the characters among them
};

}  // namespace httpxx::detail
