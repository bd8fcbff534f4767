// libFuzzer target: the content decoders (gzip, deflate, br, zstd, and chains of them), fed
// arbitrary bytes in two pieces under a cap on the decoded size. Each must end in output or
// DecodingError, never a crash or another exception, and never hold more than the cap allows:
// a decoder grows its output in bounded steps and checks each, so a decompression bomb stops
// at most one byte past the cap (the byte that shows the cap was exceeded).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "content/decoder.hpp"
#include "httpxx/errors.hpp"

namespace {

// Chosen by the input's first byte; seeds/decoder/make_seeds.py writes its seeds in this order.
constexpr std::string_view codings[] = {"gzip", "deflate", "br", "zstd", "gzip, br", "deflate, zstd", "x-gzip, gzip"};
constexpr std::size_t cap = 256 * 1024;

void check_bound(const std::string& out) {
  if (out.size() > cap + 1) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto coding = codings[data[0] % std::size(codings)];
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::size_t split = body.empty() ? 0 : static_cast<std::uint8_t>(body.back()) * body.size() / 256;
  auto decoder = httpxx::detail::make_decoder(coding, cap);
  if (!decoder) __builtin_trap();   // every coding above is one httpxx undoes
  std::string out;
  try {
    decoder->decode(body.substr(0, split), out);
    check_bound(out);
    decoder->decode(body.substr(split), out);
    check_bound(out);
    decoder->finish(out);
  } catch (const httpxx::DecodingError&) {
    check_bound(out);
    return 0;
  }
  if (out.size() > cap) __builtin_trap();
  return 0;
}
