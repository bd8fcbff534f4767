#include "codec/h1/request_writer.hpp"

#include <array>
#include <cstddef>

namespace httpxx::detail::h1 {
namespace {

constexpr std::string_view crlf = "\r\n";
constexpr std::string_view version = " HTTP/1.1\r\n";

std::size_t fields_size(const Headers& headers) noexcept {
  std::size_t n = 0;
  for (const auto& [name, value] : headers) n += name.size() + value.size() + 4;  // ": " CRLF
  return n;
}

void append_fields(std::string& out, const Headers& headers) {
  for (const auto& [name, value] : headers) {
    out.append(name).append(": ").append(value).append(crlf);
  }
}

}  // namespace

void write_request_head(std::string& out, std::string_view method, std::string_view target,
                        const Headers& headers) {
  // One reservation for the whole head: a reused buffer then never reallocates here.
  out.reserve(out.size() + method.size() + 1 + target.size() + version.size() +
              fields_size(headers) + crlf.size());
  out.append(method).append(" ").append(target).append(version);
  append_fields(out, headers);
  out.append(crlf);
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
  out.reserve(out.size() + 3 + fields_size(trailers) + crlf.size());
  out.append("0\r\n");
  append_fields(out, trailers);
  out.append(crlf);
}

}  // namespace httpxx::detail::h1
