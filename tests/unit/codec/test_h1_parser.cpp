#include <doctest/doctest.h>

#include <algorithm>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "codec/h1/response_parser.hpp"

using httpxx::detail::h1::Errc;
using httpxx::detail::h1::ParserLimits;
using httpxx::detail::h1::ResponseParser;

namespace {

// What a caller observes from a parser: every event in order, as text, so that two ways of
// feeding the same bytes can be compared.
struct Trace {
  std::vector<std::string> events;
  std::string body;
  std::error_code error;
  std::size_t consumed = 0;  // bytes consumed over all calls
};

void record_head(Trace& t, const ResponseParser& p) {
  std::string e = (p.is_interim() ? "interim " : "head ") + std::to_string(p.head().status_code) +
                  " 1." + std::to_string(p.head().version_minor) + " '" + p.head().reason + "'";
  for (const auto& [name, value] : p.head().headers) e += " [" + name + "=" + value + "]";
  t.events.push_back(e);
}

void record_complete(Trace& t, const ResponseParser& p) {
  std::string e = std::string("complete keep_alive=") + (p.keep_alive() ? "1" : "0");
  for (const auto& [name, value] : p.trailers()) e += " {" + name + "=" + value + "}";
  t.events.push_back(e);
}

// Feeds data as the given pieces, each piece fed until fully consumed or an error, like a
// connection does with its read buffer: every piece goes through the same buffer, overwritten
// once the piece is done, so nothing may keep pointing into an earlier one. Returns when the
// final response is complete (any bytes after it are left) or on error.
Trace run(ResponseParser& p, const std::vector<std::string>& pieces, bool eof = false) {
  Trace t;
  std::vector<std::string_view> body;
  std::string buffer;
  for (const std::string& piece : pieces) {
    std::fill(buffer.begin(), buffer.end(), '\0');
    buffer.assign(piece);
    std::string_view rest = buffer;
    do {
      body.clear();
      const auto r = p.feed(rest, body);
      for (auto v : body) t.body.append(v);
      t.consumed += r.consumed;
      REQUIRE(r.consumed <= rest.size());
      rest.remove_prefix(r.consumed);
      if (r.head_complete) record_head(t, p);
      if (r.error) {
        t.error = r.error;
        return t;
      }
      if (r.message_complete) {
        record_complete(t, p);
        return t;
      }
      if (!r.head_complete) REQUIRE(rest.empty());
    } while (!rest.empty());
  }
  if (eof) {
    const auto r = p.feed_eof();
    if (r.error) t.error = r.error;
    if (r.message_complete) record_complete(t, p);
  }
  return t;
}

Trace run_whole(std::string_view wire, bool head_request = false, bool eof = false,
                ParserLimits limits = {}) {
  ResponseParser p(limits);
  p.start(head_request);
  return run(p, {std::string(wire)}, eof);
}

// Every split of wire into two pieces and into single bytes yields the same trace.
Trace check_all_splits(std::string_view wire, bool head_request = false, bool eof = false) {
  const Trace whole = run_whole(wire, head_request, eof);
  for (std::size_t cut = 0; cut <= wire.size(); ++cut) {
    ResponseParser p;
    p.start(head_request);
    const Trace split =
        run(p, {std::string(wire.substr(0, cut)), std::string(wire.substr(cut))}, eof);
    CAPTURE(cut);
    CHECK(split.events == whole.events);
    CHECK(split.body == whole.body);
    CHECK(split.error == whole.error);
    CHECK(split.consumed == whole.consumed);
  }
  std::vector<std::string> bytes;
  for (char c : wire) bytes.emplace_back(1, c);
  ResponseParser p;
  p.start(head_request);
  const Trace bytewise = run(p, bytes, eof);
  CHECK(bytewise.events == whole.events);
  CHECK(bytewise.body == whole.body);
  CHECK(bytewise.error == whole.error);
  return whole;
}

}  // namespace

TEST_CASE("h1 parser: Content-Length response, head then body then completion") {
  const std::string wire =
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nX-Trail:  sp  \r\n"
      "\r\nhello";
  ResponseParser p;
  p.start(false);
  std::vector<std::string_view> body;
  auto r = p.feed(wire, body);
  REQUIRE_FALSE(r.error);
  CHECK(r.head_complete);
  CHECK_FALSE(r.message_complete);
  CHECK(r.consumed == wire.size() - 5);  // stops right after the head
  CHECK(body.empty());
  CHECK(p.head().status_code == 200);
  CHECK(p.head().reason == "OK");
  CHECK(p.head().version_minor == 1);
  REQUIRE(p.head().headers.size() == 3);
  CHECK(p.head().headers.begin()->first == "Content-Type");  // wire case kept
  CHECK(*p.head().headers.find("x-trail") == "sp");          // OWS trimmed both sides
  CHECK(p.content_length() == 5u);
  CHECK_FALSE(p.chunked());

  const std::string_view rest = std::string_view(wire).substr(r.consumed);
  r = p.feed(rest, body);
  CHECK(r.message_complete);
  CHECK(r.consumed == 5);
  REQUIRE(body.size() == 1);
  CHECK(body[0] == "hello");
  CHECK(body[0].data() == rest.data());  // a view into the input, not a copy
  CHECK(p.keep_alive());
  const auto head = p.take_head();
  CHECK(head.status_code == 200);
}

