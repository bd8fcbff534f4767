#pragma once
// A sans-I/O HTTP/1.1 response parser (RFC 9112) over llhttp: bytes in, a head, body views and
// completion events out. One parser serves every response of a connection (start() between
// them), so the steady state allocates nothing but the strings of each head.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <llhttp.h>

#include "codec/h1/error.hpp"
#include "httpxx/headers.hpp"

namespace httpxx::detail::h1 {

struct ResponseHead {
  int status_code = 0;
  int version_minor = 1;  // HTTP/1.<minor>
  std::string reason;
  Headers headers;  // wire order and case
};

struct ParserLimits {
  std::size_t max_head_bytes = 256 * 1024;  // status line + fields; trailers alike
  std::size_t max_header_count = 256;
};

class ResponseParser {
 public:
  explicit ResponseParser(ParserLimits limits = {});

  // Prepares for the response to the next request; a response to HEAD has no body (RFC 9110
  // section 9.3.2). Pass true as well for a CONNECT request, whose 2xx response has no body
  // either (section 9.3.6): the bytes after its head belong to the tunnel.
  void start(bool head_request);

  struct Result {
    std::size_t consumed = 0;       // bytes of the input used; feed the rest again
    bool head_complete = false;     // head() is ready (for 1xx heads too: see is_interim())
    bool message_complete = false;  // the final response ended
    std::error_code error;          // framing error: the connection must not be reused
  };

  // Parses data. Body bytes are appended to body_out as views INTO data (valid as long as
  // data is). Stops right after a head is complete and right after the message is complete,
  // so the caller can act on them, then continues with the rest on the next call. A final
  // head without a body (HEAD, 204, 304, Content-Length: 0) reports head_complete and
  // message_complete together. Errors are sticky: every later call returns the same one.
  Result feed(std::string_view data, std::vector<std::string_view>& body_out);

  // The peer closed the connection: ends a close-delimited body (message_complete), or an
  // error (no_response / incomplete_head / body_truncated) when the message was not complete.
  // Between responses (after message_complete, before start()) it reports nothing.
  Result feed_eof();

  const ResponseHead& head() const noexcept { return head_; }
  ResponseHead take_head() { return std::move(head_); }
  // The head just completed is 1xx (100 Continue, 103 Early Hints; not 101): keep feeding,
  // the final response follows (RFC 9110 section 15.2).
  bool is_interim() const noexcept { return interim_; }
  // After message_complete: whether the connection may carry another request (HTTP/1.0
  // without keep-alive, "Connection: close", a close-delimited body or 101 forbid it).
  bool keep_alive() const noexcept { return keep_alive_; }
  std::optional<std::uint64_t> content_length() const noexcept { return content_length_; }
  bool chunked() const noexcept { return chunked_; }
  const Headers& trailers() const noexcept { return trailers_; }
  // What exactly was wrong, for the message of the exception built from Result::error.
  std::string_view error_reason() const noexcept { return error_reason_; }

 private:
  friend struct ParserCallbacks;  // llhttp's static trampolines, in the .cpp

  enum class Phase : std::uint8_t { idle, head, body, failed };

  Result fail(Result r, Errc code, const char* reason) noexcept;
  Result fail_from_llhttp(Result r, llhttp_errno_t err, const char* base) noexcept;
  Result end_of_run(Result r, llhttp_errno_t err, const char* base, std::size_t size) noexcept;
  int reject(Errc code, const char* reason) noexcept;
  int count_trailer_bytes(std::size_t n) noexcept;

  llhttp_t parser_{};
  ParserLimits limits_;
  Phase phase_ = Phase::idle;
  bool head_request_ = false;
  bool interim_ = false;
  bool keep_alive_ = false;
  bool chunked_ = false;
  bool finishing_ = false;        // inside llhttp_finish: completion must not pause
  bool status_done_ = false;      // the status line was parsed (error classification)
  bool saw_bytes_ = false;        // any byte of this response arrived (EOF error kind)
  std::size_t head_bytes_ = 0;    // bytes of the current head so far (limit across feeds)
  std::size_t field_count_ = 0;   // fields of the current head or trailer section
  std::size_t trailer_bytes_ = 0;
  std::optional<std::uint64_t> content_length_;
  ResponseHead head_;
  Headers trailers_;
  // A field name or value as llhttp delivers it: a view into the input while one run lasts, the
  // common case, copied into `held` only when the field continues into the next input.
  struct FieldPart {
    std::string_view span;
    std::string held;
    void append(const char* at, std::size_t n);
    void keep();   // the input is about to go: hold the bytes
    std::string_view view() const noexcept { return held.empty() ? span : std::string_view(held); }
    void clear() noexcept {
      span = {};
      held.clear();
    }
  };
  // llhttp_execute, keeping a field that continues into the next input.
  llhttp_errno_t execute(const char* data, std::size_t size);

  FieldPart name_;
  FieldPart value_;
  std::vector<std::string_view>* body_out_ = nullptr;
  std::optional<Errc> pending_;   // set by a callback that rejected the message
  const char* error_reason_ = "";
  Result error_result_;
};

}  // namespace httpxx::detail::h1
