#include <doctest/doctest.h>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "client/blocking_driver.hpp"
#include "compress.hpp"
#include "httpxx/errors.hpp"
#include "httpxx/response.hpp"
#include "transport/response_stream.hpp"

using namespace httpxx;
using Strings = std::vector<std::string>;

namespace {

// Serves the given chunks, each after a real suspension; optionally fails at one of them. The
// first `arrived` chunks (all of them and the end with arrived_all) are there already: they are
// served by read_buffered without a suspension, as a connection serves bytes that came with the
// response's head.
class FakeStream final : public detail::ResponseStream {
 public:
  explicit FakeStream(Strings chunks) : chunks_(std::move(chunks)) {}

  bool read_buffered(std::string& out) override {
    if (closed) throw ReadError("read from a closed stream");
    if (fail_buffered) throw RemoteProtocolError("invalid response body from example.org:443");
    while (next_ < chunks_.size() && (arrived_all || next_ < arrived)) out += chunks_[next_++];
    if (arrived_all && next_ == chunks_.size()) ended = true;
    return ended;
  }

  detail::Awaitable<bool> read_some(std::string& out) override {
    ++suspending_reads;
    co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
    if (closed) throw ReadError("read from a closed stream");
    if (fail_at && *fail_at == next_) throw ReadTimeout("timed out reading the body (read timeout 5 s)");
    if (next_ == chunks_.size()) {
      ended = true;
      co_return false;
    }
    out += chunks_[next_++];
    co_return true;
  }

  void close() noexcept override {
    if (!ended && !closed) abandoned = true;
    closed = true;
  }

  std::optional<std::size_t> fail_at;
  std::size_t arrived = 0;
  bool arrived_all = false;
  bool fail_buffered = false;
  int suspending_reads = 0;
  bool ended = false;
  bool closed = false;
  bool abandoned = false;   // closed before the end: the connection would be dropped

 private:
  Strings chunks_;
  std::size_t next_ = 0;
};

// Runs the awaitable on a private io_context, as the blocking client's driver does.
class FakeDriver final : public detail::BlockingDriver {
 public:
  void run(asio::awaitable<void> op) override {
    asio::io_context io;
    std::exception_ptr failure;
    asio::co_spawn(io, std::move(op), [&failure](std::exception_ptr e) { failure = e; });
    io.run();
    ++runs;
    if (failure) std::rethrow_exception(failure);
  }
  int runs = 0;
};

// Splits s into pieces of n bytes.
Strings pieces(const std::string& s, std::size_t n) {
  Strings out;
  for (std::size_t i = 0; i < s.size(); i += n) out.push_back(s.substr(i, n));
  return out;
}

struct Streamed {
  Response response;
  std::shared_ptr<FakeStream> stream;
  std::shared_ptr<FakeDriver> driver;
};

Streamed streamed(Headers headers, Strings chunks, bool blocking = true) {
  Streamed s{Response(200, std::move(headers)), std::make_shared<FakeStream>(std::move(chunks)),
             std::make_shared<FakeDriver>()};
  s.response.set_request(std::make_shared<const Request>("GET", URL("https://example.org/data")));
  s.response.set_stream(s.stream);
  if (blocking) s.response.set_blocking_driver(s.driver);
  return s;
}

Strings collect(ChunkRange range) {
  Strings out;
  for (const std::string& chunk : range) out.push_back(chunk);
  return out;
}

// Runs a coroutine to completion on a fresh io_context.
template <typename T>
T run_async(std::function<asio::awaitable<T>()> op) {
  asio::io_context io;
  std::optional<T> result;
  std::exception_ptr failure;
  asio::co_spawn(io, op(), [&](std::exception_ptr e, T value) {
    failure = e;
    if (!e) result = std::move(value);
  });
  io.run();
  if (failure) std::rethrow_exception(failure);
  return std::move(*result);
}

asio::awaitable<Strings> drain(AsyncChunkStream stream) {
  Strings out;
  while (auto chunk = co_await stream.next()) out.push_back(std::move(*chunk));
  co_return out;
}

std::string sample() {
  std::string s;
  for (int i = 0; i < 2000; ++i) s += "row " + std::to_string(i) + "\n";
  return s;
}

}  // namespace

