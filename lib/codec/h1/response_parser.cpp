#include "codec/h1/response_parser.hpp"

#include "codec/h1/llhttp_execute.hpp"
#include "codec/typical_fields.hpp"

#include <algorithm>
#include <utility>

namespace httpxx::detail::h1 {

// llhttp calls plain C functions with the llhttp_t; these forward to the parser that owns it
// (parser_.data), and only record: no I/O and no user code runs inside llhttp_execute.
struct ParserCallbacks {
  static ResponseParser& self(llhttp_t* p) noexcept { return *static_cast<ResponseParser*>(p->data); }

  static int on_message_begin(llhttp_t* p) {
    ResponseParser& s = self(p);
    // A new head starts: after start(), or the final response after a 1xx one.
    s.head_.status_code = 0;
    s.head_.version_minor = 1;
    s.head_.reason.clear();
    s.head_.headers.clear();
    s.head_.headers.reserve(typical_header_count);
    s.name_.clear();
    s.value_.clear();
    s.field_count_ = 0;
    s.status_done_ = false;
    s.interim_ = false;
    s.chunked_ = false;
    s.content_length_.reset();
    return 0;
  }

  static int on_status(llhttp_t* p, const char* at, std::size_t n) {
    self(p).head_.reason.append(at, n);
    return 0;
  }

  static int on_status_complete(llhttp_t* p) {
    ResponseParser& s = self(p);
    s.status_done_ = true;
    // RFC 9112 section 2.3: this parser speaks HTTP/1.x only; RFC 9110 section 15: three digits.
    if (p->http_major != 1) return s.reject(Errc::invalid_status_line, "HTTP version is not 1.x");
    if (p->status_code < 100 || p->status_code > 999) {
      return s.reject(Errc::invalid_status_line, "status code is not three digits");
    }
    return 0;
  }

  static int on_header_field(llhttp_t* p, const char* at, std::size_t n) {
    ResponseParser& s = self(p);
    if (s.phase_ == ResponseParser::Phase::body && s.count_trailer_bytes(n) != 0) return -1;
    s.name_.append(at, n);
    return 0;
  }

  static int on_header_value(llhttp_t* p, const char* at, std::size_t n) {
    ResponseParser& s = self(p);
    if (s.phase_ == ResponseParser::Phase::body && s.count_trailer_bytes(n) != 0) return -1;
    s.value_.append(at, n);
    return 0;
  }

  // Every field ends here, an empty value too: the fields are counted here rather than in a
  // callback of their own when each name ends.
  static int on_header_value_complete(llhttp_t* p) {
    ResponseParser& s = self(p);
    if (++s.field_count_ > s.limits_.max_header_count) {
      return s.reject(Errc::too_many_headers, "too many header fields");
    }
    // RFC 9112 section 5.1: OWS around the value is not part of it; llhttp drops the leading
    // whitespace only.
    std::string_view value = s.value_.view();
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    Headers& target =
        s.phase_ == ResponseParser::Phase::body ? s.trailers_ : s.head_.headers;
    target.emplace_unchecked(s.name_.view(), value);
    s.name_.clear();
    s.value_.clear();
    return 0;
  }

  static int on_headers_complete(llhttp_t* p) {
    ResponseParser& s = self(p);
    const int status = p->status_code;
    s.head_.status_code = status;
    s.head_.version_minor = p->http_minor;
    // RFC 9110 section 15.2: 1xx responses precede the final one; 101 ends HTTP/1.1 on this
    // connection instead, so it is final here.
    s.interim_ = status / 100 == 1 && status != 101;
    s.chunked_ = (p->flags & F_CHUNKED) != 0;
    if ((p->flags & F_CONTENT_LENGTH) != 0) s.content_length_ = p->content_length;
    s.field_count_ = 0;  // trailers are counted on their own
    // RFC 9112 section 6.3 rule 1: responses to HEAD, 1xx, 204 and 304 have no body whatever
    // their framing fields say (llhttp would read a Content-Length body of a 204). Returning 1
    // would say so but cannot pause, so set llhttp's flag directly: after the pause llhttp
    // reads it in llhttp__after_headers_complete.
    if (s.head_request_ || status / 100 == 1 || status == 204 || status == 304) {
      p->flags |= F_SKIPBODY;
    }
    return HPE_PAUSED;
  }

