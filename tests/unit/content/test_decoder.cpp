#include <doctest/doctest.h>

#include <string>

#include "compress.hpp"
#include "content/decoder.hpp"
#include "httpxx/errors.hpp"

using httpxx::DecodingError;
using httpxx::detail::make_decoder;
namespace test = httpxx::test;

namespace {

// Some compressible text with a little variety, so every coding has real work to do.
std::string sample(std::size_t size) {
  std::string s;
  for (std::size_t i = 0; s.size() < size; ++i) s += "line " + std::to_string(i) + " of the sample body\n";
  s.resize(size);
  return s;
}

// Decodes the whole input fed in pieces of piece bytes.
std::string decode(std::string_view encoding, std::string_view input, std::size_t piece = 0,
                   std::optional<std::size_t> cap = std::nullopt) {
  auto decoder = make_decoder(encoding, cap);
  REQUIRE(decoder != nullptr);
  std::string out;
  if (piece == 0) piece = input.size() + 1;
  for (std::size_t i = 0; i < input.size(); i += piece) decoder->decode(input.substr(i, piece), out);
  decoder->finish(out);
  return out;
}

}  // namespace

TEST_CASE("identity, empty and unknown codings leave the body alone") {
  CHECK(make_decoder("", std::nullopt) == nullptr);
  CHECK(make_decoder("identity", std::nullopt) == nullptr);
  CHECK(make_decoder(" , identity ,", std::nullopt) == nullptr);
  CHECK(make_decoder("compress", std::nullopt) == nullptr);
  // Undoing gzip around an unknown coding would garble the body.
  CHECK(make_decoder("gzip, snappy", std::nullopt) == nullptr);
  CHECK(make_decoder("GZip", std::nullopt) != nullptr);
  CHECK(make_decoder("x-gzip", std::nullopt) != nullptr);
  CHECK(make_decoder("gzip, identity", std::nullopt) != nullptr);
}

TEST_CASE("gzip decodes whole and byte by byte") {
  const std::string body = sample(100000);
  const std::string gz = test::gzip(body);
  CHECK(decode("gzip", gz) == body);
  CHECK(decode("gzip", gz, 1) == body);
  CHECK(decode("x-gzip", gz, 777) == body);
}

TEST_CASE("gzip: several members are decoded in turn, trailing padding is ignored") {
  const std::string gz = test::gzip("first ") + test::gzip("second");
  CHECK(decode("gzip", gz) == "first second");
  CHECK(decode("gzip", gz, 3) == "first second");
  CHECK(decode("gzip", test::gzip("body") + std::string(16, '\0')) == "body");
}

TEST_CASE("gzip: corrupt and truncated bodies raise DecodingError") {
  const std::string gz = test::gzip(sample(5000));
  std::string corrupt = gz;
  corrupt[0] = 'x';
  CHECK_THROWS_AS(decode("gzip", corrupt), DecodingError);
  std::string flipped = gz;
  flipped[gz.size() / 2] = static_cast<char>(flipped[gz.size() / 2] ^ 0x55);
  CHECK_THROWS_AS(decode("gzip", flipped), DecodingError);
  CHECK_THROWS_WITH_AS(decode("gzip", gz.substr(0, gz.size() - 4)),
                       doctest::Contains("truncated"), DecodingError);
}

TEST_CASE("a decoder that saw no input finishes cleanly (HEAD, 204, 304)") {
  for (const char* coding : {"gzip", "deflate", "br", "zstd", "gzip, br"}) {
    auto decoder = make_decoder(coding, std::nullopt);
    std::string out;
    decoder->decode("", out);
    CHECK_NOTHROW(decoder->finish(out));
    CHECK(out.empty());
  }
}

TEST_CASE("deflate: zlib-wrapped and raw are both accepted") {
  const std::string body = sample(30000);
  const std::string wrapped = test::deflate_with(body, 15);
  const std::string raw = test::deflate_with(body, -15);
  CHECK(decode("deflate", wrapped) == body);
  CHECK(decode("deflate", raw) == body);
  // One byte at a time: the format is told from the first two bytes even across chunks.
  CHECK(decode("deflate", wrapped, 1) == body);
  CHECK(decode("deflate", raw, 1) == body);
  CHECK_THROWS_AS(decode("deflate", wrapped.substr(0, 1)), DecodingError);
  CHECK_THROWS_AS(decode("deflate", raw.substr(0, raw.size() / 2)), DecodingError);
}

