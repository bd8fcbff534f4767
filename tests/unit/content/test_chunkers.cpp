#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "content/chunk_pipeline.hpp"
#include "content/chunkers.hpp"
#include "content/line_decoder.hpp"

using namespace httpxx::detail;
using Strings = std::vector<std::string>;

namespace {

Strings bytes_chunks(std::size_t size, const Strings& input) {
  ByteChunker chunker(size);
  Strings out;
  for (const auto& s : input) chunker.push(s, out);
  chunker.flush(out);
  return out;
}

Strings text_chunks(std::size_t size, const Strings& input) {
  TextChunker chunker(size);
  Strings out;
  for (const auto& s : input) chunker.push(s, out);
  chunker.flush(out);
  return out;
}

Strings lines(const Strings& input) {
  LineDecoder decoder;
  Strings out;
  for (const auto& s : input) decoder.push(s, out);
  decoder.flush(out);
  return out;
}

// The same through the overload that takes the chunk over.
Strings moved_bytes_chunks(std::size_t size, Strings input) {
  ByteChunker chunker(size);
  Strings out;
  for (auto& s : input) chunker.push_owned(std::move(s), out);
  chunker.flush(out);
  return out;
}

}  // namespace

TEST_CASE("bytes are re-chunked to exactly the chunk size, the last one shorter") {
  CHECK(bytes_chunks(0, {"ab", "", "cde"}) == Strings{"ab", "cde"});
  CHECK(bytes_chunks(2, {"a", "bcd", "efgh", "i"}) == Strings{"ab", "cd", "ef", "gh", "i"});
  CHECK(bytes_chunks(3, {"abcdef"}) == Strings{"abc", "def"});
  CHECK(bytes_chunks(4, {"ab"}) == Strings{"ab"});
  CHECK(bytes_chunks(4, {}).empty());
}

TEST_CASE("a chunk handed over passes through whole without a copy, or is re-chunked") {
  const std::string big(64 * 1024, 'x');
  ByteChunker whole(0);
  Strings out;
  std::string chunk = big;
  const char* storage = chunk.data();
  whole.push_owned(std::move(chunk), out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].data() == storage);   // the same buffer: moved, not copied
  CHECK(moved_bytes_chunks(0, {"ab", "", "cde"}) == Strings{"ab", "cde"});
  CHECK(moved_bytes_chunks(2, {"a", "bcd", "efgh", "i"}) == Strings{"ab", "cd", "ef", "gh", "i"});
  CHECK(moved_bytes_chunks(3, {"abc", "de", "f"}) == Strings{"abc", "def"});
}

TEST_CASE("text is re-chunked by characters, never inside one") {
  // "é" and "€" are 2 and 3 bytes of UTF-8 but one character each.
  CHECK(text_chunks(2, {"a\xC3\xA9\xE2\x82\xAC", "bc"}) == Strings{"a\xC3\xA9", "\xE2\x82\xAC" "b", "c"});
  CHECK(text_chunks(1, {"\xC3\xA9\xC3\xA9"}) == Strings{"\xC3\xA9", "\xC3\xA9"});
  CHECK(text_chunks(3, {"ab", "c", "d"}) == Strings{"abc", "d"});
  CHECK(text_chunks(0, {"x", "", "y"}) == Strings{"x", "y"});
}

TEST_CASE("lines split on LF, CRLF and CR, as httpx's LineDecoder") {
  CHECK(lines({"a\nb\n"}) == Strings{"a", "b"});
  CHECK(lines({"a\nb"}) == Strings{"a", "b"});
  CHECK(lines({"a\r\nb\rc\n\nd"}) == Strings{"a", "b", "c", "", "d"});
  // CRLF split between two chunks ends one line, not two.
  CHECK(lines({"one\r", "\ntwo\r", "three"}) == Strings{"one", "two", "three"});
  CHECK(lines({"par", "tial", " line\n", "next"}) == Strings{"partial line", "next"});
  CHECK(lines({"a\n\r"}) == Strings{"a", ""});
  CHECK(lines({"\n"}) == Strings{""});
  CHECK(lines({""}).empty());
}

TEST_CASE("a text pipeline converts the charset before splitting lines") {
  auto pipeline = ChunkPipeline::lines("latin-1");
  pipeline.push("caf\xE9\nna\xEF");
  pipeline.push("ve\r\nend");
  pipeline.finish();
  Strings out;
  std::string item;
  while (pipeline.pop(item)) out.push_back(item);
  CHECK(out == Strings{"caf\xC3\xA9", "na\xC3\xAFve", "end"});

  auto text = ChunkPipeline::text("utf-8", 1);
  text.push("\xC3");   // a character split across pushes
  text.push("\xA9x");
  text.finish();
  out.clear();
  while (text.pop(item)) out.push_back(item);
  CHECK(out == Strings{"\xC3\xA9", "x"});
}