// --- complete responses ----------------------------------------------------------------------

TEST_CASE("a complete response decodes its content at construction") {
  const std::string body = sample();
  const std::string wire = test::gzip(body);
  Response r(200, {{"Content-Encoding", "gzip"}}, wire);
  CHECK(r.content() == body);
  CHECK(r.headers().get("Content-Length") == std::to_string(wire.size()));
  CHECK(r.num_bytes_downloaded() == wire.size());
  CHECK(r.is_closed());
  CHECK(r.is_stream_consumed());
  CHECK(r.read() == body);   // no stream: read() just returns the content
  REQUIRE(body.size() > 15000);
  CHECK(collect(r.iter_bytes(5000)) ==
        Strings{body.substr(0, 5000), body.substr(5000, 5000), body.substr(10000, 5000), body.substr(15000)});
  CHECK_THROWS_AS(r.iter_raw(), StreamConsumed);
  CHECK_THROWS_AS(Response(200, {{"Content-Encoding", "br"}}, "not brotli"), DecodingError);
  // No content under a coding (a HEAD or 304 response carries one): nothing to decode, no error.
  for (const char* coding : {"gzip", "deflate", "br", "zstd", "gzip, br"}) {
    CAPTURE(coding);
    const Response empty(200, {{"Content-Encoding", coding}});
    CHECK(empty.content().empty());
    CHECK(empty.num_bytes_downloaded() == 0);
  }
  CHECK_FALSE(Response(204).headers().contains("Content-Length"));
  CHECK(Response(200, {{"Transfer-Encoding", "chunked"}}, "x").headers().get("Content-Length") == std::nullopt);
}

TEST_CASE("status helpers and the reason phrase") {
  Response r(404);
  CHECK(r.reason_phrase() == "Not Found");
  r.set_reason_phrase("Nope");
  CHECK(r.reason_phrase() == "Nope");
  CHECK(r.is_client_error());
  CHECK(r.is_error());
  CHECK_FALSE(r.is_success());
  CHECK(Response(302, {{"Location", "/x"}}).is_redirect());
  CHECK_FALSE(Response(302).is_redirect());
  CHECK_FALSE(Response(304, {{"Location", "/x"}}).is_redirect());
  CHECK(Response(308, {{"Location", "/x"}}).is_redirect());
  CHECK(Response(101).is_informational());
  CHECK(Response(503).is_server_error());
  CHECK(Response(200).http_version() == "HTTP/1.1");
}

TEST_CASE("text follows the charset, then JSON's UTF-8, then the default encoding") {
  Response latin(200, {{"Content-Type", "text/plain; charset=ISO-8859-1"}}, "caf\xE9");
  CHECK(latin.encoding() == "iso-8859-1");
  CHECK(latin.text() == "caf\xC3\xA9");

  Response plain(200, {{"Content-Type", "text/plain"}}, "caf\xE9");
  CHECK(plain.encoding() == "utf-8");
  CHECK(plain.text() == "caf\xEF\xBF\xBD");   // invalid UTF-8 replaced, as Python does
  plain.set_default_encoding("latin-1");
  CHECK(plain.encoding() == "latin-1");
  CHECK(plain.text() == "caf\xC3\xA9");

  Response json(200, {{"Content-Type", "application/json"}}, "{\"k\":\"\xC3\xA9\"}");
  json.set_default_encoding("latin-1");
  CHECK(json.encoding() == "utf-8");
  Response problem(200, {{"Content-Type", "application/problem+json"}}, "{}");
  problem.set_default_encoding("latin-1");
  CHECK(problem.encoding() == "utf-8");

  Response unknown(200, {{"Content-Type", "text/plain; charset=x-no-such"}}, "abc");
  CHECK(unknown.encoding() == "utf-8");
  CHECK(unknown.text() == "abc");
}