  static int on_body(llhttp_t* p, const char* at, std::size_t n) {
    self(p).body_out_->emplace_back(at, n);
    return 0;
  }

  static int on_message_complete(llhttp_t* p) {
    ResponseParser& s = self(p);
    if (s.interim_) return 0;  // the final response follows in the same run
    // Decided here: llhttp clears the flags it needs once this callback returns.
    s.keep_alive_ = llhttp_should_keep_alive(p) != 0 && s.head_.status_code != 101;
    return s.finishing_ ? 0 : HPE_PAUSED;
  }

  static const llhttp_settings_t& settings() noexcept {
    static const llhttp_settings_t table = [] {
      llhttp_settings_t t;
      llhttp_settings_init(&t);
      t.on_message_begin = on_message_begin;
      t.on_status = on_status;
      t.on_status_complete = on_status_complete;
      t.on_header_field = on_header_field;
      t.on_header_value = on_header_value;
      t.on_header_value_complete = on_header_value_complete;
      t.on_headers_complete = on_headers_complete;
      t.on_body = on_body;
      t.on_message_complete = on_message_complete;
      return t;
    }();
    return table;
  }
};

void ResponseParser::FieldPart::append(const char* at, std::size_t n) {
  if (span.empty() && held.empty()) {
    span = {at, n};
    return;
  }
  keep();
  held.append(at, n);
}

void ResponseParser::FieldPart::keep() {
  if (span.empty()) return;
  held.assign(span);
  span = {};
}

llhttp_errno_t ResponseParser::execute(const char* data, std::size_t size) {
  const llhttp_errno_t err = execute_llhttp(&parser_, data, size);
  name_.keep();
  value_.keep();
  return err;
}

ResponseParser::ResponseParser(ParserLimits limits) : limits_(limits) {
  // Lenient flags stay off: RFC 9112 section 6.3 framing rules are enforced as written.
  llhttp_init(&parser_, HTTP_RESPONSE, &ParserCallbacks::settings());
}

void ResponseParser::start(bool head_request) {
  llhttp_reset(&parser_);
  phase_ = Phase::head;
  head_request_ = head_request;
  interim_ = false;
  keep_alive_ = false;
  chunked_ = false;
  finishing_ = false;
  status_done_ = false;
  saw_bytes_ = false;
  head_bytes_ = 0;
  field_count_ = 0;
  trailer_bytes_ = 0;
  content_length_.reset();
  trailers_.clear();
  pending_.reset();
  error_reason_ = "";
}

ResponseParser::Result ResponseParser::feed(std::string_view data,
                                            std::vector<std::string_view>& body_out) {
  parser_.data = this;  // the parser may have moved since the last call
  Result r;
  switch (phase_) {
    case Phase::failed:
      return error_result_;
    case Phase::idle:
      if (data.empty()) return r;
      return fail(r, Errc::unexpected_data, "data received while no response was expected");
    case Phase::head:
    case Phase::body:
      break;
  }
  // An empty run would also drop llhttp's pending span (its start is re-based on the input).
  if (data.empty()) return r;
  body_out_ = &body_out;

  if (phase_ == Phase::body) {
    return end_of_run(r, execute(data.data(), data.size()), data.data(),
                      data.size());
  }

  saw_bytes_ = true;
  // Giving llhttp no more than the head may still take bounds the head without counting
  // inside callbacks: if it has not ended within the budget, it is too large.
  const std::size_t budget = std::min(data.size(), limits_.max_head_bytes - head_bytes_);
  const llhttp_errno_t err = execute(data.data(), budget);
  if (err == HPE_OK) {
    head_bytes_ += budget;
    r.consumed = budget;
    if (head_bytes_ >= limits_.max_head_bytes) {
      return fail(r, Errc::header_too_large, "response head exceeds max_head_bytes");
    }
    return r;
  }
  if (err != HPE_PAUSED) return fail_from_llhttp(r, err, data.data());

  // Paused by on_headers_complete.
  r.consumed = static_cast<std::size_t>(llhttp_get_error_pos(&parser_) - data.data());
  r.head_complete = true;
  llhttp_resume(&parser_);
  if (interim_) {
    head_bytes_ = 0;  // the final head gets its own budget
    return r;
  }
  phase_ = Phase::body;
  // A final head without a body (HEAD, 204, 304, Content-Length: 0) completes without another
  // byte: run llhttp over no input so that it reaches on_message_complete now, as the caller
  // may never receive more bytes to feed.
  const char* rest = data.data() + r.consumed;
  return end_of_run(r, execute(rest, 0), rest, 0);
}

ResponseParser::Result ResponseParser::end_of_run(Result r, llhttp_errno_t err, const char* base,
                                                  std::size_t size) noexcept {
  if (err == HPE_OK) {
    r.consumed += size;
    return r;
  }
  if (err == HPE_PAUSED || err == HPE_PAUSED_UPGRADE) {
    // Paused by on_message_complete (or by llhttp after a 101 with Upgrade).
    r.consumed += static_cast<std::size_t>(llhttp_get_error_pos(&parser_) - base);
    r.message_complete = true;
    phase_ = Phase::idle;
    return r;
  }
  return fail_from_llhttp(r, err, base);
}

ResponseParser::Result ResponseParser::feed_eof() {
  parser_.data = this;
  Result r;
  switch (phase_) {
    case Phase::failed:
      return error_result_;
    case Phase::idle:
      return r;
    case Phase::head:
      if (!saw_bytes_) return fail(r, Errc::no_response, "connection closed before a response");
      return fail(r, Errc::incomplete_head, "connection closed inside the response head");
    case Phase::body:
      break;
  }
  // RFC 9112 section 6.3: only a body delimited by the close itself ends well here; llhttp
  // knows which (HTTP_FINISH_SAFE_WITH_CB) and calls on_message_complete.
  finishing_ = true;
  const llhttp_errno_t err = llhttp_finish(&parser_);
  finishing_ = false;
  if (err != HPE_OK) {
    return fail(r, Errc::body_truncated, "connection closed before the end of the body");
  }
  r.message_complete = true;
  phase_ = Phase::idle;
  return r;
}

ResponseParser::Result ResponseParser::fail(Result r, Errc code, const char* reason) noexcept {
  phase_ = Phase::failed;
  keep_alive_ = false;
  r.error = code;
  error_reason_ = reason;
  error_result_ = Result{};
  error_result_.error = code;
  return r;
}

ResponseParser::Result ResponseParser::fail_from_llhttp(Result r, llhttp_errno_t err,
                                                        const char* base) noexcept {
  if (const char* pos = llhttp_get_error_pos(&parser_); pos != nullptr && pos >= base) {
    r.consumed += static_cast<std::size_t>(pos - base);
  }
  if (pending_) return fail(r, *pending_, error_reason_);
  const char* reason = llhttp_get_error_reason(&parser_);
  if (reason == nullptr) reason = llhttp_errno_name(err);
  Errc code = Errc::protocol_error;
  switch (err) {
    case HPE_INVALID_CONTENT_LENGTH: code = Errc::invalid_content_length; break;
    case HPE_UNEXPECTED_CONTENT_LENGTH: code = Errc::conflicting_framing; break;
    case HPE_INVALID_TRANSFER_ENCODING: code = Errc::invalid_transfer_encoding; break;
    case HPE_INVALID_CHUNK_SIZE: code = Errc::invalid_chunk; break;
    case HPE_CLOSED_CONNECTION: code = Errc::unexpected_data; break;
    case HPE_INVALID_STATUS:
    case HPE_INVALID_VERSION: code = Errc::invalid_status_line; break;
    case HPE_INVALID_HEADER_TOKEN: code = Errc::invalid_header; break;
    default:
      // The rest (unexpected bytes, missing CR or LF) is classified by where it happened.
      if (phase_ == Phase::head) {
        code = status_done_ ? Errc::invalid_header : Errc::invalid_status_line;
      } else if (chunked_) {
        code = Errc::invalid_chunk;
      }
      break;
  }
  return fail(r, code, reason);
}

int ResponseParser::reject(Errc code, const char* reason) noexcept {
  pending_ = code;
  error_reason_ = reason;
  return -1;
}

int ResponseParser::count_trailer_bytes(std::size_t n) noexcept {
  trailer_bytes_ += n;
  if (trailer_bytes_ > limits_.max_head_bytes) {
    return reject(Errc::header_too_large, "trailer section exceeds max_head_bytes");
  }
  return 0;
}

}  // namespace httpxx::detail::h1
