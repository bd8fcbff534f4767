// libFuzzer target: the HTTP/1.1 response parser, fed arbitrary bytes in two pieces, must end in
// a result or an error, never a crash or a body view outside its input. Each piece lives in its
// own allocation, freed once it is fed, as a connection's read buffer is reused: a view the
// parser kept into an earlier piece is a use after free for the address sanitizer. A response
// framed by Content-Length that completes has exactly that many body bytes (RFC 9112 section
// 6.2): one byte more or less would shift the next response on the connection.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "codec/h1/response_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  httpxx::detail::h1::ResponseParser parser;
  bool head_request = size > 0 && data[0] % 2 == 0;
  parser.start(head_request);
  std::vector<std::string_view> body;
  std::uint64_t body_bytes = 0;   // of the response being parsed
  const std::size_t split = size > 0 ? data[size - 1] % (size + 1) : 0;
  for (std::string_view part : {input.substr(0, split), input.substr(split)}) {
    const auto owned = std::make_unique<char[]>(part.size() + 1);
    std::copy(part.begin(), part.end(), owned.get());
    std::string_view piece(owned.get(), part.size());
    const char* const begin = piece.data();
    const char* const end = begin + piece.size();
    while (!piece.empty()) {
      const auto result = parser.feed(piece, body);
      for (auto view : body) {
        if (view.data() < begin || view.data() + view.size() > end) __builtin_trap();
        body_bytes += view.size();
      }
      body.clear();
      if (result.error || result.consumed == 0) return 0;
      if (result.message_complete) {
        const int status = parser.head().status_code;
        // RFC 9110 section 6.4.1: these have no content, whatever their fields say (a 101's
        // bytes belong to the protocol it switched to).
        const bool bodiless = head_request || status < 200 || status == 204 || status == 304;
        const auto length = parser.content_length();
        if (length && !parser.chunked() && !bodiless && body_bytes != *length) __builtin_trap();
        body_bytes = 0;
        head_request = false;
        parser.start(false);
      }
      piece.remove_prefix(result.consumed);
    }
  }
  (void)parser.feed_eof();
  return 0;
}