TEST_CASE("br decodes, and rejects corrupt, truncated or trailing data") {
  const std::string body = sample(200000);
  const std::string br = test::brotli(body);
  CHECK(decode("br", br) == body);
  CHECK(decode("br", br, 100) == body);
  CHECK_THROWS_WITH_AS(decode("br", br.substr(0, br.size() / 2)), doctest::Contains("truncated"),
                       DecodingError);
  CHECK_THROWS_AS(decode("br", br + "junk"), DecodingError);
  CHECK_THROWS_AS(decode("br", "this is not brotli at all, not even close"), DecodingError);
}

TEST_CASE("zstd decodes one frame or several, and rejects truncation") {
  const std::string body = sample(150000);
  const std::string zst = test::zstd(body);
  CHECK(decode("zstd", zst) == body);
  CHECK(decode("zstd", zst, 5) == body);
  CHECK(decode("zstd", test::zstd("one ") + test::zstd("two ") + test::zstd("three")) == "one two three");
  CHECK(decode("zstd", test::zstd("one ") + test::zstd("two"), 3) == "one two");
  CHECK_THROWS_WITH_AS(decode("zstd", zst.substr(0, zst.size() - 3)), doctest::Contains("truncated"),
                       DecodingError);
  CHECK_THROWS_AS(decode("zstd", "definitely not a zstd frame"), DecodingError);
}

TEST_CASE("stacked codings are undone in reverse order") {
  const std::string body = sample(50000);
  // "Content-Encoding: gzip, br": gzip was applied first, then br.
  const std::string wire = test::brotli(test::gzip(body));
  CHECK(decode("gzip, br", wire) == body);
  CHECK(decode("gzip, br", wire, 64) == body);
  CHECK(decode("deflate,zstd , gzip", test::gzip(test::zstd(test::deflate_with(body, 15))), 10) == body);
  CHECK_THROWS_AS(decode("br, gzip", wire), DecodingError);   // the wrong order fails
  CHECK_THROWS_AS(decode("gzip, br", wire.substr(0, wire.size() - 2)), DecodingError);
}

TEST_CASE("a decompression bomb stops at the cap without allocating its expansion") {
  constexpr std::size_t cap = 1024 * 1024;
  const std::string zeros(10 * 1024 * 1024, '\0');
  struct Bomb {
    const char* coding;
    std::string wire;
  };
  const Bomb bombs[] = {{"gzip", test::gzip(zeros)},
                        {"deflate", test::deflate_with(zeros, 15)},
                        {"br", test::brotli(zeros)},
                        {"zstd", test::zstd(zeros)},
                        {"gzip, br", test::brotli(test::gzip(zeros))}};
  for (const Bomb& bomb : bombs) {
    CAPTURE(bomb.coding);
    REQUIRE(bomb.wire.size() < 64 * 1024);   // a small body on the wire...
    auto decoder = make_decoder(bomb.coding, cap);
    std::string out;
    // ...handed over in one piece, the worst case for a decoder that inflates all it is given.
    CHECK_THROWS_WITH_AS(decoder->decode(bomb.wire, out),
                         doctest::Contains("decoded size exceeds the limit of 1048576 bytes"), DecodingError);
    // Never more than the cap plus one byte was kept, and the buffer only grew by doubling up
    // to about the cap: far from the 10 MiB the body expands to.
    CHECK(out.size() <= cap + 1);
    CHECK(out.capacity() <= 3 * cap);
  }
}

TEST_CASE("a body exactly at the cap decodes; one byte more does not") {
  const std::string body = sample(4096);
  CHECK(decode("gzip", test::gzip(body), 0, body.size()) == body);
  CHECK(decode("br", test::brotli(body), 7, body.size()) == body);
  CHECK(decode("zstd", test::zstd(body), 0, body.size()) == body);
  CHECK_THROWS_AS(decode("gzip", test::gzip(body), 0, body.size() - 1), DecodingError);
  CHECK_THROWS_AS(decode("zstd", test::zstd(body), 5, body.size() - 1), DecodingError);
  CHECK_THROWS_AS(decode("br", test::brotli(body), 0, body.size() - 1), DecodingError);
}
