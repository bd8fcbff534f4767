#include <doctest/doctest.h>

#include <string>

#include "codec/h1/request_writer.hpp"

using httpxx::Headers;
using namespace httpxx::detail::h1;

TEST_CASE("h1 writer: request head, byte-exact") {
  Headers headers;
  headers.add_unchecked("Host", "example.com");
  headers.add_unchecked("Accept", "*/*");
  headers.add_unchecked("X-Multi", "a");
  headers.add_unchecked("x-multi", "b");
  headers.add_unchecked("X-Empty", "");
  std::string out = "kept";
  write_request_head(out, "GET", "/path?q=1", headers);
  CHECK(out ==
        "keptGET /path?q=1 HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\nX-Multi: a\r\n"
        "x-multi: b\r\nX-Empty: \r\n\r\n");

  std::string bare;
  write_request_head(bare, "OPTIONS", "*", Headers{});
  CHECK(bare == "OPTIONS * HTTP/1.1\r\n\r\n");
}

TEST_CASE("h1 writer: chunked transfer coding") {
  std::string out;
  write_chunk(out, "hello");
  CHECK(out == "5\r\nhello\r\n");
  out.clear();
  write_chunk(out, std::string(255, 'x'));
  CHECK(out.substr(0, 4) == "ff\r\n");
  CHECK(out.size() == 4 + 255 + 2);
  out.clear();
  write_chunk(out, std::string(4096, 'y'));
  CHECK(out.substr(0, 6) == "1000\r\n");
  out.clear();
  write_chunk(out, "");
  CHECK(out.empty());  // a zero-size chunk would end the body
  write_last_chunk(out);
  CHECK(out == "0\r\n\r\n");

  Headers trailers;
  trailers.add_unchecked("X-Checksum", "abc");
  out.clear();
  write_last_chunk(out, trailers);
  CHECK(out == "0\r\nX-Checksum: abc\r\n\r\n");
}