TEST_CASE("json parses the content or raises DecodingError") {
  CHECK(Response(200, {}, "{\"a\":[1,2]}").json() == nlohmann::json{{"a", {1, 2}}});
  CHECK(Response(200, {{"Content-Type", "application/json; charset=latin1"}}, "\"\xE9\"").json() == "\xC3\xA9");
  CHECK_THROWS_WITH_AS(Response(200, {}, "{oops").json(), doctest::Contains("invalid JSON"), DecodingError);
  CHECK_THROWS_WITH_AS(Response(200, {}, "").json(), doctest::Contains("parse error"), DecodingError);
}

TEST_CASE("raise_for_status carries httpx's message, the request and the response") {
  Response ok(201);
  CHECK(&ok.raise_for_status() == &ok);

  Response r(404, {{"X-Id", "7"}});
  r.set_request(std::make_shared<const Request>("GET", URL("https://user:secret@example.org/missing")));
  try {
    r.raise_for_status();
    FAIL("no exception");
  } catch (const HTTPStatusError& e) {
    CHECK(std::string(e.what()) ==
          "Client error '404 Not Found' for url 'https://example.org/missing'\n"
          "For more information check: https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/404");
    CHECK(e.request().url().path() == "/missing");
    CHECK(e.response().status_code() == 404);
    CHECK(e.response().headers().get("X-Id") == "7");
  }

  Response redirect(302, {{"Location", "/elsewhere"}});
  CHECK_THROWS_WITH_AS(redirect.raise_for_status(),
                       "Redirect response '302 Found' for url ''\nRedirect location: '/elsewhere'\n"
                       "For more information check: https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/302",
                       HTTPStatusError);
  CHECK_THROWS_WITH_AS(Response(503).raise_for_status(), doctest::Contains("Server error '503 Service Unavailable'"),
                       HTTPStatusError);
}

TEST_CASE("a response without a request says so") {
  Response r(200);
  CHECK_FALSE(r.has_request());
  CHECK_THROWS_AS((void)r.request(), std::logic_error);
  CHECK_THROWS_AS((void)r.url(), std::logic_error);
}

// --- streamed responses, blocking ------------------------------------------------------------

TEST_CASE("read() decodes a streamed body on the fly and releases the stream at the end") {
  const std::string body = sample();
  const std::string wire = test::gzip(body);
  auto s = streamed({{"Content-Encoding", "gzip"}}, pieces(wire, 100));
  CHECK_FALSE(s.response.is_closed());
  CHECK_FALSE(s.response.is_stream_consumed());
  CHECK_THROWS_AS((void)s.response.content(), ResponseNotRead);
  CHECK(s.response.read() == body);
  CHECK(s.response.content() == body);
  CHECK(s.response.num_bytes_downloaded() == wire.size());
  CHECK(s.response.is_closed());
  CHECK(s.stream->ended);
  CHECK_FALSE(s.stream->abandoned);
  CHECK(s.driver->runs == 1);
  // Read again, or iterated from memory: no more I/O.
  CHECK(s.response.read() == body);
  CHECK(collect(s.response.iter_lines()).size() == 2000);
  CHECK_THROWS_AS(s.response.iter_raw(), StreamConsumed);
  CHECK(s.driver->runs == 1);
}

TEST_CASE("a body that arrived with the head is read and decoded without waiting") {
  const std::string body = sample();
  const std::string wire = test::gzip(body);
  auto s = streamed({{"Content-Encoding", "gzip"}}, pieces(wire, 100));
  s.stream->arrived_all = true;
  CHECK(s.response.read() == body);
  CHECK(s.stream->suspending_reads == 0);
  CHECK(s.response.num_bytes_downloaded() == wire.size());
  CHECK(s.response.is_closed());
  CHECK(s.stream->ended);
  CHECK_FALSE(s.stream->abandoned);
}

