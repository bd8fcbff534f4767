#pragma once
// Charsets of text bodies: the charset parameter of a Content-Type, and conversion to UTF-8.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace httpxx::detail {

// The charset parameter of a Content-Type value (RFC 9110 section 8.3.2), lower-cased, without
// its quotes; "" when there is none.
std::string charset_of(std::string_view content_type);

// Whether charset names UTF-8 ("utf-8", "UTF8", "utf_8"...).
bool is_utf8_charset(std::string_view charset);

// Whether text in this charset can be converted: UTF-8 under any of its names, or a charset
// glibc's iconv knows (Python's spellings such as "latin_1" are accepted too).
bool is_known_charset(std::string_view charset);

// Converts text in a charset to UTF-8 as it arrives in chunks: a multibyte character split
// between two chunks is completed by the next one. Bytes that are invalid in the charset become
// U+FFFD, as Python's decode(errors="replace") makes them (httpx decodes text that way).
class TextDecoder {
 public:
  // Throws std::invalid_argument for a charset that is not known (see is_known_charset).
  explicit TextDecoder(std::string_view charset);
  ~TextDecoder();
  TextDecoder(TextDecoder&&) noexcept;
  TextDecoder& operator=(TextDecoder&&) noexcept;

  // Appends the UTF-8 of input to out; an incomplete character at the end waits for more.
  void decode(std::string_view input, std::string& out);
  // End of the text: an incomplete character left over becomes U+FFFD.
  void finish(std::string& out);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// The whole of text in charset as UTF-8 (a TextDecoder used once).
std::string to_utf8(std::string_view text, std::string_view charset);

// Python's UTF-8 decoder with errors="replace", incremental: each maximal ill-formed
// subsequence becomes one U+FFFD (Unicode section 3.9, "U+FFFD Substitution of Maximal
// Subparts"). The fast path of TextDecoder, exposed for tests.
class Utf8Validator {
 public:
  void decode(std::string_view input, std::string& out);
  void finish(std::string& out);

 private:
  unsigned char sequence_[4] = {};   // the bytes of a character split across chunks
  int sequence_size_ = 0;
  int needed_ = 0;                   // continuation bytes still expected
  unsigned char lower_ = 0x80, upper_ = 0xbf;   // the range of the next continuation byte
};

}  // namespace httpxx::detail
