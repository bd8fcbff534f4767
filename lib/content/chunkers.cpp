#include "content/chunkers.hpp"

#include <utility>

namespace httpxx::detail {

void ByteChunker::push(std::string_view data, std::vector<std::string>& ready) {
  if (data.empty()) return;
  if (size_ == 0 || (buffer_.empty() && data.size() == size_)) {
    ready.emplace_back(data);
    return;
  }
  std::size_t offset = 0;
  if (buffer_.empty()) {
    // Whole chunks straight from data; only the tail is buffered.
    for (; data.size() - offset >= size_; offset += size_) ready.emplace_back(data.substr(offset, size_));
    buffer_.assign(data.substr(offset));
    return;
  }
  buffer_.append(data);
  for (; buffer_.size() - offset >= size_; offset += size_) ready.emplace_back(buffer_, offset, size_);
  buffer_.erase(0, offset);
}

void ByteChunker::push_owned(std::string&& data, std::vector<std::string>& ready) {
  if (!data.empty() && (size_ == 0 || (buffer_.empty() && data.size() == size_))) {
    ready.push_back(std::move(data));
    return;
  }
  push(std::string_view(data), ready);
}

void ByteChunker::flush(std::vector<std::string>& ready) {
  if (!buffer_.empty()) ready.push_back(std::move(buffer_));
  buffer_.clear();
}

namespace {

bool is_continuation(char c) noexcept { return (static_cast<unsigned char>(c) & 0xc0) == 0x80; }

}  // namespace

void TextChunker::push(std::string text, std::vector<std::string>& ready) {
  if (text.empty()) return;
  if (size_ == 0) {
    ready.push_back(std::move(text));
    return;
  }
  buffer_.append(text);
  std::size_t start = 0;
  for (std::size_t i = scanned_; i < buffer_.size(); ++i) {
    if (is_continuation(buffer_[i])) continue;
    // buffer_[i] starts a character: if size_ characters precede it, a chunk ends here.
    if (characters_ == size_) {
      ready.emplace_back(buffer_, start, i - start);
      start = i;
      characters_ = 0;
    }
    ++characters_;
  }
  // The characters are whole, so a chunk that has reached size_ at the end is complete.
  if (characters_ == size_) {
    ready.emplace_back(buffer_, start);
    start = buffer_.size();
    characters_ = 0;
  }
  buffer_.erase(0, start);
  scanned_ = buffer_.size();
}

void TextChunker::flush(std::vector<std::string>& ready) {
  if (!buffer_.empty()) ready.push_back(std::move(buffer_));
  buffer_.clear();
  scanned_ = 0;
  characters_ = 0;
}

}  // namespace httpxx::detail