TEST_CASE("a body partly arrived is read on from where the arrived bytes end") {
  const std::string body = sample();
  // Encoded, the decoder's state carries over; unencoded, the arrived bytes are read without a
  // decoding reader, and the one made for the rest counts on from them.
  for (const bool gzip : {true, false}) {
    CAPTURE(gzip);
    const std::string wire = gzip ? test::gzip(body) : body;
    const auto chunks = pieces(wire, 100);
    Headers headers;
    if (gzip) headers.add("Content-Encoding", "gzip");
    auto s = streamed(headers, chunks, false);
    s.stream->arrived = chunks.size() / 2;
    Response& r = s.response;
    const std::string content = run_async<std::string>([&r]() -> asio::awaitable<std::string> {
      co_return co_await r.aread();
    });
    CHECK(content == body);
    // The rest, and the end: one suspending read per remaining chunk and one for the end.
    CHECK(s.stream->suspending_reads == static_cast<int>(chunks.size() - chunks.size() / 2) + 1);
    CHECK(r.num_bytes_downloaded() == wire.size());
    CHECK_FALSE(s.stream->abandoned);
  }
}

TEST_CASE("read_arrived reads what has arrived without waiting, and aread goes on from there") {
  const std::string body = sample();
  const std::string wire = test::gzip(body);
  const auto chunks = pieces(wire, 100);

  auto whole = streamed({{"Content-Encoding", "gzip"}}, chunks, false);
  whole.stream->arrived_all = true;
  CHECK(whole.response.read_arrived());
  CHECK(whole.response.content() == body);
  CHECK(whole.stream->suspending_reads == 0);
  CHECK(whole.response.is_closed());
  CHECK(whole.response.read_arrived());   // once read, it stays read

  auto part = streamed({{"Content-Encoding", "gzip"}}, chunks, false);
  part.stream->arrived = chunks.size() / 2;
  Response& r = part.response;
  CHECK_FALSE(r.read_arrived());
  CHECK_THROWS_AS((void)r.content(), ResponseNotRead);
  CHECK_FALSE(r.read_arrived());          // nothing more has arrived: still not complete
  const std::string content = run_async<std::string>([&r]() -> asio::awaitable<std::string> {
    co_return co_await r.aread();
  });
  CHECK(content == body);
  CHECK(part.stream->suspending_reads == static_cast<int>(chunks.size() - chunks.size() / 2) + 1);
  CHECK_FALSE(part.stream->abandoned);
}

TEST_CASE("after a failed read, read_arrived and aread refuse the consumed stream") {
  auto s = streamed({}, {"a", "b", "c"}, false);
  s.stream->arrived = 1;
  s.stream->fail_at = 2;
  Response& r = s.response;
  CHECK_FALSE(r.read_arrived());
  CHECK_THROWS_AS(run_async<std::string>([&r]() -> asio::awaitable<std::string> {
    co_return co_await r.aread();
  }), ReadTimeout);
  CHECK(s.stream->abandoned);
  CHECK_THROWS_AS(r.read_arrived(), StreamConsumed);
  CHECK_THROWS_AS(run_async<std::string>([&r]() -> asio::awaitable<std::string> {
    co_return co_await r.aread();
  }), StreamConsumed);
}

TEST_CASE("an error in the arrived bytes closes the stream and names the request") {
  auto s = streamed({}, {"part"});
  s.stream->fail_buffered = true;
  try {
    s.response.read();
    FAIL("no exception");
  } catch (const RemoteProtocolError& e) {
    CHECK(e.has_request());
    CHECK(e.request().url().host() == "example.org");
  }
  CHECK(s.stream->abandoned);
  CHECK(s.response.is_closed());
}

