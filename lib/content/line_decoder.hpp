#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace httpxx::detail {

// Splits text arriving in chunks into lines, as httpx's LineDecoder for Response::iter_lines:
// a line ends at "\n", "\r\n" or "\r" (a CRLF split between two chunks still ends one line),
// the terminators are dropped, and text after the last terminator is a final line.
class LineDecoder {
 public:
  // Appends every line completed by text to lines.
  void push(std::string_view text, std::vector<std::string>& lines);
  // End of the text: an unterminated last line.
  void flush(std::vector<std::string>& lines);

 private:
  std::string buffer_;     // the start of a line not yet terminated
  bool skip_lf_ = false;   // the last chunk ended in '\r': a leading '\n' belongs to it
};

}  // namespace httpxx::detail
