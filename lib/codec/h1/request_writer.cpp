#include "codec/h1/request_writer.hpp"

#include <array>
#include <cstddef>
#include <cstring>

namespace httpxx::detail::h1 {
namespace {

constexpr std::string_view crlf = "\r\n";
constexpr std::string_view version = " HTTP/1.1\r\n";

std::size_t fields_size(const Headers& headers) noexcept {
  std::size_t n = 0;
  for (const auto& [name, value] : headers) n += name.size() + value.size() + 4;  // ": " CRLF
  return n;
}

// Copies text to cursor and returns the end of the copy.
char* put(char* cursor, std::string_view text) noexcept {
  if (text.empty()) return cursor;   // an empty view may have no data() for memcpy
  std::memcpy(cursor, text.data(), text.size());
  return cursor + text.size();
}

// Writes "name: value" CRLF for each field at cursor, which has room for fields_size(headers).
char* put_fields(char* cursor, const Headers& headers) noexcept {
  for (const auto& [name, value] : headers) {
    cursor = put(cursor, name);
    cursor = put(cursor, ": ");
    cursor = put(cursor, value);
    cursor = put(cursor, crlf);
  }
  return cursor;
}

// Grows out by size bytes and returns where they start: the head is sized once and then copied
// in, instead of an append (and its capacity check) per piece.
char* extend(std::string& out, std::size_t size) {
  const std::size_t start = out.size();
  out.resize(start + size);
  return out.data() + start;
}

}  // namespace

void write_request_head(std::string& out, std::string_view method, std::string_view target,
                        const Headers& headers) {
  char* cursor = extend(out, method.size() + 1 + target.size() + version.size() + fields_size(headers) +
                                 crlf.size());
  cursor = put(cursor, method);
  cursor = put(cursor, " ");
  cursor = put(cursor, target);
  cursor = put(cursor, version);
  cursor = put_fields(cursor, headers);
  put(cursor, crlf);
}

void write_chunk(std::string& out, std::string_view data) {
  if (data.empty()) return;
  std::array<char, 2 * sizeof(std::size_t)> hex{};
  std::size_t pos = hex.size();
  for (std::size_t n = data.size(); n != 0; n >>= 4) hex[--pos] = "0123456789abcdef"[n & 0xf];
  const std::string_view size(hex.data() + pos, hex.size() - pos);
  out.reserve(out.size() + size.size() + data.size() + 2 * crlf.size());
  out.append(size).append(crlf).append(data).append(crlf);
}

void write_last_chunk(std::string& out) { out.append("0\r\n\r\n"); }

void write_last_chunk(std::string& out, const Headers& trailers) {
  char* cursor = extend(out, 3 + fields_size(trailers) + crlf.size());
  cursor = put(cursor, "0\r\n");
  cursor = put_fields(cursor, trailers);
  put(cursor, crlf);
}

}  // namespace httpxx::detail::h1