TEST_CASE("h1 parser: the same events whatever the split") {
  Trace t = check_all_splits("HTTP/1.1 200 OK\r\nContent-Length: 11\r\nServer: t\r\n\r\nhello world");
  CHECK_FALSE(t.error);
  CHECK(t.body == "hello world");
  t = check_all_splits(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5;name=\"value\";flag\r\nhello\r\n6\r\n world\r\n0\r\nExpires: never\r\nX-Sum: 42\r\n\r\n");
  CHECK_FALSE(t.error);
  CHECK(t.body == "hello world");
  CHECK(t.events.back() == "complete keep_alive=1 {Expires=never} {X-Sum=42}");
  t = check_all_splits(
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok");
  CHECK(t.events == std::vector<std::string>{"interim 100 1.1 'Continue'",
                                             "head 201 1.1 'Created' [Content-Length=2]",
                                             "complete keep_alive=1"});
  t = check_all_splits("HTTP/1.0 200 OK\r\nServer: old\r\n\r\nuntil the close", false, true);
  CHECK_FALSE(t.error);
  CHECK(t.body == "until the close");
  t = check_all_splits("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", false, true);
  CHECK(t.error == Errc::body_truncated);
}

TEST_CASE("h1 parser: chunked body with extensions and trailers") {
  const Trace t = run_whole(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5;ext=\"quoted\"\r\nhello\r\nA;a=b\r\n, world!!!\r\n0\r\nX-Checksum: abc\r\nX-N: 1\r\n\r\n");
  REQUIRE_FALSE(t.error);
  CHECK(t.body == "hello, world!!!");
  REQUIRE(t.events.size() == 2);
  CHECK(t.events[1] == "complete keep_alive=1 {X-Checksum=abc} {X-N=1}");

  ResponseParser p;
  p.start(false);
  std::vector<std::string_view> body;
  const auto r = p.feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", body);
  CHECK(r.head_complete);
  CHECK(p.chunked());
  CHECK_FALSE(p.content_length());
}

TEST_CASE("h1 parser: 1xx heads come first, flagged interim, then the final response") {
  const std::string wire =
      "HTTP/1.1 100 Continue\r\n\r\n"
      "HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n"
      "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc";
  ResponseParser p;
  p.start(false);
  std::vector<std::string_view> body;
  std::string_view rest = wire;
  auto r = p.feed(rest, body);
  CHECK(r.head_complete);
  CHECK_FALSE(r.message_complete);
  CHECK(p.is_interim());
  CHECK(p.head().status_code == 100);
  CHECK(r.consumed == std::string_view("HTTP/1.1 100 Continue\r\n\r\n").size());
  rest.remove_prefix(r.consumed);
  r = p.feed(rest, body);
  CHECK(r.head_complete);
  CHECK(p.is_interim());
  CHECK(p.head().status_code == 103);
  CHECK(*p.head().headers.find("link") == "</s.css>; rel=preload");
  rest.remove_prefix(r.consumed);
  r = p.feed(rest, body);
  CHECK(r.head_complete);
  CHECK_FALSE(p.is_interim());
  CHECK(p.head().status_code == 200);
  CHECK(p.head().headers.size() == 1);  // the interim fields are gone
  rest.remove_prefix(r.consumed);
  r = p.feed(rest, body);
  CHECK(r.message_complete);
  CHECK(body.size() == 1);
  CHECK(body[0] == "abc");
}

TEST_CASE("h1 parser: a response to HEAD has no body even with Content-Length") {
  // The head and the completion come out of one call: no further byte is needed, and the
  // bytes that follow belong to the next response.
  const std::string wire =
      "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n";
  ResponseParser p;
  p.start(true);
  std::vector<std::string_view> body;
  auto r = p.feed(wire, body);
  REQUIRE_FALSE(r.error);
  CHECK(r.head_complete);
  CHECK(r.message_complete);
  CHECK(body.empty());
  CHECK(p.content_length() == 1234u);
  CHECK(p.keep_alive());
  CHECK(r.consumed == wire.find("HTTP/1.1 204"));

  // The parser is reused for the next response on the connection.
  p.start(false);
  r = p.feed(std::string_view(wire).substr(r.consumed), body);
  CHECK(r.head_complete);
  CHECK(r.message_complete);
  CHECK(p.head().status_code == 204);

  // Split at every byte, HEAD gives the same events.
  check_all_splits("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\nX: y\r\n\r\n", true);
  check_all_splits("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", true);
}

TEST_CASE("h1 parser: 204 and 304 have no body") {
  for (const char* wire : {"HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n",
                           "HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\nContent-Length: 99\r\n\r\n",
                           "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"}) {
    CAPTURE(wire);
    ResponseParser p;
    p.start(false);
    std::vector<std::string_view> body;
    const auto r = p.feed(wire, body);
    CHECK(r.head_complete);
    CHECK(r.message_complete);
    CHECK(r.consumed == std::string_view(wire).size());
    CHECK(body.empty());
    CHECK(p.keep_alive());
  }
}

TEST_CASE("h1 parser: a close-delimited body ends at EOF") {
  const Trace t = run_whole("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nsome bytes", false,
                            true);
  CHECK_FALSE(t.error);
  CHECK(t.body == "some bytes");
  REQUIRE(t.events.size() == 2);
  CHECK(t.events[1] == "complete keep_alive=0");

  // Transfer-Encoding without chunked last is read until the close (RFC 9112 section 6.3).
  const Trace gz = run_whole("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nxyz", false, true);
  CHECK_FALSE(gz.error);
  CHECK(gz.body == "xyz");
}

TEST_CASE("h1 parser: EOF before the end is an error of the right kind") {
  CHECK(run_whole("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", false, true).error ==
        Errc::body_truncated);
  CHECK(run_whole("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", false, true)
            .error == Errc::body_truncated);
  CHECK(run_whole("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", false,
                  true)
            .error == Errc::body_truncated);
  CHECK(run_whole("HTTP/1.1 200 OK\r\nContent-Le", false, true).error == Errc::incomplete_head);
  CHECK(run_whole("", false, true).error == Errc::no_response);

  ResponseParser p;
  p.start(false);
  const auto r = p.feed_eof();
  CHECK(r.error == Errc::no_response);
  CHECK(p.feed_eof().error == Errc::no_response);  // sticky
  CHECK_FALSE(p.keep_alive());

  ResponseParser idle;
  CHECK_FALSE(idle.feed_eof().error);  // nothing was awaited: a clean close
}

TEST_CASE("h1 parser: malformed input") {
  CHECK(run_whole("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n").error ==
        Errc::invalid_chunk);
  CHECK(run_whole("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX").error ==
        Errc::invalid_chunk);
  CHECK(run_whole("garbage\r\n\r\n").error == Errc::invalid_status_line);
  CHECK(run_whole("HTTP/1.1 2x0 OK\r\n\r\n").error == Errc::invalid_status_line);
  CHECK(run_whole("HTTP/2.0 200 OK\r\n\r\n").error == Errc::invalid_status_line);
  CHECK(run_whole("HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n").error == Errc::invalid_header);
  CHECK(run_whole("HTTP/1.1 200 OK\r\nX: a b\r\nLF-only: x\n\r\n").error == Errc::invalid_header);
  CHECK(run_whole("HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\n").error == Errc::invalid_header);
  CHECK(run_whole("HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n").error ==
        Errc::invalid_content_length);

  ResponseParser p;
  p.start(false);
  std::vector<std::string_view> body;
  const auto r = p.feed("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n", body);
  CHECK(r.error == Errc::invalid_content_length);
  CHECK_FALSE(p.error_reason().empty());
  CHECK(r.error.message().find("Content-Length") != std::string::npos);
  CHECK(p.feed("more", body).error == Errc::invalid_content_length);  // sticky
}

TEST_CASE("h1 parser: conflicting framing (RFC 9112 section 6.3)") {
  CHECK(run_whole("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n")
            .error == Errc::conflicting_framing);
  CHECK(run_whole("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n")
            .error == Errc::conflicting_framing);
  CHECK(run_whole("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n").error ==
        Errc::conflicting_framing);
}

TEST_CASE("h1 parser: head size and field count limits") {
  ParserLimits small;
  small.max_head_bytes = 64;
  small.max_header_count = 3;
  const std::string big = "HTTP/1.1 200 OK\r\nX-Big: " + std::string(100, 'a') + "\r\n\r\n";
  CHECK(run_whole(big, false, false, small).error == Errc::header_too_large);

  // Across many feeds the head is counted as a whole.
  ResponseParser p(small);
  p.start(false);
  std::vector<std::string_view> body;
  std::error_code error;
  std::size_t fed = 0;
  for (char c : big) {
    const auto r = p.feed(std::string_view(&c, 1), body);
    ++fed;
    if (r.error) {
      error = r.error;
      break;
    }
  }
  CHECK(error == Errc::header_too_large);
  CHECK(fed == small.max_head_bytes);  // stopped as soon as the limit was crossed

  // A head of exactly the limit passes.
  const std::string exact =
      "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX: " + std::string(64 - 43, 'b') + "\r\n\r\n";
  REQUIRE(exact.size() == 64);
  CHECK(run_whole(exact, false, false, small).events.size() == 2);

  CHECK(run_whole("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n", false, false, small)
            .error == Errc::too_many_headers);
  // Fields with empty values count too.
  CHECK(run_whole("HTTP/1.1 200 OK\r\nA:\r\nB: \r\nC:\r\nD:\r\n\r\n", false, false, small).error ==
        Errc::too_many_headers);
  CHECK_FALSE(
      run_whole("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nContent-Length: 0\r\n\r\n", false, false, small)
          .error);
  CHECK(run_whole("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nA: 1\r\nB: 2\r\n"
                  "C: 3\r\nD: 4\r\n\r\n",
                  false, false, small)
            .error == Errc::too_many_headers);
  CHECK(run_whole("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nA: " +
                      std::string(100, 'x') + "\r\n\r\n",
                  false, false, small)
            .error == Errc::header_too_large);
}

TEST_CASE("h1 parser: keep-alive decisions") {
  auto keep_alive = [](std::string_view wire) {
    ResponseParser p;
    p.start(false);
    std::vector<std::string_view> body;
    std::string_view rest = wire;
    for (int i = 0; i < 4; ++i) {
      const auto r = p.feed(rest, body);
      REQUIRE_FALSE(r.error);
      rest.remove_prefix(r.consumed);
      if (r.message_complete) return p.keep_alive();
    }
    FAIL("response did not complete");
    return true;
  };
  CHECK(keep_alive("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
  CHECK_FALSE(keep_alive("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"));
  CHECK_FALSE(keep_alive("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"));
  CHECK(keep_alive("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok"));
  CHECK_FALSE(keep_alive("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                         "Connection: Upgrade\r\n\r\n"));
}

TEST_CASE("h1 parser: bytes nobody asked for") {
  ResponseParser p;
  std::vector<std::string_view> body;
  CHECK(p.feed("HTTP/1.1 200 OK\r\n\r\n", body).error == Errc::unexpected_data);  // before start

  ResponseParser q;
  q.start(false);
  const std::string wire = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA";
  std::string_view rest = wire;
  auto r = q.feed(rest, body);
  rest.remove_prefix(r.consumed);
  r = q.feed(rest, body);
  CHECK(r.message_complete);
  CHECK(rest.substr(r.consumed) == "EXTRA");  // left to the caller, never parsed as a body
  r = q.feed(rest.substr(r.consumed), body);   // no start(): no response is awaited
  CHECK(r.error == Errc::unexpected_data);
}

TEST_CASE("h1 parser: pipelined responses through one parser") {
  const std::string wire =
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na"
      "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nb\r\n0\r\n\r\n"
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nc";
  ResponseParser p;
  std::string_view rest = wire;
  std::string bodies;
  std::vector<int> statuses;
  for (int i = 0; i < 3; ++i) {
    p.start(false);
    std::vector<std::string_view> body;
    for (;;) {
      const auto r = p.feed(rest, body);
      REQUIRE_FALSE(r.error);
      rest.remove_prefix(r.consumed);
      if (r.head_complete) statuses.push_back(p.head().status_code);
      if (r.message_complete) break;
    }
    for (auto v : body) bodies.append(v);
  }
  CHECK(rest.empty());
  CHECK(bodies == "abc");
  CHECK(statuses == std::vector<int>{200, 404, 200});
}

TEST_CASE("h1 parser: obs-fold is replaced by a space, never kept as CR LF") {
  // RFC 9112 section 5.2: a user agent replaces each obs-fold with SP before interpreting.
  const std::string wire = "HTTP/1.1 200 OK\r\nX: a\r\n folded\r\nContent-Length: 0\r\n\r\n";
  const Trace t = run_whole(wire);
  REQUIRE(t.events.size() == 2);
  CHECK(t.events[0] == "head 200 1.1 'OK' [X=a folded] [Content-Length=0]");
  check_all_splits(wire);
}

TEST_CASE("h1 parser: empty values and a status line without reason") {
  const Trace t = run_whole("HTTP/1.1 200 \r\nX-Empty:\r\nContent-Length: 0\r\n\r\n");
  REQUIRE_FALSE(t.error);
  REQUIRE(t.events.size() == 2);
  CHECK(t.events[0] == "head 200 1.1 '' [X-Empty=] [Content-Length=0]");
}
