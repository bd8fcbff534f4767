// libFuzzer target: what Response::iter_bytes, iter_text and iter_lines yield must not depend on
// how the body arrived. The input picks the kind, the chunk size and the charset, then gives the
// body; the body goes through a ChunkPipeline whole and again cut at positions the input also
// picks. Both runs must agree: the same bytes, the same text (valid UTF-8), the same lines (no
// terminator left in one, a CRLF cut in two still ending one line); and pieces of a chunk size
// must have exactly that size but for the last.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "content/chunk_pipeline.hpp"
#include "models/charset.hpp"

namespace {

using httpxx::detail::ChunkPipeline;

constexpr std::string_view charsets[] = {"utf-8", "latin-1", "shift_jis", "utf-16le"};

ChunkPipeline make(std::uint8_t kind, std::size_t chunk_size, std::string_view charset) {
  switch (kind % 3) {
    case 0: return ChunkPipeline::bytes(chunk_size);
    case 1: return ChunkPipeline::text(charset, chunk_size);
    default: return ChunkPipeline::lines(charset);
  }
}

std::vector<std::string> run(ChunkPipeline pipeline, std::string_view body, const std::vector<std::size_t>& cuts) {
  std::vector<std::string> items;
  std::string item;
  std::size_t start = 0;
  for (const std::size_t cut : cuts) {
    pipeline.push(body.substr(start, cut - start));
    while (pipeline.pop(item)) items.push_back(item);
    start = cut;
  }
  pipeline.push(body.substr(start));
  pipeline.finish();
  while (pipeline.pop(item)) items.push_back(item);
  return items;
}

std::string joined(const std::vector<std::string>& items) {
  std::string all;
  for (const auto& item : items) all += item;
  return all;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 4) return 0;
  const std::uint8_t kind = data[0];
  const std::size_t chunk_size = data[1] % 8;
  const std::string_view charset = charsets[data[2] % std::size(charsets)];
  const std::uint8_t cut_seed = data[3];
  const std::string_view body(reinterpret_cast<const char*>(data) + 4, size - 4);
  std::vector<std::size_t> cuts;
  for (std::size_t i = 0; i < body.size(); ++i) {
    if ((static_cast<std::uint8_t>(body[i]) ^ cut_seed) % 3 == 0) cuts.push_back(i);
  }
  const auto whole = run(make(kind, chunk_size, charset), body, {});
  const auto pieces = run(make(kind, chunk_size, charset), body, cuts);
  switch (kind % 3) {
    case 0:   // bytes: the body itself, re-chunked
      if (joined(whole) != body || joined(pieces) != body) __builtin_trap();
      if (chunk_size > 0) {
        if (whole != pieces) __builtin_trap();
        for (std::size_t i = 0; i + 1 < pieces.size(); ++i) {
          if (pieces[i].size() != chunk_size) __builtin_trap();
        }
      }
      break;
    case 1: {   // text: one conversion, whatever the cuts
      const std::string text = joined(whole);
      if (joined(pieces) != text || text != httpxx::detail::to_utf8(body, charset)) __builtin_trap();
      break;
    }
    default:    // lines
      if (whole != pieces) __builtin_trap();
      for (const auto& line : whole) {
        if (line.find_first_of("\r\n") != std::string::npos) __builtin_trap();
      }
      break;
  }
  return 0;
}