TEST_CASE("iter_bytes re-chunks decoded bytes; the stream cannot be read twice") {
  const std::string body = sample();
  auto s = streamed({{"Content-Encoding", "br"}}, pieces(test::brotli(body), 50));
  auto chunks = collect(s.response.iter_bytes(1000));
  REQUIRE(!chunks.empty());
  std::string joined;
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    if (i + 1 < chunks.size()) CHECK(chunks[i].size() == 1000);
    joined += chunks[i];
  }
  CHECK(joined == body);
  CHECK(s.response.is_stream_consumed());
  CHECK(s.response.is_closed());
  CHECK_THROWS_AS(s.response.read(), StreamConsumed);
  CHECK_THROWS_AS(s.response.iter_bytes(), StreamConsumed);
}

TEST_CASE("iter_raw yields the bytes as received, still encoded") {
  const std::string wire = test::zstd(sample());
  auto s = streamed({{"Content-Encoding", "zstd"}}, pieces(wire, 333));
  const auto chunks = collect(s.response.iter_raw());
  CHECK(chunks == pieces(wire, 333));
  CHECK(s.response.num_bytes_downloaded() == wire.size());
  CHECK(collect(streamed({}, {"abcdefg"}).response.iter_raw(3)) == Strings{"abc", "def", "g"});
}

TEST_CASE("iter_text converts the charset across chunk boundaries; iter_lines splits lines") {
  // "né\r\nligne" in UTF-8 with the é split between two chunks.
  auto text = streamed({{"Content-Type", "text/plain; charset=utf-8"}}, {"n\xC3", "\xA9\r", "\nligne"});
  std::string joined;
  for (const std::string& chunk : text.response.iter_text()) joined += chunk;
  CHECK(joined == "n\xC3\xA9\r\nligne");

  auto latin = streamed({{"Content-Type", "text/plain; charset=latin-1"}}, {"caf\xE9\r", "\nth\xE9\n", "end"});
  CHECK(collect(latin.response.iter_lines()) == Strings{"caf\xC3\xA9", "th\xC3\xA9", "end"});

  auto chunked = streamed({}, {"ab\xC3", "\xA9" "cd"});
  CHECK(collect(chunked.response.iter_text(2)) == Strings{"ab", "\xC3\xA9" "c", "d"});
}

TEST_CASE("close() abandons an unread body; reading afterwards raises StreamClosed") {
  auto s = streamed({}, {"never", "read"});
  s.response.close();
  CHECK(s.response.is_closed());
  CHECK(s.stream->abandoned);
  CHECK_THROWS_AS(s.response.read(), StreamClosed);
  CHECK_THROWS_AS(s.response.iter_bytes(), StreamClosed);
  CHECK_THROWS_AS((void)s.response.content(), ResponseNotRead);
}

TEST_CASE("closing in the middle of an iteration stops it") {
  auto s = streamed({}, {"one", "two", "three"});
  auto range = s.response.iter_bytes();
  auto it = range.begin();
  CHECK(*it == "one");
  s.response.close();
  CHECK(s.stream->abandoned);
  CHECK_THROWS_AS(++it, StreamClosed);
}

TEST_CASE("a read error closes the stream and names the request") {
  auto s = streamed({}, {"part", "more"});
  s.stream->fail_at = 1;
  try {
    s.response.read();
    FAIL("no exception");
  } catch (const ReadTimeout& e) {
    CHECK(e.has_request());
    CHECK(e.request().url().host() == "example.org");
  }
  CHECK(s.stream->abandoned);
  CHECK(s.response.is_closed());
  CHECK_THROWS_AS(s.response.read(), StreamConsumed);
}

