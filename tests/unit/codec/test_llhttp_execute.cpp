// The two copies of llhttp's parser (see lib/codec/h1/llhttp_execute.hpp) must agree on every
// input: the SSE4.2 copy takes its 16-byte path only where 16 bytes are left, so each input is
// also fed split at every offset.

#include <doctest/doctest.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "codec/h1/llhttp_execute.hpp"

using httpxx::detail::h1::llhttp_uses_sse42;

namespace {

using Execute = llhttp_errno_t (*)(llhttp_t*, const char*, std::size_t);

// Every callback and span, in order, as text.
struct Events {
  std::string text;
};

Events& events(llhttp_t* p) { return *static_cast<Events*>(p->data); }

template <char Tag>
int on_span(llhttp_t* p, const char* at, std::size_t n) {
  events(p).text += Tag;
  events(p).text.append(at, n);
  events(p).text += '|';
  return 0;
}

template <char Tag>
int on_event(llhttp_t* p) {
  events(p).text += Tag;
  events(p).text += '|';
  return 0;
}

llhttp_settings_t recording_settings() {
  llhttp_settings_t s;
  llhttp_settings_init(&s);
  s.on_message_begin = on_event<'B'>;
  s.on_status = on_span<'S'>;
  s.on_header_field = on_span<'F'>;
  s.on_header_value = on_span<'V'>;
  s.on_header_field_complete = on_event<'f'>;
  s.on_header_value_complete = on_event<'v'>;
  s.on_headers_complete = on_event<'H'>;
  s.on_body = on_span<'D'>;
  s.on_chunk_header = on_event<'C'>;
  s.on_chunk_complete = on_event<'c'>;
  s.on_message_complete = on_event<'M'>;
  return s;
}

// Parses input as responses, fed in two pieces split at `split`, and describes what llhttp did.
std::string parse(Execute execute, std::string_view input, std::size_t split) {
  const llhttp_settings_t settings = recording_settings();
  llhttp_t parser;
  llhttp_init(&parser, HTTP_RESPONSE, &settings);
  Events seen;
  parser.data = &seen;
  llhttp_errno_t err = HPE_OK;
  for (std::string_view piece : {input.substr(0, split), input.substr(split)}) {
    // Each piece in its own allocation, so that a read past its end is caught by the sanitizers.
    const std::string copy(piece);
    err = execute(&parser, copy.data(), copy.size());
    if (err != HPE_OK) {
      seen.text += "error " + std::to_string(err) + " at " +
                   std::to_string(llhttp_get_error_pos(&parser) - copy.data()) + ": " +
                   llhttp_get_error_reason(&parser);
      break;
    }
  }
  return seen.text;
}

#if LLHTTP_HAS_SSE42_EXECUTE
llhttp_errno_t sse42(llhttp_t* parser, const char* data, std::size_t size) {
  return static_cast<llhttp_errno_t>(llhttp_sse42_execute(parser, data, data + size));
}
#endif

const std::vector<std::string> inputs = {
    // nginx's head for a static file, and a body
    "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Sat, 21 Nov 2026 16:43:50 GMT\r\n"
    "Content-Type: application/octet-stream\r\nContent-Length: 5\r\n"
    "Last-Modified: Sat, 21 Nov 2026 16:43:16 GMT\r\nConnection: keep-alive\r\n"
    "ETag: \"6b01ca24-400\"\r\nAccept-Ranges: bytes\r\n\r\nhello",
    // long names and values, tabs and obs-text in values, an empty value
    "HTTP/1.1 200 OK\r\nAccess-Control-Allow-Credentials: true\r\n"
    "Content-Security-Policy:\tdefault-src 'self'; img-src * data: blob:; frame-ancestors 'none'\t\r\n"
    "X-Obs-Text: caf\xc3\xa9 na\xc3\xafve \xff\x80 end of a long value\r\nX-Empty:\r\n"
    "Content-Length: 0\r\n\r\n",
    // chunked with trailers, then a second response on the same connection
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum-Of-The-Body\r\n\r\n"
    "5\r\nhello\r\n10\r\n0123456789abcdef\r\n0\r\nX-Checksum-Of-The-Body: 0123456789abcdef0123\r\n\r\n"
    "HTTP/1.1 204 No Content\r\nX-Request-Identifier: 0123456789abcdef0123456789\r\n\r\n",
    // 1xx before the final response
    "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload; as=style\r\n\r\n"
    "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
    // a control byte deep inside a long value, and inside a long name
    "HTTP/1.1 200 OK\r\nX-Long-Header-Value: 0123456789abcdef0123\x01" "456789\r\n\r\n",
    "HTTP/1.1 200 OK\r\nX-Long-Header-Name-Th\x7f" "at-Goes-On: 1\r\n\r\n",
    // a bare LF and a space before the colon, both refused in strict mode
    "HTTP/1.1 200 OK\r\nX-Long-Header-Value: 0123456789abcdef0123\n\r\n",
    "HTTP/1.1 200 OK\r\nX-Long-Header-Name-That-Goes-On : 1\r\n\r\n",
};

}  // namespace

TEST_CASE("execute_llhttp runs the SSE4.2 copy exactly when this build has it and the CPU runs it") {
#if LLHTTP_HAS_SSE42_EXECUTE
  CHECK(llhttp_uses_sse42() == static_cast<bool>(__builtin_cpu_supports("sse4.2")));
#else
  CHECK_FALSE(llhttp_uses_sse42());
#endif
}

TEST_CASE("execute_llhttp parses as llhttp_execute does, whichever copy it runs") {
  for (const auto& input : inputs) {
    CAPTURE(input);
    for (std::size_t split = 0; split <= input.size(); ++split) {
      CAPTURE(split);
      REQUIRE(parse(httpxx::detail::h1::execute_llhttp, input, split) == parse(llhttp_execute, input, split));
    }
  }
}

#if LLHTTP_HAS_SSE42_EXECUTE
TEST_CASE("the SSE4.2 copy of llhttp parses as the baseline copy does") {
  // Without SSE4.2 the copy cannot run here; the test above then covers the baseline alone.
  REQUIRE(__builtin_cpu_supports("sse4.2"));
  for (const auto& input : inputs) {
    CAPTURE(input);
    for (std::size_t split = 0; split <= input.size(); ++split) {
      CAPTURE(split);
      REQUIRE(parse(sse42, input, split) == parse(llhttp_execute, input, split));
    }
  }
}
#endif
