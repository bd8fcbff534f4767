#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

#include "models/charset.hpp"

using namespace httpxx::detail;

namespace {

const std::string fffd = "\xEF\xBF\xBD";

// Python's bytes.decode("utf-8", "replace"), fed in pieces of piece bytes.
std::string utf8(std::string_view input, std::size_t piece = 0) {
  Utf8Validator v;
  std::string out;
  if (piece == 0) piece = input.size() + 1;
  for (std::size_t i = 0; i < input.size(); i += piece) v.decode(input.substr(i, piece), out);
  v.finish(out);
  return out;
}

std::string convert(std::string_view charset, std::string_view input, std::size_t piece = 0) {
  TextDecoder decoder(charset);
  std::string out;
  if (piece == 0) piece = input.size() + 1;
  for (std::size_t i = 0; i < input.size(); i += piece) decoder.decode(input.substr(i, piece), out);
  decoder.finish(out);
  return out;
}

}  // namespace

TEST_CASE("charset_of reads the charset parameter") {
  CHECK(charset_of("text/html; charset=UTF-8") == "utf-8");
  CHECK(charset_of("text/html;charset=\"ISO-8859-1\"") == "iso-8859-1");
  CHECK(charset_of("text/plain; format=flowed; CharSet = latin1 ; x=y") == "latin1");
  CHECK(charset_of("text/plain; a=\"quoted; semi=colon\"; charset=koi8-r") == "koi8-r");
  CHECK(charset_of("text/plain; charset=\"we\\\"ird\"") == "we\"ird");
  CHECK(charset_of("text/plain; novalue; charset=ascii") == "ascii");
  CHECK(charset_of("text/plain") == "");
  CHECK(charset_of("text/plain; charset=") == "");
  CHECK(charset_of("") == "");
}

TEST_CASE("known charsets: UTF-8 under its names, iconv's, and Python's spellings") {
  CHECK(is_known_charset("utf-8"));
  CHECK(is_known_charset("UTF8"));
  CHECK(is_known_charset("utf_8"));
  CHECK(is_known_charset("latin-1"));
  CHECK(is_known_charset("latin_1"));
  CHECK(is_known_charset("iso-8859-1"));
  CHECK(is_known_charset("windows-1252"));
  CHECK(is_known_charset("shift_jis"));
  CHECK_FALSE(is_known_charset("no-such-charset"));
  CHECK_FALSE(is_known_charset("utf-16//TRANSLIT"));
  CHECK_FALSE(is_known_charset("../../etc/passwd"));
  CHECK_FALSE(is_known_charset(""));
  CHECK(is_utf8_charset("UTF-8"));
  CHECK_FALSE(is_utf8_charset("latin1"));
  CHECK_THROWS_AS(TextDecoder("no-such-charset"), std::invalid_argument);
}

TEST_CASE("UTF-8 is validated with Python's replacement of maximal subparts") {
  CHECK(utf8("plain ascii") == "plain ascii");
  CHECK(utf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80") == "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
  CHECK(utf8("\xEF\xBB\xBFkeeps the BOM") == "\xEF\xBB\xBFkeeps the BOM");
  // Expected values are Python's b"...".decode("utf-8", "replace").
  CHECK(utf8("\xE2\x82" "a") == fffd + "a");
  CHECK(utf8("\xF0\x80\x80") == fffd + fffd + fffd);
  CHECK(utf8("\xED\xA0\x80") == fffd + fffd + fffd);   // a surrogate
  CHECK(utf8("\xC0\xAF") == fffd + fffd);               // overlong
  CHECK(utf8("\xF4\x90\x80\x80") == fffd + fffd + fffd + fffd);   // above U+10FFFF
  CHECK(utf8("\xE2\x82") == fffd);                      // truncated at the end
  CHECK(utf8("a\xFF" "b") == "a" + fffd + "b");
  CHECK(utf8("\xF0\x9F\x98") == fffd);
  CHECK(utf8("\xE0\x80\xAF") == fffd + fffd + fffd);
}

TEST_CASE("UTF-8 split between chunks is reassembled") {
  const std::string text = "\xC3\xA9t\xC3\xA9 \xE2\x82\xAC\xF0\x9F\x98\x80!";
  for (std::size_t piece = 1; piece <= 5; ++piece) {
    CAPTURE(piece);
    CHECK(utf8(text, piece) == text);
    CHECK(utf8("\xE2\x82" "a\xF0\x80\x80", piece) == fffd + "a" + fffd + fffd + fffd);
  }
}

TEST_CASE("other charsets convert through iconv, incrementally") {
  CHECK(convert("latin-1", "caf\xE9") == "caf\xC3\xA9");
  CHECK(convert("ISO-8859-1", "\xA3\xFF") == "\xC2\xA3\xC3\xBF");
  CHECK(convert("windows-1252", "\x80") == "\xE2\x82\xAC");
  CHECK(convert("koi8-r", "\xD0\xD2\xC9\xD7\xC5\xD4") == "\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82");
  // Shift_JIS "あい" is two bytes a character: split it anywhere.
  const std::string sjis = "\x82\xA0\x82\xA2";
  for (std::size_t piece = 1; piece <= 3; ++piece) CHECK(convert("shift_jis", sjis, piece) == "\xE3\x81\x82\xE3\x81\x84");
  // Invalid bytes become U+FFFD, as Python's errors="replace".
  CHECK(convert("ascii", "a\x80" "b") == "a" + fffd + "b");
  CHECK(convert("shift_jis", "\x82") == fffd);
  CHECK(to_utf8("\xE9", "latin1") == "\xC3\xA9");
  CHECK(to_utf8("ok\xFF", "utf-8") == "ok" + fffd);
}

TEST_CASE("what iconv writes is valid UTF-8 too") {
  // glibc takes "utf8+-" for UTF-8, and its decoder lets a 5-byte sequence of the kind RFC 3629
  // removed through unchanged; each of its bytes becomes U+FFFD, as in UTF-8 spelled plainly.
  REQUIRE(is_known_charset("utf8+-"));
  REQUIRE_FALSE(is_utf8_charset("utf8+-"));
  const std::string five_bytes = "a\xFA\xA9\xA9\xA9\xA9" "b";
  const std::string replaced = "a" + fffd + fffd + fffd + fffd + fffd + "b";
  CHECK(to_utf8(five_bytes, "utf-8") == replaced);
  CHECK(to_utf8(five_bytes, "utf8+-") == replaced);
  for (std::size_t piece = 1; piece <= 3; ++piece) CHECK(convert("utf8+-", five_bytes, piece) == replaced);
  // A character cut off at the end is still one U+FFFD.
  CHECK(convert("shift_jis", "a\x82", 1) == "a" + fffd);
}