TEST_CASE("a streamed body over the decoded-size cap fails without holding its expansion") {
  const std::string zeros(8 * 1024 * 1024, '\0');
  auto s = streamed({{"Content-Encoding", "gzip"}}, pieces(test::gzip(zeros), 4096));
  s.response.set_max_decoded_size(256 * 1024);
  CHECK_THROWS_WITH_AS(s.response.read(), doctest::Contains("exceeds the limit of 262144 bytes"), DecodingError);
  CHECK(s.stream->abandoned);

  // Corrupt data mid-stream: DecodingError with the request attached.
  auto corrupt = streamed({{"Content-Encoding", "gzip"}}, {test::gzip("abc").substr(0, 10), "garbage!!"});
  try {
    corrupt.response.read();
    FAIL("no exception");
  } catch (const DecodingError& e) {
    CHECK(e.has_request());
  }
  // Truncated: the decoder's finish() notices at the end of the stream.
  const std::string wire = test::gzip(sample());
  auto truncated = streamed({{"Content-Encoding", "gzip"}}, {wire.substr(0, wire.size() / 2)});
  CHECK_THROWS_WITH_AS(truncated.response.read(), doctest::Contains("truncated"), DecodingError);
}

TEST_CASE("a response streamed by an AsyncClient cannot be read by blocking calls") {
  auto s = streamed({}, {"x"}, false);
  CHECK_THROWS_WITH_AS(s.response.read(), doctest::Contains("use aread()"), std::logic_error);
  CHECK_THROWS_AS(s.response.iter_bytes(), std::logic_error);
}

TEST_CASE("destroying an unread response drops its stream") {
  std::weak_ptr<FakeStream> weak;
  {
    auto s = streamed({}, {"unread"});
    weak = s.stream;
    s.stream.reset();
    CHECK_FALSE(weak.expired());
  }
  CHECK(weak.expired());
}

// --- streamed responses, from coroutines -----------------------------------------------------

TEST_CASE("aread() reads and decodes from a coroutine, returning the stored content") {
  const std::string body = sample();
  auto s = streamed({{"Content-Encoding", "deflate"}}, pieces(test::deflate_with(body, -15), 64), false);
  Response& r = s.response;
  const bool same_object = run_async<bool>([&r]() -> asio::awaitable<bool> {
    const std::string& content = co_await r.aread();
    co_return &content == &r.content();
  });
  CHECK(same_object);
  CHECK(r.content() == body);
  CHECK(r.is_closed());
  CHECK_FALSE(s.stream->abandoned);
  const std::string again = run_async<std::string>([&r]() -> asio::awaitable<std::string> {
    co_return co_await r.aread();
  });
  CHECK(again == body);
}

TEST_CASE("aiter_bytes, aiter_text, aiter_lines and aiter_raw from a coroutine") {
  auto bytes = streamed({}, {"abc", "defg", "h"}, false);
  CHECK(run_async<Strings>([&]() { return drain(bytes.response.aiter_bytes(3)); }) == Strings{"abc", "def", "gh"});
  CHECK_THROWS_AS(bytes.response.aiter_bytes(), StreamConsumed);

  auto lines = streamed({{"Content-Type", "text/csv; charset=latin1"}}, {"a,\xE9\r", "\nb,c\n"}, false);
  CHECK(run_async<Strings>([&]() { return drain(lines.response.aiter_lines()); }) ==
        Strings{"a,\xC3\xA9", "b,c"});

  const std::string wire = test::gzip("zipped");
  auto raw = streamed({{"Content-Encoding", "gzip"}}, {wire}, false);
  CHECK(run_async<Strings>([&]() { return drain(raw.response.aiter_raw()); }) == Strings{wire});

  auto text = streamed({}, {"\xE2\x82", "\xAC!"}, false);
  CHECK(run_async<Strings>([&]() { return drain(text.response.aiter_text()); }) == Strings{"\xE2\x82\xAC!"});
}

TEST_CASE("aclose() abandons the body") {
  auto s = streamed({}, {"unread"}, false);
  run_async<bool>([&]() -> asio::awaitable<bool> {
    co_await s.response.aclose();
    co_return true;
  });
  CHECK(s.stream->abandoned);
  CHECK(s.response.is_closed());
  CHECK_THROWS_AS(s.response.aiter_lines(), StreamClosed);
}
