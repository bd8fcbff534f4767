#include "content/line_decoder.hpp"

#include <utility>

namespace httpxx::detail {

namespace {

// The first CR or LF from `from` on. One pass: find_first_of would call memchr over the two
// for every character.
std::size_t find_line_break(std::string_view text, std::size_t from) noexcept {
  for (std::size_t i = from; i < text.size(); ++i) {
    if (text[i] == '\n' || text[i] == '\r') return i;
  }
  return std::string_view::npos;
}

}  // namespace

void LineDecoder::push(std::string_view text, std::vector<std::string>& lines) {
  std::size_t i = 0;
  if (skip_lf_ && !text.empty()) {
    if (text.front() == '\n') i = 1;
    skip_lf_ = false;
  }
  while (i < text.size()) {
    std::size_t end = find_line_break(text, i);
    if (end == std::string_view::npos) {
      buffer_.append(text.substr(i));
      return;
    }
    if (buffer_.empty()) {
      lines.emplace_back(text.substr(i, end - i));
    } else {
      buffer_.append(text.substr(i, end - i));
      lines.push_back(std::move(buffer_));
      buffer_.clear();
    }
    if (text[end] == '\r') {
      if (end + 1 == text.size()) {
        skip_lf_ = true;
      } else if (text[end + 1] == '\n') {
        ++end;
      }
    }
    i = end + 1;
  }
}

void LineDecoder::flush(std::vector<std::string>& lines) {
  if (!buffer_.empty()) lines.push_back(std::move(buffer_));
  buffer_.clear();
  skip_lf_ = false;
}

}  // namespace httpxx::detail
